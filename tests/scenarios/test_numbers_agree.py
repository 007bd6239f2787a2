"""Each headline number is one definition (docs/numbers.md): the dashboard, the list behind it
(page and API, through the list's ``headline`` filter), 改造任务, the progress report and the
ledger (the downloaded xlsx, opened) show the same figure for 屯留区."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.dashboard.services import summaries_refresh
from anju.dashboard.tests.conftest import World, world  # noqa: F401
from anju.households.models import House
from anju.regions.models import Region
from anju.reporting.choices import ReportKind
from anju.reporting.snapshots import compute
from anju.subsidies.tests.conftest import make_case, staff  # noqa: F401
from anju.tasks.headline import NO_TASK
from anju.tasks.models import Task

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def headline(user: User, year: int) -> dict[str, Any]:
    summaries_refresh()
    data: dict[str, Any] = client_for(user).get(reverse("dashboard:data"), {"year": year}).json()
    return data["headline"]


def page_count(user: User, url: str, params: dict[str, Any]) -> int:
    """The list page's own total (共 N 条)."""
    html = client_for(user).get(url, params).content.decode()
    found = re.search(r"共 (\d+) 条", html)
    assert found, "the list shows its total"
    return int(found.group(1))


def api_count(user: User, url: str, params: dict[str, Any]) -> int:
    response = client_for(user).get(url, params)
    assert response.status_code == 200
    count: int = response.json()["count"]
    return count


def ledger_sheet(user: User, key: str, year: int, column: str) -> tuple[list[list[Any]], int]:
    """A ledger as the officer downloads it (xlsx), opened: its rows and the index of ``column``."""
    response = client_for(user).get(reverse("ledgers:download", args=[key, "xlsx"]), {"year": year})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if column in r)
    return rows[header:], rows[header].index(column)


def ledger_total(user: User, key: str, year: int, column: str) -> Any:
    """The 合计 row's value in ``column``."""
    rows, at = ledger_sheet(user, key, year, column)
    total = next(r for r in rows if r and str(r[0] or "").startswith("合计"))
    return total[at]


def ledger_count(user: User, key: str, year: int, column: str) -> int:
    """The ledger's data rows (not the header, not 合计) with a value in ``column``."""
    rows, at = ledger_sheet(user, key, year, column)
    return sum(1 for r in rows[1:] if r and not str(r[0] or "").startswith("合计") and r[at] not in (None, ""))


def progress_report(user: User, year: int) -> dict[str, Any]:
    region = Region.objects.get(code="140405000000")
    return compute(kind=ReportKind.PROGRESS, region=region, year=year, month=1, as_of=datetime.date.today(), user=user)


def test_cd_houses_are_the_same_on_the_dashboard_and_the_house_list(world: World, tl_county: User) -> None:  # noqa: F811
    # 丁's house was inspected suspected D (no appraisal yet): it counts on every screen alike.
    House.objects.filter(household=world["ding"]).update(current_grade="D", suspected_grade="D")
    figures = headline(tl_county, world["year"])
    assert figures["cd_houses"] == 4  # 甲, 乙, 丙 appraised D; 丁 suspected D
    params = {"headline": "cd_houses"}
    assert page_count(tl_county, reverse("households:house_list"), params) == 4
    assert api_count(tl_county, "/api/houses/", params) == 4
    assert api_count(tl_county, "/api/houses/", {"grade": "CD"}) == 4


def test_cases_are_the_same_on_the_dashboard_the_case_list_and_the_report(world: World, tl_county: User) -> None:  # noqa: F811
    from anju.cases.choices import EndReason, Stage
    from anju.cases.models import RenovationCase

    # 丙's case ended (rented a safe home): still listed among all cases, never counted as one.
    RenovationCase.objects.filter(pk=world["bing"].pk).update(stage=Stage.ENDED, end_reason=EndReason.RENT)
    year = world["year"]
    figures = headline(tl_county, year)
    assert figures["cases"] == 2
    params = {"headline": "cases", "year": year}
    assert page_count(tl_county, reverse("cases:case_list"), params) == 2
    assert page_count(tl_county, reverse("cases:case_list"), {"year": year}) == 3  # the list itself keeps it
    assert api_count(tl_county, "/api/cases/", params) == 2
    assert progress_report(tl_county, year)["total"]["cases"] == 2
    assert ledger_total(tl_county, "subsidy_plan", year, "合计户数") == 2


def test_the_completion_rate_is_the_same_on_the_dashboard_the_tasks_the_report_and_the_ledger(
    world: World,  # noqa: F811
    tl_county: User,
) -> None:
    from anju.cases.models import RenovationCase

    year = world["year"]
    RenovationCase.objects.filter(pk=world["yi"].pk).update(completed_on=datetime.date.today())
    # A second programme's task: the county's 竣工率 is over every programme (1 of 10 + 6).
    Task.objects.create(
        region=Region.objects.get(code="140405000000"),
        region_code="140405000000",
        year=year,
        programme="seismic",
        kind="annual",
        count=6,
        issued_by=tl_county,
    )
    figures = headline(tl_county, year)
    assert (figures["completed"], figures["tasks"], figures["completion_rate_text"]) == (1, 16, "6.3%")
    html = client_for(tl_county).get(reverse("tasks:task_list"), {"year": year}).content.decode()
    total = re.search(r'data-county-total="140405000000">(.*?)</tr>', html)
    assert total and "6.3%" in total.group(1)
    assert "10.0%" in html  # the 农村危房改造 row's own rate: 1 of 10
    report = progress_report(tl_county, year)
    assert report["total"]["completion_rate"] == "6.3%"
    assert report["total"]["completed"] == figures["completed"]
    # The 动态监测台账 (every key household's case of the year) dates each completion.
    assert ledger_count(tl_county, "monitoring", year, "竣工日期") == figures["completed"] == 1


