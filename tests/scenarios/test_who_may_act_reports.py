"""One table of who may act on monthly submissions and on supervision (issue 16, ADR 0025): at
every status, for every role, every act the table offers succeeds through its service, every act
it does not offer is refused by the service with a Chinese message, and the object's page shows
exactly the offered buttons and forms (a user who may not see the object gets a 404 and is offered
nothing)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.regions.models import Region
from anju.reporting import acts as submission_acts
from anju.reporting import services as reporting
from anju.reporting.choices import EventKind, ReportKind, SubmissionStatus
from anju.reporting.models import Submission
from anju.reporting.tests.conftest import submit_confirming
from anju.supervision import acts as supervision_acts
from anju.supervision import services as supervision
from anju.supervision.acts import SupervisionAct
from anju.supervision.choices import OrderStatus
from anju.supervision.models import RectificationOrder, SupervisionVisit

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


class Undo(Exception):
    """Raised to roll back an act that succeeded, so the next one meets the same object."""


@pytest.fixture
def crew(
    tl_clerk: User,
    tl_township: User,
    tl_county: User,
    appraiser: User,
    make_user: Callable[..., User],
    operator: User,
) -> dict[str, Any]:
    """Every role that might try: the village clerk, the township officer of the right and of
    another township, the county officer, 民政, 乡村振兴, the appraiser and the superuser."""
    return {
        "clerk": tl_clerk,
        "township": tl_township,
        "other_township": make_user("yuwu_township", "140405103000", Role.TOWNSHIP_OFFICER),
        "county": tl_county,
        "civil": make_user("tl_civil", "140405000000", Role.CIVIL_AFFAIRS),
        "rural": make_user("tl_rural", "140405000000", Role.RURAL_REVITALIZATION),
        "appraiser": appraiser,
        "superuser": operator,
    }


def attempt(act: Callable[[], Any]) -> str:
    """Run the act and roll it back: "done", or the refusal's text."""
    try:
        with transaction.atomic():
            act()
            raise Undo
    except Undo:
        return "done"
    except PermissionDenied as exc:
        return str(exc)
    except ValidationError as exc:
        return "；".join(exc.messages)


def shown(client: Client, url: str, user: Any, testids: Mapping[Any, str]) -> set[str] | None:
    """The acts the page shows (by their data-testid), or None when the user may not see it."""
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    page = response.content.decode()
    return {kind for kind, testid in testids.items() if f'data-testid="{testid}"' in page}


def check(table: Mapping[Any, Any], outcomes: Mapping[Any, str], on_page: set[str] | None, who: str) -> list[str]:
    """What disagrees between the table, the services and the page, for one user."""
    wrong = []
    for kind, act in table.items():
        outcome = outcomes[kind]
        if act.allowed != (outcome == "done"):
            wrong.append(f"{who} {kind}: offered={act.allowed} ({act.reason}) but {outcome}")
        if outcome != "done" and not CHINESE.search(outcome):
            wrong.append(f"{who} {kind}: refusal not in Chinese: {outcome}")
    offered = {kind for kind, act in table.items() if act.allowed}
    if on_page is None and offered:
        wrong.append(f"{who}: cannot see the page but is offered {offered}")
    if on_page is not None and on_page != offered:
        wrong.append(f"{who}: page shows {on_page}, table offers {offered}")
    return wrong


# --- monthly submissions -------------------------------------------------------------------------------

SUBMISSION_TESTIDS = {k: f"act-{k}" for k in submission_acts.PAGE_ACTS}
STATUSES = [SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED, SubmissionStatus.SIGNED_OFF]
# The region that submits, its submitting officer and its reviewing officer (keys of crew).
LEVELS = {"village": ("140405102201", "clerk", "township"), "township": ("140405102000", "township", "county")}


# What each user is offered, by status, on the village's report (the township's report: the same
# with the township officer submitting and the county reviewing). The superuser may do anything
# the status allows.
OPEN_ACTS = {"refresh", "submit"}
EXPECTED_SUBMISSION: dict[str, dict[str, set[str]]] = {
    SubmissionStatus.DRAFT: {"submitter": OPEN_ACTS, "superuser": OPEN_ACTS},
    SubmissionStatus.RETURNED: {"submitter": OPEN_ACTS, "superuser": OPEN_ACTS},
    SubmissionStatus.SUBMITTED: {"reviewer": {"sign_off", "return"}, "superuser": {"sign_off", "return"}},
    SubmissionStatus.SIGNED_OFF: {"reviewer": {"reopen"}, "superuser": {"reopen"}},
}


