"""The seeds' planning duties (issue 18 items 5–7, ADR 0036–0037), as the officers meet them:

5. the county's annual work plan — a versioned document with targets by township, phases with
   dates, responsible units and contacts — refuses overlapping phases or phases past the year,
   prints as a Chinese PDF, and once in force its phases drive the overdue lists and mark each
   new case 年度任务 or 动态新增, counted apart;
6. deadlines are the province's data: the supervision and rectification due dates proposed from
   the renovation policy, and a calendar version that would put an open deadline in the past is
   refused with nothing changed;
7. the village's signed list of suspected C/D houses is due on the province calendar's day, sits
   on the timeliness board, and after signing can be supplemented (补报) or returned by the
   township with a reason, each signed again, the history kept."""

from __future__ import annotations

import copy
import datetime
import re
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.cases.choices import TaskKind
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers
from anju.inspections.tests.conftest import civil, homes  # noqa: F401
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.models import WorkPlan

pytestmark = pytest.mark.django_db
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
