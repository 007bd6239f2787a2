"""Re-evaluate decisions when the households app says facts changed (ADR 0011). Small sets are
evaluated at once (after the commit); a whole region (a list import, a new rule set) in a job."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from anju.accounts.models import User
from anju.households.signals import household_facts_changed

INLINE_LIMIT = 200


@receiver(household_facts_changed)
def refresh_decisions(
    sender: Any, household_ids: list[int], region_code: str | None, reason: str, acting_user: User, **kwargs: Any
) -> None:
    from anju.eligibility.services import decisions_refresh, decisions_refresh_set, households_that_matter
    from anju.jobs.services import job_start

    system = getattr(acting_user, "pk", None) is None  # a job needs a user to report to
    if (household_ids and len(household_ids) <= INLINE_LIMIT) or system:
        if household_ids and len(household_ids) <= INLINE_LIMIT:
            decisions_refresh(household_ids=household_ids, trigger=reason, acting_user=acting_user)
        else:  # a region or a long list: set-based (ADR 0042)
            ids = household_ids or households_that_matter(region_code or "")
            decisions_refresh_set(household_ids=ids, trigger=reason, acting_user=acting_user)
        return
    job_start(
        acting_user=acting_user,
        kind="eligibility.refresh",
        title=f"重新认定保障资格：{reason}"[:100],
        params={"household_ids": household_ids, "region_code": region_code, "reason": reason},
    )
