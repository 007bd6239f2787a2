"""Notices the households services send when facts that other apps derive decisions from
have changed (statuses, houses). They carry no business rule: the eligibility app listens
and re-evaluates through its own service (ADR 0011)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from anju.accounts.models import User

# kwargs: household_ids (list[int]) or region_code (str, "all households there that matter"),
# reason (str, shown in the decision's history), acting_user.
household_facts_changed = Signal()

# Sent inside a department list import's transaction (so a receiver's writes stand or fall with
# it) for the existing households the list has just put into a key group. kwargs: household_ids
# (list[int]), department (str), group (str), source (str, the list's name), acting_user.
# The inspections app closes its referrals for them (a referral asks exactly that question).
statuses_confirmed = Signal()

# Sent inside the registering service's transaction (so a receiver's writes stand or fall with
# it) when people or an only house are registered: a household with its head (household_create),
# a member (member_add), a house (house_create). kwargs: household_id (int), id_numbers
# (list[str], the people just registered; empty for a house), acting_user. The national-system
# history (``history.link_registered``) links its records of these people to the household.
registered = Signal()


def facts_changed(
    *, acting_user: User, reason: str, household_ids: Iterable[int] = (), region_code: str | None = None
) -> None:
    """Send ``household_facts_changed`` once the current transaction has committed."""
    ids = sorted(set(household_ids))

    def send() -> None:
        household_facts_changed.send(
            sender=None, household_ids=ids, region_code=region_code, reason=reason, acting_user=acting_user
        )

    transaction.on_commit(send)
