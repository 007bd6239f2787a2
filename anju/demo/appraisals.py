"""Demo appraisals and eligibility: most suspected C/D houses appraised (some found safer,
one override, one dangerous site, one three-storey house), 山西's own template version put in
force half-way, renovated houses damaged again, circumstances found on visits, a draft
Chongqing rule set, and every decision that follows."""

from __future__ import annotations

import datetime
import json
import random
from typing import Any

from django.utils import timezone

from anju.accounts.models import User
from anju.appraisals import services as appraisal_services
from anju.appraisals.models import Appraisal
from anju.core.scoping import in_scope
from anju.eligibility import services as eligibility_services
from anju.eligibility.choices import CircumstanceKind
from anju.eligibility.models import Decision
from anju.households.choices import PastProgramme
from anju.households.models import House, Household
from anju.households.services import house_update

ORGS = {
    "14": ("屯留区房屋安全鉴定站", "晋建鉴"),
    "50": ("彭水县房屋安全鉴定中心", "渝建鉴"),
}


def _clerk(clerks: dict[str, Any], region_code: str) -> Any:
    """The village clerk where the household lives; the operator elsewhere (demo only)."""
    clerk = clerks[region_code[:2]]
    return clerk if in_scope(clerk, region_code) else clerks["operator"]


def _grades(rng: random.Random, codes: list[str], target: str) -> dict[str, str]:
    grades = {code: rng.choice("aab") if target != "A" else "a" for code in codes}
    if target == "B" and all(g == "a" for g in grades.values()):
        grades[rng.choice(codes)] = "b"
    if target in "CD":
        for code in rng.sample(codes, k=1 if target == "D" else min(2, len(codes))):
            grades[code] = target.lower()
    return grades


def _appraise(
    appraiser: Any, house: House, rng: random.Random, on: datetime.date, target: str, **extra: Any
) -> Appraisal:
    template = appraisal_services.template_for(house.region_code)
    codes = [c["code"] for c in template.components_for(house.structure)]
    org, prefix = ORGS[house.region_code[:2]]
    kwargs: dict[str, Any] = {
        "component_grades": _grades(rng, codes, target),
        "appraised_on": on,
        "prevention_level": rng.choice(["full", "partial", "partial", "none"]),
        "damage_cause": "ageing" if target in "CD" or extra.get("final_grade") in ("C", "D") else "none",
        "appraiser_name": appraiser.full_name or appraiser.username,
        "appraiser_org": org,
        "certificate_no": f"{prefix}-2024-{rng.randint(100, 999)}",
        "component_notes": {codes[0]: "现场查勘，见照片"} if codes else {},
    } | extra
    return appraisal_services.appraisal_record(acting_user=appraiser, house=house, **kwargs)


def load_demo_appraisals(superuser: Any) -> tuple[int, int]:
    """Create the demo appraisals once; returns (appraisals, households with a decision)."""
    if Appraisal.objects.exists() or not House.objects.exists():
        return 0, 0
    rng = random.Random(2019200)
    today = timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["tl_appraiser", "ps_appraiser", "sx_province", "cq_province", "tl_clerk", "ps_clerk"]
        )
    }
    appraisers = {"14": users.get("tl_appraiser", superuser), "50": users.get("ps_appraiser", superuser)}
    clerks = {"14": users.get("tl_clerk", superuser), "50": users.get("ps_clerk", superuser), "operator": superuser}
    appraisal_services.ensure_national_template()
    eligibility_services.ensure_national_rule_set()
    suspected = list(House.objects.filter(suspected_grade__in=["C", "D"], is_only_house=True).order_by("pk"))
    count = 0
    half = len(suspected) // 2
    for index, house in enumerate(suspected):
        if index == half and "sx_province" in users:
            _shanxi_template(users["sx_province"])
        if index % 6 == 5:
            continue  # still waiting for an appraiser: "待鉴定"
        appraiser = appraisers[house.region_code[:2]]
        on = today - datetime.timedelta(days=rng.randint(3, 120) if index < half else rng.randint(0, 2))
        target = house.suspected_grade if rng.random() < 0.8 else "B"  # some are found safer than feared
        extra: dict[str, Any] = {}
        if index == 1:
            target, extra = "B", {"final_grade": "C", "override_reason": "墙体多处空鼓、整体性差，综合判断为局部危险"}
        if index == 2:
            target, extra = (
                "D",
                {"site_dangerous": True, "site_note": "房后山体有滑坡迹象，雨季落石", "component_grades": {}},
            )
        if index == 3:
            house = house_update(acting_user=_clerk(clerks, house.region_code), house=house, storeys=3)
        _appraise(appraiser, house, rng, on, target, **extra)
        count += 1

    # Key-group houses in 屯留 (8 度) that are not dangerous but lack seismic measures → 抗震改造.
    sound = list(
        House.objects.filter(
            region_code__subtree="140405",
            is_only_house=True,
            suspected_grade__in=["A", "B"],
            household__primary_group__gt="",
        ).order_by("pk")[:6]
    )
    for house in sound:
        _appraise(appraisers["14"], house, rng, today - datetime.timedelta(days=20), "B", prevention_level="none")
        count += 1

    # Renovated before, dangerous again: one by a small disaster (再次纳入), one rebuilt after a disaster.
    renovated = list(
        House.objects.filter(is_only_house=True, appraised_grade="", household__primary_group__gt="")
        .exclude(pk__in=[h.pk for h in sound])
        .order_by("pk")[:2]
    )
    for house, programme, cause in zip(
        renovated,
        (PastProgramme.RENOVATION, PastProgramme.DISASTER_REBUILD),
        ("small_disaster", "small_disaster"),
        strict=False,
    ):
        house_update(
            acting_user=_clerk(clerks, house.region_code),
            house=house,
            renovated_year=2019,
            renovation_programme=programme,
        )
        house.refresh_from_db()
        _appraise(
            appraisers[house.region_code[:2]], house, rng, today - datetime.timedelta(days=10), "C", damage_cause=cause
        )
        count += 1

    _circumstances(clerks, today)
    if "cq_province" in users:
        _chongqing_draft_rules(users["cq_province"])
    eligibility_services.decisions_refresh(
        household_ids=eligibility_services.households_that_matter(""), trigger="演示数据初始认定"
    )
    return count, Decision.objects.filter(is_current=True).count()


