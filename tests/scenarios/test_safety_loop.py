"""The safety loop, walked across apps through the services (issue 14, ADR 0021): a family found
by 以人找房, appraised, renovated and closed; what each screen then shows; the second case that
must be refused; the house that turns dangerous again and re-enters; the family that lives in
someone else's house; the board and the flood priority read from the house's one state."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditEvent
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers
from anju.cases.watch import exited_under_watch, renovated_under_watch
from anju.dashboard.models import RegionSummary
from anju.dashboard.selectors import MapFilter, map_points
from anju.dashboard.services import summaries_refresh
from anju.eligibility.models import Decision
from anju.households.models import House, Household
from anju.households.safety import house_renovation_record
from anju.households.services import (
    house_create,
    house_update,
    household_create,
    member_add,
    member_remove,
    status_add,
    status_end,
)
from anju.inspections.choices import TaskPriority
from anju.inspections.models import Campaign
from anju.inspections.selectors import campaign_coverage, campaign_households, occupied_dangerous_houses
from anju.inspections.services import (
    campaign_create,
    emergency_declare,
    housing_check_record,
    inspection_record,
    measure_record,
    measure_verify,
)
from anju.inspections.tests.conftest import make_id
from anju.ledgers.registry import LEDGERS
from anju.ledgers.services import ledger_drawn
from anju.regions.models import Region
from anju.reporting.snapshots import monthly_list_rows
from tests.scenarios.conftest import OnCommit, ago, appraise, close_case, walk

pytestmark = pytest.mark.django_db
VILLAGE = "140405102201"
TODAY = timezone.localdate()


def dynamic_zero_count() -> int:
    """The 动态清零 figure of 北渔泽村 on the dashboard (key-group households in C/D houses)."""
    summaries_refresh()
    return RegionSummary.objects.get(region_code=VILLAGE, year=TODAY.year).key_in_cd


def monthly_list(regions: dict[str, Any]) -> list[str]:
    return [r["head_name"] for r in monthly_list_rows(regions[VILLAGE], TODAY)]


def map_point(user: Any, house: House) -> dict[str, Any]:
    points = {f["properties"]["house"]: f["properties"] for f in map_points(user=user, flt=MapFilter())["features"]}
    return points[house.pk]


def on_board(user: Any, house: House) -> bool:
    return occupied_dangerous_houses(user).filter(pk=house.pk).exists()


def ledger_row(user: Any, key: str, head_name: str) -> dict[str, Any] | None:
    drawn = ledger_drawn(user=user, key=key, year=TODAY.year, region=None)
    rows = [dict(zip(LEDGERS[key].headers, r, strict=True)) for r in drawn.ledger.rows(drawn.scope)]
    return next((r for r in rows if r["户主姓名"] == head_name), None)


def decision_of(household: Household) -> Decision:
    return Decision.objects.get(household=household, is_current=True)


def renovation_decision_forced(household: Household) -> None:
    """As a province's rule set without the 已改造 / member rules would decide: 纳入危房改造."""
    Decision.objects.filter(household=household, is_current=True).update(
        outcome="renovation", rule_id="R08-key-dangerous", rule_name="重点对象唯一住房为危房"
    )


@pytest.fixture
def campaign(tl_township: User, regions: dict[str, Region]) -> Campaign:
    return campaign_create(
        acting_user=tl_township,
        title="渔泽镇常规排查",
        year=TODAY.year,
        region=regions["140405102000"],
        starts_on=ago(120),
        deadline=TODAY + datetime.timedelta(days=30),
    )


