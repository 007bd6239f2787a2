"""The rest of the seeds' duties (issue 18), walked as the officers do them, through the services
and the pages, asserting what they then see. Items 1–4: 一般户 自行整改 to 销号 and its other
routes, the sudden-hardship family with its relief, disasters by type with 灾后重建, the seismic rule
and the counts by programme and of energy-saving retrofits. Items 5–7: the annual work plan, every
deadline as policy data, and the signed village lists over time."""

from __future__ import annotations

import copy
import datetime
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import BRICK_WOOD_ALL_A, DibaoHome, appraisal_kwargs
from anju.audit.models import AuditAction, AuditEvent
from anju.cases import services as case_services
from anju.cases.choices import Stage, TaskKind
from anju.cases.models import CasePolicy, RenovationCase
from anju.cases.tests.conftest import D_GRADES, Officers, ago, walk
from anju.dynamic.models import Hardship, HousingRoute, ReliefMeasure
from anju.dynamic.services import (
    hardship_register,
    relief_record,
    route_close,
    route_complete,
    route_open,
    route_remind,
)
from anju.eligibility.models import Decision
from anju.eligibility.services import circumstance_record
from anju.households.models import House, Household
from anju.households.services import house_create, house_update, household_create, status_add
from anju.inspections.models import EmergencyTask
from anju.inspections.services import emergency_declare, inspection_record
from anju.inspections.tests.conftest import civil, homes, make_id  # noqa: F401
from anju.inspections.tests.images import jpeg
from anju.kit.versioning import ConfigStatus
from anju.ledgers.tests.conftest import C_GRADES
from anju.ledgers.tests.test_ledgers import as_dict, rows_for
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.choices import ReportKind
from anju.reporting.models import WorkPlan
from anju.reporting.snapshots import compute
from anju.tasks.selectors import task_progress
from anju.tasks.services import task_issue
from tests.scenarios.conftest import OnCommit

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YEAR = TODAY.year
VILLAGE = "140405102201"  # 北渔泽村


def general(clerk: User, regions: dict[str, Region], seq: int, name: str, **house: Any) -> tuple[Household, House]:
    """A general household (no key group) of 北渔泽村 with its only house."""
    household = household_create(
        acting_user=clerk, region=regions[VILLAGE], head_name=name, head_id_number=make_id(seq)
    )
    home = house_create(
        acting_user=clerk,
        household=household,
        structure="brick_wood",
        build_year=1982,
        **({"seismic_intensity": 7} | house),
    )
    return household, home


def appraise(appraiser: User, house: House, grades: dict[str, str], on: datetime.date, **overrides: Any) -> None:
    appraisal_record(
        acting_user=appraiser, house=house, **appraisal_kwargs(component_grades=grades, appraised_on=on) | overrides
    )


def outcome(household: Household) -> Decision:
    return Decision.objects.get(household=household, is_current=True)


def audited(obj: Any, action: str) -> int:
    return AuditEvent.objects.filter(object_id=str(obj.pk), action=action, object_repr=str(obj)[:200]).count()


def progress(user: User, code: str = "140405000000") -> dict[str, Any]:
    region = Region.objects.get(code=code)
    return compute(kind=ReportKind.PROGRESS, region=region, year=YEAR, month=TODAY.month, as_of=TODAY, user=user)


