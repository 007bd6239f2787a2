"""One FilterSet per list (issue 16) for the township duties' lists (issue 22): 传统民居, 人居环境项目,
培训, 工匠, 三师下乡 (each with its export), 宣传 and the API's 专班成员. As in ``test_one_filterset_more``:
page, API and export give the same rows for the same filter; a row of another county never
appears; a wrong value is a Chinese error on the page and a 400 in the API and the export.

The world: in 屯留区, 渔泽镇 (北渔泽村, 南渔泽村) and 余吾镇 (余吾村) each have a record of every kind,
with different kinds, grades, dates and states; 彭水县 has one of each that must never show."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.models import User
from anju.regions.models import Region
from anju.township import services
from anju.township.tests.samples import sibling_duties

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
NORTH, SOUTH, YUWU = "140405102201", "140405102202", "140405103200"


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def world(tl_admin: User, ps_admin: User, regions: dict[str, Region]) -> dict[str, Any]:
    """Two of each record in 屯留区, in two townships, and 彭水县's (the sibling's, marked 向标记)."""
    sibling_duties(ps_admin, regions)
    me = tl_admin
    for code, name, grade, kind, category, expert, form, days in (
        (NORTH, "北", "key", "demo_site", "craftsman", "architect", "meeting", 10),
        (YUWU, "余", "general", "improvement", "inspection", "engineer", "banner", 40),
    ):
        region = regions[code]
        village = services.village_add(acting_user=me, region=region, name=f"{name}古村", level="county")
        services.traditional_house_add(
            acting_user=me,
            village=village,
            name=f"{name}老宅",
            owner_name=f"{name}某",
            built_era="清代",
            structure="木",
            grade=grade,
        )
        services.project_create(
            acting_user=me,
            region=region,
            name=f"{name}项目",
            kind=kind,
            year=TODAY.year,
            budget=Decimal("10"),
            responsible_unit="镇政府",
            planned_start=ago(days),
            planned_end=ago(-30),
        )
        services.training_record(
            acting_user=me,
            region=region,
            topic=f"{name}培训",
            category=category,
            trainer=f"{name}老师",
            starts_on=ago(days),
            ends_on=ago(days),
            hours=Decimal("2"),
            place="会议室",
            attendees=[me],
        )
        services.craftsman_register(acting_user=me, region=region, name=f"{name}工匠", certificate_no=f"GJ-{name}")
        visit = services.expert_visit_record(
            acting_user=me,
            region=region,
            visited_on=ago(days),
            expert_name=f"{name}专家",
            expert_kind=expert,
            advice="x",
        )
        if days == 40:
            services.expert_visit_follow_up(acting_user=me, visit=visit, follow_up="已落实", followed_up_on=ago(1))
        services.publicity_record(
            acting_user=me, region=region, held_on=ago(days), place="院坝", form=form, audience=5, summary=f"{name}宣传"
        )
        team = services.team_establish(acting_user=me, region=region, established_on=ago(90))
        services.team_member_add(acting_user=me, team=team, name=f"{name}成员", role="grid", since=ago(90))
        services.team_member_add(
            acting_user=me, team=team, name=f"{name}旧成员", role="clerk", since=ago(90), until=ago(30)
        )
    return {"yuzhe": str(regions["140405102000"].pk)}


@dataclass
class Spec:
    """A list: its page (None: API only), its API list, the name field in the API's rows and the
    page's objects, filter combinations and the names they give, a value to refuse, an export."""

    page: str | None
    api: str
    field: str
    combos: list[tuple[dict[str, str], set[str]]]
    bad: dict[str, str]
    export: bool = False
    col: int = 1  # the export's column holding the name


def _yuzhe(params: dict[str, str], world: dict[str, Any]) -> dict[str, str]:
    return {k: world["yuzhe"] if v == "<渔泽镇>" else v for k, v in params.items()}


