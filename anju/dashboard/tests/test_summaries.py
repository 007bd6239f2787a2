"""The maintained summaries: equal to the GROUP BY over the base tables at every level, and kept
current after case acts, payments, appraisals and the end of a case."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs
from anju.cases import services as case_services
from anju.cases.choices import EndReason
from anju.cases.tests.conftest import D_GRADES, Officers, ago
from anju.dashboard.handlers import refresh as refresh_job
from anju.dashboard.models import RegionSummary
from anju.dashboard.services import blank_figures, compute_figures, summaries_refresh
from anju.dashboard.tests.conftest import World
from anju.households.services import house_create, household_create, status_add
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region
from anju.subsidies.services import payment_record
from anju.tasks.services import task_issue

pytestmark = pytest.mark.django_db


def province_officer(regions: Any) -> Any:
    from anju.accounts.models import User

    return User.objects.get(username="sx_province")


FIELDS = (
    "households",
    "key_households",
    "houses",
    "cd_houses",
    "key_in_cd",
    "oldest_stage_since",
    "cases",
    "completed",
    "closed",
    "amount_paid",
    "stage_counts",
    "monthly",
)


def row(code: str, year: int) -> RegionSummary:
    return RegionSummary.objects.get(region_code=code, year=year)


def test_it_counts_every_level_exactly_like_the_group_by_over_the_base_tables(world: World) -> None:
    summaries_refresh()
    year = world["year"]
    for region in Region.objects.all():
        naive = compute_figures([region.prefix], len(region.prefix), [year]).get((region.code, year))
        expected = naive or blank_figures()
        summary = row(region.code, year)
        for field in FIELDS:
            assert getattr(summary, field) == expected[field], (region.name, field)


def test_it_shows_the_county_its_key_households_still_in_danger_with_the_oldest_stage(world: World) -> None:
    summaries_refresh()
    county = row("140405000000", world["year"])
    assert (county.households, county.key_households, county.houses, county.cd_houses) == (4, 3, 4, 3)
    assert county.key_in_cd == 3
    # 丙 has been 发现 for 60 days, 乙 and 甲 moved on later.
    assert county.oldest_stage_since == ago(60)
    assert county.stage_counts == {"filed": 1, "under_way": 1, "found": 1}
    assert (county.cases, county.completed, county.closed) == (3, 0, 0)
    assert county.amount_paid == Decimal("5000.00")
    # Three cases opened 60 days ago: three in that month's column of the trend.
    assert county.monthly["opened"][ago(60).month - 1] == 3


def test_it_takes_tasks_from_the_county_and_sums_them_above(world: World) -> None:
    summaries_refresh()
    year = world["year"]
    assert row("140405000000", year).tasks == 10
    assert row("140400000000", year).tasks == 10
    assert row("140000000000", year).tasks == 10
    assert row("140405102000", year).tasks == 0
    assert row("500243000000", year).tasks == 0


def test_it_keeps_another_county_apart(world: World) -> None:
    summaries_refresh()
    ps = row("500243000000", world["year"])
    assert (ps.households, ps.key_in_cd, ps.cases) == (1, 0, 0)
    assert row("500000000000", world["year"]).households == 1


def test_it_moves_a_case_to_its_new_stage_once_the_act_commits(
    world: World, staff: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    summaries_refresh()
    year = world["year"]
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_apply(acting_user=staff, case=world["bing"], on=ago(1))
    village = row("140405103200", year)
    assert village.stage_counts == {"applied": 1}
    county = row("140405000000", year)
    assert county.stage_counts == {"filed": 1, "under_way": 1, "applied": 1}
    # 丙 entered 已申请 yesterday: the oldest stage in 余吾镇 is now that day.
    assert row("140405103000", year).oldest_stage_since == ago(1)


def test_it_adds_a_payment_to_the_amount_paid_up_to_the_province(
    world: World, officers: Officers, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    summaries_refresh()
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            acting_user=officers["county"],
            case=world["jia"],
            amount=Decimal("3000"),
            paid_on=ago(2),
            payee_kind="household",
            voucher_no="V2",
        )
    assert row("140405102201", world["year"]).amount_paid == Decimal("8000.00")
    assert row("140000000000", world["year"]).amount_paid == Decimal("8000.00")


def test_it_counts_a_key_household_newly_appraised_d(
    world: World,
    staff: User,
    appraiser: User,
    regions: dict[str, Region],
    covered_home: DibaoHome,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    summaries_refresh()
    year = world["year"]
    before = row("140405000000", year).key_in_cd
    with django_capture_on_commit_callbacks(execute=True):
        household = household_create(
            acting_user=staff, region=regions["140405102202"], head_name="己", head_id_number=make_id(88)
        )
        status_add(
            acting_user=covered_home["civil"],
            household=household,
            group="tekun",
            certified_on=datetime.date(2024, 1, 1),
        )
        house = house_create(acting_user=staff, household=household, structure="brick_wood", build_year=1979)
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser,
            house=house,
            **appraisal_kwargs(component_grades=D_GRADES, appraised_on=ago(3), damage_cause="ageing"),
        )
    assert row("140405000000", year).key_in_cd == before + 1
    assert row("140405102202", year).key_in_cd == 2
    assert row("140405102202", year).cd_houses == 2


def test_it_no_longer_counts_a_family_that_found_a_safe_home_another_way(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    summaries_refresh()
    staff = world["bing"].created_by
    assert staff is not None
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_end(
            acting_user=staff, case=world["bing"], on=ago(1), reason=EndReason.RENT, note="租住亲戚的安全住房"
        )
    village = row("140405103200", world["year"])
    assert village.key_in_cd == 0
    assert village.stage_counts == {"ended": 1}
    assert village.cases == 0
    assert row("140405000000", world["year"]).key_in_cd == 2


def test_it_refreshes_everything_from_the_command_and_the_job(world: World, capsys: Any) -> None:
    call_command("refresh_summaries")
    assert "已更新" in capsys.readouterr().out
    assert row("140405000000", world["year"]).key_in_cd == 3

    class FakeJob:
        params = {"region_codes": ["140405103200"]}

    result = refresh_job(FakeJob(), lambda done, total, text: None)  # type: ignore[arg-type]  # a stand-in for Job with only the params refresh_job reads
    assert result["rows"] > 0


def test_the_nightly_refresh_mends_a_drifted_key_flag_before_it_counts(world: World, capsys: Any) -> None:
    """A house whose key flag was written around the services (a raw fix) is mended by the full
    refresh's command first, so the map's key filter counts it (ADR 0053)."""
    from anju.dashboard.models import MapCell
    from anju.households.models import House

    def key_houses(village: str) -> int:
        return sum(MapCell.objects.filter(village_code=village, key=True).values_list("houses", flat=True))

    House.objects.filter(household=world["jia"].household).update(key_household=False)
    summaries_refresh()
    assert key_houses("140405102201") == 0  # the refresh trusts the flag
    call_command("refresh_summaries")
    assert "已校正 1 处房屋的重点对象标记" in capsys.readouterr().out
    assert key_houses("140405102201") == 1
    call_command("refresh_summaries")
    assert "已校正" not in capsys.readouterr().out


def test_a_village_refresh_rewrites_only_that_branch(world: World) -> None:
    summaries_refresh()
    year = world["year"]
    ps_before = row("500243000000", year).refreshed_at
    summaries_refresh(region_codes=["140405102201"])
    assert row("500243000000", year).refreshed_at == ps_before
    assert row("140405102201", year).refreshed_at > ps_before
    assert row("140000000000", year).refreshed_at > ps_before
    assert row("140405000000", year).key_in_cd == 3


def test_a_new_plan_year_gets_every_region_without_a_full_refresh(
    world: World, regions: dict[str, Region], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    summaries_refresh()
    year = world["year"] + 1
    province = RegionSummary.objects.get(region_code="140000000000", year=world["year"])
    with django_capture_on_commit_callbacks(execute=True):
        task_issue(
            acting_user=province_officer(regions),
            county=regions["140405000000"],
            year=year,
            programme="renovation",
            kind="annual",
            count=7,
        )
    ahead = row("140000000000", year)
    assert (ahead.households, ahead.key_in_cd, ahead.cases, ahead.tasks) == (province.households, 3, 0, 7)
    assert RegionSummary.objects.filter(year=year).count() == RegionSummary.objects.filter(year=year - 1).count()
    assert row("500243202201", year).households == 1


def test_a_family_whose_renovation_passed_acceptance_is_no_longer_in_a_dangerous_house(
    covered_home: DibaoHome, officers: Officers, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from anju.cases.choices import Stage
    from anju.cases.tests.conftest import walk

    with django_capture_on_commit_callbacks(execute=True):
        case = case_services.case_open(acting_user=officers["clerk"], household=covered_home["household"], on=ago(60))
    walk(case, officers, Stage.COMPLETED)
    summaries_refresh()
    village = row(case.region_code, case.year)
    assert village.key_in_cd == 1
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_accept_result(
            acting_user=officers["township"], case=case, passed=True, on=ago(5), post_grade="A"
        )
    village = row(case.region_code, case.year)
    assert village.key_in_cd == 0 and village.stage_counts == {"accepted": 1}


def test_a_worker_stop_ends_a_full_refresh_between_stages_and_keeps_the_old_summaries(
    world: World, tl_county: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 25-minute province refresh no longer holds a worker's stop: the stop asked for while
    the figures are computed takes effect at the next stage, and the refresh rolls back."""
    from anju.dashboard import services as dashboard_services
    from anju.jobs import services as job_services
    from anju.jobs.models import Job, JobStatus

    summaries_refresh()
    before = RegionSummary.objects.count()
    real = dashboard_services.compute_figures

    def slow_figures(*args: Any, **kwargs: Any) -> Any:
        job_services.request_stop()  # SIGTERM arrives during the long query
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_services, "compute_figures", slow_figures)
    job = Job.objects.create(kind="dashboard.refresh", title="刷新汇总", created_by=tl_county)
    try:
        job_services.job_execute(str(job.pk))
    finally:
        job_services.reset_stop()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == job_services.INTERRUPTED
    assert job.done == 0  # it stopped at the first stage after the query, not after writing
    assert RegionSummary.objects.count() == before
    assert row("140405000000", world["year"]).key_in_cd == 3