def page(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- 1. 一般户 to the end -----------------------------------------------------------------------------


@pytest.fixture
def able(on_commit: OnCommit, tl_clerk: User, regions: dict[str, Region], appraiser: User) -> tuple[Household, House]:
    """北渔泽村 戊: a general household, its only house appraised C, able to repair it itself."""
    with on_commit():
        household, home = general(tl_clerk, regions, 31, "戊")
        appraise(appraiser, home, C_GRADES, ago(120))
        circumstance_record(
            acting_user=tl_clerk,
            household=household,
            kind="self_repair_able",
            recorded_on=ago(101),
            note="子女在县城务工，有能力自行维修",
        )
    return household, home


def test_a_self_repair_gets_its_due_date_from_the_policy_is_reminded_and_shows_overdue(
    client: Client, able: tuple[Household, House], tl_clerk: User, tl_township: User
) -> None:
    household, _ = able
    assert outcome(household).outcome == "self_repair"  # R11: 一般农户有能力自行解决
    waiting = page(client, tl_township, "/self-repair/")
    assert "待确定去向的一般户（唯一住房鉴定为 C/D 级，1 户）" in waiting and "戊户 · 北渔泽村委会 · C 级" in waiting
    route = route_open(acting_user=tl_clerk, household=household, kind="self_repair", option="repair", on=ago(100))
    # The policy's 90 days (cases.policy "duties"), not a number in code.
    assert route.due_on == ago(100) + datetime.timedelta(days=90)
    route_remind(acting_user=tl_clerk, route=route, note="电话督促，户主答应本月内动工")
    route_remind(acting_user=tl_clerk, route=route, note="入户督促，已购材料")

    html = page(client, tl_township, "/self-repair/")
    assert "戊户" in html and "逾期 10 天未完成" in html
    assert "自行整改逾期 1" in html
    route.refresh_from_db()
    assert route.reminders == 2 and route.last_reminded_on == TODAY
    assert audited(route, AuditAction.CREATE) == 1 and audited(route, AuditAction.UPDATE) == 2
    overdue = client.get("/api/self-repair/", {"overdue": "true"}).json()
    assert [r["head_name"] for r in overdue["results"]] == ["戊"]


def test_a_self_repair_closes_only_on_the_townships_verification_photos(
    client: Client, able: tuple[Household, House], tl_clerk: User, tl_township: User, tl_county: User
) -> None:
    household, _ = able
    route = route_open(acting_user=tl_clerk, household=household, kind="self_repair", option="repair", on=ago(40))
    with pytest.raises(ValidationError, match="请上传完成后的照片"):
        route_complete(acting_user=tl_clerk, route=route, note="墙体已加固", photos=[])
    route_complete(
        acting_user=tl_clerk, route=route, note="后墙裂缝已加固，屋面已翻修", photos=[jpeg("after.jpg")], on=ago(5)
    )

    with pytest.raises(PermissionDenied, match="只有乡镇建环办或区/县住建局才能核验销号"):
        route_close(acting_user=tl_clerk, route=route, note="已核验", photos=[jpeg("v.jpg")])
    with pytest.raises(ValidationError) as refused:
        route_close(acting_user=tl_township, route=route, note="现场核验，隐患已消除", photos=[])
    assert "核验销号须上传乡镇现场核验照片（至少一张）。" in refused.value.messages
    route.refresh_from_db()
    assert route.stage == "done" and route.closed_on is None and route.photos.count() == 1  # nothing half-written
    assert audited(route, AuditAction.REFUSED) == 3  # every refusal above is on the record

    route_close(acting_user=tl_township, route=route, note="现场核验，隐患已消除", photos=[jpeg("v.jpg")])
    html = page(client, tl_township, f"/self-repair/{route.pk}/")
    assert "已核验销号" in html and "现场核验，隐患已消除" in html and "核验照片" in html
    row = as_dict("general", rows_for(tl_county, "general")[0])
    assert row["户主姓名"] == "戊" and row["保障途径"] == "自行整改（自行维修加固）" and row["途径进展"] == "已核验销号"


def test_fallback_and_other_routes_need_their_evidence_and_another_way_closes_as_solved_otherwise(
    on_commit: OnCommit, tl_clerk: User, tl_township: User, regions: dict[str, Region], appraiser: User
) -> None:
    with on_commit():
        household, home = general(tl_clerk, regions, 32, "己")
        appraise(appraiser, home, D_GRADES, ago(60))
    with pytest.raises(ValidationError) as refused:
        route_open(acting_user=tl_clerk, household=household, kind="otherwise", option="relatives")
    assert refused.value.message_dict["evidence"] == [
        "请填写依据或去向（安置住房地址、租赁协议、亲属住址或搬迁地点）。"
    ]
    with pytest.raises(
        ValidationError, match="兜底保障的具体方式可选：政府统建住房、政府租赁住房、周转房、幸福大院等集中安置"
    ):
        route_open(acting_user=tl_clerk, household=household, kind="fallback", option="relatives", evidence="x")
    assert not HousingRoute.objects.exists()

    route = route_open(
        acting_user=tl_clerk,
        household=household,
        kind="otherwise",
        option="relatives",
        evidence="投靠女儿，住本村 3 组",
    )
    assert route.due_on is None  # only 自行整改 has a due date
    route_complete(acting_user=tl_clerk, route=route, note="已搬入女儿家", photos=[jpeg()])
    with on_commit():
        route_close(acting_user=tl_township, route=route, note="入户核实，老房已停用", photos=[jpeg()])
    decision = outcome(household)
    assert decision.outcome == "solved_otherwise" and "已投亲靠友" in decision.reason

    kin, _kin_home = general(tl_clerk, regions, 33, "庚")
    shelter = route_open(
        acting_user=tl_clerk, household=kin, kind="fallback", option="turnover", evidence="渔泽镇周转房 2 号"
    )
    assert shelter.get_kind_display() == "兜底保障" and shelter.get_option_display() == "周转房"


def test_fallback_funding_shows_in_the_subsidy_plan(
    on_commit: OnCommit,
    tl_clerk: User,
    tl_county: User,
    regions: dict[str, Region],
    appraiser: User,
    officers: Officers,
) -> None:
    with on_commit():
        household, home = general(tl_clerk, regions, 34, "辛")
        appraise(appraiser, home, D_GRADES, ago(90))
        circumstance_record(
            acting_user=tl_clerk, household=household, kind="self_repair_unable", recorded_on=ago(80), note="独居老人"
        )
    assert outcome(household).outcome == "fallback"
    case = case_services.case_open(acting_user=tl_clerk, household=household, on=ago(60))
    walk(case, officers, Stage.APPROVED)
    row = as_dict("subsidy_plan", rows_for(tl_county, "subsidy_plan", year=case.year)[0])
    assert row["其中兜底资金户数"] == 1 and row["其中兜底资金（元）"] == 21000.0
    assert row["D 级户数"] == 1 and row["合计户数"] == 1


# --- 2. 突发严重困难户 --------------------------------------------------------------------------------


def test_a_township_registers_a_sudden_hardship_family_with_cause_and_date_and_a_short_appraisal_due(
    client: Client, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    household, _ = general(tl_clerk, regions, 35, "壬")
    client.force_login(tl_township)
    bare = client.post("/api/hardship/", {"household": household.pk, "description": "户主突发脑溢血住院"})
    assert bare.status_code == 400
    assert "请选择致困原因" in bare.content.decode() and "请填写发生日期。" in bare.content.decode()
    assert not Hardship.objects.exists()

    made = client.post(
        "/api/hardship/",
        {
            "household": household.pk,
            "cause": "illness",
            "occurred_on": ago(2).isoformat(),
            "description": "户主突发脑溢血住院",
        },
    )
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["appraise_by"] == (TODAY + datetime.timedelta(days=7)).isoformat()  # the policy's 7 days
    assert data["task_state"] == "待鉴定（剩 7 天）"
    html = page(client, tl_township, "/hardship/")
    assert "壬户" in html and "重大疾病" in html and "待鉴定（剩 7 天）" in html
    assert audited(Hardship.objects.get(), AuditAction.CREATE) == 1

    client.force_login(tl_clerk)
    refused = client.post(
        "/api/hardship/",
        {"household": household.pk, "cause": "fire", "occurred_on": ago(1).isoformat(), "description": "火灾"},
    )
    assert (
        refused.status_code == 403 and "只有乡镇建环办或区/县住建局才能登记突发严重困难户" in refused.content.decode()
    )


def test_relief_is_recorded_with_who_and_when_or_refused(
    client: Client, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    household, _ = general(tl_clerk, regions, 36, "癸")
    hardship = hardship_register(
        acting_user=tl_township, household=household, cause="fire", occurred_on=ago(3), description="厨房失火，正房烧毁"
    )
    client.force_login(tl_clerk)
    bare = client.post(
        "/api/relief/", {"hardship": hardship.pk, "kind": "temp_housing", "detail": "安置到村委会周转房"}
    )
    assert bare.status_code == 400
    assert "请填写实施单位或责任人。" in bare.content.decode() and "请填写实施日期。" in bare.content.decode()
    with pytest.raises(ValidationError, match="临时救助资金请填写金额"):
        relief_record(
            acting_user=tl_clerk,
            hardship=hardship,
            kind="money",
            detail="临时救助",
            provided_by="民政办",
            provided_on=ago(1),
        )
    assert not ReliefMeasure.objects.exists()

    ok = client.post(
        f"/api/hardship/{hardship.pk}/relief/",
        {
            "kind": "temp_housing",
            "detail": "安置到村委会周转房",
            "provided_by": "北渔泽村委会 张主任",
            "provided_on": ago(2).isoformat(),
        },
    )
    assert ok.status_code == 201, ok.content
    relief_record(
        acting_user=tl_township,
        hardship=hardship,
        kind="money",
        detail="临时救助金",
        amount="3000",
        provided_by="渔泽镇民政办",
        provided_on=ago(1),
    )
    html = page(client, tl_township, f"/hardship/{hardship.pk}/")
    assert "安置到村委会周转房" in html and "北渔泽村委会 张主任" in html and "3,000 元" in html
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type__icontains="relief").count() == 2


def test_a_sudden_hardship_familys_case_counts_as_dynamic_new_in_the_tasks_and_the_report(
    client: Client,
    on_commit: OnCommit,
    tl_clerk: User,
    tl_township: User,
    tl_county: User,
    rural: User,
    regions: dict[str, Region],
    appraiser: User,
    make_user: Callable[..., User],
) -> None:
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    task_issue(
        acting_user=province, county=regions["140405000000"], year=YEAR, programme="renovation", kind="dynamic", count=3
    )
    household, home = general(tl_clerk, regions, 37, "子")
    hardship_register(
        acting_user=tl_township,
        household=household,
        cause="accident",
        occurred_on=ago(30),
        description="户主车祸致残",
        registered_on=ago(29),
    )
    with on_commit():
        status_add(acting_user=rural, household=household, group="hardship", certified_on=ago(28))
        appraise(appraiser, home, D_GRADES, ago(25))
    assert outcome(household).outcome == "renovation"
    case = case_services.case_open(acting_user=tl_clerk, household=household, on=ago(20))
    assert case.origin == "hardship" and "突发严重困难户" in case.steps.get().note

    county_row = next(r for r in task_progress(tl_county, YEAR) if r.programme == "renovation")
    assert county_row.figures is not None and county_row.figures["dynamic_new"] == 1
    assert "已建案 1" in page(client, tl_county, f"/tasks/?year={YEAR}")
    dynamic = progress(tl_county)["dynamic_new"]
    assert dynamic["hardship_cases"] == 1 and dynamic["total"] == 1 and dynamic["hardship_registered"] == 1
    assert "已建案" in page(client, tl_township, "/hardship/")


# --- 3. Disasters -------------------------------------------------------------------------------------


def test_emergency_tasks_put_key_households_first_then_suspected_cd_then_the_rest(
    client: Client, dibao_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    _cracked, cracked_home = general(tl_clerk, regions, 38, "丑")
    inspection_record(acting_user=tl_clerk, house=cracked_home, suspected_grade="C", is_occupied=False)
    general(tl_clerk, regions, 39, "寅")
    event = emergency_declare(
        acting_user=tl_township,
        kind="hail",
        title="6·18 风雹",
        occurred_on=ago(3),
        region=regions["140405102000"],
        villages=[regions[VILLAGE]],
        area="北渔泽村全村，约 3 平方公里",
    )
    tasks = list(
        EmergencyTask.objects.filter(event=event).select_related("house__household").order_by("priority", "pk")
    )
    assert [t.house.household.head_name for t in tasks] == ["甲", "丑", "寅"]
    assert [t.get_priority_display() for t in tasks] == ["低收入重点对象", "已知 C/D 级", "其他"]
    assert tasks[0].reason == "农村低保户"
    html = page(client, tl_township, f"/inspections/events/{event.pk}/")
    assert "风雹" in html and "受灾范围：北渔泽村全村，约 3 平方公里" in html


@pytest.fixture
def flooded(
    on_commit: OnCommit,
    dibao_home: DibaoHome,
    tl_clerk: User,
    tl_township: User,
    regions: dict[str, Region],
    appraiser: User,
) -> RenovationCase:
    """A flood over 北渔泽村; the emergency inspection finds 甲's (低保) house D, the appraisal
    confirms it, and the case is opened."""
    event = emergency_declare(
        acting_user=tl_township,
        kind="flood",
        title="7·20 洪涝",
        occurred_on=ago(75),
        region=regions["140405102000"],
        villages=[regions[VILLAGE]],
        area="北渔泽村沿河 2 个组",
    )
    with on_commit():
        inspection_record(
            acting_user=tl_clerk,
            house=dibao_home["house"],
            event=event,
            suspected_grade="D",
            is_occupied=False,
            inspected_at=datetime.datetime.combine(ago(72), datetime.time(10), tzinfo=datetime.UTC),
        )
        appraise(appraiser, dibao_home["house"], D_GRADES, ago(70), damage_cause="major_disaster")
    return case_services.case_open(acting_user=tl_clerk, household=dibao_home["household"], on=ago(60))


def test_houses_a_disaster_made_dangerous_are_counted_by_event_and_type_and_rebuilt_after_it(
    client: Client,
    flooded: RenovationCase,
    officers: Officers,
    tl_county: User,
    regions: dict[str, Region],
    make_user: Callable[..., User],
) -> None:
    assert flooded.programme == "disaster_rebuild" and flooded.origin == "disaster"
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    task_issue(
        acting_user=province, county=regions["140405000000"], year=YEAR, programme="renovation", kind="dynamic", count=2
    )
    # No 灾后重建 task was issued: the case counts against the 危房改造 动态新增 task.
    county_row = next(r for r in task_progress(tl_county, YEAR) if r.programme == "renovation")
    assert county_row.figures is not None and county_row.figures["dynamic_new"] == 1
    assert flooded.event is not None and flooded.event.title == "7·20 洪涝"
    walk(flooded, officers, Stage.APPROVED)
    flooded.refresh_from_db()
    # The national policy has no 灾后重建 standard: the renovation one, said so.
    assert flooded.subsidy_amount == Decimal("21000")
    assert "本政策未设灾后重建专项标准，按危房改造标准" in flooded.subsidy_explanation

    row = as_dict("disaster", rows_for(tl_county, "disaster")[0])
    assert row["灾害名称"] == "7·20 洪涝" and row["灾害类型"] == "洪涝" and row["受灾范围"] == "北渔泽村沿河 2 个组"
    assert row["致危房屋（C/D）"] == 1 and row["灾后重建案件"] == 1
    client.force_login(tl_county)
    api = client.get("/api/disaster-damage/", {"year": YEAR}).json()
    assert [(r["kind_label"], r["dangerous"], r["cases"]) for r in api] == [("洪涝", 1, 1)]
    report = progress(tl_county)
    assert report["disaster_kinds"] == [{"kind_label": "洪涝", "events": 1, "dangerous": 1, "cases": 1}]
    assert report["dynamic_new"]["disaster_cases"] == 1
    assert next(r for r in report["rows"] if r["programme"] == "disaster_rebuild")["cases"] == 1
    assert "洪涝（1 次）" in page(client, tl_county, f"/dashboard/?year={YEAR}")


def test_disaster_rebuild_takes_its_own_standard_where_the_province_has_one(
    flooded: RenovationCase, officers: Officers, make_user: Callable[..., User]
) -> None:
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    national = CasePolicy.objects.get(region_code="", status=ConfigStatus.ACTIVE)
    draft = case_services.policy_derive(acting_user=province, source=national)
    content = draft.content | {
        "subsidy_standards": [
            *draft.content["subsidy_standards"],
            {
                "code": "S-REBUILD",
                "label": "因灾倒损农房恢复重建",
                "year": None,
                "regions": [],
                "programme": "disaster_rebuild",
                "grades": ["C", "D", "N"],
                "methods": [],
                "amount": 30000,
            },
        ]
    }
    draft = case_services.policy_update(acting_user=province, policy=draft, content=content, name="山西省改造政策")
    case_services.policy_activate(acting_user=province, policy=draft)
    # The case keeps the version it was opened under; a case opened now takes the province's.
    RenovationCase.objects.filter(pk=flooded.pk).update(policy=draft)
    flooded.refresh_from_db()
    walk(flooded, officers, Stage.APPROVED)
    flooded.refresh_from_db()
    assert flooded.subsidy_amount == Decimal("30000") and flooded.subsidy_standard == "S-REBUILD"


# --- 4. Seismic and energy-saving ------------------------------------------------------------------------


def test_the_default_rules_route_a_key_household_in_a_7_degree_zone_lacking_seismic_measures_to_seismic_retrofit(
    client: Client,
    on_commit: OnCommit,
    dibao_home: DibaoHome,
    appraiser: User,
    tl_clerk: User,
    tl_county: User,
    regions: dict[str, Region],
) -> None:
    household, home = dibao_home["household"], dibao_home["house"]
    with on_commit():
        appraise(appraiser, home, BRICK_WOOD_ALL_A, ago(30), prevention_level="none")  # every component a: grade A
    decision = outcome(household)
    assert decision.outcome == "seismic" and decision.rule_id == "R10-key-seismic"
    assert "7 度" in decision.reason and "完全不具备" in decision.reason
    assert "纳入农房抗震改造" in page(client, tl_county, f"/eligibility/households/{household.pk}/")

    with on_commit():
        house_update(acting_user=tl_clerk, house=home, seismic_intensity=6)
    assert outcome(household).outcome != "seismic"  # below 7 度: the rule set's value, not code's
    with on_commit():
        house_update(acting_user=tl_clerk, house=home, seismic_intensity=8)
    assert outcome(household).outcome == "seismic"
    # A C/D house in an 8 度 zone without seismic measures is renovated, never retrofitted.
    with on_commit():
        other, other_home = general(tl_clerk, regions, 41, "辰", seismic_intensity=8)
        status_add(acting_user=dibao_home["civil"], household=other, group="dibao", certified_on=ago(400))
        appraise(appraiser, other_home, D_GRADES, ago(10), prevention_level="none")
    assert outcome(other).outcome == "renovation"


def test_cases_by_programme_and_energy_saving_retrofits_show_in_the_report_the_plan_and_the_dashboard(
    client: Client,
    on_commit: OnCommit,
    dibao_home: DibaoHome,
    appraiser: User,
    tl_clerk: User,
    tl_county: User,
    officers: Officers,
    regions: dict[str, Region],
) -> None:
    with on_commit():
        appraise(appraiser, dibao_home["house"], D_GRADES, ago(90))
        other, other_home = general(tl_clerk, regions, 40, "卯")
        status_add(acting_user=dibao_home["civil"], household=other, group="dibao", certified_on=ago(400))
        appraise(appraiser, other_home, BRICK_WOOD_ALL_A, ago(90), prevention_level="partial")
    renovation = case_services.case_open(acting_user=tl_clerk, household=dibao_home["household"], on=ago(60))
    seismic = case_services.case_open(acting_user=tl_clerk, household=other, on=ago(60))
    assert (renovation.programme, seismic.programme) == ("renovation", "seismic")
    walk(renovation, officers, Stage.UNDER_WAY)  # agreement with 墙体保温, 45 m² planned
    walk(seismic, officers, Stage.APPROVED)

    report = progress(tl_county)
    cases = {r["programme"]: r["cases"] for r in report["rows"]}
    assert cases == {"renovation": 1, "seismic": 1, "disaster_rebuild": 0}
    assert report["energy"] == {"cases": 1, "area": "45.00", "subsidy": "21000.00"}
    row = as_dict("subsidy_plan", rows_for(tl_county, "subsidy_plan", year=YEAR)[0])
    assert row["抗震改造户数"] == 1 and row["抗震改造资金（元）"] == 10000.0 and row["合计户数"] == 2
    assert row["同步节能改造户数"] == 1 and row["节能改造面积（m²）"] == 45.0
    html = page(client, tl_county, f"/dashboard/?year={YEAR}")
    assert "农房抗震改造" in html and "1 户 · 45.00 m²" in html


# --- items 5–7: the annual work plan, deadlines as policy data, village lists over time ---
TODAY = datetime.date.today()
YEAR = TODAY.year
COUNTY, YUZE, YUWU = "140405000000", "140405102000", "140405103000"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def day(month: int, dom: int) -> str:
    return datetime.date(YEAR, month, dom).isoformat()


def plan_document(**overrides: Any) -> dict[str, Any]:
    """屯留区's plan for this year: 渔泽镇 12 + 3, 余吾镇 5; the renovation phase ended yesterday
    (so it is behind), acceptance runs to the year's end; 年度任务 set 60 days ago."""
    yesterday = TODAY - datetime.timedelta(days=1)
    doc: dict[str, Any] = {
        "title": f"屯留区{YEAR}年巩固提升农村住房安全保障成果行动方案",
        "document_no": f"屯建发〔{YEAR}〕86号",
        "issued_on": day(1, 10),
        "goal": "对经鉴定为C级和D级危险房屋中的6类低收入群体，纳入农村危房改造范围，动态清零。",
        "annual_until": (TODAY - datetime.timedelta(days=60)).isoformat(),
        "targets": [
            {"township": YUZE, "programme": "renovation", "annual": 12, "dynamic": 3},
            {"township": YUWU, "programme": "renovation", "annual": 5, "dynamic": 0},
        ],
        "phases": [
            {
                "code": "planning",
                "name": "安排部署阶段",
                "starts": day(1, 10),
                "ends": day(2, 15),
                "overdue": "tasks_unallocated",
                "work": "制定年度工作方案",
                "units": "区住建局",
            },
            {
                "code": "renovation",
                "name": "全面排查改造阶段",
                "starts": day(2, 16),
                "ends": yesterday.isoformat(),
                "overdue": "cases_not_completed",
                "work": "排查摸底，鉴定评估，全面完成改造",
                "units": "各乡镇",
            },
            {
                "code": "acceptance",
                "name": "竣工验收阶段",
                "starts": TODAY.isoformat(),
                "ends": day(12, 31),
                "overdue": "cases_not_accepted",
                "work": "逐户逐项竣工验收",
                "units": "各乡镇、区住建局",
            },
        ],
        "units": [{"name": "区住建局", "duty": "统筹推进、督导检查"}, {"name": "各乡镇", "duty": "排查、改造、验收"}],
        "contacts": [{"unit": "区住建局村镇股", "name": "张卫东", "phone": "0355-7722123"}],
    }
    return doc | overrides


def in_force(county_officer: User, doc: dict[str, Any] | None = None) -> WorkPlan:
    plan = services.workplan_draft(acting_user=county_officer, county=county_officer.region, year=YEAR)  # type: ignore[arg-type]  # the officer sits in the county
    services.workplan_update(acting_user=county_officer, plan=plan, content=doc or plan_document())
    return services.workplan_activate(acting_user=county_officer, plan=plan)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- 5. the annual work plan --------------------------------------------------------------------------


def test_a_plan_whose_phases_overlap_or_run_past_the_year_is_refused_in_chinese_and_nothing_saved(
    tl_county: User,
) -> None:
    plan = services.workplan_draft(acting_user=tl_county, county=tl_county.region, year=YEAR)  # type: ignore[arg-type]  # the officer sits in the county
    before = copy.deepcopy(plan.content)
    doc = plan_document()
    doc["phases"][1]["starts"] = day(2, 1)  # inside the planning phase
    doc["phases"][2]["ends"] = f"{YEAR + 1}-01-31"  # past the year
    doc["targets"].append({"township": "500243202000", "programme": "renovation", "annual": 2})

    response = login(tl_county).post(
        reverse("reporting:workplan_edit", args=[plan.pk]), {"text": __import__("json").dumps(doc), "note": "改"}
    )

    page = text_of(response.content.decode())
    assert response.status_code == 400
    assert (
        "「全面排查改造阶段」（" + day(2, 1) + " 起）与「安排部署阶段」（" + day(2, 15) + " 止）重叠或顺序颠倒" in page
    )
    assert f"「竣工验收阶段」（{TODAY.isoformat()} 至 {YEAR + 1}-01-31）超出了 {YEAR} 年" in page
    assert "任务目标第 3 项的乡镇「500243202000」不是本县的乡镇" in page
    plan.refresh_from_db()
    assert plan.content == before
    assert not AuditEvent.objects.filter(object_type="reporting.workplan", action="update").exists()


def test_a_plan_in_force_drives_the_overdue_list_and_marks_cases_annual_or_dynamic(
    tl_county: User, officers: Officers, covered_home: Any
) -> None:
    # Opened 90 days ago, before any plan: 年度任务.
    found = services_case_open(officers, covered_home["household"], TODAY - datetime.timedelta(days=90))
    assert found.task_kind == TaskKind.ANNUAL
    # The plan, put in force now, sets the year's 年度任务 list 100 days ago: the case came after.
    plan = in_force(tl_county, plan_document(annual_until=(TODAY - datetime.timedelta(days=100)).isoformat()))
    found.refresh_from_db()
    assert found.task_kind == TaskKind.DYNAMIC
    marked = AuditEvent.objects.get(object_type="cases.renovationcase", object_id=str(found.pk), action="update")
    assert marked.changes == {"task_kind": {"before": "年度任务", "after": "动态新增"}}
    # New cases follow the plan in force; a county without one stays 年度任务.
    from anju.cases import extensions

    assert extensions.task_kind_of("140405102201", YEAR, TODAY - datetime.timedelta(days=10)) == TaskKind.DYNAMIC
    assert extensions.task_kind_of("140405102201", YEAR, TODAY - datetime.timedelta(days=101)) == TaskKind.ANNUAL
    assert extensions.task_kind_of("500243202201", YEAR, TODAY) == TaskKind.ANNUAL

    page = text_of(
        login(tl_county).get(reverse("reporting:annual_plan"), {"year": str(YEAR), "region": COUNTY}).content.decode()
    )
    assert f"阶段来自 {plan}" in page
    assert "全面排查改造阶段 截止 " + (TODAY - datetime.timedelta(days=1)).isoformat() + " · 已截止 1 天" in page
    assert "逾期：当年案件未竣工 1" in page  # the case, not completed when its phase ended

    detail = login(tl_county).get(reverse("reporting:workplan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="annual-cases">0<' in detail and 'data-testid="dynamic-cases">1<' in detail
    row = detail.split(f'data-township="{YUZE}"')[1].split("</tr>")[0]
    assert "危房改造 12/3" in text_of(row)


def services_case_open(officers: Officers, household: Any, on: datetime.date) -> RenovationCase:
    from anju.cases import services as case_services

    return case_services.case_open(acting_user=officers["clerk"], household=household, on=on)


def test_the_work_plan_prints_as_a_chinese_pdf_and_a_new_version_keeps_the_old(tl_county: User) -> None:
    plan = in_force(tl_county)
    response = login(tl_county).get(reverse("reporting:workplan_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert f"屯留区{YEAR}年巩固提升农村住房安全保障成果行动方案" in text
    assert "全面排查改造阶段" in text and "渔泽镇" in text and "张卫东" in text and "0355-7722123" in text
    assert "第 1 版（现行版本）" in text

    second = services.workplan_draft(acting_user=tl_county, county=tl_county.region, year=YEAR, note="调整目标")  # type: ignore[arg-type]  # the officer sits in the county
    doc = plan_document()
    doc["targets"][0]["annual"] = 14
    services.workplan_update(acting_user=tl_county, plan=second, content=doc, note="渔泽镇增加 2 户")
    services.workplan_activate(acting_user=tl_county, plan=second)
    plan.refresh_from_db()
    assert (plan.status, plan.content["targets"][0]["annual"]) == ("retired", 12)
    listing = text_of(login(tl_county).get(reverse("reporting:workplan_list"), {"year": YEAR}).content.decode())
    assert "v2 现行" in listing and "v1 已停用" in listing


def test_a_township_reads_the_plan_but_only_the_county_may_change_it_and_an_open_phase_cannot_end_yesterday(
    tl_county: User, tl_township: User
) -> None:
    plan = in_force(tl_county)
    assert login(tl_township).get(reverse("reporting:workplan_detail", args=[plan.pk])).status_code == 200
    with pytest.raises(Exception, match="屯留区的年度工作方案由本级区/县住建局编制和印发"):
        services.workplan_draft(acting_user=tl_township, county=plan.region, year=YEAR)
    draft = services.workplan_draft(acting_user=tl_county, county=plan.region, year=YEAR)
    doc = plan_document()
    doc["phases"][2]["starts"] = (TODAY - datetime.timedelta(days=2)).isoformat()
    doc["phases"][1]["ends"] = (TODAY - datetime.timedelta(days=3)).isoformat()
    doc["phases"][2]["ends"] = (TODAY - datetime.timedelta(days=1)).isoformat()
    services.workplan_update(acting_user=tl_county, plan=draft, content=doc)
    with pytest.raises(ValidationError) as refused:
        services.workplan_activate(acting_user=tl_county, plan=draft)
    assert (
        f"「竣工验收阶段」的结束日期将从 {YEAR}-12-31 提前到 {(TODAY - datetime.timedelta(days=1)):%Y-%m-%d}，已经过去"
        in refused.value.messages[0]
    )
    plan.refresh_from_db()
    draft.refresh_from_db()
    assert (plan.status, draft.status) == ("active", "draft")


def test_the_work_plan_api_lists_creates_edits_and_activates(tl_county: User, tl_township: User) -> None:
    api = APIClient()
    api.force_authenticate(tl_county)
    made = api.post("/api/work-plans/", {"year": YEAR}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    bad = plan_document()
    bad["phases"][0]["ends"] = day(3, 1)  # overlaps the next phase
    refused = api.patch(f"/api/work-plans/{pk}/", {"content": bad}, format="json")
    assert refused.status_code == 400
    assert "重叠或顺序颠倒" in str(refused.json())
    assert api.patch(f"/api/work-plans/{pk}/", {"content": plan_document()}, format="json").status_code == 200
    assert api.post(f"/api/work-plans/{pk}/activate/").status_code == 200
    township = APIClient()
    township.force_authenticate(tl_township)
    listed = township.get("/api/work-plans/", {"year": YEAR}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(r["county"], r["version"], r["status"]) for r in rows] == [(COUNTY, 1, "active")]
    assert rows[0]["content"]["targets"][0] == {"township": YUZE, "programme": "renovation", "annual": 12, "dynamic": 3}
    assert township.post(f"/api/work-plans/{pk}/activate/").status_code == 403


@pytest.fixture
def ps_county(make_user: Callable[..., User]) -> User:
    return make_user("ps_county", "500243000000", Role.COUNTY_OFFICER)


def test_another_county_cannot_see_the_plan(tl_county: User, ps_county: User) -> None:
    plan = in_force(tl_county)
    assert login(ps_county).get(reverse("reporting:workplan_detail", args=[plan.pk])).status_code == 404
    assert login(ps_county).get(reverse("reporting:workplan_pdf", args=[plan.pk])).status_code == 404
    assert Region.objects.get(code=COUNTY).name == "屯留区"


# --- 6. every deadline as policy data --------------------------------------------------------------------


@pytest.fixture
def sx_province(make_user: Callable[..., User]) -> User:
    return make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)


def test_the_supervision_due_date_is_proposed_from_the_province_policy_and_shown_with_it(
    sx_province: User, tl_county: User, regions: dict[str, Region]
) -> None:
    from anju.cases import services as case_services
    from anju.supervision import services as supervision

    national = case_services.ensure_national_policy()
    draft = case_services.policy_derive(acting_user=sx_province, source=national)
    content = copy.deepcopy(draft.content) | {"deadlines": {"rectification_days": 20, "supervision_days": 15}}
    case_services.policy_update(acting_user=sx_province, policy=draft, content=content, name="山西省改造政策")
    case_services.policy_activate(acting_user=sx_province, policy=draft)

    visit = supervision.visit_record(
        acting_user=tl_county, region=regions[YUZE], visited_on=TODAY, topic="quality", inspectors="张卫东"
    )
    supervision.finding_add(acting_user=tl_county, visit=visit, category="quality", description="圈梁缺失")
    page = login(tl_county).get(reverse("supervision:visit_detail", args=[visit.pk])).content.decode()
    proposed = TODAY + datetime.timedelta(days=15)
    assert f'value="{proposed.isoformat()}"' in page
    assert "改造政策：下发后 15 天内整改" in page
    policy_page = text_of(login(tl_county).get(reverse("cases:policy_detail", args=[draft.pk])).content.decode())
    assert "验收未通过的整改期限：验收后 20 天" in policy_page
    assert "督导整改通知的整改期限：下发后 15 天" in policy_page

    bad = copy.deepcopy(content) | {"deadlines": {"rectification_days": 0, "supervision_days": 15}}
    second = case_services.policy_derive(acting_user=sx_province, source=draft)
    with pytest.raises(ValidationError) as refused:
        case_services.policy_update(acting_user=sx_province, policy=second, content=bad, name="山西省改造政策")
    assert "验收未通过整改期限 rectification_days 应为 1–365 的整数（天）。" in refused.value.messages


def test_a_calendar_that_would_put_an_open_deadline_in_the_past_is_refused_and_nothing_changes(
    sx_province: User,
) -> None:
    national = services.ensure_national_calendar()
    draft = services.calendar_derive(acting_user=sx_province, source=national)
    content = copy.deepcopy(draft.content)
    # This month's progress report (the 15th at the village) moved to the 1st: refused while the
    # 15th is still ahead and the 1st already past.
    content["reports"]["progress"]["due_day"] = {"village": 1, "township": 1, "county": 1, "city": 1}
    content["plans"] = [p for p in content["plans"] if p["year"] != YEAR] + [
        {
            "year": YEAR,
            "regions": [],
            "phases": [
                {"code": "planning", "name": "规划部署", "deadline": day(1, 31), "overdue": "tasks_unallocated"},
                {
                    "code": "acceptance",
                    "name": "竣工验收",
                    "deadline": (TODAY - datetime.timedelta(days=1)).isoformat(),
                    "overdue": "cases_not_accepted",
                },
            ],
        }
    ]
    services.calendar_update(acting_user=sx_province, calendar=draft, content=content, name="山西省报送日历")
    with pytest.raises(ValidationError) as refused:
        services.calendar_activate(acting_user=sx_province, calendar=draft)
    messages = refused.value.messages
    moved_report = any(m.startswith("本月进度月报的村级截止日将从 ") and "立即逾期" in m for m in messages)
    assert moved_report == (2 <= TODAY.day <= 15), messages
    assert (
        f"{YEAR} 年「竣工验收」阶段的截止日期将从 {YEAR}-12-31 提前到 {(TODAY - datetime.timedelta(days=1)):%Y-%m-%d}，已经过去。"
        in messages
    )
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert services.calendar_for("140405102201").pk == national.pk
    assert not AuditEvent.objects.filter(
        object_type="reporting.reportingcalendar",
        action="update",
        object_id=str(draft.pk),
        changes__status__isnull=False,
    ).exists()


# --- 7. village lists ---------------------------------------------------------------------------------------


def test_the_village_list_is_due_on_the_calendar_day_supplemented_and_returned_with_its_history(
    homes: Any,  # noqa: F811
    tl_township: User,
    tl_head: User,
    tl_county: User,
    regions: dict[str, Region],
) -> None:
    from anju.inspections import services as inspections
    from anju.inspections.models import VillageList

    village = regions["140405102201"]
    campaign = inspections.campaign_create(
        acting_user=tl_township,
        title=f"{YEAR} 年渔泽镇常规排查",
        year=YEAR,
        region=regions[YUZE],
        starts_on=datetime.date(YEAR, 3, 1),
        deadline=datetime.date(YEAR, 6, 30),
    )
    assert campaign.list_due == datetime.date(YEAR, 3, 30)  # the calendar's village_list.due (鹿鸣乡: 3 月 30 日)

    first = inspections.village_list_sign(acting_user=tl_head, campaign=campaign, village=village)
    with pytest.raises(ValidationError, match="不能重复签字；有遗漏请补报"):
        inspections.village_list_sign(acting_user=tl_head, campaign=campaign, village=village)
    second = inspections.village_list_supplement(acting_user=tl_head, village_list=first, reason="新发现丙户疑似 C 级")
    with pytest.raises(ValidationError, match="请填写退回原因"):
        inspections.village_list_return(acting_user=tl_township, village_list=second, reason=" ")
    returned = inspections.village_list_return(acting_user=tl_township, village_list=second, reason="甲户组别填错")
    third = inspections.village_list_sign(acting_user=tl_head, campaign=campaign, village=village)

    assert [(v.round, v.kind, v.status) for v in VillageList.objects.order_by("round")] == [
        (1, "first", "superseded"),
        (2, "supplement", "returned"),
        (3, "resign", "signed"),
    ]
    assert returned.return_reason == "甲户组别填错" and "甲户组别填错" in third.reason
    page = text_of(login(tl_township).get(reverse("inspections:village_list_detail", args=[third.pk])).content.decode())
    assert "第 3 次 · 退回后重报" in page and "第 2 次 · 补报" in page and "（退回原因：甲户组别填错）" in page
    assert "第 1 次 · 首次报送" in page

    board = text_of(
        login(tl_county)
        .get(reverse("reporting:timeliness_board"), {"kind": "village_list", "region": YUZE, "month": f"{YEAR}-03"})
        .content.decode()
    )
    assert "村级疑似危房清单（每年 03-30 前）" in board
    # Signed first today, long after 3-30, then returned and signed again within the return's days.
    assert "北渔泽村委会" in board and "退回后按期重报" in board and "已签字（第 3 次，退回后重报）" in board
    assert "南渔泽村委会" in board and "逾期未报" in board  # never signed, due date passed

    api = APIClient()
    api.force_authenticate(tl_township)
    answer = api.get("/api/timeliness/", {"kind": "village_list", "year": str(YEAR)}).json()
    cells = {c["region_name"]: c for c in answer["cells"]}
    assert cells["北渔泽村委会"]["state"] == "resubmitted" and cells["北渔泽村委会"]["status_label"].startswith(
        "已签字（第 3 次"
    )
    assert cells["南渔泽村委会"]["state"] == "missing" and cells["南渔泽村委会"]["due_on"] == f"{YEAR}-03-30"


def test_the_township_home_queues_the_routes_to_verify_the_overdue_the_undecided_and_the_families_to_appraise(
    client: Client, able: tuple[Household, House], tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    household, _ = able
    home = page(client, tl_township, "/")
    assert "一般户 C/D 级危房尚未确定保障去向" in home  # 戊 has no route yet
    route = route_open(acting_user=tl_clerk, household=household, kind="self_repair", option="repair", on=ago(100))
    home = page(client, tl_township, "/")
    assert "一般户自行整改等逾期未完成" in home and "/self-repair/?overdue=1" in home
    assert "尚未确定保障去向" not in home
    route_complete(acting_user=tl_clerk, route=route, note="屋面已翻修", photos=[jpeg("after.jpg")], on=ago(3))
    home = page(client, tl_township, "/")
    assert "一般户已完成整改、待乡镇核验销号" in home and "逾期未完成" not in home
    other, _ = general(tl_clerk, regions, 36, "癸")
    hardship_register(
        acting_user=tl_township, household=other, cause="fire", occurred_on=ago(1), description="灶房失火"
    )
    home = page(client, tl_township, "/")
    assert "突发严重困难户待排查鉴定" in home and "/hardship/?awaiting=1" in home
    listed = page(client, tl_township, "/hardship/?awaiting=1")
    assert "癸" in listed
