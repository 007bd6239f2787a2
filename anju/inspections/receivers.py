"""What the inspection work does when the households app says a department list has put
households into a key group (``households.signals.statuses_confirmed``): their pending referrals
to that department are closed (ADR 0025: the lower app sends, this app listens)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from anju.households.signals import statuses_confirmed


@receiver(statuses_confirmed)
def close_referrals(
    sender: Any, household_ids: list[int], department: str, group: str, source: str, acting_user: Any, **kwargs: Any
) -> None:
    from anju.inspections.services.referrals import referrals_close_by_list

    referrals_close_by_list(
        household_ids=household_ids, department=department, group=group, source=source, acting_user=acting_user
    )