def test_from_finding_to_closing_every_screen_follows_the_house(
    dibao_home: DibaoHome,
    appraiser: User,
    officers: Officers,
    rural: User,
    campaign: Campaign,
    regions: dict[str, Region],
    tl_county: User,
    on_commit: OnCommit,
) -> None:
    household, house = dibao_home["household"], dibao_home["house"]
    clerk = officers["clerk"]
    house_update(acting_user=clerk, house=house, latitude="36.3201", longitude="112.8905")
    assert campaign_coverage(campaign, clerk).uncovered == 1  # 以人找房: 甲 not yet visited

    with on_commit():
        inspection_record(
            acting_user=clerk,
            house=house,
            campaign=campaign,
            suspected_grade="D",
            is_occupied=True,
            occupant_ages="67",
            inspected_at=timezone.now() - datetime.timedelta(days=100),
        )
    house.refresh_from_db()
    assert (house.current_grade, house.grade_source) == ("D", "inspection")
    assert campaign_coverage(campaign, clerk).uncovered == 0
    assert on_board(clerk, house) and dynamic_zero_count() == 1
    assert decision_of(household).rule_id == "R03-awaiting-appraisal"

    with on_commit():
        appraise(appraiser, house, ago(90))
    assert monthly_list(regions) == ["甲"]
    assert map_point(tl_county, house)["grade"] == "D"

    with on_commit():
        case = case_services.case_open(acting_user=clerk, household=household, on=ago(60))
        close_case(case, officers, dibao_home["civil"], rural, post_grade="B")
    house.refresh_from_db()
    # The house now says it is safe, since when, from which act, and that it was renovated.
    assert (house.current_grade, house.grade_source, house.grade_on) == ("B", "acceptance", ago(10))
    assert (house.renovated_year, house.renovation_programme, house.renovated_case_id) == (
        ago(10).year,
        "renovation",
        case.pk,
    )
    assert house.appraisals.count() == 1  # the appraisal that found it D stays in its history
    assert dynamic_zero_count() == 0
    assert monthly_list(regions) == []
    assert not on_board(clerk, house)
    point = map_point(tl_county, house)
    assert (point["grade"], point["grade_source"]) == ("B", "竣工验收")
    assert point["renovated"] == f"{ago(10).year} 年农村危房改造"
    row = ledger_row(tl_county, "key_groups", "甲")
    assert row is not None and row["房屋等级"] == f"B 级（竣工验收），{ago(10).year} 年已改造"
    assert ledger_row(tl_county, "suspected", "甲") is None
    decision = decision_of(household)
    assert (decision.outcome, decision.rule_id) == ("renovated", "R00-renovated")
    assert f"{ago(10).year} 年" in decision.reason


def test_a_second_case_for_the_renovated_house_is_refused_naming_the_earlier_case(
    covered_home: DibaoHome,
    officers: Officers,
    rural: User,
    on_commit: OnCommit,
) -> None:
    household = covered_home["household"]
    with on_commit():
        first = case_services.case_open(acting_user=officers["clerk"], household=household, on=ago(60))
        close_case(first, officers, covered_home["civil"], rural)
    assert decision_of(household).outcome == "renovated"  # the rules alone would not open it again
    renovation_decision_forced(household)
    with pytest.raises(ValidationError) as refused:
        case_services.case_open(acting_user=officers["township"], household=household)
    message = refused.value.messages[0]
    assert message.startswith("不能重复补助") and first.archive_no in message and "重点对象唯一住房为危房" in message
    assert "R08-key-dangerous" not in message
    assert "不属于再次纳入" in message
    assert RenovationCase.objects.filter(household=household).count() == 1
    refusal = AuditEvent.objects.get(object_type="households.household", object_id=str(household.pk), action="refused")
    assert first.archive_no in refusal.note and refusal.actor == officers["township"]


def test_a_member_supported_through_another_household_is_refused(
    covered_home: DibaoHome,
    appraiser: User,
    officers: Officers,
    rural: User,
    regions: dict[str, Region],
    on_commit: OnCommit,
) -> None:
    first_home = covered_home["household"]
    clerk, civil = officers["clerk"], covered_home["civil"]
    son = member_add(
        acting_user=clerk, household=first_home, name="甲子", id_number=make_id(31, "19880101"), relation="child"
    )
    with on_commit():
        first = case_services.case_open(acting_user=clerk, household=first_home, on=ago(60))
        close_case(first, officers, civil, rural)
    # The son sets up his own household with a dangerous house of its own.
    with on_commit():
        member_remove(acting_user=clerk, member=son, reason="分户")
        other = household_create(
            acting_user=clerk, region=regions[VILLAGE], head_name="乙", head_id_number=make_id(32, "19600505")
        )
        status_add(acting_user=civil, household=other, group="dibao", certified_on=datetime.date(2023, 1, 1))
        member_add(acting_user=clerk, household=other, name="甲子", id_number=make_id(31, "19880101"), relation="child")
        other_house = house_create(acting_user=clerk, household=other, structure="brick_wood", build_year=1980)
        appraise(appraiser, other_house, ago(3))
    decision = decision_of(other)
    assert (decision.outcome, decision.rule_id) == ("review", "R03b-member-supported-elsewhere")
    assert "甲子" in decision.reason and first.archive_no in decision.reason
    renovation_decision_forced(other)
    with pytest.raises(ValidationError, match=rf"不能重复补助.*{re.escape(first.archive_no)}"):
        case_services.case_open(acting_user=clerk, household=other)
    assert not RenovationCase.objects.filter(household=other).exists()


