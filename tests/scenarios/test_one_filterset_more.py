"""One FilterSet per list (issue 16), the lists that had their own filter forms: the watch page
(跟踪监测, both tabs and their export), the user list, the audit log, the circumstances and the
API tokens. As in ``test_one_filterset``: page, API and export give the same rows; ``q`` finds by
name and whole ID number; a row outside the viewer's region never appears; a wrong value is a
Chinese error on the page and a 400 in the API and the export.

The world is ``test_one_filterset``'s, and: 乙二's house (南渔泽) and the outsider's (余吾村, another
township) are renovated this year; 戊五 (北渔泽) and 外己 (余吾村) left the 低保 list 100 days
ago; 彭水县's administrator exported something (an audit row outside 屯留区)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.accounts.services import api_token_issue
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.audit.models import AuditEvent
from anju.audit.services import log_export
from anju.cases.tests.conftest import D_GRADES, ago, case, covered_home, officers, tl_head  # noqa: F401
from anju.eligibility.services import circumstance_record
from anju.households.models import Household
from anju.households.safety import house_renovation_record
from anju.households.services import house_create, household_create, status_add, status_end
from anju.inspections.services import campaign_create, emergency_declare, inspection_record
from anju.inspections.tests.conftest import Homes, civil, homes, make_id  # noqa: F401
from anju.regions.models import Region
from anju.subsidies.tests.conftest import make_case, staff  # noqa: F401
from tests.scenarios.test_one_filterset import CJK, OUTSIDER, world  # noqa: F401

pytestmark = pytest.mark.django_db

EXITED, EXITED_OUTSIDER = "戊五", "外己"


@pytest.fixture
def watched(
    world: dict[str, Any],  # noqa: F811
    tl_county: User,
    tl_admin: User,
    regions: dict[str, Region],
    ps_admin: User,
    make_user: Callable[..., User],
) -> dict[str, Any]:
    for renovated in (world["second"], world["outsider"]):
        house_renovation_record(
            acting_user=tl_county,
            house=renovated.house,
            year=timezone.localdate().year,
            programme="renovation",
            case_id=renovated.pk,
            note="销号",
        )
    exited: dict[str, Household] = {}
    for seq, (name, village) in enumerate(((EXITED, "140405102201"), (EXITED_OUTSIDER, "140405103200")), 150):
        household = household_create(
            acting_user=tl_admin, region=regions[village], head_name=name, head_id_number=make_id(seq)
        )
        status = status_add(
            acting_user=tl_admin, household=household, group="dibao", certified_on=datetime.date(2020, 1, 1)
        )
        status_end(acting_user=tl_admin, status=status, ended_on=ago(100))
        exited[name] = household
    log_export(actor=ps_admin, what="households.household", filters={}, rows=0, fmt="csv")
    gone = make_user("tl_gone", "140405102201", Role.VILLAGE_CLERK)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    return {**world, "exited": exited}


@dataclass
class Spec:
    """One list: who looks at it, its page (with the tab or view it needs), its API list and its
    export if any, the rows a few filter combinations give (None: whatever the page shows, as
    long as the API agrees), names that must never show, and a value that must be refused."""

    name: str
    who: str
    page: str | None
    name_of: Callable[[Any], str]
    combos: list[tuple[dict[str, str], set[str] | None]]
    bad: dict[str, str]
    never: set[str]
    api: str | None = None
    export: str | None = None
    page_params: dict[str, str] = field(default_factory=dict)
    args: str | None = None  # the world's object whose pk the page's and export's URLs take
    col: int = 1  # the export's column holding the name
    api_scope: str | None = None  # the API parameter that narrows to that object (the page's scope)


def _head(obj: Any) -> str:
    return str(obj.household.head_name)


SPECS = [
    Spec(
        "watch, renovated",
        "tl_township",
        "cases:watch_list",
        _head,
        [({}, {"乙二"}), ({"grade": "CD"}, set()), ({"grade": "AB", "region": "140405102202"}, {"乙二"})],
        {"grade": "E"},
        {OUTSIDER},
        export="cases:watch_list",
        page_params={"tab": "renovated"},
    ),
    Spec(
        "watch, exited",
        "tl_township",
        "cases:watch_list",
        lambda h: str(h.head_name),
        [({}, {EXITED}), ({"region": "140405102202"}, set()), ({"q": EXITED}, {EXITED})],
        {"tab": "lost"},
        {EXITED_OUTSIDER},
        export="cases:watch_list",
        page_params={"tab": "exited"},
    ),
    Spec(
        "users",
        "tl_admin",
        "accounts:user_list",
        lambda u: str(u.username),
        [
            ({"role": Role.ADMIN}, {"tl_admin"}),
            ({"q": "tl_gone"}, {"tl_gone"}),
            ({"active": "0"}, {"tl_gone"}),  # the page's old bookmark
            ({"is_active": "false", "role": Role.VILLAGE_CLERK}, {"tl_gone"}),
            ({"is_active": "true"}, None),
        ],
        {"is_active": "perhaps"},
        {"ps_admin"},
        api="api:user-list",
    ),
    Spec(
        "audit log",
        "tl_admin",
        "audit:event_list",
        lambda e: str(e.actor_username),
        [({}, None), ({"action": "export"}, set()), ({"actor": "tl_county", "object_type": "households.house"}, None)],
        {"action": "steal"},
        {"ps_admin"},
        api="api:auditevent-list",
    ),
]


def _client(request: pytest.FixtureRequest, spec: Spec) -> tuple[Any, APIClient]:
    user = request.getfixturevalue(spec.who)
    client = request.getfixturevalue("client")
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    return client, api


def _args(spec: Spec, objects: dict[str, Any] | None) -> list[int]:
    return [objects[spec.args].pk] if spec.args and objects else []


def _page(
    client: Any, spec: Spec, params: dict[str, str], objects: dict[str, Any] | None = None
) -> tuple[Any, list[Any]]:
    assert spec.page
    response = client.get(reverse(spec.page, args=_args(spec, objects)), spec.page_params | params)
    assert response.status_code == 200
    return response, list(response.context["page"].paginator.object_list)


def _api_ids(api: APIClient, url: str, params: dict[str, str]) -> set[int]:
    response = api.get(reverse(url), params)
    assert response.status_code == 200, response.content
    body = response.json()
    ids = {row["id"] for row in body["results"]}
    while body["next"]:
        body = api.get(body["next"]).json()
        ids |= {row["id"] for row in body["results"]}
    return ids


def _exported(
    client: Any, spec: Spec, params: dict[str, str], objects: dict[str, Any] | None = None
) -> list[list[str]]:
    assert spec.export
    response = client.get(
        reverse(spec.export, args=_args(spec, objects)), spec.page_params | params | {"format": "csv"}
    )
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_page_api_and_export_list_the_same_rows(
    spec: Spec, request: pytest.FixtureRequest, watched: dict[str, Any]
) -> None:
    client, api = _client(request, spec)
    for params, expected in spec.combos:
        _, rows = _page(client, spec, params)
        names = {spec.name_of(r) for r in rows}
        if expected is not None:
            assert names == expected, (spec.name, params)
        else:
            assert rows, (spec.name, params)
        assert not names & spec.never, (spec.name, params)
        if spec.api:
            assert _api_ids(api, spec.api, params) == {r.pk for r in rows}, (spec.name, params)
        if spec.export:
            exported = _exported(client, spec, params)
            assert sorted(row[1] for row in exported) == sorted(spec.name_of(r) for r in rows), (spec.name, params)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_a_wrong_value_is_a_chinese_error_never_ignored(
    spec: Spec, request: pytest.FixtureRequest, watched: dict[str, Any]
) -> None:
    client, api = _client(request, spec)
    response, rows = _page(client, spec, spec.bad)
    assert rows == []
    content = response.content.decode()
    assert "筛选条件有误" in content and 'data-testid="filter-errors"' in content
    if spec.api:
        answer = api.get(reverse(spec.api), spec.bad)
        assert answer.status_code == 400
        assert CJK.search(str(answer.json())), answer.json()
    if spec.export:
        refused = client.get(reverse(spec.export), spec.page_params | spec.bad | {"format": "csv"})
        assert refused.status_code == 400
        assert "筛选条件有误" in refused.content.decode()


@pytest.mark.parametrize("tab", ["renovated", "exited"])
def test_the_watch_page_finds_by_name_and_whole_id_number_only(
    tab: str, client: Any, tl_township: User, watched: dict[str, Any]
) -> None:
    client.force_login(tl_township)
    spec = SPECS[0] if tab == "renovated" else SPECS[1]
    _, rows = _page(client, spec, {})
    name = spec.name_of(rows[0])
    number = (rows[0].household if tab == "renovated" else rows[0]).head_id_number
    for q in (name, number, f" {number.lower()} "):
        _, found = _page(client, spec, {"q": q})
        assert {spec.name_of(r) for r in found} == {name}, q
        assert len(_exported(client, spec, {"q": q})) == 1
    _, found = _page(client, spec, {"q": number[6:14]})
    assert found == []
    outsider = watched["outsider"].household if tab == "renovated" else watched["exited"][EXITED_OUTSIDER]
    for q in (outsider.head_name, outsider.head_id_number):
        _, found = _page(client, spec, {"q": q})
        assert found == []


def test_the_watch_export_is_logged_with_its_filters(client: Any, tl_township: User, watched: dict[str, Any]) -> None:
    client.force_login(tl_township)
    assert len(_exported(client, SPECS[0], {"grade": "AB"})) == 1
    event = AuditEvent.objects.filter(object_type="cases.watch.renovated").latest("at")
    assert event.changes["filters"]["after"] == {"tab": "renovated", "grade": "AB"}


def test_unchecked_since_renovation_is_what_the_page_marks(
    client: Any, tl_township: User, watched: dict[str, Any]
) -> None:
    client.force_login(tl_township)
    _, unchecked = _page(client, SPECS[0], {"unchecked": "true"})
    _, checked = _page(client, SPECS[0], {"unchecked": "false"})
    assert {_head(r) for r in unchecked} | {_head(r) for r in checked} == {"乙二"}
    assert not {_head(r) for r in unchecked} & {_head(r) for r in checked}
    for rows, marked in ((unchecked, True), (checked, False)):
        if rows:
            response, _ = _page(client, SPECS[0], {"unchecked": "true" if marked else "false"})
            assert ("改造后未排查</span>" in response.content.decode()) is marked


def test_circumstances_filter_by_q_and_refuse_wrong_values(tl_admin: User, watched: dict[str, Any]) -> None:
    household = watched["second"].household
    outsider = watched["outsider"].household
    for target in (household, outsider):
        circumstance_record(
            acting_user=tl_admin, household=target, kind="solved_rent", recorded_on=ago(3), note="走访核实"
        )
    api = APIClient()
    api.force_authenticate(User.objects.get(username="tl_township"))
    url = "api:circumstance-list"
    for q in (household.head_name, household.head_id_number, f" {household.head_id_number.lower()} "):
        assert len(_api_ids(api, url, {"q": q})) == 1, q
    for q in (household.head_id_number[6:14], outsider.head_name, outsider.head_id_number):
        assert _api_ids(api, url, {"q": q}) == set(), q
    assert len(_api_ids(api, url, {"withdrawn": "false", "kind": "solved_rent"})) == 1
    for bad in ({"withdrawn": "perhaps"}, {"kind": "castle"}, {"household": "1.5"}):
        answer = api.get(reverse(url), bad)
        assert answer.status_code == 400, bad
        assert CJK.search(str(answer.json())), answer.json()


def test_api_tokens_filter_by_user_and_refuse_wrong_values(tl_admin: User, watched: dict[str, Any]) -> None:
    clerk = User.objects.get(username="tl_gone")
    User.objects.filter(pk=clerk.pk).update(is_active=True)
    clerk.refresh_from_db()
    mine, _ = api_token_issue(user=tl_admin, name="办公室电脑")
    theirs, _ = api_token_issue(user=clerk, name="手机")
    api = APIClient()
    api.force_authenticate(tl_admin)
    url = "api:apitoken-list"
    assert _api_ids(api, url, {"user": str(clerk.pk)}) == {theirs.pk}
    assert _api_ids(api, url, {}) >= {mine.pk, theirs.pk}
    for bad in ({"user": "1.5"}, {"user": "abc"}):
        answer = api.get(reverse(url), bad)
        assert answer.status_code == 400, bad
        assert CJK.search(str(answer.json())), answer.json()


# --- inspections: uncovered households, emergency tasks, the danger board, follow-ups ------------
#
# A county campaign and a county emergency over 北渔泽, 南渔泽 and 余吾村; 甲 (北渔泽, 低保, a house
# inspected D with an old man living in it: on the board and followed up), 乙 (北渔泽, 低保, no house
# yet), 丙 (北渔泽, not a key household, a house); 外庚 (余吾村, another township: 低保, a D house
# with an old woman in it), whom the 渔泽镇 officer never sees.

INSPECTIONS_OUTSIDER = "外庚"


@pytest.fixture
def field_world(
    homes: Homes,  # noqa: F811
    tl_county: User,
    civil: User,  # noqa: F811
    regions: dict[str, Region],
) -> dict[str, Any]:
    outsider = household_create(
        acting_user=tl_county, region=regions["140405103200"], head_name=INSPECTIONS_OUTSIDER, head_id_number=make_id(9)
    )
    status_add(acting_user=civil, household=outsider, group="dibao", certified_on=datetime.date(2023, 1, 1))
    outsider_house = house_create(acting_user=tl_county, household=outsider, structure="earth_wood", occupants=1)
    for house in (homes["house_a"], outsider_house):
        inspection_record(acting_user=tl_county, house=house, suspected_grade="D", is_occupied=True, occupant_ages=[78])
    county = regions["140405000000"]
    villages = [regions[code] for code in ("140405102201", "140405102202", "140405103200")]
    campaign = campaign_create(
        acting_user=tl_county,
        title="屯留区常规排查",
        year=timezone.localdate().year,
        region=county,
        starts_on=timezone.localdate(),
        deadline=timezone.localdate() + datetime.timedelta(days=60),
    )
    event = emergency_declare(
        acting_user=tl_county,
        kind="rainstorm",
        title="暴雨应急排查",
        occurred_on=timezone.localdate(),
        region=county,
        villages=villages,
    )
    return {**homes, "campaign": campaign, "event": event, "outsider": outsider}


def _field_head(obj: Any) -> str:
    household = getattr(obj, "household", None) or obj.house.household
    return str(household.head_name)


FIELD_SPECS = [
    Spec(
        "campaign uncovered",
        "tl_township",
        "inspections:campaign_detail",
        lambda h: str(h.head_name),
        [({}, {"甲", "乙"}), ({"village": "140405102202"}, set()), ({"village": "140405102201", "q": "乙"}, {"乙"})],
        {},
        {INSPECTIONS_OUTSIDER},
        export="inspections:campaign_uncovered_export",
        args="campaign",
        col=2,
    ),
    Spec(
        "emergency tasks",
        "tl_township",
        "inspections:event_detail",
        _field_head,
        [
            ({}, {"甲", "丙"}),
            ({"open": "1"}, {"甲", "丙"}),
            ({"open": "false"}, set()),
            ({"village": "140405102202"}, set()),
        ],
        {"open": "perhaps"},
        {INSPECTIONS_OUTSIDER},
        api="api:emergencytask-list",
        args="event",
        api_scope="event",
    ),
    Spec(
        "danger board",
        "tl_township",
        "inspections:danger_board",
        _field_head,
        [({}, {"甲"}), ({"grade": "C"}, set()), ({"grade": "D", "unmeasured": "true"}, {"甲"})],
        {"grade": "A"},
        {INSPECTIONS_OUTSIDER},
        export="inspections:danger_board",
    ),
    Spec(
        "follow-ups",
        "tl_township",
        "inspections:follow_up_list",
        _field_head,
        [({"state": "open"}, {"甲"}), ({"state": "done"}, set()), ({"state": "all", "q": "甲"}, {"甲"})],
        {"state": "lost"},
        {INSPECTIONS_OUTSIDER},
        api="api:followup-list",
    ),
]


@pytest.mark.parametrize("spec", FIELD_SPECS, ids=[s.name for s in FIELD_SPECS])
def test_field_lists_page_api_and_export_list_the_same_rows(
    spec: Spec, request: pytest.FixtureRequest, field_world: dict[str, Any]
) -> None:
    client, api = _client(request, spec)
    scope = {spec.api_scope: str(field_world[spec.args].pk)} if spec.api_scope and spec.args else {}
    for params, expected in spec.combos:
        _, rows = _page(client, spec, params, field_world)
        assert {spec.name_of(r) for r in rows} == expected, (spec.name, params)
        if spec.api:
            assert _api_ids(api, spec.api, params | scope) == {r.pk for r in rows}, (spec.name, params)
        if spec.export:
            exported = _exported(client, spec, params, field_world)
            assert sorted(row[spec.col] for row in exported) == sorted(spec.name_of(r) for r in rows), params
    # Out of region, whatever the filter: the outsider's name or ID number finds nothing.
    outsider = field_world["outsider"]
    for q in (INSPECTIONS_OUTSIDER, outsider.head_id_number):
        _, rows = _page(client, spec, {"q": q}, field_world)
        assert rows == [], (spec.name, q)
        if spec.api:
            assert _api_ids(api, spec.api, {"q": q}) == set()
        if spec.export:
            assert _exported(client, spec, {"q": q}, field_world) == []


@pytest.mark.parametrize("spec", FIELD_SPECS, ids=[s.name for s in FIELD_SPECS])
def test_field_lists_find_by_name_and_whole_id_number_only(
    spec: Spec, request: pytest.FixtureRequest, field_world: dict[str, Any]
) -> None:
    client, api = _client(request, spec)
    state = {"state": "all"} if spec.name == "follow-ups" else {}
    number = field_world["a"].head_id_number
    for q in ("甲", number, f" {number.lower()} "):
        _, rows = _page(client, spec, state | {"q": q}, field_world)
        assert {spec.name_of(r) for r in rows} == {"甲"}, (spec.name, q)
        if spec.api:
            assert {r.pk for r in rows} == _api_ids(api, spec.api, state | {"q": q})
    _, rows = _page(client, spec, state | {"q": number[6:14]}, field_world)
    assert rows == []


@pytest.mark.parametrize("spec", [s for s in FIELD_SPECS if s.bad], ids=[s.name for s in FIELD_SPECS if s.bad])
def test_field_lists_refuse_a_wrong_value_in_chinese(
    spec: Spec, request: pytest.FixtureRequest, field_world: dict[str, Any]
) -> None:
    client, api = _client(request, spec)
    response, rows = _page(client, spec, spec.bad, field_world)
    assert rows == []
    content = response.content.decode()
    assert "筛选条件有误" in content and 'data-testid="filter-errors"' in content
    if spec.api:
        answer = api.get(reverse(spec.api), spec.bad)
        assert answer.status_code == 400 and CJK.search(str(answer.json())), answer.json()
    if spec.export:
        refused = client.get(reverse(spec.export, args=_args(spec, field_world)), spec.bad | {"format": "csv"})
        assert refused.status_code == 400 and "筛选条件有误" in refused.content.decode()


def test_the_follow_up_page_opens_on_what_is_left_and_the_api_on_everything(
    client: Any, tl_township: User, field_world: dict[str, Any]
) -> None:
    client.force_login(tl_township)
    _, rows = _page(client, FIELD_SPECS[3], {}, field_world)
    _, open_rows = _page(client, FIELD_SPECS[3], {"state": "open"}, field_world)
    assert rows == open_rows
    api = APIClient()
    api.force_authenticate(tl_township)
    assert _api_ids(api, "api:followup-list", {}) == _api_ids(api, "api:followup-list", {"state": "all"})
