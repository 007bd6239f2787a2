"""The checks, one set-based query per rule id (a province holds 10^6 households: the database
does the work, Python sees only the rows that are findings). Each takes the region prefix, the
rule's parameters (versioned, ``rules.py``) and the day, and yields ``Hit``s; ``services`` turns
hits into findings. Personal numbers in the evidence are masked when stored (no viewer)."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, FloatField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Cos, Radians, Upper
from django.urls import reverse

from anju.acceptance.models import Acceptance
from anju.appraisals.models import Appraisal
from anju.archives.selectors import with_completeness
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.core.masking import Kind, mask
from anju.eligibility.choices import Programme
from anju.households.models import House, Household, Member, RenovationHistory, SupportRecord
from anju.inspections.models import ControlMeasure, InspectionPhoto
from anju.subsidies.choices import PayeeKind
from anju.subsidies.models import Payment

DANGEROUS = ("C", "D")
SAFE = ("A", "B")


@dataclass
class Hit:
    """One thing a check found: its identity within the rule, where it is, what shows it."""

    key: str
    region_code: str
    evidence: str
    household_id: int | None = None
    house_id: int | None = None
    case_id: int | None = None
    links: list[dict[str, str]] = field(default_factory=list)


Check = Callable[[str, dict[str, Any], datetime.date], Iterable[Hit]]


def _person_key(id_number: str) -> str:
    return "person:" + hashlib.sha256(id_number.upper().encode()).hexdigest()[:24]


def _case_link(case_id: int, label: str = "改造案件") -> dict[str, str]:
    return {"label": label, "url": reverse("cases:case_detail", args=[case_id])}


def _household_link(household_id: int, name: str) -> dict[str, str]:
    return {"label": f"{name}户", "url": reverse("households:household_detail", args=[household_id])}


def _house_link(house_id: int) -> dict[str, str]:
    return {"label": "房屋", "url": reverse("households:house_detail", args=[house_id])}


def _cases(prefix: str) -> Any:
    return RenovationCase.objects.filter(region_code__subtree=prefix)


def _unlinked(rows: list[dict[str, Any]]) -> bool:
    """Whether two of the cases are not a re-entry of each other (``previous_case``)."""
    for a in rows:
        for b in rows:
            if a["case_id"] < b["case_id"] and b["previous"] != a["case_id"] and a["previous"] != b["case_id"]:
                return True
    return False


def person_twice(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    live = SupportRecord.objects.exclude(case__stage=Stage.ENDED)
    here = live.filter(household__region_code__subtree=prefix).values("id_number")
    twice = (
        live.filter(id_number__in=here)
        .values("id_number")
        .annotate(n=Count("case", distinct=True))
        .filter(n__gt=1)
        .values("id_number")
    )
    rows = live.filter(id_number__in=twice).values(
        "id_number", "name", "case_id", "case_label", "year", "household_id", "house_id",
        region=F("household__region_code"), head=F("household__head_name"), previous=F("case__previous_case_id"),
    ).order_by("id_number", "year", "case_id")  # fmt: skip
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["id_number"]].append(dict(row))
    for id_number, group in groups.items():
        mine = [r for r in group if r["region"].startswith(prefix)]
        if not mine or not _unlinked(group):
            continue
        last = mine[-1]
        cases = "；".join(f"{r['case_label']}（{r['year']} 年，{r['head']}户）" for r in group)
        yield Hit(
            key=_person_key(id_number),
            region_code=last["region"],
            evidence=f"{last['name']}（身份证号 {mask(id_number, Kind.ID)}）在 {len(group)} 个改造案件中受助：{cases}。",
            household_id=last["household_id"],
            house_id=last["house_id"],
            case_id=last["case_id"],
            links=[_case_link(r["case_id"], r["case_label"]) for r in group],
        )

    yield from _supported_after_national_record(prefix)


def _supported_after_national_record(prefix: str) -> Iterator[Hit]:
    """A01's second half (ADR 0041): a person in a live case whom the national 农村危房改造信息系统
    already records as renovated in an earlier year (imported history). A lawful re-entry shows
    here too; the county explains it with the decision's rule."""
    live = SupportRecord.objects.exclude(case__stage=Stage.ENDED).filter(household__region_code__subtree=prefix)
    past = RenovationHistory.objects.filter(id_number__in=live.values("id_number"))
    records: dict[str, list[RenovationHistory]] = defaultdict(list)
    for record in past.order_by("year", "pk"):
        records[record.id_number.upper()].append(record)
    if not records:
        return
    rows = live.filter(id_number__in=list(records)).values(
        "id_number", "name", "case_id", "case_label", "year", "household_id", "house_id",
        region=F("household__region_code"),
    ).order_by("id_number", "year", "case_id")  # fmt: skip
    for row in rows:
        earlier = [r for r in records[row["id_number"].upper()] if r.year < row["year"]]
        if not earlier:
            continue
        texts = "；".join(f"{r.year} 年{r.method}" for r in earlier)
        yield Hit(
            key="past:" + _person_key(row["id_number"]).removeprefix("person:") + f":{row['case_id']}",
            region_code=row["region"],
            evidence=f"{row['name']}（身份证号 {mask(row['id_number'], Kind.ID)}）正在{row['case_label']}中受助，"
            f"国家农村危房改造信息系统已有其改造记录：{texts}。",
            household_id=row["household_id"],
            house_id=row["house_id"],
            case_id=row["case_id"],
            links=[_case_link(row["case_id"], row["case_label"])],
        )


