"""Demo anomaly findings (issue 20): in 屯留区 and 彭水县, one realistic slip of each kind an
auditor looks for is planted the way such slips arrive — a split household's second case, a payment
entered twice, a date typed wrong, an ID number with a lower-case x, a photo taken in town —
then each county runs its checks, and 屯留区 explains one finding. Plants write rows directly
(as an import or a bulk fix would); the run and the explanation go through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from anju.acceptance.models import Acceptance
from anju.accounts.models import User
from anju.anomalies.models import CheckRun, Finding
from anju.anomalies.services import checks_run, finding_explain
from anju.archives.models import ArchiveDocument
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.households.models import House, Household, Member, SupportRecord
from anju.inspections.models import ControlMeasure, InspectionPhoto
from anju.regions.models import Region
from anju.subsidies.models import Payment

COUNTIES = (("140405000000", "tl_county"), ("500243000000", "ps_county"))


def _days(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _split_household_case(prefix: str) -> None:
    """A02: after a household split (分户), the new household opened a case on the parents' house
    while the parents' case on it is still under way."""
    case = (
        RenovationCase.objects.filter(region_code__subtree=prefix, house__isnull=False)
        .exclude(stage__in=(Stage.ENDED, Stage.CLOSED))
        .order_by("pk")
        .first()
    )
    other = (
        Household.objects.filter(region_code=case.region_code)
        .exclude(Exists(RenovationCase.objects.filter(household=OuterRef("pk"))))
        .first()
        if case is not None
        else None
    )
    if case is None or other is None:
        return
    split = RenovationCase.objects.get(pk=case.pk)
    split.pk, split.household, split.stage, split.previous_case = None, other, Stage.FOUND, None
    split.archive_no, split.archive_seq = "", None
    split.save()
    # A01: the son who split off is still on the parents' case, and now on his own too.
    for r in SupportRecord.objects.filter(case=case)[:1]:
        SupportRecord.objects.create(
            id_number=r.id_number, name=r.name, household=other, house_id=r.house_id, case=split,
            case_label=f"{other.head_name}户 {split.year} 年", programme=r.programme, year=split.year,
        )  # fmt: skip


def _payments(prefix: str, clerk: User) -> None:
    """A04 a payment entered twice; A05 everything paid before acceptance; A06 the builder paid
    without the household's consent on record."""
    cases = list(
        RenovationCase.objects.filter(region_code__subtree=prefix, subsidy_amount__isnull=False)
        .exclude(stage__in=(Stage.ENDED, Stage.CLOSED))
        .order_by("-pk")[:3]
    )
    for n, (case, kind) in enumerate(zip(cases, ("twice", "early", "builder"), strict=False)):
        amount = case.subsidy_amount or Decimal("0")
        nxt = Payment.objects.filter(case=case).count() + 1
        base = {
            "case": case,
            "region_code": case.region_code,
            "recorded_by": clerk,
            "bank_account": "6228480012345678901",
        }
        if kind == "twice":
            for i in (nxt, nxt + 1):  # the same voucher typed in twice under two numbers
                Payment.objects.create(instalment=i, amount=amount, paid_on=_days(20), payee_kind="household",
                                       payee_name=case.household.head_name, voucher_no=f"BZ{case.year}-{case.pk:04d}-{i}", **base)  # fmt: skip
        elif kind == "early":
            Payment.objects.create(instalment=nxt, amount=amount, paid_on=_days(15), payee_kind="household",
                                   payee_name=case.household.head_name, voucher_no=f"BZ{case.year}-{case.pk:04d}-{nxt}", **base)  # fmt: skip
        else:
            Payment.objects.create(instalment=nxt, amount=amount / 2, paid_on=_days(12), payee_kind="builder",
                                   payee_name="顺安建筑工匠队", voucher_no=f"BZ{case.year}-{case.pk:04d}-{nxt}-{n}", **base)  # fmt: skip


