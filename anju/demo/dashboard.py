"""Demo: fill the dashboard's summaries from the demo data loaded before."""

from __future__ import annotations

from typing import Any

from anju.dashboard.models import RegionSummary
from anju.dashboard.services import summaries_refresh


def load_demo_dashboard(superuser: Any) -> int:
    """Refresh every summary (cheap on the demo data, and right whatever loaded before); returns
    the rows written, or 0 when the summaries were already there (refreshed all the same)."""
    existed = RegionSummary.objects.exists()
    rows = summaries_refresh()
    return 0 if existed else rows