def test_a_member_still_being_supported_elsewhere_cannot_be_supported_twice_at_once(
    covered_home: DibaoHome,
    appraiser: User,
    officers: Officers,
    regions: dict[str, Region],
    on_commit: OnCommit,
) -> None:
    first_home = covered_home["household"]
    clerk, civil = officers["clerk"], covered_home["civil"]
    son = member_add(
        acting_user=clerk, household=first_home, name="甲子", id_number=make_id(41, "19880101"), relation="child"
    )
    first = case_services.case_open(acting_user=clerk, household=first_home, on=ago(60))
    walk(first, officers, Stage.UNDER_WAY)
    with on_commit():
        member_remove(acting_user=clerk, member=son, reason="分户")
        other = household_create(
            acting_user=clerk, region=regions[VILLAGE], head_name="乙", head_id_number=make_id(42, "19600505")
        )
        status_add(acting_user=civil, household=other, group="dibao", certified_on=datetime.date(2023, 1, 1))
        member_add(acting_user=clerk, household=other, name="甲子", id_number=make_id(41, "19880101"), relation="child")
        appraise(appraiser, house_create(acting_user=clerk, household=other, structure="brick_wood"), ago(3))
    renovation_decision_forced(other)
    with pytest.raises(ValidationError, match=r"甲子.*改造中.*尚未结束"):
        case_services.case_open(acting_user=clerk, household=other)


def test_a_renovated_house_found_dangerous_again_comes_back_and_re_enters(
    covered_home: DibaoHome,
    appraiser: User,
    officers: Officers,
    rural: User,
    regions: dict[str, Region],
    client: Client,
    on_commit: OnCommit,
) -> None:
    household, house = covered_home["household"], covered_home["house"]
    with on_commit():
        first = case_services.case_open(acting_user=officers["clerk"], household=household, on=ago(60))
        close_case(first, officers, covered_home["civil"], rural)
    assert dynamic_zero_count() == 0

    # A storm: the clerk finds the renovated house C, people still in it.
    with on_commit():
        inspection_record(
            acting_user=officers["clerk"], house=house, suspected_grade="C", is_occupied=True, occupant_ages="71"
        )
    house.refresh_from_db()
    assert (house.current_grade, house.grade_source, house.renovated_year) == ("C", "inspection", ago(10).year)
    assert dynamic_zero_count() == 1 and on_board(officers["clerk"], house)
    assert decision_of(household).rule_id == "R03-awaiting-appraisal"
    client.force_login(officers["township"])
    page = client.get(reverse("households:house_detail", args=[house.pk])).content.decode()
    assert 'data-testid="dangerous-again"' in page and "已改造房屋再次被排查为疑似 C 级危房" in page

    # Appraised D, by a small natural disaster: the rule set's 再次纳入 applies.
    with on_commit():
        appraise(appraiser, house, TODAY, damage_cause="small_disaster")
    decision = decision_of(household)
    assert (decision.outcome, decision.rule_id) == ("reentry", "R05-reentry-small-disaster")
    assert monthly_list(regions) == ["甲"]
    again = case_services.case_open(acting_user=officers["township"], household=household)
    assert again.previous_case_id == first.pk
    note = again.steps.get(kind="open").note
    assert "再次纳入" in note and f"规则「{decision.rule_name}」" in note and first.archive_no in note
    assert "R05-reentry-small-disaster" not in note