def _dates_and_grades(prefix: str) -> None:
    """A03 a case opened on a B-graded house; A09 acceptance dated before the works; A08 a
    document withdrawn after 销号; A07 a key household's C house waiting 150 days."""
    open_case = (
        RenovationCase.objects.filter(region_code__subtree=prefix, programme="renovation")
        .exclude(stage__in=(Stage.ENDED, Stage.CLOSED))
        .order_by("pk")
        .first()
    )
    if open_case is not None:
        RenovationCase.objects.filter(pk=open_case.pk).update(grade="B")
    acceptance = Acceptance.objects.filter(region_code__subtree=prefix, case__started_on__isnull=False).first()
    if acceptance is not None and acceptance.case.started_on is not None:
        Acceptance.objects.filter(pk=acceptance.pk).update(on=acceptance.case.started_on - datetime.timedelta(days=3))
    document = ArchiveDocument.objects.filter(case__region_code__subtree=prefix, case__stage=Stage.CLOSED).first()
    if document is not None:
        ArchiveDocument.objects.filter(pk=document.pk).update(withdrawn_at=timezone.now(), withdraw_reason="误操作撤回")
    cases = RenovationCase.objects.filter(household=OuterRef("household_id"))
    house = (
        House.objects.filter(region_code__subtree=prefix).exclude(household__primary_group="")
        .exclude(Exists(cases)).order_by("pk").first()
    )  # fmt: skip
    if house is not None:
        House.objects.filter(pk=house.pk).update(current_grade="C", grade_on=_days(150))


def _people_and_photos(prefix: str) -> None:
    """A10 one person in two households (x and X); A11 a photo taken 5 km away; A12 an elderly
    couple's D house with no control measure."""
    members = list(Member.objects.filter(household__region_code__subtree=prefix).order_by("household_id"))
    households = list(dict.fromkeys(m.household_id for m in members))
    if len(households) >= 2:
        first = next(m for m in members if m.household_id == households[0])
        number = prefix[:6].ljust(6, "0") + "19880516" + "217"
        person = {
            "name": "冉小芳" if prefix.startswith("50") else "郭小芳",
            "sex": "F",
            "birth_date": datetime.date(1988, 5, 16),
        }
        if not Member.objects.filter(id_number__iexact=number + "X").exists():
            Member.objects.create(household_id=first.household_id, id_number=number + "X", relation="child", **person)
            Member.objects.create(household_id=households[1], id_number=number + "x", relation="child_in_law", **person)
    photo = InspectionPhoto.objects.filter(
        inspection__region_code__subtree=prefix, inspection__house__latitude__isnull=False
    ).first()
    house = photo.inspection.house if photo is not None else None
    if photo is not None and house is not None and house.latitude is not None:
        InspectionPhoto.objects.filter(pk=photo.pk).update(
            exif_latitude=house.latitude + Decimal("0.045"), exif_longitude=house.longitude
        )
    young = Member.objects.filter(household=OuterRef("household_id"), birth_date__gt=datetime.date(1965, 1, 1))
    elderly = (
        House.objects.filter(region_code__subtree=prefix, is_occupied=True)
        .filter(Exists(Member.objects.filter(household=OuterRef("household_id"))))
        .exclude(Exists(young)).exclude(Exists(ControlMeasure.objects.filter(house=OuterRef("pk"))))
        .order_by("pk").first()
    )  # fmt: skip
    if elderly is not None:
        House.objects.filter(pk=elderly.pk).update(current_grade="D", grade_on=_days(25))


def load_demo_anomalies(superuser: Any) -> int:
    """Plant once, run each county's checks, explain one; returns how many findings are open."""
    if CheckRun.objects.exists():
        return 0
    for code, username in COUNTIES:
        county = Region.objects.filter(code=code).first()
        user = User.objects.filter(username=username).first()
        if county is None or user is None:
            continue
        clerk = User.objects.filter(region__code__subtree=county.prefix).exclude(pk=user.pk).first() or user
        _split_household_case(county.prefix)
        _payments(county.prefix, clerk)
        _dates_and_grades(county.prefix)
        _people_and_photos(county.prefix)
        checks_run(region=county, acting_user=user)
        if code.startswith("1404"):
            finding = Finding.objects.filter(
                region_code__subtree=county.prefix, rule_id="A11-photo-far-from-house"
            ).first()
            if finding is not None:
                finding_explain(
                    finding=finding, acting_user=user,
                    reason="村信息员当天在镇上用同一部手机补传照片，拍摄位置取自镇上；已另派人现场复拍。",
                )  # fmt: skip
    return Finding.objects.filter(status="open").count()
