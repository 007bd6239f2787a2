"""Demo of the rest of the seeds' duties (issue 18 items 1–4), all in 北渔泽村 (渔泽镇, 屯留区):

- 一般户 自行整改 at each stage — just decided, reminded, overdue, done and awaiting the
  township's verification, verified and closed — and one 兜底 (周转房) and one 其他方式 (租赁) route;
- a sudden-hardship family (fire) registered by the township, with temporary housing and relief
  money, appraised D and opened as a 动态新增 case; a second family (illness) whose appraisal is
  overdue;
- a 地质灾害 with its area, whose emergency inspection found a 低保 household's house D (a 灾后重建
  case) and a general household's house C;
- a 低保 household in a 7 度 zone whose A-grade house lacks seismic measures: a 抗震改造 case.
  (Energy-saving retrofits are tagged on the demo renovation cases.)

Every act goes through the services, by the demo user whose role it is, with its date passed."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.appraisals.models import AppraisalTemplate
from anju.appraisals.services import appraisal_record, template_for
from anju.cases import services as case_services
from anju.dynamic import services
from anju.dynamic.models import Hardship, HousingRoute
from anju.eligibility.services import circumstance_record, decisions_refresh
from anju.households.idcard import check_digit
from anju.households.models import House, Household
from anju.households.services import house_create, household_create, status_add
from anju.inspections.services import emergency_declare, inspection_record
from anju.regions.models import Region

VILLAGE = "140405102201"  # 北渔泽村
TOWNSHIP = "140405102000"  # 渔泽镇


def _id(seq: int, birth: str) -> str:
    first17 = f"140405{birth}{seq:03d}"
    return first17 + check_digit(first17)


def _grades(template: AppraisalTemplate, structure: str, worst: str) -> dict[str, str]:
    """Every component of the template for ``structure`` graded: the first one ``worst``, the
    others b (or a for an A house), so the computed grade is ``worst`` upper-cased."""
    codes = [c["code"] for c in template.components_for(structure)]
    rest = "a" if worst == "a" else "b"
    return {code: (worst if i == 0 else rest) for i, code in enumerate(codes)}


class _Demo:
    def __init__(self, users: dict[str, User], village: Region, today: datetime.date) -> None:
        self.users = users
        self.village = village
        self.today = today
        self.seq = 700

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def home(self, name: str, birth: str, *, group: str = "", intensity: int = 7) -> tuple[Household, House]:
        self.seq += 1
        household = household_create(
            acting_user=self.users["tl_clerk"], region=self.village, head_name=name, head_id_number=_id(self.seq, birth)
        )
        if group:
            department_user = self.users["tl_rural"] if group == "hardship" else self.users["tl_civil"]
            status_add(acting_user=department_user, household=household, group=group, certified_on=self.ago(400))
        house = house_create(
            acting_user=self.users["tl_clerk"],
            household=household,
            structure="brick_wood",
            build_year=1979,
            seismic_intensity=intensity,
        )
        return household, house

    def appraise(
        self, house: House, worst: str, days_ago: int, *, prevention: str = "full", cause: str = "ageing"
    ) -> None:
        template = template_for(house.region_code)
        appraisal_record(
            acting_user=self.users["tl_appraiser"],
            house=house,
            component_grades=_grades(template, house.structure, worst),
            appraised_on=self.ago(days_ago),
            prevention_level=prevention,
            damage_cause=cause,
            appraiser_name="杨工",
            appraiser_org="屯留区房屋安全鉴定站",
            certificate_no="JD-2023-0088",
        )

    def refresh(self, *households: Household) -> None:
        """Decide now (the loader runs outside a request; the receivers wait for a commit)."""
        decisions_refresh(household_ids=[h.pk for h in households], trigger="演示数据", acting_user=None)


def _self_repair(demo: _Demo) -> None:
    clerk, township = demo.users["tl_clerk"], demo.users["tl_township"]
    stories = [
        ("程建华", "19580211", 20, "just decided"),
        ("范玉梅", "19620705", 60, "reminded"),
        ("冯德胜", "19500318", 120, "overdue"),
        ("胡秀珍", "19660924", 80, "done"),
        ("贾永福", "19541102", 110, "closed"),
    ]
    for name, birth, days, stage in stories:
        household, house = demo.home(name, birth)
        demo.appraise(house, "c", days + 10)
        circumstance_record(
            acting_user=clerk,
            household=household,
            kind="self_repair_able",
            recorded_on=demo.ago(days + 5),
            note="走访核实：子女在外务工，有能力自行维修加固",
        )
        demo.refresh(household)
        route = services.route_open(
            acting_user=clerk, household=household, kind="self_repair", option="repair", on=demo.ago(days)
        )
        if stage in ("reminded", "overdue", "done", "closed"):
            services.route_remind(
                acting_user=clerk, route=route, note="入户督促，户主承诺按期维修", on=demo.ago(days - 15)
            )
        if stage == "overdue":
            services.route_remind(
                acting_user=township, route=route, note="乡镇电话督促，户主称材料未备齐", on=demo.ago(10)
            )
        if stage in ("done", "closed"):
            services.route_complete(
                acting_user=clerk,
                route=route,
                note="后墙裂缝已压力灌浆，屋面檩条已更换",
                photos=[_photo("自行整改完成", demo.seq)],
                on=demo.ago(days - 60),
            )
        if stage == "closed":
            services.route_close(
                acting_user=township,
                route=route,
                note="乡镇现场核验：承重墙体、屋盖已加固，安全隐患已排除",
                photos=[_photo("乡镇核验", demo.seq + 50)],
                on=demo.ago(days - 65),
            )
    # 兜底: a general household that cannot repair, in the township's 周转房; 其他方式: renting.
    household, house = demo.home("蒋桂兰", "19440617")
    demo.appraise(house, "d", 70)
    route = services.route_open(
        acting_user=township,
        household=household,
        kind="fallback",
        option="turnover",
        evidence="渔泽镇周转房 3 号（镇政府安排，免租金）",
        on=demo.ago(60),
    )
    services.route_complete(
        acting_user=clerk, route=route, note="已搬入周转房", photos=[_photo("入住周转房", 901)], on=demo.ago(50)
    )
    services.route_close(
        acting_user=township,
        route=route,
        note="入户核实：已入住，旧房已停止使用",
        photos=[_photo("乡镇核验", 902)],
        on=demo.ago(45),
    )
    household, house = demo.home("康志远", "19700130")
    demo.appraise(house, "d", 50)
    route = services.route_open(
        acting_user=clerk,
        household=household,
        kind="otherwise",
        option="rent",
        evidence="租住本村 3 组 王家闲置砖混房，租期三年",
        on=demo.ago(40),
    )
    services.route_complete(
        acting_user=clerk, route=route, note="已签租赁协议并搬入", photos=[_photo("租住房屋", 903)], on=demo.ago(35)
    )


def _hardship(demo: _Demo) -> None:
    township, clerk = demo.users["tl_township"], demo.users["tl_clerk"]
    household, house = demo.home("雷金宝", "19680808", group="hardship")
    hardship = services.hardship_register(
        acting_user=township,
        household=household,
        cause="fire",
        occurred_on=demo.ago(14),
        description="夜间电线起火，正房东侧两间烧毁，一家四口无处居住",
        registered_on=demo.ago(13),
    )
    services.relief_record(
        acting_user=clerk,
        hardship=hardship,
        kind="temp_housing",
        detail="安置到村委会闲置办公用房两间",
        provided_by="北渔泽村委会 牛保平",
        provided_on=demo.ago(13),
    )
    services.relief_record(
        acting_user=township,
        hardship=hardship,
        kind="money",
        detail="临时救助金（乡镇民政办）",
        amount="3000",
        provided_by="渔泽镇民政办",
        provided_on=demo.ago(11),
    )
    demo.appraise(house, "d", 8, cause="other")
    demo.refresh(household)
    case_services.case_open(acting_user=clerk, household=household, on=demo.ago(5))
    # A second family: illness, registered ten days ago — its appraisal (7 days) is overdue.
    household, _ = demo.home("马春花", "19751215")
    services.hardship_register(
        acting_user=township,
        household=household,
        cause="illness",
        occurred_on=demo.ago(12),
        description="户主确诊尿毒症，长期透析，家庭收入大幅减少",
        registered_on=demo.ago(10),
    )


def _disaster(demo: _Demo, region: Region) -> None:
    township, clerk = demo.users["tl_township"], demo.users["tl_clerk"]
    key, key_house = demo.home("宋长林", "19520420", group="dibao")
    general, general_house = demo.home("唐立新", "19690302")
    event = emergency_declare(
        acting_user=township,
        kind="geological",
        title="9·3 山体滑坡",
        occurred_on=demo.ago(40),
        region=region,
        villages=[demo.village],
        area="北渔泽村后山一带，约 0.5 平方公里",
        note="连续降雨后后山局部滑坡",
    )
    for house, grade in ((key_house, "D"), (general_house, "C")):
        inspection_record(
            acting_user=clerk,
            house=house,
            event=event,
            suspected_grade=grade,
            is_occupied=False,
            note="滑坡体推挤后墙，墙体外闪",
            inspected_at=timezone.make_aware(datetime.datetime.combine(demo.ago(38), datetime.time(9))),
        )
    demo.appraise(key_house, "d", 35, cause="major_disaster")
    demo.refresh(key, general)
    case_services.case_open(acting_user=clerk, household=key, on=demo.ago(30))


def _seismic(demo: _Demo) -> None:
    household, house = demo.home("田福海", "19560101", group="dibao", intensity=7)
    demo.appraise(house, "a", 45, prevention="none", cause="none")
    demo.refresh(household)
    case_services.case_open(acting_user=demo.users["tl_clerk"], household=household, on=demo.ago(40))


def _photo(label: str, seed: int) -> Any:
    from anju.demo.supervision import _photo as wall_photo

    return wall_photo(label, seed)


def load_demo_duties(superuser: Any) -> int:
    """Create the demo once; returns how many routes and sudden-hardship families it made."""
    if HousingRoute.objects.exists() or Hardship.objects.exists():
        return 0
    names = ["tl_clerk", "tl_township", "tl_county", "tl_civil", "tl_rural", "tl_appraiser"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    village = Region.objects.filter(code=VILLAGE).first()
    township = Region.objects.filter(code=TOWNSHIP).first()
    if village is None or township is None or len(users) < len(names):
        return 0
    demo = _Demo(users, village, timezone.localdate())
    with transaction.atomic():
        _self_repair(demo)
        _hardship(demo)
        _disaster(demo, township)
        _seismic(demo)
    return HousingRoute.objects.count() + Hardship.objects.count()