def test_a_family_living_in_someone_elses_house_is_accounted_for(
    tl_clerk: User,
    campaign: Campaign,
    regions: dict[str, Region],
    make_user: Callable[..., User],
    on_commit: OnCommit,
) -> None:
    village = regions[VILLAGE]
    civil = make_user("tl_civil", "140405000000", "civil_affairs")
    elderly = household_create(acting_user=tl_clerk, region=village, head_name="丁", head_id_number=make_id(51))
    status_add(acting_user=civil, household=elderly, group="tekun", certified_on=datetime.date(2023, 1, 1))
    children = household_create(
        acting_user=tl_clerk, region=village, head_name="戊", head_id_number=make_id(52, "19800101")
    )
    their_house = house_create(acting_user=tl_clerk, household=children, structure="brick_concrete")
    houseless = household_create(acting_user=tl_clerk, region=village, head_name="己", head_id_number=make_id(53))
    status_add(acting_user=civil, household=houseless, group="dibao", certified_on=datetime.date(2023, 1, 1))
    coverage = campaign_coverage(campaign, tl_clerk)
    assert (coverage.total, coverage.covered) == (2, 0)  # neither has a house of its own to inspect

    with on_commit():
        housing_check_record(
            acting_user=tl_clerk,
            campaign=campaign,
            household=elderly,
            kind="with_children",
            host_house=their_house,
            recorded_on=TODAY,
            evidence="村委会证明：随女儿戊一家居住",
        )
        housing_check_record(
            acting_user=tl_clerk,
            campaign=campaign,
            household=houseless,
            kind="no_house",
            recorded_on=TODAY,
            evidence="走访核实：原房屋已倒塌拆除，借住村委会闲置房",
        )
    coverage = campaign_coverage(campaign, tl_clerk)
    assert (coverage.total, coverage.covered, coverage.percent) == (2, 2, 100)
    assert not campaign_households(campaign, tl_clerk).filter(covered=False).exists()  # type: ignore[misc]  # django-stubs: "covered" is annotated by campaign_households, whose return type names only Household
    # The houseless 低保 family goes to eligibility as before: covered as 无房.
    assert decision_of(houseless).rule_id == "R02-key-no-house"

    # A family with a registered only house cannot be recorded as houseless.
    own = house_create(acting_user=tl_clerk, household=children, structure="brick_wood", is_only_house=False)
    assert own.pk
    with pytest.raises(ValidationError, match="已登记唯一住房"):
        housing_check_record(
            acting_user=tl_clerk,
            campaign=campaign,
            household=children,
            kind="no_house",
            recorded_on=TODAY,
            evidence="误报",
        )
    assert AuditEvent.objects.filter(object_id=str(children.pk), action="refused").exists()


def test_the_board_and_the_flood_priority_read_the_house_state(
    tl_clerk: User,
    tl_township: User,
    appraiser: User,
    regions: dict[str, Region],
    on_commit: OnCommit,
) -> None:
    village = regions[VILLAGE]
    # 庚: a general household, house appraised D, nobody has checked who lives there.
    geng = household_create(acting_user=tl_clerk, region=village, head_name="庚", head_id_number=make_id(61))
    geng_house = house_create(acting_user=tl_clerk, household=geng, structure="earth_wood", occupants=0)
    with on_commit():
        appraise(appraiser, geng_house, ago(20))
    # 辛: inspected B, a warning sign put up anyway — not a dangerous house.
    xin = household_create(acting_user=tl_clerk, region=village, head_name="辛", head_id_number=make_id(62))
    xin_house = house_create(acting_user=tl_clerk, household=xin, structure="brick_wood", occupants=2)
    inspection_record(
        acting_user=tl_clerk, house=xin_house, suspected_grade="B", is_occupied=True, occupant_ages="45, 44"
    )
    measure_record(acting_user=tl_clerk, house=xin_house, kind="warning", taken_on=TODAY, responsible="村主任")

    board = list(occupied_dangerous_houses(tl_township))
    assert [h.pk for h in board] == [geng_house.pk]
    assert board[0].last_inspected_at is None  # listed: occupancy unknown

    event = emergency_declare(
        acting_user=tl_township,
        kind="flood",
        title="7·20 暴雨",
        occurred_on=TODAY,
        region=regions["140405102000"],
        villages=[village],
    )
    first = event.tasks.order_by("priority", "pk").first()
    assert first is not None
    assert first.house_id == geng_house.pk and first.priority == TaskPriority.KNOWN_DANGEROUS
    assert "D 级" in first.reason and "鉴定" in first.reason

    measure = measure_record(
        acting_user=tl_clerk, house=geng_house, kind="evacuate", taken_on=TODAY, responsible="村主任"
    )
    measure_verify(acting_user=tl_township, measure=measure, verified_on=TODAY, note="人员已全部撤离，已上锁")
    assert not occupied_dangerous_houses(tl_township).exists()


