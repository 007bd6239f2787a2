"""The reporting pages as their users see them."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditEvent
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.choices import ReportKind, SubmissionStatus
from anju.reporting.models import ReportingCalendar, Submission
from anju.reporting.tests.conftest import submit_confirming

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submitted(clerk: User, region: Region, on: datetime.date | None = None) -> Submission:
    s = services.submission_prepare(
        acting_user=clerk, kind=ReportKind.MONTHLY_LIST, year=TODAY.year, month=TODAY.month, region=region, on=on
    )
    return submit_confirming(acting_user=clerk, submission=s, on=on)


def test_it_prepares_and_submits_from_the_pages(covered_home: DibaoHome, tl_clerk: User) -> None:
    client = login(tl_clerk)
    page = client.get(reverse("reporting:submission_list"))
    assert "北渔泽村委会" in page.content.decode() and "生成草稿" in page.content.decode()
    response = client.post(
        reverse("reporting:submission_prepare"), {"kind": "monthly_list", "year": TODAY.year, "month": TODAY.month}
    )
    s = Submission.objects.get()
    assert response["Location"] == reverse("reporting:submission_detail", args=[s.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "甲" in detail and "新增" in detail and "报送上级" in detail
    client.post(reverse("reporting:submission_submit", args=[s.pk]))
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED


def test_it_shows_the_reviewer_return_and_sign_off_and_refuses_an_empty_reason(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    s = submitted(tl_clerk, regions["140405102201"])
    client = login(tl_township)
    detail = client.get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    assert "审核确认" in detail and "退回下级" in detail and "报送上级" not in detail
    response = client.post(reverse("reporting:submission_return", args=[s.pk]), {"reason": ""}, follow=True)
    assert "请写明原因（300 字以内）。" in response.content.decode()
    client.post(reverse("reporting:submission_return", args=[s.pk]), {"reason": "请补充乙户"})
    s.refresh_from_db()
    assert s.status == SubmissionStatus.RETURNED
    page = login(tl_clerk).get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    assert "上级已退回：请补充乙户" in page


def test_it_flashes_the_refusal_when_the_wrong_officer_signs_off(
    covered_home: DibaoHome, tl_clerk: User, tl_county: User, regions: dict[str, Region]
) -> None:
    s = submitted(tl_clerk, regions["140405102201"])
    response = login(tl_county).post(reverse("reporting:submission_sign_off", args=[s.pk]), follow=True)
    assert "北渔泽村委会的报表由上级渔泽镇乡镇建环办审核确认。" in response.content.decode()
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED


def test_it_exports_the_monthly_list_with_masked_id_numbers(
    covered_home: DibaoHome, tl_clerk: User, regions: dict[str, Region]
) -> None:
    s = submitted(tl_clerk, regions["140405102201"])
    response = login(tl_clerk).get(reverse("reporting:submission_export", args=[s.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "甲" in flat
    number = covered_home["household"].head_id_number
    assert number not in flat and any(isinstance(v, str) and v.startswith(number[:4]) and "*" in v for v in flat)
    assert (
        AuditEvent.objects.filter(note__contains="报送清单").exists()
        or AuditEvent.objects.filter(action="export").exists()
    )


def test_it_colours_the_board_on_time_late_and_missing(
    covered_home: DibaoHome, tl_clerk: User, south_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    submitted(tl_clerk, regions["140405102201"])
    page = login(tl_township).get(reverse("reporting:timeliness_board"), {"month": f"{TODAY:%Y-%m}"}).content.decode()
    # Both villages' lists were due on the 1st: one reported today (late unless today is the 1st).
    assert "北渔泽村委会" in page and "南渔泽村委会" in page
    if TODAY.day > 1:
        assert "逾期报送" in page and "未报" in page and "报送率" in page
        assert ">50.0%<" in page.replace(" ", "") or "50.0%" in page


def test_it_computes_board_rates(
    covered_home: DibaoHome, tl_clerk: User, south_clerk: User, regions: dict[str, Region]
) -> None:
    from anju.reporting.selectors import board

    last = TODAY.replace(day=1) - datetime.timedelta(days=1)
    s = services.submission_prepare(
        acting_user=tl_clerk,
        kind=ReportKind.MONTHLY_LIST,
        year=last.year,
        month=last.month,
        region=regions["140405102201"],
        on=last.replace(day=1) - datetime.timedelta(days=1),
    )
    services.submission_submit(acting_user=tl_clerk, submission=s, on=last.replace(day=1))
    result = board(parent=regions["140405102000"], kind=ReportKind.MONTHLY_LIST, year=last.year, month=last.month)
    assert [(c.region.name, c.state) for c in result.cells] == [
        ("北渔泽村委会", "on_time"),
        ("南渔泽村委会", "missing"),
    ]
    assert (str(result.reporting_rate), str(result.on_time_rate)) == ("50.0", "50.0")
    ahead = TODAY.replace(day=28) + datetime.timedelta(days=5)
    later = board(parent=regions["140405102000"], kind=ReportKind.PROGRESS, year=ahead.year, month=ahead.month)
    assert {c.state for c in later.cells} == {"not_due"}


def test_it_reminds_the_clerk_of_overdue_lists_and_the_township_of_lists_to_review(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    from anju.reporting.selectors import reminders

    texts = [r.text for r in reminders(tl_clerk)]
    if TODAY.day > 1:
        due = f"{TODAY.month:02d}-01"
        assert f"{TODAY.year} 年 {TODAY.month} 月新增对象月报已逾期 {TODAY.day - 1} 天未报（{due} 截止）" in texts
    submitted(tl_clerk, regions["140405102201"])
    assert not any(f"{TODAY.month} 月新增对象月报" in r.text for r in reminders(tl_clerk))
    review = [r.text for r in reminders(tl_township)]
    assert f"{TODAY.year} 年 {TODAY.month} 月新增对象月报：1 份下级报表待审核" in review
    html = login(tl_township).get(reverse("reporting:submission_list")).content.decode()
    assert "逐级报送" in html


def test_it_hides_another_countys_submissions_and_regions(
    covered_home: DibaoHome, tl_clerk: User, cq_county: User, regions: dict[str, Region]
) -> None:
    s = submitted(tl_clerk, regions["140405102201"])
    client = login(cq_county)
    for name in ("submission_detail", "submission_export"):
        assert client.get(reverse(f"reporting:{name}", args=[s.pk])).status_code == 404
    for name in ("submission_submit", "submission_sign_off", "submission_refresh"):
        assert client.post(reverse(f"reporting:{name}", args=[s.pk])).status_code == 404
    assert client.post(reverse("reporting:submission_return", args=[s.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("reporting:timeliness_board"), {"region": "140405102000"}).status_code == 404
    assert client.get(reverse("reporting:annual_plan"), {"region": "140405000000"}).status_code == 404
    assert "北渔泽" not in client.get(reverse("reporting:submission_list")).content.decode()


def test_it_shows_the_annual_plan_with_overdue_cases_linked_to_the_case_list(
    case: RenovationCase, tl_county: User, regions: dict[str, Region]
) -> None:
    year = case.year
    page = login(tl_county).get(reverse("reporting:annual_plan"), {"year": str(year), "region": "140405000000"})
    html = page.content.decode()
    assert "规划部署" in html and "排查与改造" in html and "竣工验收" in html
    assert f"/cases/?region=140405102000&amp;year={year}&amp;stage={Stage.FOUND}" in html


def test_it_lets_the_province_edit_a_calendar_draft_and_shows_problems(province: User, tl_county: User) -> None:
    national = services.ensure_national_calendar()
    assert (
        "新增对象月报"
        in login(tl_county).get(reverse("reporting:calendar_detail", args=[national.pk])).content.decode()
    )
    client = login(province)
    response = client.post(reverse("reporting:calendar_derive", args=[national.pk]))
    draft = ReportingCalendar.objects.get(region_code="140000000000")
    assert response["Location"] == reverse("reporting:calendar_edit", args=[draft.pk])
    bad = client.post(reverse("reporting:calendar_edit", args=[draft.pk]), {"name": "山西", "text": "{"})
    assert "JSON 格式错误" in bad.content.decode()
    broken = client.post(
        reverse("reporting:calendar_edit", args=[draft.pk]),
        {"name": "山西", "text": '{"reports": {}, "remind_days": 3, "return_days": 5, "plans": []}'},
    )
    assert "报送种类 reports 须含" in broken.content.decode()
    assert login(tl_county).get(reverse("reporting:calendar_edit", args=[draft.pk])).status_code == 403
    client.post(reverse("reporting:calendar_activate", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "active"
    assert "山西" in client.get(reverse("reporting:calendar_list")).content.decode()


def test_it_renders_the_case_panel(case: RenovationCase, tl_clerk: User) -> None:
    from django.template.loader import render_to_string

    from anju.reporting.selectors import case_panel

    html = render_to_string("reporting/_case_panel.html", {"reporting_panel": case_panel(case=case, user=tl_clerk)})
    assert f"{case.year} 年度工作方案" in html and "查看年度工作方案" in html


def test_it_renders_the_reminders_partial(covered_home: DibaoHome, tl_clerk: User) -> None:
    from django.template.loader import render_to_string

    from anju.reporting.views import reminders_context

    html = render_to_string("reporting/_reminders.html", reminders_context(tl_clerk))
    if TODAY.day > 1:
        assert "报送提醒" in html and "已逾期" in html


def test_it_shows_a_progress_report_with_its_figures(
    case: RenovationCase, officers: Officers, regions: dict[str, Region]
) -> None:
    s = services.submission_prepare(
        acting_user=officers["township"],
        kind=ReportKind.PROGRESS,
        year=TODAY.year,
        month=TODAY.month,
        region=regions["140405102000"],
    )
    html = login(officers["county"]).get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    assert f"{case.year} 年任务进度" in html and "农村危房改造" in html and "北渔泽村委会：未报" in html


def test_it_lists_the_users_level_and_children_unless_all_levels_are_asked_for(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, tl_county: User, regions: dict[str, Region]
) -> None:
    submitted(tl_clerk, regions["140405102201"])
    submitted(tl_township, regions["140405102000"])
    client = login(tl_county)
    default = client.get(reverse("reporting:submission_list")).content.decode()
    assert "渔泽镇" in default and "北渔泽村委会" not in default
    everything = client.get(reverse("reporting:submission_list"), {"all_levels": "on"}).content.decode()
    assert "北渔泽村委会" in everything


def test_it_keeps_the_list_and_board_queries_constant(
    covered_home: DibaoHome,
    tl_clerk: User,
    south_clerk: User,
    tl_township: User,
    regions: dict[str, Region],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = login(tl_township)
    submitted(tl_clerk, regions["140405102201"])
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("reporting:submission_list"))
        client.get(reverse("reporting:timeliness_board"))
    submitted(south_clerk, regions["140405102202"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("reporting:submission_list"))
        client.get(reverse("reporting:timeliness_board"))


def test_the_township_home_names_the_villages_whose_list_is_overdue(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    from anju.reporting.selectors import reminders

    # Late in the month every village's 新增对象月报 (due on the 1st) is overdue unless sent.
    late_day = datetime.date(TODAY.year, TODAY.month, 28)
    village = regions["140405102201"]
    overdue = [r for r in reminders(tl_township, today=late_day) if "新增对象月报" in r.text and "逾期未报" in r.text]
    this_month = [r for r in overdue if r.text.startswith(f"{TODAY.year} 年 {TODAY.month} 月")]
    assert this_month and village.name in this_month[0].text
    assert this_month[0].colour == "danger" and "/reporting/board/" in this_month[0].url
    home = login(tl_township).get(reverse("home:home")).content.decode()
    assert "逾期未报" in home
    submitted(tl_clerk, village)
    after = [
        r.text
        for r in reminders(tl_township, today=late_day)
        if r.text.startswith(f"{TODAY.year} 年 {TODAY.month} 月新增对象月报：")
    ]
    assert not any(village.name in t and "逾期未报" in t for t in after)
