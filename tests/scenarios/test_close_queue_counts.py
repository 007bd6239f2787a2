"""The county's 销号 queue is counted in the database (issue 23: the county officer's home page took
5 s under load when every accepted case was asked case by case). Each app's filter must keep
exactly the cases its blockers have nothing against: here one case ready to close, then each
thing that stands in the way of 销号 in turn — the queue, the filter and the case page agree."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from anju.acceptance.models import Acceptance
from anju.acceptance.services import acceptance_record
from anju.acceptance.tests.conftest import record_kwargs
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.archives.models import ArchiveDocument, ArchiveReview
from anju.archives.services import archive_review
from anju.archives.tests.conftest import fill
from anju.cases import extensions
from anju.cases.acts import act_refusal
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.cases.queues import case_queue
from anju.cases.tests.conftest import Officers
from anju.households.models import Household
from anju.subsidies.models import Payment
from anju.subsidies.services import payment_record
from tests.scenarios.conftest import ago, walk

pytestmark = pytest.mark.django_db


class Undo(Exception):
    pass


def _ready(case: RenovationCase, crew: Officers, civil: User, rural: User) -> None:
    """Everything 销号 needs, short of 销号 itself."""
    walk(case, crew, Stage.COMPLETED)
    case.refresh_from_db()
    acceptance_record(acting_user=crew["township"], **record_kwargs(case, post_grade="A"))
    case.refresh_from_db()
    fill(case, crew["township"])
    Household.objects.filter(pk=case.household_id).update(bank_account="6228480012345678901")
    payment_record(
        acting_user=crew["county"],
        case=case,
        amount=case.subsidy_amount or Decimal("0"),
        paid_on=ago(8),
        payee_kind="household",
        voucher_no=f"BZ-{case.pk}",
    )
    for who, role in ((civil, "civil_affairs"), (rural, "rural_revitalization")):
        archive_review(acting_user=who, case=case, agreed=True, opinion="材料齐全，同意", on=ago(6), role=role)
    case.refresh_from_db()


def _latest(case: RenovationCase) -> Acceptance:
    found = Acceptance.objects.filter(case=case).order_by("-attempt").first()
    assert found is not None
    return found


def _fail_again(case: RenovationCase) -> None:
    """A second attempt that failed after a first that passed: only the latest counts."""
    first = _latest(case)
    fields = {f.attname: getattr(first, f.attname) for f in Acceptance._meta.concrete_fields if not f.primary_key}
    Acceptance.objects.bulk_create([Acceptance(**{**fields, "attempt": first.attempt + 1, "passed": False})])


GAPS: dict[str, Callable[[RenovationCase], object]] = {
    "nothing missing": lambda case: None,
    "no payment": lambda case: Payment.objects.filter(case=case).delete(),
    "half paid": lambda case: Payment.objects.filter(case=case).update(amount=(case.subsidy_amount or 0) / 2),
    "no standard": lambda case: RenovationCase.objects.filter(pk=case.pk).update(subsidy_amount=None),
    "acceptance failed": lambda case: Acceptance.objects.filter(pk=_latest(case).pk).update(passed=False),
    "grade C after works": lambda case: Acceptance.objects.filter(pk=_latest(case).pk).update(post_grade="C"),
    "a later attempt failed": lambda case: _fail_again(case),
    "no acceptance": lambda case: Acceptance.objects.filter(case=case).delete(),
    "a document withdrawn": lambda case: ArchiveDocument.objects.filter(
        pk=ArchiveDocument.objects.filter(case=case, withdrawn_at__isnull=True).order_by("pk").values("pk")[:1]
    ).update(withdrawn_at=timezone.now()),
    "民政 not agreed": lambda case: ArchiveReview.objects.filter(case=case, role="civil_affairs").delete(),
    "乡村振兴 not agreed": lambda case: ArchiveReview.objects.filter(case=case, role="rural_revitalization").delete(),
}


def test_the_close_queue_counts_exactly_the_cases_the_case_page_lets_the_county_close(
    case: RenovationCase, officers: Officers, covered_home: DibaoHome, rural: User
) -> None:
    _ready(case, officers, covered_home["civil"], rural)
    assert case.stage == Stage.ACCEPTED
    county = officers["county"]
    mismatches, closable_seen = [], []
    for gap, make in GAPS.items():
        try:
            with transaction.atomic():
                make(case)
                case.refresh_from_db()
                may_close = not act_refusal(case, county, StepKind.CLOSE)
                ready = extensions.closable(RenovationCase.objects.filter(pk=case.pk))
                assert ready is not None, "every app that blocks 销号 registers its filter"
                counted = {i.key: i.count for i in case_queue(county, "county_officer")}.get("cases-accepted", 0)
                if (ready.exists(), counted) != (may_close, int(may_close)):
                    mismatches.append(
                        f"{gap}: the case page says {may_close}, filter {ready.exists()}, queue {counted}"
                    )
                closable_seen.append((gap, may_close))
                raise Undo
        except Undo:
            pass
    assert not mismatches, "\n".join(mismatches)
    # The walk met a closable case and every kind of gap.
    assert dict(closable_seen) == {gap: gap == "nothing missing" for gap in GAPS}
