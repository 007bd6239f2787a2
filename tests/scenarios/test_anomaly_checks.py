"""Anomaly checks (issue 20): each rule finds what is planted and ignores its near miss; a
re-run neither duplicates nor keeps what no longer holds; an explanation is recorded and
audited; the board, the export and the API show the county its own findings only.

Plants are made the way anomalies arrive in real records — rows imported or edited outside the
services — on top of a household, house and case made through the services."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.acceptance.models import Acceptance
from anju.accounts.models import User
from anju.anomalies.choices import FindingStatus
from anju.anomalies.models import Finding
from anju.anomalies.services import checks_run
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditEvent
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.households.models import House, Household, Member, SupportRecord
from anju.inspections.models import ControlMeasure, Inspection, InspectionPhoto
from anju.regions.models import Region
from anju.subsidies.models import Payment
from tests.scenarios.conftest import ago

pytestmark = pytest.mark.django_db

COUNTY = "140405000000"


def run(regions: dict[str, Region], user: User, rule: str) -> list[Finding]:
    checks_run(region=regions[COUNTY], acting_user=user)
    return list(Finding.objects.filter(rule_id=rule, status=FindingStatus.OPEN))


def clone(case: RenovationCase, **changes: object) -> RenovationCase:
    """A second case as an import would write it."""
    twin = RenovationCase.objects.get(pk=case.pk)
    twin.pk = None
    for name, value in changes.items():
        setattr(twin, name, value)
    twin.save()
    return twin


def pay(case: RenovationCase, user: User, amount: Decimal, on: datetime.date, **extra: object) -> Payment:
    values: dict[str, object] = {
        "instalment": Payment.objects.filter(case=case).count() + 1,
        "payee_kind": "household",
        "payee_name": "甲",
        "bank_account": "6228480012345678901",
        "voucher_no": f"BZ-{case.pk}-{Payment.objects.count()}",
        "region_code": case.region_code,
        "recorded_by": user,
    } | extra
    return Payment.objects.create(case=case, amount=amount, paid_on=on, **values)


def test_it_finds_a_person_subsidised_twice_but_not_a_linked_reentry(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    twin = clone(case, year=case.year - 3, house=None, stage=Stage.CLOSED)
    for record in SupportRecord.objects.filter(case=case):
        SupportRecord.objects.create(
            id_number=record.id_number, name=record.name, household=record.household, case=twin,
            case_label="2023 年危改", programme=record.programme, year=twin.year,
        )  # fmt: skip
    found = run(regions, tl_county, "A01-person-twice")
    assert len(found) == 1
    assert "在 2 个改造案件中受助" in found[0].evidence
    assert SupportRecord.objects.first().id_number not in found[0].evidence  # type: ignore[union-attr]  # masked
    RenovationCase.objects.filter(pk=case.pk).update(previous_case=twin)  # a re-entry after a disaster
    assert run(regions, tl_county, "A01-person-twice") == []


def test_it_finds_a_house_renovated_twice_but_not_when_the_other_case_ended(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    twin = clone(case, year=case.year - 2, stage=Stage.CLOSED)
    found = run(regions, tl_county, "A02-house-twice")
    assert [f.house_id for f in found] == [case.house_id]
    RenovationCase.objects.filter(pk=twin.pk).update(stage=Stage.ENDED)
    assert run(regions, tl_county, "A02-house-twice") == []


def test_it_finds_a_safe_house_opened_for_renovation_but_not_a_seismic_retrofit(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(grade="B")
    found = run(regions, tl_county, "A03-safe-house-opened")
    assert [f.case_id for f in found] == [case.pk]
    assert "B 级" in found[0].evidence
    RenovationCase.objects.filter(pk=case.pk).update(programme="seismic")
    assert run(regions, tl_county, "A03-safe-house-opened") == []


def test_it_finds_a_payment_above_the_standard_but_not_one_equal_to_it(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(subsidy_amount=Decimal("20000"))
    pay(case, tl_county, Decimal("12000"), ago(20))
    extra = pay(case, tl_county, Decimal("8000"), ago(10))
    assert run(regions, tl_county, "A04-paid-above-standard") == []
    Payment.objects.filter(pk=extra.pk).update(amount=Decimal("9500"))
    found = run(regions, tl_county, "A04-paid-above-standard")
    assert len(found) == 1 and "超出 1500.00 元" in found[0].evidence


def test_it_finds_the_last_instalment_before_acceptance_but_not_after(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(subsidy_amount=Decimal("20000"), accepted_on=ago(5))
    pay(case, tl_county, Decimal("12000"), ago(30))
    last = pay(case, tl_county, Decimal("8000"), ago(3))
    assert run(regions, tl_county, "A05-final-before-acceptance") == []
    Payment.objects.filter(pk=last.pk).update(paid_on=ago(9))
    found = run(regions, tl_county, "A05-final-before-acceptance")
    assert len(found) == 1 and str(ago(9)) in found[0].evidence


def test_it_finds_a_builder_paid_without_consent_but_not_with_consent_on_record(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    builder = {"payee_kind": "builder", "payee_name": "王师傅施工队"}
    pay(case, tl_county, Decimal("5000"), ago(10), consent_note="书面同意书 TY-01", consent_on=ago(12), **builder)
    assert run(regions, tl_county, "A06-builder-without-consent") == []
    pay(case, tl_county, Decimal("5000"), ago(4), **builder)
    found = run(regions, tl_county, "A06-builder-without-consent")
    assert len(found) == 1 and "没有记录农户同意" in found[0].evidence


def test_it_finds_a_key_household_left_without_a_case_but_not_within_the_days(
    covered_home: DibaoHome, regions: dict[str, Region], tl_county: User
) -> None:
    House.objects.filter(pk=covered_home["house"].pk).update(current_grade="D", grade_on=ago(30))
    assert run(regions, tl_county, "A07-key-household-no-case") == []
    House.objects.filter(pk=covered_home["house"].pk).update(grade_on=ago(120))
    found = run(regions, tl_county, "A07-key-household-no-case")
    assert [f.house_id for f in found] == [covered_home["house"].pk]
    assert "已过 120 天" in found[0].evidence


def test_it_finds_a_case_closed_with_archive_gaps_but_not_one_still_open(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    assert run(regions, tl_county, "A08-closed-with-gaps") == []  # an open case may still lack papers
    RenovationCase.objects.filter(pk=case.pk).update(stage=Stage.CLOSED, closed_on=ago(2))
    found = run(regions, tl_county, "A08-closed-with-gaps")
    assert len(found) == 1 and "民政部门未审定同意" in found[0].evidence


def _acceptance(case: RenovationCase, user: User, on: datetime.date) -> Acceptance:
    return Acceptance.objects.create(
        case=case, attempt=1, region_code=case.region_code, on=on, items=[], results={}, post_grade="A",
        household_agrees=True, builder_name="王师傅", officer_names="张、李", passed=True, recorded_by=user,
    )  # fmt: skip


def test_it_finds_acceptance_before_the_works_started_but_not_after(
    case: RenovationCase, regions: dict[str, Region], tl_county: User
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(started_on=ago(40))
    acceptance = _acceptance(case, tl_county, ago(10))
    assert run(regions, tl_county, "A09-accepted-before-start") == []
    Acceptance.objects.filter(pk=acceptance.pk).update(on=ago(45))
    found = run(regions, tl_county, "A09-accepted-before-start")
    assert len(found) == 1 and str(ago(40)) in found[0].evidence


def test_it_finds_a_member_in_two_households_but_not_two_different_people(
    covered_home: DibaoHome, regions: dict[str, Region], tl_county: User
) -> None:
    home = covered_home["household"]
    other = Household.objects.create(
        region=regions["140405102202"], region_code="140405102202", head_name="乙", head_id_number="140405195001010022",
        head_sex="M", head_birth_date=datetime.date(1950, 1, 1),
    )  # fmt: skip
    person = {"sex": "M", "birth_date": datetime.date(1990, 1, 1), "relation": "child"}
    Member.objects.create(household=home, name="甲子", id_number="14040519900101003X", **person)
    Member.objects.create(household=other, name="乙子", id_number="140405199001010048", **person)
    assert run(regions, tl_county, "A10-member-two-households") == []
    Member.objects.create(household=other, name="甲子", id_number="14040519900101003x", **person)
    found = run(regions, tl_county, "A10-member-two-households")
    assert len(found) == 1 and "登记在 2 户" in found[0].evidence


def test_it_finds_a_photo_taken_far_from_the_house_but_not_one_taken_nearby(
    covered_home: DibaoHome, regions: dict[str, Region], tl_county: User
) -> None:
    house = covered_home["house"]
    House.objects.filter(pk=house.pk).update(latitude=Decimal("36.300000"), longitude=Decimal("112.900000"))
    inspection = Inspection.objects.create(
        house=house, household=covered_home["household"], region_code=house.region_code, kind="routine",
        inspector=tl_county, inspected_at=timezone.now() - datetime.timedelta(days=5), suspected_grade="C",
        is_occupied=True,
    )  # fmt: skip
    # About 800 m north of the house: within the 1,000 m of the rule.
    near = InspectionPhoto.objects.create(
        inspection=inspection, image="inspections/near.jpg", width=1, height=1, exif_latitude=Decimal("36.307200"),
        exif_longitude=Decimal("112.900000"),
    )  # fmt: skip
    assert run(regions, tl_county, "A11-photo-far-from-house") == []
    # About 1.2 km east (at 36° a degree of longitude is ~90 km): outside it.
    InspectionPhoto.objects.filter(pk=near.pk).update(
        exif_latitude=Decimal("36.300000"), exif_longitude=Decimal("112.913400")
    )
    found = run(regions, tl_county, "A11-photo-far-from-house")
    assert [f.house_id for f in found] == [house.pk]
    assert "1 张照片" in found[0].evidence and "超过 1000 米" in found[0].evidence
    assert "最远约 12" in found[0].evidence  # ~1,200 m


def test_it_finds_an_elderly_household_in_a_dangerous_house_without_control_but_not_with_one(
    covered_home: DibaoHome, regions: dict[str, Region], tl_county: User
) -> None:
    house = covered_home["house"]
    House.objects.filter(pk=house.pk).update(current_grade="D", grade_on=ago(20), is_occupied=True)
    found = run(regions, tl_county, "A12-elderly-no-control")
    assert [f.house_id for f in found] == [house.pk]
    ControlMeasure.objects.create(
        house=house, region_code=house.region_code, kind="warning", taken_on=ago(10), responsible="村支书",
        recorded_by=tl_county,
    )  # fmt: skip
    assert run(regions, tl_county, "A12-elderly-no-control") == []
    assert Finding.objects.get(rule_id="A12-elderly-no-control").status == FindingStatus.FIXED


def test_a_rerun_keeps_one_finding_and_an_explanation_is_audited(
    case: RenovationCase, regions: dict[str, Region], tl_county: User, client: Client
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(grade="A")
    first = run(regions, tl_county, "A03-safe-house-opened")
    again = run(regions, tl_county, "A03-safe-house-opened")
    assert [f.pk for f in first] == [f.pk for f in again]
    client.force_login(User.objects.get(username="tl_county"))
    url = f"/anomalies/findings/{first[0].pk}/"
    assert "提交说明" in client.get(url).content.decode()
    refused = client.post(url + "explain/", {"reason": "短"})
    assert refused.status_code == 400 and "至少 5 个字" in refused.content.decode()
    client.post(url + "explain/", {"reason": "经核实为抗震改造，项目类别录入错误，已申请更正。"})
    page = client.get(url).content.decode()
    assert "已说明" in page and "抗震改造，项目类别录入错误" in page and "提交说明" not in page
    assert AuditEvent.objects.filter(object_type="anomalies.finding", object_id=str(first[0].pk)).count() == 2
    run(regions, tl_county, "A03-safe-house-opened")  # still holds: stays explained, not duplicated
    assert Finding.objects.filter(rule_id="A03-safe-house-opened").count() == 1


def test_the_board_counts_drill_down_and_export_opens(
    case: RenovationCase,
    regions: dict[str, Region],
    tl_county: User,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(grade="A")
    client.force_login(User.objects.get(username="tl_county"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/anomalies/run/")  # the button: a job (inline in tests)
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    board = client.get("/anomalies/").content.decode()
    assert "A/B 级房屋纳入危房改造" in board and "立即运行核查" in board
    listing = client.get("/anomalies/findings/?rule=A03-safe-house-opened&status=open").content.decode()
    assert "建案时房屋为 A 级" in listing
    export = client.get("/anomalies/findings/export/?rule=A03-safe-house-opened")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "核查事项" and rows[1][0] == "A/B 级房屋纳入危房改造" and len(rows) == 2


def test_another_county_sees_none_of_it_and_may_not_explain(
    case: RenovationCase, regions: dict[str, Region], tl_county: User, make_user: object, client: Client
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(grade="A")
    finding = run(regions, tl_county, "A03-safe-house-opened")[0]
    make_user("ps_county", "500243000000", "county_officer")  # type: ignore[operator]  # the fixture is a factory
    client.force_login(User.objects.get(username="ps_county"))
    assert client.get(f"/anomalies/findings/{finding.pk}/").status_code == 404
    assert (
        client.post(f"/anomalies/findings/{finding.pk}/explain/", {"reason": "试图说明别县的发现"}).status_code == 404
    )
    assert "建案时房屋为" not in client.get("/anomalies/findings/").content.decode()
    assert client.get(f"/api/anomaly-findings/{finding.pk}/").status_code == 404


def test_the_api_lists_explains_and_refuses_a_township_outside(
    case: RenovationCase, regions: dict[str, Region], tl_county: User, tl_township: User, client: Client
) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(grade="A")
    finding = run(regions, tl_county, "A03-safe-house-opened")[0]
    client.force_login(User.objects.get(username="tl_township"))
    listed = client.get("/api/anomaly-findings/?rule=A03-safe-house-opened").json()
    assert [r["id"] for r in listed["results"]] == [finding.pk]
    assert client.post("/api/anomaly-runs/").status_code == 403  # a township does not run the checks
    answer = client.post(
        f"/api/anomaly-findings/{finding.pk}/explain/", {"reason": "已由乡镇核实并报县局更正。"},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 200 and answer.json()["status"] == "explained"
    assert answer.json()["acts"][0]["allowed"] is False