def _shanxi_template(province: Any) -> None:
    draft = appraisal_services.template_derive(
        acting_user=province, source=appraisal_services.ensure_national_template(), note="按省细则补充量化指标"
    )
    content = json.loads(json.dumps(draft.content))
    for component in content["components"]:
        if component["code"] == "walls":
            component["criteria"]["c"] += "（晋细则：主要裂缝宽度 2–5 mm）"
            component["criteria"]["d"] += "（晋细则：裂缝宽度大于 5 mm 或贯通）"
    appraisal_services.template_update(
        acting_user=province,
        template=draft,
        content=content,
        name="山西省农村住房安全性鉴定模板",
        note="补充墙体裂缝量化指标",
    )
    appraisal_services.template_activate(acting_user=province, template=draft)


def _circumstances(clerks: dict[str, Any], today: datetime.date) -> None:
    general = list(
        Household.objects.filter(primary_group="", houses__appraised_grade__in=["C", "D"], houses__is_only_house=True)
        .order_by("pk")
        .distinct()
    )
    for index, household in enumerate(general[:-1]):  # the last one stays "待核实能力"
        able = index % 2 == 0
        eligibility_services.circumstance_record(
            acting_user=_clerk(clerks, household.region_code),
            household=household,
            kind=CircumstanceKind.SELF_REPAIR_ABLE if able else CircumstanceKind.SELF_REPAIR_UNABLE,
            recorded_on=today - datetime.timedelta(days=5),
            note="子女在县城务工，愿意出资维修" if able else "户主年老多病，家庭无劳动力，无力自行解决",
        )
    key = Household.objects.filter(primary_group__gt="", houses__appraised_grade__in=["C", "D"]).order_by("-pk").first()
    if key is not None:
        eligibility_services.circumstance_record(
            acting_user=_clerk(clerks, key.region_code),
            household=key,
            kind=CircumstanceKind.SOLVED_RELATIVES,
            recorded_on=today - datetime.timedelta(days=3),
            note="已随女儿在镇上居住，女儿房屋为 2018 年新建砖混房",
        )
    homeless = Household.objects.filter(primary_group__gt="", houses__isnull=True).order_by("pk").first()
    if homeless is not None:
        eligibility_services.circumstance_record(
            acting_user=_clerk(clerks, homeless.region_code),
            household=homeless,
            kind=CircumstanceKind.NO_HOUSE,
            recorded_on=today - datetime.timedelta(days=8),
            note="原土坯房已于 2024 年倒塌，现借住邻居闲置房",
        )


def _chongqing_draft_rules(province: Any) -> None:
    draft = eligibility_services.rule_set_derive(
        acting_user=province, source=eligibility_services.ensure_national_rule_set(), note="征求意见稿"
    )
    rules = json.loads(draft.text)
    rules["note"] = "重庆市征求意见稿：一般农户无能力自行解决的，须经乡镇审核后纳入兜底。"
    for rule in rules["rules"]:
        if rule["id"] == "R12-general-unable":
            rule["reason"] = (
                "一般农户，唯一住房为 {only_house_grade}危房，无能力自行解决，经乡镇审核后纳入年度计划（兜底资金）。"
            )
    eligibility_services.rule_set_update(
        acting_user=province,
        rule_set=draft,
        text=json.dumps(rules, ensure_ascii=False, indent=2),
        name="重庆市资格规则（征求意见稿）",
        note="征求意见稿，未启用",
    )
