"""Figures for the home page, always within the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from anju.regions.choices import RegionLevel
from anju.regions.models import Region


def home_figures(user: Any) -> dict[str, Any]:
    from anju.accounts.models import User
    from anju.jobs.models import Job

    by_level = dict(
        Region.objects.visible_to(user).values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    return {
        "region": getattr(user, "region", None),
        "levels": [
            (RegionLevel(level).label, by_level.get(level, 0)) for level in RegionLevel.values if by_level.get(level)
        ],
        "users": User.objects.visible_to(user).filter(is_active=True).count(),
        "jobs_running": Job.objects.visible_to(user).filter(created_by=user, status__in=["queued", "running"]).count(),
    }
