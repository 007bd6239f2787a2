"""The facts an eligibility rule may read, their Chinese names, and how they are gathered for
a batch of households in a fixed number of queries (a list import may touch thousands)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from anju.appraisals.choices import DamageCause, PreventionLevel
from anju.appraisals.models import Appraisal
from anju.core.dbops import Keys
from anju.eligibility.choices import (
    OUTCOME_PROGRAMME,
    SELF_REPAIR_KINDS,
    SOLVED_KINDS,
    CircumstanceKind,
    Programme,
)
from anju.households.choices import GradeSource, KeyGroup, PastProgramme
from anju.households.models import House, HouseholdStatus, Member, SupportRecord, support_text
from anju.inspections.choices import HousingKind
from anju.inspections.models import HousingCheck

GROUP_ORDER = {g: i for i, g in enumerate(KeyGroup.values)}


def _choice(choices: Any) -> Callable[[Any], str]:
    return lambda v: str(choices(v).label) if v in choices.values else str(v)


def _grade(v: Any) -> str:
    return f"{v} 级"


def _bool(v: Any) -> str:
    return "是" if v else "否"


def _groups(v: Any) -> str:
    return "、".join(str(KeyGroup(g).label) for g in v) if v else "无"


def _programmes(v: Any) -> str:
    return "、".join(str(Programme(p).label) for p in v) if v else "无"


@dataclass(frozen=True)
class Fact:
    label: str
    kind: str  # "bool", "str", "int", "list"
    show: Callable[[Any], str]
    values: tuple[Any, ...] = ()  # allowed values for str/list facts (checked when a rule set is parsed)


_SELF_REPAIR = {"able": "有能力", "unable": "无能力"}
_SOLVED = {k.value.removeprefix("solved_"): k.label for k in SOLVED_KINDS}

FACTS: dict[str, Fact] = {
    "key_groups": Fact("现有重点对象身份", "list", _groups, tuple(KeyGroup.values)),
    "has_house": Fact("已登记房屋", "bool", _bool),
    "no_house": Fact("经核实无房", "bool", _bool),
    "has_only_house": Fact("有唯一住房", "bool", _bool),
    "only_house_grade": Fact("唯一住房鉴定等级", "str", _grade, ("A", "B", "C", "D")),
    "only_house_grade_source": Fact("唯一住房等级来源", "str", _choice(GradeSource), ("appraisal", "acceptance")),
    "only_house_suspected": Fact("唯一住房排查初判等级", "str", _grade, ("A", "B", "C", "D")),
    "seismic_intensity": Fact("抗震设防烈度", "int", lambda v: f"{v} 度"),
    "prevention_level": Fact("防灾措施", "str", _choice(PreventionLevel), tuple(PreventionLevel.values)),
    "damage_cause": Fact("致危原因", "str", _choice(DamageCause), tuple(DamageCause.values)),
    "renovated_year": Fact("曾改造年份", "int", lambda v: f"{v} 年"),
    "renovation_programme": Fact("曾改造类型", "str", _choice(PastProgramme), tuple(PastProgramme.values)),
    "years_since_renovation": Fact("距上次改造年数", "int", lambda v: f"{v} 年"),
    "closed_case_year": Fact("本户改造销号年份", "int", lambda v: f"{v} 年"),
    "supported_elsewhere": Fact("家庭成员在其他农户已受助", "str", str),
    "self_repair": Fact("自行解决住房安全能力", "str", lambda v: _SELF_REPAIR.get(v, str(v)), tuple(_SELF_REPAIR)),
    "other_solution": Fact("其他解决方式", "str", lambda v: str(_SOLVED.get(v, v)), tuple(_SOLVED)),
    "programmes_this_year": Fact("本年度已纳入的项目", "list", _programmes, tuple(Programme.values)),
}


def show(name: str, value: Any) -> str:
    if value is None or value == "":
        return "无" if FACTS[name].kind != "bool" else "否"
    return FACTS[name].show(value)


def gather(household_ids: Iterable[int], *, on: datetime.date) -> dict[int, dict[str, Any]]:
    """The facts of each household as of ``on``, in seven queries whatever the batch size."""
    from anju.eligibility.models import Circumstance, Decision

    ids = list(household_ids)
    keys = Keys(ids)  # one value for the seven queries below (ADR 0048)
    facts: dict[int, dict[str, Any]] = {
        pk: {
            "key_groups": [],
            "has_house": False,
            "no_house": False,
            "has_only_house": False,
            "only_house_grade": None,
            "only_house_grade_source": None,
            "only_house_suspected": None,
            "seismic_intensity": None,
            "prevention_level": None,
            "damage_cause": None,
            "renovated_year": None,
            "renovation_programme": None,
            "years_since_renovation": None,
            "closed_case_year": None,
            "supported_elsewhere": None,
            "self_repair": None,
            "other_solution": None,
            "programmes_this_year": [],
        }
        for pk in ids
    }
    # A status counts while it has not ended by ``on`` (出列 mid-year ends it from that day).
    # Tuples, not model instances, and one array parameter for the keys (``__any``, ADR 0048):
    # a set-based refresh gathers for 10,000 households at a time.
    for household_id, group in (
        HouseholdStatus.objects.filter(household_id__any=keys, certified_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .values_list("household_id", "group")
    ):
        if group not in facts[household_id]["key_groups"]:
            facts[household_id]["key_groups"].append(group)
    for f in facts.values():
        if len(f["key_groups"]) > 1:
            f["key_groups"].sort(key=GROUP_ORDER.__getitem__)

    only_houses: dict[int, int] = {}
    for house_id, household_id, is_only, grade, source, intensity, renovated, programme in House.objects.filter(
        household_id__any=keys
    ).values_list(
        "pk",
        "household_id",
        "is_only_house",
        "current_grade",
        "grade_source",
        "seismic_intensity",
        "renovated_year",
        "renovation_programme",
    ):
        f = facts[household_id]
        f["has_house"] = True
        if is_only:
            only_houses[house_id] = household_id
            f["has_only_house"] = True
            # The house's one current state (ADR 0021): a grade an appraisal or an acceptance
            # gave is the house's grade; one an inspection gave is a suspicion awaiting appraisal.
            confirmed = source != GradeSource.INSPECTION
            f["only_house_grade"] = (grade if confirmed else "") or None
            f["only_house_grade_source"] = (source if confirmed else "") or None
            f["only_house_suspected"] = (grade if not confirmed else "") or None
            f["seismic_intensity"] = intensity
            f["renovated_year"] = renovated
            f["renovation_programme"] = programme or None
            if renovated:
                f["years_since_renovation"] = max(on.year - renovated, 0)

    # Support by renovation cases, by person: this household's own completed cases, and its
    # members' support through another household (no second subsidy, ADR 0021). The records of
    # the batch's members are found in the database, each with its person's household now
    # (an ID number belongs to one member), rather than by sending every member's ID number.
    members = Member.objects.filter(household_id__any=keys).values("id_number")
    member_of = Member.objects.filter(id_number=OuterRef("id_number")).values("household_id")[:1]
    for record_household, mine, name, label, programme, year, completed_on in (
        SupportRecord.objects.filter(Q(household_id__any=keys) | Q(id_number__in=members))
        .annotate(member_household=Subquery(member_of))
        .order_by("year", "pk")
        .values_list("household_id", "member_household", "name", "case_label", "programme", "year", "completed_on")
    ):
        if record_household in facts and completed_on:
            f = facts[record_household]
            f["closed_case_year"] = max(f["closed_case_year"] or 0, completed_on.year)
        if mine in facts and mine != record_household:
            f = facts[mine]
            text = support_text(name, label, year, programme, completed_on)
            f["supported_elsewhere"] = f"{f['supported_elsewhere']}；{text}" if f["supported_elsewhere"] else text

    latest: dict[int, tuple[str, str]] = {}
    for house_id, prevention, cause in (
        Appraisal.objects.filter(house_id__any=Keys(only_houses))
        .order_by("house_id", "-appraised_on", "-pk")
        .values_list("house_id", "prevention_level", "damage_cause")
    ):
        latest.setdefault(house_id, (prevention, cause))
    for house_id, (prevention, cause) in latest.items():
        f = facts[only_houses[house_id]]
        f["prevention_level"] = prevention
        f["damage_cause"] = cause

    # The latest live record of each kind of circumstance decides.
    seen: set[tuple[int, str]] = set()
    for household_id, kind in (
        Circumstance.objects.filter(household_id__any=keys, withdrawn_at__isnull=True, recorded_on__lte=on)
        .order_by("household_id", "-recorded_on", "-pk")
        .values_list("household_id", "kind")
    ):
        group = "self_repair" if kind in SELF_REPAIR_KINDS else "solved" if kind in SOLVED_KINDS else kind
        if (household_id, group) in seen:
            continue
        seen.add((household_id, group))
        f = facts[household_id]
        if kind == CircumstanceKind.NO_HOUSE:
            f["no_house"] = True
        elif group == "self_repair":
            f["self_repair"] = "able" if kind == CircumstanceKind.SELF_REPAIR_ABLE else "unable"
        else:
            f["other_solution"] = kind.removeprefix("solved_")

    # 以人找房 found the household with no house at all (ADR 0021): the latest visit decides.
    latest_check: dict[int, str] = {}
    for household_id, kind in (
        HousingCheck.objects.filter(household_id__any=keys, recorded_on__lte=on)
        .order_by("household_id", "recorded_on", "pk")
        .values_list("household_id", "kind")
    ):
        latest_check[household_id] = kind
    for household_id, kind in latest_check.items():
        if kind == HousingKind.NO_HOUSE:
            facts[household_id]["no_house"] = True

    for household_id, outcome in (
        Decision.objects.filter(household_id__any=keys, year=on.year, outcome__in=list(OUTCOME_PROGRAMME))
        .values_list("household_id", "outcome")
        .distinct()
    ):
        programme = OUTCOME_PROGRAMME[outcome]
        if programme not in facts[household_id]["programmes_this_year"]:
            facts[household_id]["programmes_this_year"].append(programme)
    for f in facts.values():
        f["programmes_this_year"].sort()
    return facts