def submission_at(status: str, region: Any, submitter: Any, reviewer: Any) -> Submission:
    s = reporting.submission_prepare(
        acting_user=submitter, kind=ReportKind.PROGRESS, year=TODAY.year, month=TODAY.month, region=region
    )
    if status != SubmissionStatus.DRAFT:
        s = submit_confirming(acting_user=submitter, submission=s)
    if status == SubmissionStatus.RETURNED:
        s = reporting.submission_return(acting_user=reviewer, submission=s, reason="请核对开工户数")
    if status == SubmissionStatus.SIGNED_OFF:
        s = reporting.submission_sign_off(acting_user=reviewer, submission=s)
    assert s.status == status
    return s


def submission_act(kind: str, s: Submission, user: Any) -> Callable[[], Any]:
    acts: dict[str, Callable[[], Any]] = {
        EventKind.REFRESH: lambda: reporting.submission_prepare(
            acting_user=user, kind=s.kind, year=s.year, month=s.month, region=s.region
        ),
        EventKind.SUBMIT: lambda: submit_confirming(acting_user=user, submission=s),
        EventKind.RETURN: lambda: reporting.submission_return(acting_user=user, submission=s, reason="请补充"),
        EventKind.SIGN_OFF: lambda: reporting.submission_sign_off(acting_user=user, submission=s),
        EventKind.REOPEN: lambda: reporting.submission_reopen(acting_user=user, submission=s, reason="漏报一户"),
    }
    return acts[kind]


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("status", STATUSES, ids=[str(s) for s in STATUSES])
def test_every_offered_submission_act_succeeds_and_every_other_is_refused(
    level: str, status: str, crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    code, submitter, reviewer = LEVELS[level]
    s = submission_at(status, regions[code], crew[submitter], crew[reviewer])
    wrong = []
    for who, user in crew.items():
        table = {a.kind: a for a in submission_acts.available_acts(s, user)}
        assert set(table) == set(submission_acts.PAGE_ACTS)
        part = {submitter: "submitter", reviewer: "reviewer"}.get(who, who)
        expected = EXPECTED_SUBMISSION[status].get(part, set())
        if {k for k, a in table.items() if a.allowed} != expected:
            wrong.append(f"{who}: offered {[k for k, a in table.items() if a.allowed]}, expected {expected}")
        outcomes = {}
        for kind in table:
            outcomes[kind] = attempt(submission_act(kind, s, user))
            s.refresh_from_db()
            assert s.status == status
        url = reverse("reporting:submission_detail", args=[s.pk])
        wrong += check(table, outcomes, shown(Client(), url, user, SUBMISSION_TESTIDS), who)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("level", list(LEVELS))
def test_only_the_regions_own_officer_may_prepare_a_new_report(
    level: str, crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    code, submitter, _ = LEVELS[level]
    region = regions[code]
    wrong = []
    for who, user in crew.items():
        reason = submission_acts.act_refusal(region, user, EventKind.PREPARE)
        outcome = attempt(
            partial(
                reporting.submission_prepare,
                acting_user=user,
                kind=ReportKind.MONTHLY_LIST,
                year=TODAY.year,
                month=TODAY.month,
                region=region,
            )
        )
        if (not reason) != (outcome == "done") or (reason and reason != outcome):
            wrong.append(f"{who}: table says {reason or 'open'}, service {outcome}")
    assert not wrong, "\n".join(wrong)
    assert not submission_acts.act_refusal(region, crew[submitter], EventKind.PREPARE)


def test_the_table_is_asked_about_the_submission_as_it_stands_not_a_stale_copy(
    crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    s = submission_at(SubmissionStatus.SUBMITTED, regions["140405102201"], crew["clerk"], crew["township"])
    reporting.submission_return(acting_user=crew["township"], submission=s, reason="请核对")
    assert s.status == SubmissionStatus.SUBMITTED  # this copy has not seen the return
    again = reporting.submission_submit(acting_user=crew["clerk"], submission=s)
    assert again.status == SubmissionStatus.SUBMITTED
    assert [e.kind for e in again.events.all()] == ["prepare", "submit", "return", "submit"]


def test_the_submission_page_says_why_the_report_waits_and_the_api_lists_the_acts(
    crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    s = submission_at(SubmissionStatus.SUBMITTED, regions["140405102201"], crew["clerk"], crew["township"])
    client = Client()
    client.force_login(crew["clerk"])
    page = client.get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    assert 'data-testid="next-refusal"' in page
    assert "北渔泽村委会的报表由上级渔泽镇乡镇建环办审核确认。" in page
    api = APIClient()
    api.force_authenticate(crew["township"])
    listed = {a["kind"]: a for a in api.get(f"/api/submissions/{s.pk}/").json()["acts"]}
    assert listed["sign_off"] == {"kind": "sign_off", "label": "审核确认", "allowed": True, "reason": ""}
    assert listed["submit"]["allowed"] is False
    assert listed["submit"]["reason"] == "北渔泽村委会的报表须由本级村信息员、村主要负责人报送。"
    signed = api.post(f"/api/submissions/{s.pk}/sign-off/").json()
    assert {a["kind"] for a in signed["acts"] if a["allowed"]} == {"reopen"}


# --- supervision: visits and rectification orders ---------------------------------------------------------

VISIT_TESTIDS = {SupervisionAct.FINDING: "finding-form", SupervisionAct.ISSUE: "order-form"}
ORDER_TESTIDS = {
    SupervisionAct.RESPOND: "respond-form",
    SupervisionAct.RETURN: "return-form",
    SupervisionAct.CLOSE: "close-form",
}
ORDER_STATES = ["issued", "responded", "returned", "overdue", "overdue_responded", "closed"]


def new_visit(county: Any, regions: dict[str, Any]) -> SupervisionVisit:
    return supervision.visit_record(
        acting_user=county,
        region=regions["140405102000"],
        visited_on=TODAY - datetime.timedelta(days=2),
        topic="quality",
        inspectors="张卫东",
    )


def order_at(state: str, crew: dict[str, Any], regions: dict[str, Any]) -> RectificationOrder:
    county, township = crew["county"], crew["township"]
    visit = new_visit(county, regions)
    finding = supervision.finding_add(acting_user=county, visit=visit, category="quality", description="圈梁缺失")
    order = supervision.order_issue(
        acting_user=county, findings=[finding], requirements="补设圈梁", due_on=TODAY + datetime.timedelta(days=10)
    )
    if state.startswith("overdue"):  # the due date has passed (an order cannot be issued so)
        RectificationOrder.objects.filter(pk=order.pk).update(due_on=TODAY - datetime.timedelta(days=3))
        order.refresh_from_db()
    if state in ("responded", "returned", "overdue_responded", "closed"):
        supervision.order_respond(acting_user=township, order=order, text="已补设", no_photo_reason="现场未拍照")
    if state == "returned":
        supervision.order_return(acting_user=county, order=order, reason="仍缺一处")
    if state == "closed":
        supervision.order_close(acting_user=county, order=order, note="整改到位")
    assert order.is_overdue == state.startswith("overdue")
    return order


# What each user is offered, by the order's state: the township it went to responds, the issuing
# county reviews; an overdue order is answered and reviewed like any other.
RESPOND, REVIEW = {"respond"}, {"return", "close"}
EXPECTED_ORDER = {
    "issued": {"township": RESPOND, "superuser": RESPOND},
    "returned": {"township": RESPOND, "superuser": RESPOND},
    "overdue": {"township": RESPOND, "superuser": RESPOND},
    "responded": {"county": REVIEW, "superuser": REVIEW},
    "overdue_responded": {"county": REVIEW, "superuser": REVIEW},
    "closed": {},
}


def order_act(kind: str, order: RectificationOrder, user: Any) -> Callable[[], Any]:
    acts: dict[str, Callable[[], Any]] = {
        SupervisionAct.RESPOND: lambda: supervision.order_respond(
            acting_user=user, order=order, text="已整改", no_photo_reason="档案类问题"
        ),
        SupervisionAct.RETURN: lambda: supervision.order_return(acting_user=user, order=order, reason="未到位"),
        SupervisionAct.CLOSE: lambda: supervision.order_close(acting_user=user, order=order, note="同意销号"),
    }
    return acts[kind]


@pytest.mark.parametrize("state", ORDER_STATES)
def test_every_offered_order_act_succeeds_and_every_other_is_refused(
    state: str, crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    order = order_at(state, crew, regions)
    status = order.status
    wrong = []
    for who, user in crew.items():
        table = {a.kind: a for a in supervision_acts.available_acts(order, user)}
        if {k for k, a in table.items() if a.allowed} != EXPECTED_ORDER[state].get(who, set()):
            wrong.append(f"{who}: offered {[k for k, a in table.items() if a.allowed]} at {state}")
        outcomes = {}
        for kind in table:
            outcomes[kind] = attempt(order_act(kind, order, user))
            order.refresh_from_db()
            assert order.status == status
        url = reverse("supervision:order_detail", args=[order.pk])
        wrong += check(table, outcomes, shown(Client(), url, user, ORDER_TESTIDS), who)
    assert not wrong, "\n".join(wrong)
    if status != OrderStatus.CLOSED:  # someone may always take the order a step further
        assert any(a.allowed for a in supervision_acts.available_acts(order, crew["superuser"]))


@pytest.mark.parametrize("ordered", [False, True], ids=["findings_open", "all_ordered"])
def test_every_offered_visit_act_succeeds_and_every_other_is_refused(
    ordered: bool, crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    county = crew["county"]
    visit = new_visit(county, regions)
    finding = supervision.finding_add(acting_user=county, visit=visit, category="archives", description="缺照片")
    if ordered:
        supervision.order_issue(
            acting_user=county, findings=[finding], requirements="补齐", due_on=TODAY + datetime.timedelta(days=5)
        )
    wrong = []
    for who, user in crew.items():
        table = {a.kind: a for a in supervision_acts.available_acts(visit, user)}
        supervising = who in ("county", "superuser")
        expected = {"finding"} | (set() if ordered else {"issue"}) if supervising else set()
        if {k for k, a in table.items() if a.allowed} != expected:
            wrong.append(f"{who}: offered {[k for k, a in table.items() if a.allowed]}, expected {expected}")
        outcomes = {
            SupervisionAct.FINDING: attempt(
                partial(supervision.finding_add, acting_user=user, visit=visit, category="delay", description="慢")
            ),
            SupervisionAct.ISSUE: attempt(
                partial(
                    supervision.order_issue,
                    acting_user=user,
                    findings=list(visit.findings.select_related("visit__township")),
                    requirements="加快进度",
                    due_on=TODAY + datetime.timedelta(days=7),
                )
            ),
        }
        url = reverse("supervision:visit_detail", args=[visit.pk])
        wrong += check(table, outcomes, shown(Client(), url, user, VISIT_TESTIDS), who)
    assert not wrong, "\n".join(wrong)


def test_only_supervising_offices_may_record_a_visit_in_their_subtree(
    crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    place = regions["140405102000"]
    wrong = []
    for who, user in crew.items():
        reason = supervision_acts.act_refusal(place, user, SupervisionAct.VISIT)
        outcome = attempt(partial(new_visit, user, regions))
        if (not reason) != (outcome == "done") or (reason and reason != outcome):
            wrong.append(f"{who}: table says {reason or 'open'}, service {outcome}")
    assert not wrong, "\n".join(wrong)
    assert supervision_acts.act_refusal(place, crew["township"], SupervisionAct.VISIT) == (
        "只有区/县、市、省住建部门才能录入督导检查。"
    )


def test_the_order_page_says_whom_the_order_waits_for_and_the_api_lists_the_acts(
    crew: dict[str, Any], regions: dict[str, Region]
) -> None:
    order = order_at("responded", crew, regions)
    client = Client()
    client.force_login(crew["township"])
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="next-refusal"' in page and "等待屯留区住房和城乡建设局复核" in page
    api = APIClient()
    api.force_authenticate(crew["township"])
    listed = {a["kind"]: a for a in api.get(f"/api/rectification-orders/{order.pk}/").json()["acts"]}
    assert listed["respond"] == {
        "kind": "respond",
        "label": "反馈整改情况",
        "allowed": False,
        "reason": "整改情况已反馈，正在等待下发单位复核。",
    }
    assert listed["close"]["reason"] == "只有下发单位（屯留区住房和城乡建设局）才能复核整改情况。"
    api.force_authenticate(crew["county"])
    closed = api.post(f"/api/rectification-orders/{order.pk}/close/", {"note": "整改到位"}).json()
    assert [a["allowed"] for a in closed["acts"]] == [False, False, False]