def test_a_rate_without_a_task_says_why_instead_of_zero(world: World, tl_county: User) -> None:  # noqa: F811
    year = world["year"]
    Task.objects.all().delete()
    figures = headline(tl_county, year)
    assert figures["completion_rate"] is None
    assert figures["completion_rate_text"] == NO_TASK
    page = client_for(tl_county).get(reverse("dashboard:dashboard"), {"year": year}).content.decode()
    assert f"竣工率 {NO_TASK}" in page
    report = progress_report(tl_county, year)
    assert report["total"]["completion_rate"] == NO_TASK
    assert {r["completion_rate"] for r in report["rows"]} == {NO_TASK}


def test_households_routed_to_seismic_show_on_the_progress_report(world: World, tl_county: User) -> None:  # noqa: F811
    from anju.eligibility.models import Decision

    year = world["year"]
    routed = Decision.objects.filter(is_current=True, region_code__startswith="140405").first()
    assert routed is not None
    Decision.objects.filter(pk=routed.pk).update(outcome="seismic")
    rows = {r["programme"]: r for r in progress_report(tl_county, year)["rows"]}
    # No seismic case yet, but the household routed there is counted, not a row of zeros.
    assert rows["seismic"]["routed"] == 1
    assert rows["seismic"]["cases"] == 0


def test_an_evacuated_key_household_leaves_the_danger_board_but_not_the_zeroing_list(
    world: World,  # noqa: F811
    tl_county: User,
) -> None:
    """动态清零 and 危房不住人 answer two questions (docs/numbers.md): a verified evacuation takes
    乙's family out of danger (off the board) but not out of the dangerous house's problem (still
    on the list until the house is renovated and accepted); the list says so on screen."""
    from django.utils import timezone

    from anju.inspections.choices import MeasureKind
    from anju.inspections.models import ControlMeasure

    year = world["year"]
    before = headline(tl_county, year)["key_in_cd"]
    house = House.objects.get(household=world["yi"].household)
    House.objects.filter(pk=house.pk).update(is_occupied=True, last_inspected_at=timezone.now())
    board = client_for(tl_county).get(reverse("inspections:danger_board")).content.decode()
    assert "乙" in board
    ControlMeasure.objects.create(
        house=house,
        region_code=house.region_code,
        kind=MeasureKind.EVACUATE,
        taken_on=datetime.date.today(),
        responsible="村主任",
        recorded_by=tl_county,
        verified_on=datetime.date.today(),
        verified_by=tl_county,
    )
    assert headline(tl_county, year)["key_in_cd"] == before  # still on 动态清零
    board = client_for(tl_county).get(reverse("inspections:danger_board")).content.decode()
    assert "乙" not in board  # off 危房不住人
    page = client_for(tl_county).get(reverse("dashboard:dashboard"), {"year": year}).content.decode()
    assert "其中 1 户已核查撤离或房屋无人居住" in page
    row = re.search(r"<tr>\s*<td><a [^>]*>乙</a>.*?</tr>", page, re.S)
    assert row and "已核查撤离" in row.group(0)


def ledger_cells(user: User, key: str, column: str) -> list[str]:
    """The data cells of ``column`` in a ledger without a plan year, as downloaded."""
    rows, at = ledger_sheet(user, key, datetime.date.today().year, column)
    return [str(r[at] or "") for r in rows[1:] if r and not str(r[0] or "").startswith("合计")]


def test_the_key_household_ledger_shows_the_zeroing_list_and_the_two_ledgers_the_cd_houses(
    world: World,  # noqa: F811
    tl_county: User,
) -> None:
    """The 重点对象台账 writes each key household's house as 「D 级」 or 「排查初判 C 级」: its C/D rows
    are the dashboard's 动态清零 figure. The C/D houses of the 一般户台账 (appraised) and the
    疑似危房台账 (suspected, not yet appraised) of general households add up to the rest of C/D 级危房."""
    year = world["year"]
    # 丁's house was only suspected D by an inspection: on the list as 「排查初判 D 级」.
    House.objects.filter(household=world["ding"]).update(
        current_grade="D", suspected_grade="D", grade_source="inspection", grade_on=datetime.date.today()
    )
    figures = headline(tl_county, year)
    grades = ledger_cells(tl_county, "key_groups", "房屋等级")
    dangerous = [g for g in grades if re.match(r"(排查初判 )?[CD] 级", g)]
    assert len(dangerous) == figures["key_in_cd"] == 3  # 甲, 乙, 丙 appraised D
    # 丁 is a general household: not on the key ledger, on the 疑似危房台账 as not yet appraised.
    kinds = ledger_cells(tl_county, "suspected", "类别")
    appraised = ledger_cells(tl_county, "suspected", "鉴定情况")
    general_awaiting = [k for k, a in zip(kinds, appraised, strict=True) if k == "一般农户" and a == "待鉴定"]
    assert general_awaiting == ["一般农户"]
    general = ledger_cells(tl_county, "general", "鉴定等级")  # general households appraised C/D: none here
    assert len(general) + len(dangerous) + len(general_awaiting) == figures["cd_houses"] == 4
    assert page_count(tl_county, reverse("households:house_list"), {"headline": "cd_houses"}) == 4
