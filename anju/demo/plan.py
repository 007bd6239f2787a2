"""Demo planning (issue 18 items 5–7): the province calendars as the seeds set them level by level,
the annual work plans of 屯留区 and 彭水县 with their phases (one already past and behind), and
北渔泽村's signed list supplemented (补报) and then returned by 渔泽镇 with a reason. Everything
goes through the services, as the officers would do it."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django.utils import timezone

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.inspections.choices import VillageListStatus
from anju.inspections.models import VillageList
from anju.inspections.services import village_list_return, village_list_supplement
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.models import ReportingCalendar, WorkPlan

TUNLIU, PENGSHUI = "140405000000", "500243000000"
YUZE, LUMING = "140405102000", "500243202000"


def _calendar(user: User | None, *, name: str, note: str, change: Any) -> bool:
    """A province's calendar version derived from the one in force, changed, and put in force."""
    if user is None or user.region is None or ReportingCalendar.objects.filter(region_code=user.region.code).exists():
        return False
    source = services.calendar_for(user.region.code)
    draft = services.calendar_derive(acting_user=user, source=source, note=note)
    content = copy.deepcopy(draft.content)
    change(content)
    services.calendar_update(acting_user=user, calendar=draft, content=content, name=name, note=note)
    services.calendar_activate(acting_user=user, calendar=draft)
    return True


def _shanxi(content: dict[str, Any]) -> None:
    # 屯建发〔2023〕86号: the named list goes up level by level to reach the province by the 5th
    # (the national default already does: 1/3/4/5); the townships report the year's progress by
    # the 20th, so the district and the city follow after.
    content["reports"]["monthly_list"]["due_day"] = {"village": 1, "township": 3, "county": 4, "city": 5}
    content["reports"]["progress"]["due_day"] = {"village": 15, "township": 20, "county": 22, "city": 25}


def _chongqing(content: dict[str, Any]) -> None:
    # 鹿鸣乡实施方案: the villages' list, checked and signed by the village head, to the township by 30 March.
    content["village_list"] = {"name": "村级疑似危房清单（村主要负责人审核签字）", "due": "03-30"}


def _phases(year: int, today: datetime.date, seeds: list[tuple[str, str, str, str, str, str]]) -> list[dict[str, Any]]:
    """The seed's phases for ``year``; when the seed's middle phase has not ended yet, it is moved
    to end yesterday so the demo always has one phase behind (the others keep the seed's order)."""
    phases = [
        {"code": c, "name": n, "starts": f"{year}-{s}", "ends": f"{year}-{e}", "overdue": o, "work": w, "units": ""}
        for c, n, s, e, o, w in seeds
    ]
    middle = phases[1]
    yesterday = today - datetime.timedelta(days=1)
    if datetime.date.fromisoformat(middle["ends"]) >= today and yesterday.year == year:
        first_end = datetime.date.fromisoformat(phases[0]["ends"])
        if yesterday > first_end:
            middle["ends"] = yesterday.isoformat()
            phases[2]["starts"] = today.isoformat()
    return phases


def _targets(county: Region, main: str, programme: str = "renovation") -> list[dict[str, Any]]:
    townships = list(Region.objects.filter(parent=county).order_by("code")[:4])
    return [
        {
            "township": t.code,
            "programme": programme,
            "annual": 8 if t.code == main else 2,
            "dynamic": 2 if t.code == main else 0,
        }
        for t in townships
    ]