def test_renovated_and_exited_households_stay_under_watch_and_in_the_next_campaign(
    covered_home: DibaoHome,
    officers: Officers,
    rural: User,
    regions: dict[str, Region],
    tl_township: User,
    on_commit: OnCommit,
) -> None:
    with on_commit():
        case = case_services.case_open(acting_user=officers["clerk"], household=covered_home["household"], on=ago(60))
        close_case(case, officers, covered_home["civil"], rural)
    civil = covered_home["civil"]
    left_recently = household_create(
        acting_user=officers["clerk"], region=regions[VILLAGE], head_name="壬", head_id_number=make_id(71)
    )
    left_long_ago = household_create(
        acting_user=officers["clerk"], region=regions[VILLAGE], head_name="癸", head_id_number=make_id(72)
    )
    for who, ended in ((left_recently, ago(400)), (left_long_ago, ago(5 * 365))):
        status = status_add(
            acting_user=civil, household=who, group="monitoring", certified_on=datetime.date(2019, 1, 1)
        )
        status_end(acting_user=civil, status=status, ended_on=ended)
    assert list(renovated_under_watch(officers["township"], TODAY)) == [covered_home["house"]]
    assert [h.head_name for h in exited_under_watch(officers["township"], TODAY)] == ["壬"]

    campaign = campaign_create(
        acting_user=tl_township,
        title="下一轮常规排查",
        year=TODAY.year,
        region=regions["140405102000"],
        starts_on=TODAY,
        deadline=TODAY + datetime.timedelta(days=60),
    )
    reached = set(campaign_households(campaign, tl_township).values_list("head_name", flat=True))
    assert reached == {"甲", "壬"}  # 癸 left the groups more than 3 years ago (the policy's window)


def test_an_acceptance_grade_of_c_or_d_is_never_written_as_renovated(
    covered_home: DibaoHome, officers: Officers
) -> None:
    house = covered_home["house"]
    case = case_services.case_open(acting_user=officers["clerk"], household=covered_home["household"], on=ago(60))
    walk(case, officers, Stage.COMPLETED)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="验收通过须评定为 A 级或 B 级"):
        case_services.case_accept_result(
            acting_user=officers["township"], case=case, passed=True, on=ago(5), post_grade="C"
        )
    case.refresh_from_db()
    house.refresh_from_db()
    assert case.stage == Stage.COMPLETED and (house.current_grade, house.grade_source) == ("D", "appraisal")
    with pytest.raises(ValidationError, match="当前等级：D 级"):
        house_renovation_record(
            acting_user=officers["county"],
            house=house,
            year=TODAY.year,
            programme="renovation",
            case_id=case.pk,
            note="",
        )
    house.refresh_from_db()
    assert house.renovated_year is None


def test_the_data_migration_writes_back_what_was_closed_before_the_state_existed(
    covered_home: DibaoHome,
    officers: Officers,
    rural: User,
    on_commit: OnCommit,
) -> None:
    """Databases from before this change: closed cases' houses get their acceptance grade and
    renovation, and every case's members their support records, from what was recorded."""
    import importlib

    from django.apps import apps

    from anju.households.models import SupportRecord

    backfill = importlib.import_module("anju.cases.migrations.0003_backfill_house_state").backfill
    with on_commit():
        case = case_services.case_open(acting_user=officers["clerk"], household=covered_home["household"], on=ago(60))
        close_case(case, officers, covered_home["civil"], rural)
    house = covered_home["house"]
    House.objects.filter(pk=house.pk).update(
        current_grade="",
        grade_source="",
        grade_on=None,
        renovated_year=None,
        renovation_programme="",
        renovated_case=None,
    )
    SupportRecord.objects.all().delete()
    backfill(apps, None)
    house.refresh_from_db()
    assert (house.current_grade, house.grade_source, house.grade_on) == ("A", "acceptance", ago(10))
    assert (house.renovated_year, house.renovated_case_id) == (ago(10).year, case.pk)
    assert SupportRecord.objects.get(case=case).completed_on == ago(5)
