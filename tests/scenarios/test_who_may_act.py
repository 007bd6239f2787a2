"""One table of who may act (issue 16, ADR 0025): at every stage of a case, for every role, every
act the table offers succeeds through its service, and every act it does not offer is refused by
it — so the page (which shows exactly the offered acts) never offers what the service refuses,
and the API lists the same answers."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.cases import acts, services
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.cases.queues import case_queue
from anju.cases.selectors import WAITING_ACT
from anju.cases.tests.conftest import Officers, photo
from tests.scenarios.conftest import ago, walk

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
STAGES = [
    Stage.FOUND,
    Stage.APPLIED,
    Stage.VILLAGE_REVIEWED,
    Stage.TOWNSHIP_REVIEWED,
    Stage.APPROVED,
    Stage.FILED,
    Stage.AGREEMENT_SIGNED,
    Stage.UNDER_WAY,
    Stage.COMPLETED,
    Stage.ACCEPTED,
]


class Undo(Exception):
    """Raised to roll back an act that succeeded, so the next one meets the same case."""


def perform(kind: str, case: RenovationCase, user: User) -> None:
    """The act through its service, with what a user would type (dates today)."""
    common: dict[str, Any] = {"acting_user": user, "case": case}
    if kind == StepKind.SIGN_AGREEMENT:
        services.case_sign_agreement(
            **common,
            on=TODAY,
            method=case.method,
            construction_mode="self",
            builder_name="李师傅",
            builder_cert_no="GJ-2023-011",
            planned_area=Decimal("45"),
            energy_tags=[],
        )
    elif kind == StepKind.COMPLETE:
        services.case_complete(**common, on=TODAY, built_area=Decimal("46"))
    elif kind == StepKind.END:
        services.case_end(**common, on=TODAY, reason="relatives", note="随子女居住")
    elif kind == StepKind.PATROL:
        services.patrol_record(**common, on=TODAY, findings="墙体砌筑", photos=[photo()])
    elif kind == StepKind.DETAILS:
        services.case_update_details(
            **common,
            construction_mode="self",
            builder_name="王师傅",
            builder_cert_no="GJ-2023-012",
            planned_area=Decimal("46"),
            note="更换工匠",
        )
    else:
        simple_acts: dict[str, Callable[..., object]] = {
            StepKind.APPLY: services.case_apply,
            StepKind.VILLAGE_REVIEW: services.case_village_review,
            StepKind.TOWNSHIP_REVIEW: services.case_township_review,
            StepKind.COUNTY_APPROVE: services.case_approve,
            StepKind.FILE: services.case_file,
            StepKind.START: services.case_start,
            StepKind.CLOSE: services.case_close,
        }
        simple_acts[kind](**common, on=TODAY, note="到会 20 人，同意 20 人")


class Crew(Officers):
    """The case's officers, its appraiser and the civil-affairs liaison."""

    appraiser: User
    civil: User


@pytest.fixture
def crew(officers: Officers, make_user: Callable[..., User], appraiser: User, covered_home: DibaoHome) -> Crew:
    return {**officers, "appraiser": appraiser, "civil": covered_home["civil"]}


@pytest.mark.parametrize("stage", STAGES, ids=[str(s) for s in STAGES])
def test_every_offered_act_succeeds_and_every_other_is_refused(stage: Stage, case: RenovationCase, crew: Crew) -> None:
    walk(case, crew, min(stage, Stage.COMPLETED, key=STAGES.index))
    if stage == Stage.ACCEPTED:
        services.case_accept_result(acting_user=crew["township"], case=case, passed=True, on=ago(5), post_grade="A")
    case.refresh_from_db()
    assert case.stage == stage
    mismatches = []
    for who, user in crew.items():
        assert isinstance(user, User)
        table = {a.kind: a for a in acts.available_acts(case, user)}
        for kind, act in table.items():
            try:
                with transaction.atomic():
                    perform(kind, case, user)
                    raise Undo
            except Undo:
                outcome = "done"
            except (PermissionDenied, ValidationError) as exc:
                outcome = f"refused: {exc}"
            case.refresh_from_db()
            if act.allowed != (outcome == "done"):
                mismatches.append(f"{who} {kind}: offered={act.allowed} ({act.reason}) but {outcome}")
        # The home queue counts (in the database) exactly the cases the table opens the next act for.
        waiting = WAITING_ACT.get(stage)
        for role in user.role_codes:
            counted = {item.key: item.count for item in case_queue(user, role)}.get(f"cases-{stage}", 0)
            opens = waiting is not None and role in acts.STEP_ROLES[waiting]
            expected = int(opens and waiting is not None and not acts.act_refusal(case, user, waiting))
            if counted != expected:
                mismatches.append(f"{who} as {role}: the home queue counts {counted}, the table opens {expected}")
    assert not mismatches, "\n".join(mismatches)


def test_a_township_officer_is_not_offered_ending_a_case_under_way(
    case: RenovationCase, crew: Crew, client: Client
) -> None:
    walk(case, crew, Stage.UNDER_WAY)
    client.force_login(crew["township"])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "终止案件（租赁" not in page
    client.force_login(crew["county"])
    assert "终止案件（租赁" in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    end = next(a for a in acts.available_acts(case, crew["township"]) if a.kind == StepKind.END)
    assert end.reason == "已开工的案件只能由区/县住建局终止。"


def test_the_page_says_why_the_next_act_waits_and_the_api_lists_the_same_answers(
    case: RenovationCase, crew: Crew, client: Client
) -> None:
    walk(case, crew, Stage.UNDER_WAY)
    client.force_login(crew["township"])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="next-refusal"' in page and "请先记录至少一次带照片的巡查" in page
    assert 'data-testid="act-card"' not in page
    api = APIClient()
    api.force_authenticate(crew["appraiser"])
    listed = {a["kind"]: a for a in api.get(f"/api/cases/{case.pk}/").json()["acts"]}
    assert listed[StepKind.PATROL]["allowed"] is False
    assert listed[StepKind.PATROL]["reason"] == "「质量巡查」须由乡镇建环办、区/县住建局办理。"
    assert Role.APPRAISER not in acts.STEP_ROLES[StepKind.PATROL]