def house_twice(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    live = RenovationCase.objects.exclude(stage=Stage.ENDED).filter(house__isnull=False)
    twice = (
        live.filter(house__region_code__subtree=prefix)
        .values("house_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("house_id")
    )
    rows = live.filter(house_id__in=twice).values(
        "house_id", "household_id", "region_code", "year", case_id=F("pk"), previous=F("previous_case_id"),
        head=F("household__head_name"),
    ).order_by("house_id", "year", "pk")  # fmt: skip
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["house_id"]].append(dict(row))
    for house_id, group in groups.items():
        if not _unlinked(group):
            continue
        last = group[-1]
        years = "、".join(f"{r['year']} 年（{r['head']}户）" for r in group)
        yield Hit(
            key=f"house:{house_id}",
            region_code=last["region_code"],
            evidence=f"同一房屋有 {len(group)} 个未终止的改造案件：{years}，后一案件未关联原改造。",
            household_id=last["household_id"],
            house_id=house_id,
            case_id=last["case_id"],
            links=[_house_link(house_id)] + [_case_link(r["case_id"], f"{r['year']} 年案件") for r in group],
        )


def safe_house_opened(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    appraised = (
        Appraisal.objects.filter(house=OuterRef("house_id"), appraised_on__lte=OuterRef("opened_on"))
        .order_by("-appraised_on", "-pk")
        .values("final_grade")[:1]
    )
    rows = (
        _cases(prefix)
        .exclude(stage=Stage.ENDED)
        .exclude(programme=Programme.SEISMIC)
        .annotate(appraised=Subquery(appraised))
        .filter(Q(grade__in=SAFE) | Q(appraised__in=SAFE))
        .values("pk", "region_code", "household_id", "house_id", "grade", "appraised", "opened_on", "year")
    )
    for r in rows:
        grade = r["grade"] if r["grade"] in SAFE else r["appraised"]
        yield Hit(
            key=f"case:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"{r['year']} 年危房改造案件于 {r['opened_on']} 建案，建案时房屋为 {grade} 级"
            f"（建案登记 {r['grade']} 级，建案日前最近鉴定 {r['appraised'] or '无'}）。",
            household_id=r["household_id"],
            house_id=r["house_id"],
            case_id=r["pk"],
            links=[_case_link(r["pk"])],
        )


def _paid(prefix: str) -> Any:
    return (
        _cases(prefix)
        .filter(subsidy_amount__isnull=False)
        .annotate(paid=Sum("payments__amount"), last_paid=Max("payments__paid_on"), n=Count("payments"))
        .filter(n__gt=0)
    )


def paid_above_standard(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    tolerance = Decimal(params.get("tolerance_yuan", 0))
    rows = (
        _paid(prefix)
        .filter(paid__gt=F("subsidy_amount") + tolerance)
        .values("pk", "region_code", "household_id", "house_id", "paid", "subsidy_amount", "subsidy_standard", "n")
    )
    for r in rows:
        over = r["paid"] - r["subsidy_amount"]
        yield Hit(
            key=f"case:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"补助标准 {r['subsidy_amount']} 元（{r['subsidy_standard'] or '未注明标准'}），"
            f"已拨付 {r['n']} 笔共 {r['paid']} 元，超出 {over} 元。",
            household_id=r["household_id"],
            house_id=r["house_id"],
            case_id=r["pk"],
            links=[_case_link(r["pk"])],
        )


def final_before_acceptance(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    rows = (
        _paid(prefix)
        .filter(paid__gte=F("subsidy_amount"))
        .filter(Q(accepted_on__isnull=True) | Q(last_paid__lt=F("accepted_on")))
        .values("pk", "region_code", "household_id", "house_id", "paid", "last_paid", "accepted_on")
    )
    for r in rows:
        accepted = f"验收通过日期为 {r['accepted_on']}" if r["accepted_on"] else "至今未通过竣工验收"
        yield Hit(
            key=f"case:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"已拨足补助 {r['paid']} 元，最后一笔拨付于 {r['last_paid']}，{accepted}。",
            household_id=r["household_id"],
            house_id=r["house_id"],
            case_id=r["pk"],
            links=[_case_link(r["pk"])],
        )


def builder_without_consent(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    rows = (
        Payment.objects.filter(region_code__subtree=prefix, payee_kind=PayeeKind.BUILDER)
        .filter(Q(consent_note="") | Q(consent_on__isnull=True) | Q(consent_on__gt=F("paid_on")))
        .values(
            "pk", "region_code", "case_id", "instalment", "amount", "paid_on", "payee_name", "consent_note",
            "consent_on", household_id=F("case__household_id"), house_id=F("case__house_id"),
        )
    )  # fmt: skip
    for r in rows:
        if not r["consent_note"] or r["consent_on"] is None:
            why = "没有记录农户同意情况或同意日期"
        else:
            why = f"农户同意日期 {r['consent_on']} 晚于拨付日期"
        yield Hit(
            key=f"payment:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"第 {r['instalment']} 批补助 {r['amount']} 元于 {r['paid_on']} 拨付给施工方"
            f"「{r['payee_name']}」，{why}。",
            household_id=r["household_id"],
            house_id=r["house_id"],
            case_id=r["case_id"],
            links=[_case_link(r["case_id"]), {"label": "补助资金", "url": reverse("subsidies:payment_list")}],
        )


def key_household_no_case(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    days = int(params.get("days", 90))
    open_case = RenovationCase.objects.filter(household=OuterRef("household_id")).exclude(
        stage__in=(Stage.ENDED, Stage.CLOSED)
    )
    rows = (
        House.objects.filter(region_code__subtree=prefix, current_grade__in=DANGEROUS)
        .filter(grade_on__lte=today - datetime.timedelta(days=days))
        .exclude(household__primary_group="")
        .exclude(Exists(open_case))
        .values("pk", "region_code", "household_id", "current_grade", "grade_on", head=F("household__head_name"))
    )
    for r in rows:
        waited = (today - r["grade_on"]).days if r["grade_on"] else days
        yield Hit(
            key=f"house:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"重点对象{r['head']}户的房屋于 {r['grade_on']} 定为 {r['current_grade']} 级，"
            f"已过 {waited} 天（规定 {days} 天内建案），没有进行中的改造案件。",
            household_id=r["household_id"],
            house_id=r["pk"],
            links=[_household_link(r["household_id"], r["head"]), _house_link(r["pk"])],
        )


def closed_with_gaps(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    annotated: Any = with_completeness(_cases(prefix).filter(stage=Stage.CLOSED))
    rows = (
        annotated
        .filter(Q(docs_present__lt=F("docs_required")) | Q(civil_agreed=False) | Q(rural_agreed=False))
        .values(
            "pk", "region_code", "household_id", "house_id", "closed_on", "docs_required", "docs_present",
            "civil_agreed", "rural_agreed",
        )
    )  # fmt: skip
    for r in rows:
        gaps = []
        if r["docs_present"] < r["docs_required"]:
            gaps.append(f"应有材料 {r['docs_required']} 项，现有 {r['docs_present']} 项")
        if not r["civil_agreed"]:
            gaps.append("民政部门未审定同意")
        if not r["rural_agreed"]:
            gaps.append("乡村振兴部门未审定同意")
        yield Hit(
            key=f"case:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"案件已于 {r['closed_on']} 销号，但一户一档：{'；'.join(gaps)}。",
            household_id=r["household_id"],
            house_id=r["house_id"],
            case_id=r["pk"],
            links=[_case_link(r["pk"]), {"label": "一户一档", "url": reverse("archives:case_archive", args=[r["pk"]])}],
        )


def accepted_before_start(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    rows = (
        Acceptance.objects.filter(region_code__subtree=prefix)
        .filter(Q(on__lt=F("case__started_on")) | Q(case__started_on__isnull=True))
        .values(
            "pk", "region_code", "case_id", "attempt", "on", started=F("case__started_on"),
            household_id=F("case__household_id"), house_id=F("case__house_id"),
        )
    )  # fmt: skip
    for r in rows:
        started = f"开工日期为 {r['started']}" if r["started"] else "案件未登记开工日期"
        yield Hit(
            key=f"acceptance:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"第 {r['attempt']} 次竣工验收日期为 {r['on']}，{started}。",
            household_id=r["household_id"],
            house_id=r["house_id"],
            case_id=r["case_id"],
            links=[
                _case_link(r["case_id"]),
                {"label": "竣工验收", "url": reverse("acceptance:detail", args=[r["pk"]])},
            ],
        )


def member_two_households(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    here = Member.objects.filter(household__region_code__subtree=prefix)
    # A member whose number is another household's head (the head's own member row differs).
    as_head = here.filter(id_number__in=Household.objects.values("head_id_number")).exclude(
        household__head_id_number=F("id_number")
    )
    # The same number written with a lower-case x in another household.
    upper = Member.objects.annotate(u=Upper("id_number"))
    twice = upper.values("u").annotate(n=Count("household", distinct=True)).filter(n__gt=1).values("u")
    variants = here.annotate(u=Upper("id_number")).filter(u__in=twice)
    numbers = {m.upper() for m in as_head.values_list("id_number", flat=True)}
    numbers |= set(variants.values_list("u", flat=True))
    if not numbers:
        return
    members = upper.filter(u__in=numbers).values(
        "u", "name", "household_id", head=F("household__head_name"), region=F("household__region_code")
    )
    heads = Household.objects.annotate(u=Upper("head_id_number")).filter(u__in=numbers)
    places: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in members:
        places[m["u"]].append(m)
    for h in heads.values("u", "head_name", "region_code", household_id=F("pk")):
        if all(p["household_id"] != h["household_id"] for p in places[h["u"]]):
            places[h["u"]].append({"name": h["head_name"], "household_id": h["household_id"],
                                   "head": h["head_name"], "region": h["region_code"]})  # fmt: skip
    for number, found in places.items():
        mine = [p for p in found if p["region"].startswith(prefix)]
        if len({p["household_id"] for p in found}) < 2 or not mine:
            continue
        names = "；".join(f"{p['name']}在{p['head']}户" for p in found)
        yield Hit(
            key=_person_key(number),
            region_code=mine[0]["region"],
            evidence=f"身份证号 {mask(number, Kind.ID)} 登记在 {len(found)} 户：{names}。",
            household_id=mine[0]["household_id"],
            links=[_household_link(p["household_id"], p["head"]) for p in found],
        )


def photo_far_from_house(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    limit = float(params.get("max_distance_m", 1000))
    house_lat = Cast(F("inspection__house__latitude"), FloatField())
    dy = (Cast(F("exif_latitude"), FloatField()) - house_lat) * Value(111_320.0)
    dx = (Cast(F("exif_longitude"), FloatField()) - Cast(F("inspection__house__longitude"), FloatField())) * (
        Value(111_320.0) * Cos(Radians(house_lat))
    )
    rows = (
        InspectionPhoto.objects.filter(inspection__region_code__subtree=prefix)
        .filter(exif_latitude__isnull=False, exif_longitude__isnull=False)
        .filter(inspection__house__latitude__isnull=False, inspection__house__longitude__isnull=False)
        .annotate(d2=dx * dx + dy * dy)
        .filter(d2__gt=limit * limit)
        .values(
            "pk", "d2", "inspection_id", region=F("inspection__region_code"), at=F("inspection__inspected_at"),
            household_id=F("inspection__household_id"), house_id=F("inspection__house_id"),
        )
        .order_by("inspection_id", "pk")
    )  # fmt: skip
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["inspection_id"]].append(r)
    for inspection_id, photos in groups.items():
        far = max(p["d2"] for p in photos) ** 0.5
        first = photos[0]
        yield Hit(
            key=f"inspection:{inspection_id}",
            region_code=first["region"],
            evidence=f"{first['at']:%Y-%m-%d} 的排查有 {len(photos)} 张照片的拍摄位置距房屋登记位置超过 "
            f"{limit:.0f} 米，最远约 {far:.0f} 米。",
            household_id=first["household_id"],
            house_id=first["house_id"],
            links=[
                {"label": "排查记录", "url": reverse("inspections:inspection_detail", args=[inspection_id])},
                _house_link(first["house_id"]),
            ],
        )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def elderly_no_control(prefix: str, params: dict[str, Any], today: datetime.date) -> Iterator[Hit]:
    age = int(params.get("age", 60))
    members = Member.objects.filter(household=OuterRef("household_id"))
    measures = ControlMeasure.objects.filter(
        house=OuterRef("pk"), taken_on__gte=Coalesce(OuterRef("grade_on"), Value(datetime.date(1900, 1, 1)))
    )
    rows = (
        House.objects.filter(region_code__subtree=prefix, current_grade__in=DANGEROUS, is_occupied=True)
        .filter(Exists(members))
        .exclude(Exists(members.filter(birth_date__gt=_years_before(today, age))))
        .exclude(Exists(measures))
        .annotate(people=Subquery(members.order_by().values("household").annotate(n=Count("pk")).values("n")))
        .values(
            "pk", "region_code", "household_id", "current_grade", "grade_on", "people", head=F("household__head_name")
        )
    )
    for r in rows:
        yield Hit(
            key=f"house:{r['pk']}",
            region_code=r["region_code"],
            evidence=f"{r['head']}户共 {r['people']} 人，全部年满 {age} 岁，住在 {r['current_grade']} 级危房中"
            f"（{r['grade_on'] or '定级日期不详'} 定级），定级后没有采取管控措施。",
            household_id=r["household_id"],
            house_id=r["pk"],
            links=[_household_link(r["household_id"], r["head"]), _house_link(r["pk"])],
        )


CHECKS: dict[str, Check] = {
    "A01-person-twice": person_twice,
    "A02-house-twice": house_twice,
    "A03-safe-house-opened": safe_house_opened,
    "A04-paid-above-standard": paid_above_standard,
    "A05-final-before-acceptance": final_before_acceptance,
    "A06-builder-without-consent": builder_without_consent,
    "A07-key-household-no-case": key_household_no_case,
    "A08-closed-with-gaps": closed_with_gaps,
    "A09-accepted-before-start": accepted_before_start,
    "A10-member-two-households": member_two_households,
    "A11-photo-far-from-house": photo_far_from_house,
    "A12-elderly-no-control": elderly_no_control,
}
