"""Keep the summaries current (ADR 0020). These receivers hold no business rule: they only
note which villages changed and, once the transaction commits, call ``summaries_refresh`` for
them (a whole region named by the households app goes to a job)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from anju.accounts.models import User
from anju.cases.models import CaseStep
from anju.households.signals import household_facts_changed
from anju.regions.choices import RegionLevel
from anju.regions.codes import RegionCodeError, level_of
from anju.subsidies.models import Payment
from anju.tasks.models import Task

log = logging.getLogger(__name__)
_pending = threading.local()


def _flush() -> None:
    from anju.dashboard.services import summaries_refresh

    codes: set[str] = getattr(_pending, "codes", set())
    _pending.codes = set()
    if codes:
        summaries_refresh(region_codes=codes)


def refresh_after_commit(region_code: str) -> None:
    """Refresh the summaries of this region once the current transaction commits; several acts
    in one transaction refresh once. A refresh that fails is logged, never undoes the act."""
    if not hasattr(_pending, "codes"):
        _pending.codes = set()
    _pending.codes.add(region_code)
    if not getattr(_pending, "deferred", False):
        transaction.on_commit(_flush, robust=True)


@contextmanager
def refreshes_deferred() -> Iterator[None]:
    """For bulk work (the demo loader, a command that writes thousands of rows): note the changed
    regions while it runs and refresh them all once at the end, instead of once per household —
    facts-changed signals arrive after each commit, one household at a time."""
    _pending.deferred = True
    try:
        yield
    finally:
        _pending.deferred = False
        _flush()


@receiver(post_save, sender=CaseStep)
def case_step_saved(sender: Any, instance: CaseStep, **kwargs: Any) -> None:
    refresh_after_commit(instance.case.region_code)


@receiver(post_save, sender=Payment)
def payment_saved(sender: Any, instance: Payment, **kwargs: Any) -> None:
    refresh_after_commit(instance.region_code)


@receiver(post_save, sender=Task)
def task_saved(sender: Any, instance: Task, **kwargs: Any) -> None:
    refresh_after_commit(instance.region_code)


@receiver(household_facts_changed)
def household_facts(
    sender: Any, household_ids: list[int], region_code: str | None, reason: str, acting_user: User, **kwargs: Any
) -> None:
    from anju.households.models import Household
    from anju.jobs.services import job_start

    if household_ids:
        villages = set(Household.objects.filter(pk__in=household_ids).values_list("region_code", flat=True))
        refresh_after_commit_all(villages)
        return
    if not region_code:
        return
    try:
        small = level_of(region_code) >= RegionLevel.VILLAGE
    except RegionCodeError:
        small = False
    if small or getattr(acting_user, "pk", None) is None:
        refresh_after_commit_all({region_code})
        return
    job_start(
        acting_user=acting_user,
        kind="dashboard.refresh",
        title=f"更新看板统计：{reason}"[:100],
        params={"region_codes": [region_code]},
    )


def refresh_after_commit_all(codes: set[str]) -> None:
    for code in codes:
        refresh_after_commit(code)