SPECS = [
    Spec(
        "township:houses",
        "api:traditional-house-list",
        "name",
        [({}, {"北老宅", "余老宅"}), ({"grade": "key"}, {"北老宅"}), ({"q": "余某"}, {"余老宅"}),
         ({"township": "<渔泽镇>", "due": "1"}, {"北老宅"}), ({"region": SOUTH}, set())],
        {"grade": "gold"},
        export=True,
    ),
    Spec(
        "township:projects",
        "api:environment-project-list",
        "name",
        [({}, {"北项目", "余项目"}), ({"kind": "improvement"}, {"余项目"}), ({"late": "1"}, {"北项目", "余项目"}),
         ({"township": "<渔泽镇>", "status": "planned"}, {"北项目"}), ({"year": str(TODAY.year - 1)}, set())],
        {"status": "finished"},
        export=True,
    ),
    Spec(
        "township:trainings",
        "api:training-list",
        "topic",
        [({}, {"北培训", "余培训"}), ({"category": "inspection"}, {"余培训"}),
         ({"date_from": str(ago(20))}, {"北培训"}), ({"region": YUWU, "date_to": str(ago(20))}, {"余培训"})],
        {"date_from": str(ago(1)), "date_to": str(ago(5))},
        export=True,
    ),
    Spec(
        "township:craftsmen",
        "api:craftsman-list",
        "name",
        [({}, {"北工匠", "余工匠"}), ({"q": "GJ-北"}, {"北工匠"}), ({"township": "<渔泽镇>"}, {"北工匠"})],
        {"township": "999999999"},
        export=True,
    ),
    Spec(
        "township:expert_visits",
        "api:expert-visit-list",
        "expert_name",
        [({}, {"北专家", "余专家"}), ({"pending": "1"}, {"北专家"}), ({"pending": "0"}, {"余专家"}),
         ({"expert_kind": "engineer", "region": NORTH}, set())],
        {"expert_kind": "painter"},
        export=True,
    ),
    Spec(
        "township:publicity",
        "api:publicity-activity-list",
        "summary",
        [({}, {"北宣传", "余宣传"}), ({"form_kind": "banner"}, {"余宣传"}), ({"date_from": str(ago(20))}, {"北宣传"})],
        {"form_kind": "tv"},
    ),
    Spec(
        None,
        "api:team-member-list",
        "name",
        [({}, {"北成员", "余成员", "北旧成员", "余旧成员"}), ({"serving": "1"}, {"北成员", "余成员"}),
         ({"township": "<渔泽镇>", "role": "clerk"}, {"北旧成员"})],
        {"role": "boss"},
    ),
]  # fmt: skip


def _page_names(client: Client, spec: Spec, params: dict[str, str]) -> set[str]:
    assert spec.page
    response = client.get(reverse(spec.page), params)
    assert response.status_code == 200
    context = response.context
    if "page" in context:
        rows = list(context["page"].paginator.object_list)
    else:  # the publicity log: its lines, activities and cases' notices
        rows = [line.activity for line in context["lines"] if getattr(line, "activity", None) is not None]
    return {str(getattr(r, spec.field)) for r in rows}


def _api_names(api: APIClient, spec: Spec, params: dict[str, str]) -> set[str]:
    response = api.get(reverse(spec.api), params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return {row[spec.field] for row in body["results"]}


def _export_names(client: Client, spec: Spec, params: dict[str, str]) -> set[str]:
    assert spec.page
    response = client.get(reverse(spec.page), params | {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    return {row[spec.col] for row in rows}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.api.split(":")[1])
def test_page_api_and_export_give_the_same_rows_and_refuse_the_same_wrong_value(
    spec: Spec, client: Client, tl_county: User, world: dict[str, Any]
) -> None:
    client.force_login(tl_county)
    api = APIClient()
    api.force_authenticate(tl_county)
    for raw, expected in spec.combos:
        params = _yuzhe(raw, world)
        through_api = _api_names(api, spec, params)
        assert through_api == expected, (params, through_api)
        assert not any("向标记" in n for n in through_api)  # 彭水县's never
        if spec.page:
            assert _page_names(client, spec, params) == expected, params
        if spec.export:
            assert _export_names(client, spec, params) == expected, params

    bad = _yuzhe(spec.bad, world)
    refused = api.get(reverse(spec.api), bad)
    assert refused.status_code == 400 and refused.json(), refused.content
    if spec.page:
        page = client.get(reverse(spec.page), bad).content.decode()
        assert "筛选条件有误" in page
    if spec.export:
        export = client.get(reverse(spec.page or ""), bad | {"export": "csv"})
        assert export.status_code == 400 and "筛选条件有误，未导出" in export.content.decode()