def _annual_until(county_code: str, year: int, default: str) -> str:
    """The demo's cases were all opened in the second half of the year (they are dated back from
    today), so the seed's 年度任务 day would make every one 动态新增; the demo sets the day at the
    middle of its cases instead, so the two kinds are both seen and counted apart."""
    opened = sorted(
        RenovationCase.objects.filter(region_code__subtree=county_code[:6], year=year).values_list(
            "opened_on", flat=True
        )
    )
    return opened[len(opened) // 2].isoformat() if len(opened) >= 2 else default


def _plan(user: User | None, county_code: str, doc: dict[str, Any], note: str) -> WorkPlan | None:
    if user is None or WorkPlan.objects.filter(region_code=county_code).exists():
        return None
    year = timezone.localdate().year
    doc["annual_until"] = _annual_until(county_code, year, doc["annual_until"])
    county = Region.objects.get(code=county_code)
    draft = services.workplan_draft(acting_user=user, county=county, year=timezone.localdate().year, note=note)
    services.workplan_update(acting_user=user, plan=draft, content=doc, note=note)
    return services.workplan_activate(acting_user=user, plan=draft)


def _tunliu_plan(year: int, today: datetime.date) -> dict[str, Any]:
    county = Region.objects.get(code=TUNLIU)
    phases = _phases(
        year,
        today,
        [
            (
                "planning",
                "安排部署阶段",
                "01-02",
                "06-15",
                "tasks_unallocated",
                "制定年度工作方案，明确年度工作目标、重点任务、推进举措、实施步骤、保障要求。",
            ),
            (
                "renovation",
                "全面排查改造阶段",
                "06-16",
                "11-30",
                "cases_not_completed",
                "对农村6类重点人群实施住房安全排查摸底，及时鉴定评估；名单每月5日前逐级上报，11月底前全面完成改造。",
            ),
            (
                "acceptance",
                "竣工验收阶段",
                "12-01",
                "12-31",
                "cases_not_accepted",
                "从房屋选址、鉴定认定、建设质量、农户满意度等方面逐户逐项竣工验收，不合格的组织整改。",
            ),
        ],
    )
    for p, units in zip(phases, ("区住建局", "各乡镇（街道、中心）", "各乡镇（街道、中心）、区住建局"), strict=True):
        p["units"] = units
    return {
        "title": f"屯留区{year}年巩固提升农村住房安全保障成果行动方案",
        "document_no": f"屯建发〔{year}〕86号",
        "issued_on": f"{year}-01-02",
        "goal": "对居住在经鉴定为C级和D级危险房屋中的农村6类低收入群体，纳入农村危房改造或农房抗震改造范围，"
        "及时解决住房安全问题；持续加强“常规排查+应急排查”，落实落细动态保障工作机制。",
        "annual_until": phases[0]["ends"],
        "targets": _targets(county, YUZE),
        "phases": phases,
        "units": [
            {"name": "区住建局", "duty": "统筹推进，组织现场调研和督导检查，督促整改"},
            {
                "name": "各乡镇（街道、中心）",
                "duty": "排查摸底、建档、改造、竣工验收；建立工作台账，每月20日前上报年度任务进展",
            },
            {"name": "区民政局、区乡村振兴局", "duty": "认定农村6类低收入群体，共享和更新数据"},
        ],
        "contacts": [{"unit": "屯留区住建局村镇建设股", "name": "张卫东", "phone": "0355-7722123"}],
    }


def _pengshui_plan(year: int, today: datetime.date) -> dict[str, Any]:
    county = Region.objects.get(code=PENGSHUI)
    phases = _phases(
        year,
        today,
        [
            (
                "survey",
                "排查清理阶段",
                "01-02",
                "03-30",
                "tasks_unallocated",
                "各村建立住房保障工作专班，排查疑似危房（唯一住房），经村主要负责人审核签字后于3月30日前上报乡建环办。",
            ),
            (
                "renovation",
                "鉴定改造阶段",
                "03-31",
                "11-30",
                "cases_not_completed",
                "按危房等级鉴定要求及时鉴定，符合政策的纳入改造计划并补助改造资金。",
            ),
            (
                "acceptance",
                "竣工销号阶段",
                "12-01",
                "12-31",
                "cases_not_accepted",
                "及时报送、及时整改、及时销号，确保“人不住危房、危房不住人”。",
            ),
        ],
    )
    for p, units in zip(phases, ("各村支部、村民委", "乡建环办、县住建委", "乡建环办"), strict=True):
        p["units"] = units
    return {
        "title": f"彭水县{year}年巩固拓展农村住房安全保障成果与乡村振兴有效衔接工作实施方案",
        "document_no": "",
        "issued_on": f"{year}-01-02",
        "goal": "全面排查清理农村低收入群体和一般农户动态新增危房，按照重点对象和一般农户分别建立台账，"
        "确保“人不住危房、危房不住人”。",
        "annual_until": phases[0]["ends"],
        "targets": _targets(county, LUMING),
        "phases": phases,
        "units": [
            {"name": "县住建委", "duty": "统筹推进和技术指导，组织培训"},
            {"name": "乡建环办", "duty": "接收村级清单，组织鉴定、改造、验收和销号"},
            {"name": "各村支部、村民委", "duty": "建立住房保障工作专班，排查并签字上报疑似危房清单"},
        ],
        "contacts": [{"unit": "彭水县住建委村镇科", "name": "冉光明", "phone": "023-78441234"}],
    }


def _village_list_story(users: dict[str, User]) -> bool:
    """北渔泽村's received list: the head supplements it (补报) with a house found since, and 渔泽镇
    returns the supplement with a reason; the head is to correct and sign again."""
    head, township = users.get("tl_head"), users.get("tl_township")
    record = (
        VillageList.objects.filter(region_code__subtree=YUZE[:9], status=VillageListStatus.RECEIVED)
        .order_by("pk")
        .first()
    )
    if head is None or township is None or record is None or VillageList.objects.filter(round__gt=1).exists():
        return False
    supplement = village_list_supplement(
        acting_user=head, village_list=record, reason="3 月后排查新发现疑似 C 级危房（唯一住房），补报"
    )
    village_list_return(
        acting_user=township, village_list=supplement, reason="补报户的住人情况未填写，请核实后重新签字"
    )
    return True


def load_demo_plan(superuser: Any) -> dict[str, int]:
    """Load once; returns what was made (calendars, plans, village-list acts)."""
    if not Region.objects.filter(code=TUNLIU).exists():
        return {}
    today = timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["sx_province", "cq_province", "tl_county", "ps_county", "tl_head", "tl_township"]
        )
    }
    made = {"calendars": 0, "plans": 0, "lists": 0}
    made["calendars"] += _calendar(
        users.get("sx_province"),
        name="山西省报送日历",
        note="屯建发〔2023〕86号：名单每月5日前逐级上报，进度每月20日前上报",
        change=_shanxi,
    )
    made["calendars"] += _calendar(
        users.get("cq_province"),
        name="重庆市报送日历",
        note="鹿鸣乡实施方案：村级清单3月30日前上报乡建环办",
        change=_chongqing,
    )
    made["plans"] += (
        _plan(users.get("tl_county"), TUNLIU, _tunliu_plan(today.year, today), "按屯建发〔2023〕86号编制") is not None
    )
    made["plans"] += (
        _plan(users.get("ps_county"), PENGSHUI, _pengshui_plan(today.year, today), "按鹿鸣乡实施方案汇总编制")
        is not None
    )
    made["lists"] += _village_list_story(users)
    return made
