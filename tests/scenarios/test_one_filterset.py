"""One FilterSet per list (issue 16): for every list, the page, the API and the export answer the
same rows for the same query parameters; ``q`` finds a household by its name and by its whole
ID number (never by a part of it); a row outside the user's region never appears whatever the
filter; a wrong value is a Chinese error on the page and a 400 in the API, never a 500 and
never silently ignored.

The world: the 渔泽镇 officer looks at four cases — 甲 (北渔泽, just found), 乙二 (南渔泽,
accepted and partly paid), 丙三 (北渔泽, failed acceptance, rectifying) — and 丁四外 in 余吾村,
another township: accepted and paid, so it has a row in every list, none of which she may see."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from anju.acceptance.services import acceptance_record
from anju.acceptance.tests.conftest import all_pass, record_kwargs
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases.choices import Stage
from anju.cases.tests.conftest import D_GRADES, ago, case, covered_home, officers, tl_head  # noqa: F401
from anju.subsidies.services import payment_record
from anju.subsidies.tests.conftest import make_case, staff  # noqa: F401

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
OUTSIDER = "丁四外"


@pytest.fixture
def world(case: Any, make_case: Callable[..., Any], tl_county: Any, staff: Any) -> dict[str, Any]:  # noqa: F811
    second = make_case("140405102202", Stage.COMPLETED, name="乙二")
    third = make_case("140405102201", Stage.COMPLETED, name="丙三")
    outsider = make_case("140405103200", Stage.COMPLETED, name=OUTSIDER)
    for target in (second, outsider):
        acceptance_record(acting_user=staff, **record_kwargs(target))
    failed = all_pass(third, walls="fail")
    acceptance_record(
        acting_user=staff,
        **record_kwargs(third, results=failed),
        rectification_due=ago(-20),
        rectification_requirements="拆除重砌西山墙。",
    )
    for target in (second, outsider):
        target.refresh_from_db()
    for n, paid in enumerate((second, outsider)):
        payment_record(
            acting_user=tl_county,
            case=paid,
            amount=Decimal("1000"),
            paid_on=ago(5),
            payee_kind="household",
            voucher_no=f"BZ-{n}",
        )
    return {"first": case, "second": second, "outsider": outsider}


@dataclass
class ListSpec:
    """One list: its page, its API list and its export (either may be absent), the names of the
    rows a few filter combinations must give, and a value that must be refused."""

    name: str
    page: str
    name_of: Callable[[Any], str]
    combos: list[tuple[dict[str, str], set[str]]]
    bad: dict[str, str]
    api: str | None = None
    export: str | None = None
    page_params: dict[str, str] = field(default_factory=dict)
    q: bool = True


def _head(obj: Any) -> str:
    return str(obj.household.head_name)


def _case_head(obj: Any) -> str:
    return str(obj.case.household.head_name)


ALL = {"甲", "乙二", "丙三"}
LISTS = [
    ListSpec(
        "households",
        "households:household_list",
        lambda h: str(h.head_name),
        [({}, ALL), ({"region": "140405102202"}, {"乙二"}), ({"group": "key", "sort": "name"}, ALL)],
        {"group": "nonsense"},
        api="api:household-list",
        export="households:household_export",
    ),
    ListSpec(
        "houses",
        "households:house_list",
        _head,
        [
            ({}, ALL),
            ({"grade": "CD"}, {"甲", "丙三"}),
            ({"grade": "A"}, {"乙二"}),
            ({"region": "140405102201"}, {"甲", "丙三"}),
        ],
        {"grade": "E"},
        api="api:house-list",
        export="households:house_export",
    ),
    ListSpec(
        "appraisals",
        "appraisals:appraisal_list",
        _head,
        [({}, ALL), ({"grade": "D"}, ALL), ({"region": "140405102202", "sort": "date"}, {"乙二"})],
        {"date_from": "2026-13-45"},
        api="api:appraisal-list",
    ),
    ListSpec(
        "decisions",
        "eligibility:decision_list",
        _head,
        [({}, ALL), ({"region": "140405102201"}, {"甲", "丙三"})],
        {"outcome": "nonsense"},
        api="api:eligibilitydecision-list",
    ),
    ListSpec(
        "cases",
        "cases:case_list",
        _head,
        [
            ({}, ALL),
            ({"stage": Stage.ACCEPTED}, {"乙二"}),
            ({"stage": Stage.RECTIFYING, "region": "140405102201"}, {"丙三"}),
            ({"sort": "-days", "year": str(ago(0).year)}, ALL),
        ],
        {"year": "abc"},
        api="api:case-list",
    ),
    ListSpec(
        "acceptances",
        "acceptance:list",
        _case_head,
        [({}, {"乙二", "丙三"}), ({"result": "passed"}, {"乙二"}), ({"passed": "false"}, {"丙三"})],
        {"passed": "perhaps"},
        api="api:acceptance-list",
    ),
    ListSpec(
        "rectifications",
        "acceptance:rectification_list",
        _case_head,
        [({}, {"丙三"}), ({"status": "done"}, set()), ({"status": "open"}, {"丙三"})],
        {"due_before": "yesterday"},
        api="api:rectification-list",
    ),
    ListSpec(
        "payments",
        "subsidies:payment_list",
        _case_head,
        [({}, {"乙二"}), ({"programme": "renovation"}, {"乙二"}), ({"overdue": "true"}, set())],
        {"overdue": "maybe"},
        api="api:payment-list",
    ),
    ListSpec(
        "archives",
        "archives:archive_list",
        _head,
        [({}, ALL), ({"region": "140405102202"}, {"乙二"}), ({"year": str(ago(0).year), "status": "unreviewed"}, ALL)],
        {"status": "lost"},
    ),
    # Lists with no rows in this world: the wrong value must still be refused, not ignored.
    ListSpec(
        "submissions",
        "reporting:submission_list",
        _head,
        [({"all_levels": "true"}, set())],
        {"month": "13"},
        api="api:submission-list",
        q=False,
    ),
    ListSpec(
        "supervision visits",
        "supervision:visit_list",
        _head,
        [({}, set())],
        {"date_from": "2026-05-10", "date_to": "2026-05-01"},
        api="api:supervision-visit-list",
        q=False,
    ),
    ListSpec(
        "rectification orders",
        "supervision:order_list",
        _head,
        [({"status": "open"}, set())],
        {"township": "140405103000"},
        api="api:rectification-order-list",
        q=False,
    ),
    ListSpec(
        "inspections",
        "inspections:inspection_list",
        _head,
        [({"grade": "C", "sort": "-inspected"}, set())],
        {"grade": "Z"},
        api="api:inspection-list",
        q=False,
    ),
    ListSpec(
        "referrals",
        "inspections:referral_list",
        _head,
        [({"status": ""}, set())],
        {"status": "lost"},
        api="api:referral-list",
        q=False,
    ),
    ListSpec(
        "payments due",
        "subsidies:payment_list",
        _head,
        [({}, {"乙二"}), ({"region": "140405102201"}, set())],
        {"year": "1900"},
        page_params={"view": "due"},
    ),
]


def _page_rows(client: Any, spec: ListSpec, params: dict[str, str]) -> tuple[Any, list[Any]]:
    response = client.get(reverse(spec.page), spec.page_params | params)
    assert response.status_code == 200
    return response, list(response.context["page"].paginator.object_list)


def _api_ids(api: APIClient, spec: ListSpec, params: dict[str, str]) -> set[int]:
    assert spec.api
    response = api.get(reverse(spec.api), params)
    assert response.status_code == 200, response.content
    body = response.json()
    ids = {row["id"] for row in body["results"]}
    while body["next"]:
        body = api.get(body["next"]).json()
        ids |= {row["id"] for row in body["results"]}
    return ids


def _export_rows(client: Any, spec: ListSpec, params: dict[str, str]) -> list[list[str]]:
    assert spec.export
    response = client.get(reverse(spec.export), params | {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return rows[1:]


@pytest.fixture
def viewer(client: Any, tl_township: Any, world: dict[str, Any]) -> tuple[Any, APIClient]:
    client.force_login(tl_township)
    api = APIClient()
    api.force_authenticate(tl_township)
    return client, api


@pytest.mark.parametrize("spec", LISTS, ids=[s.name for s in LISTS])
def test_page_api_and_export_list_the_same_rows(spec: ListSpec, viewer: tuple[Any, APIClient]) -> None:
    client, api = viewer
    for params, expected in spec.combos:
        _, rows = _page_rows(client, spec, params)
        assert {spec.name_of(r) for r in rows} == expected, (spec.name, params)
        assert OUTSIDER not in {spec.name_of(r) for r in rows}
        if spec.api:
            assert _api_ids(api, spec, params) == {r.pk for r in rows}, (spec.name, params)
        if spec.export:
            exported = _export_rows(client, spec, params)
            assert len(exported) == len(rows), (spec.name, params)
            assert OUTSIDER not in str(exported)


@pytest.mark.parametrize("spec", [s for s in LISTS if s.q], ids=[s.name for s in LISTS if s.q])
def test_q_finds_by_name_and_by_whole_id_number_only(
    spec: ListSpec, viewer: tuple[Any, APIClient], world: dict[str, Any]
) -> None:
    client, api = viewer
    first, _ = _page_rows(client, spec, {})
    some = first.context["page"].paginator.object_list[0]
    name = spec.name_of(some)
    household = getattr(some, "household", None) or getattr(getattr(some, "case", None), "household", None) or some
    number = household.head_id_number
    for params in ({"q": name}, {"q": number}, {"q": f" {number.lower()} "}):
        _, rows = _page_rows(client, spec, params)
        assert name in {spec.name_of(r) for r in rows}, (spec.name, params)
        if spec.api:
            assert _api_ids(api, spec, params) == {r.pk for r in rows}
    # A part of an ID number (the birth date) finds nobody: ID numbers are compared whole.
    _, rows = _page_rows(client, spec, {"q": number[6:14]})
    assert rows == []
    # The outsider's own name or ID number does not bring the row in either.
    outsider = world["outsider"].household
    for q in (OUTSIDER, outsider.head_id_number):
        _, rows = _page_rows(client, spec, {"q": q})
        assert rows == []
        if spec.api:
            assert _api_ids(api, spec, {"q": q}) == set()


@pytest.mark.parametrize("spec", LISTS, ids=[s.name for s in LISTS])
def test_a_wrong_value_is_a_chinese_error_never_ignored(spec: ListSpec, viewer: tuple[Any, APIClient]) -> None:
    client, api = viewer
    response, rows = _page_rows(client, spec, spec.bad)
    assert rows == []
    alert = response.content.decode()
    assert "筛选条件有误" in alert and 'data-testid="filter-errors"' in alert
    if spec.api:
        answer = api.get(reverse(spec.api), spec.bad)
        assert answer.status_code == 400
        assert CJK.search(str(answer.json())), answer.json()
    if spec.export:
        refused = client.get(reverse(spec.export), spec.bad | {"format": "csv"})
        assert refused.status_code == 400
        assert "筛选条件有误" in refused.content.decode()


def test_the_house_list_counts_dangerous_houses_as_the_dashboard_does(
    viewer: tuple[Any, APIClient], world: dict[str, Any], tl_township: Any
) -> None:
    """The grade filter reads the house's one current grade (ADR 0021), as the dashboard counts
    C/D houses: a house an inspection first judged B but an appraisal found D is on the list."""
    from anju.households.models import House

    client, api = viewer
    house = world["first"].house
    House.objects.filter(pk=house.pk).update(suspected_grade="B")
    dangerous = set(
        House.objects.visible_to(tl_township).filter(current_grade__in=("C", "D")).values_list("pk", flat=True)
    )
    _, rows = _page_rows(client, LISTS[1], {"grade": "CD"})
    assert {r.pk for r in rows} == dangerous and house.pk in dangerous
    assert _api_ids(api, LISTS[1], {"grade": "CD"}) == dangerous
    _, rows = _page_rows(client, LISTS[1], {"grade": "B"})
    assert house.pk not in {r.pk for r in rows}
