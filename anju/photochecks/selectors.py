"""Reads of photo flags, scoped to the user's region, with their joins done."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anju.core.actors import Viewer
from anju.photochecks.acts import EXPLAIN, available_acts
from anju.photochecks.filters import PhotoFlagFilter
from anju.photochecks.models import PhotoFlag


def flags_base(user: Viewer) -> QuerySet[PhotoFlag]:
    return PhotoFlag.objects.visible_to(user).select_related(
        "check_record__house__household", "check_record__house__region", "explained_by", "other__house__household"
    )


def flags_visible(user: Viewer, params: Any) -> PhotoFlagFilter:
    """The township's list of flags: unexplained first, newest first."""
    return PhotoFlagFilter(params, queryset=flags_base(user).order_by("explained_at", "-created_at", "-pk"))


def flag_counts(user: Viewer) -> dict[str, int]:
    qs = PhotoFlag.objects.visible_to(user)
    return {"open": qs.filter(explained_at__isnull=True).count(), "all": qs.count()}


def case_flags(user: Viewer, *, case_id: int, house_id: int | None) -> list[PhotoFlag]:
    """The flags of a case's photos and of its house's inspection photos."""
    qs = flags_base(user).filter(check_record__case_id=case_id)
    if house_id is not None:
        qs = qs | flags_base(user).filter(check_record__house_id=house_id, check_record__case_id__isnull=True)
    return list(qs.order_by("explained_at", "-created_at", "-pk"))


def with_acts(flags: Any, user: Any) -> list[PhotoFlag]:
    """Each flag with ``explain_act``: open, or the reason it is not (pages offer exactly that)."""
    rows = list(flags)
    for flag in rows:
        flag.explain_act = next(a for a in available_acts(flag, user) if a.kind == EXPLAIN)
    return rows
