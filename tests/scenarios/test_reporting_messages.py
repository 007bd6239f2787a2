"""Reporting messages that tell the truth (issue 17, ADR 0030): the home page and the list say the
same thing about a returned report; a township submitting while a village has not reported is
warned and must confirm; a list sent again shows what it adds and drops before it is taken; the
progress report opens in Excel with numbers as numbers; the 农房抗震改造 row counts the
households routed there."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditEvent
from anju.eligibility.models import Decision
from anju.households.models import House
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.choices import EventKind, ReportKind, SubmissionStatus
from anju.reporting.models import Submission
from anju.reporting.tests.conftest import (  # noqa: F401
    A_GRADES,
    add_home,
    appraise,
    south_clerk,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
VILLAGE, SOUTH, TOWNSHIP = "140405102201", "140405102202", "140405102000"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def days(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def prepare(
    user: User, region: Region, kind: str = ReportKind.MONTHLY_LIST, on: datetime.date | None = None
) -> Submission:
    return services.submission_prepare(
        acting_user=user, kind=kind, year=TODAY.year, month=TODAY.month, region=region, on=on
    )


def list_badge(user: User, s: Submission) -> tuple[str, str]:
    """The timeliness badge of the submission's line on 逐级报送: (state, words)."""
    html = login(user).get(reverse("reporting:submission_list"), {"all_levels": "on"}).content.decode()
    url = reverse("reporting:submission_detail", args=[s.pk])
    row = next(r for r in html.split("<tr>") if url in r and "data-timeliness" in r)
    found = re.search(r'data-timeliness="(\w+)">([^<]+)<', row)
    assert found, row
    return found.group(1), found.group(2)


def home_reminders(user: User) -> list[str]:
    html = login(user).get(reverse("home:home")).content.decode()
    block = (
        html.split('data-testid="reporting-reminders"')[1].split("</ul>")[0] if "reporting-reminders" in html else ""
    )
    return [re.sub(r"<[^>]+>", "", "<li" + li).strip() for li in block.split("<li")[1:]]


# --- 1. one timeliness --------------------------------------------------------------------------------


def test_a_returned_report_reads_the_same_on_the_home_page_and_the_list(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions[VILLAGE], on=days(10))
    s = services.submission_submit(acting_user=tl_clerk, submission=s, on=days(10))
    assert list_badge(tl_clerk, s) == ("on_time", "按时")
    # Returned eight days ago: the calendar gives five days to send it again, so it is three
    # days overdue — on the home page and on the list alike, and nowhere "未报" by its old date.
    s = services.submission_return(acting_user=tl_township, submission=s, reason="甲户鉴定日期有误", on=days(8))
    assert s.resubmit_due_on == days(3)
    assert list_badge(tl_clerk, s) == ("returned_overdue", "退回后逾期未重报")
    own = [t for t in home_reminders(tl_clerk) if f"{TODAY.month} 月新增对象月报" in t]
    assert own == [f"{TODAY.year} 年 {TODAY.month} 月新增对象月报已退回，重报已逾期 3 天（{days(3):%m-%d} 截止）"]
    detail = login(tl_clerk).get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    assert "退回后逾期未重报" in detail and f"退回后重报截止 {days(3):%Y-%m-%d}" in detail

    s = services.submission_submit(acting_user=tl_clerk, submission=s)
    assert list_badge(tl_clerk, s) == ("resubmitted_late", "退回后逾期重报")
    assert not [t for t in home_reminders(tl_clerk) if f"{TODAY.month} 月新增对象月报" in t]
    api = APIClient()
    api.force_authenticate(tl_clerk)
    assert api.get(f"/api/submissions/{s.pk}/").json()["timeliness"] == "resubmitted_late"


def test_a_report_returned_within_its_new_due_date_asks_to_be_sent_by_it(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions[VILLAGE], on=days(3))
    s = services.submission_submit(acting_user=tl_clerk, submission=s, on=days(3))
    s = services.submission_return(acting_user=tl_township, submission=s, reason="请补充", on=days(1))
    assert list_badge(tl_clerk, s) == ("returned", "退回待重报")
    own = [t for t in home_reminders(tl_clerk) if f"{TODAY.month} 月新增对象月报" in t]
    assert own == [f"{TODAY.year} 年 {TODAY.month} 月新增对象月报已退回，请于 {days(-4):%m-%d} 前修改重报（还有 4 天）"]


# --- 2. submitting over unreported lower levels --------------------------------------------------------


def test_a_township_submitting_while_a_village_has_not_reported_is_warned_and_must_confirm(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, tl_county: User, regions: dict[str, Region]
) -> None:
    north = prepare(tl_clerk, regions[VILLAGE])
    services.submission_submit(acting_user=tl_clerk, submission=north)
    own = prepare(tl_township, regions[TOWNSHIP])
    client = login(tl_township)
    page = client.post(reverse("reporting:submission_submit", args=[own.pk])).content.decode()
    warning = page.split('data-testid="unreported"')[1].split("</ul>")[0]
    assert "下级尚有 1 个单位未报送" in warning and "南渔泽村委会" in warning and "北渔泽村委会" not in warning
    own.refresh_from_db()
    assert own.status == SubmissionStatus.DRAFT  # nothing sent without the confirmation

    # The county officer may not submit the township's report: the act table refuses before any warning.
    refused = login(tl_county).post(reverse("reporting:submission_submit", args=[own.pk]), follow=True)
    assert "须由本级乡镇建环办报送" in refused.content.decode() and "确认报送" not in refused.content.decode()

    token = re.search(r'name="confirm" value="(\w+)"', page)
    assert token
    client.post(reverse("reporting:submission_submit", args=[own.pk]), {"confirm": token.group(1)})
    own.refresh_from_db()
    assert own.status == SubmissionStatus.SUBMITTED
    event = own.events.get(kind=EventKind.SUBMIT)
    assert [u["name"] for u in event.details["unreported"]] == ["南渔泽村委会"]
    audit = AuditEvent.objects.filter(object_type="reporting.submission", object_id=str(own.pk)).latest("pk")
    assert "确认在下级未报时报送（1 个：南渔泽村委会）" in audit.note
    history = client.get(reverse("reporting:submission_detail", args=[own.pk])).content.decode()
    assert "当时未报的下级：南渔泽村委会（未报）" in history


def test_the_api_answers_what_to_confirm_and_takes_the_confirmation(
    covered_home: DibaoHome, tl_township: User, regions: dict[str, Region]
) -> None:
    own = prepare(tl_township, regions[TOWNSHIP], kind=ReportKind.PROGRESS)
    api = APIClient()
    api.force_authenticate(tl_township)
    first = api.post(f"/api/submissions/{own.pk}/submit/")
    assert first.status_code == 409
    body = first.json()
    assert [u["name"] for u in body["unreported"]] == ["北渔泽村委会", "南渔泽村委会"]
    assert "请先确认" in body["detail"]
    assert api.post(f"/api/submissions/{own.pk}/submit/", {"confirm": "0" * 16}).status_code == 409
    done = api.post(f"/api/submissions/{own.pk}/submit/", {"confirm": body["confirm"]})
    assert done.status_code == 200 and done.json()["status"] == "submitted"


# --- 3. a list sent again shows its changes first ---------------------------------------------------------


def test_a_resubmitted_list_shows_who_it_adds_and_drops_and_keeps_the_difference(
    covered_home: DibaoHome,
    tl_clerk: User,
    tl_township: User,
    appraiser: User,
    add_home: Callable[..., House],  # noqa: F811
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    s = prepare(tl_clerk, regions[VILLAGE])
    s = services.submission_submit(acting_user=tl_clerk, submission=s)
    assert s.snapshot["count"] == 1
    services.submission_return(acting_user=tl_township, submission=s, reason="漏报乙户")
    add_home("乙", 41)  # a household appraised D since: it joins the list
    appraise(appraiser, covered_home["house"], A_GRADES, TODAY, django_capture_on_commit_callbacks)  # 甲 now safe
    client = login(tl_clerk)
    page = client.post(reverse("reporting:submission_submit", args=[s.pk])).content.decode()
    changes = page.split('data-testid="changes"')[1].split("</table>")[0]
    assert '新增 <strong class="text-success">1</strong> 户，移出 <strong class="text-danger">1</strong> 户' in changes
    added = re.search(r"<td>新增</td><td>([^<]+)</td>.*?wrap\">([^<]+)<", changes, re.S)
    removed = re.search(r"<td>移出</td><td>([^<]+)</td>.*?wrap\">([^<]+)<", changes, re.S)
    assert added and added.group(1) == "乙" and "纳入农村危房改造" in added.group(2)
    current = Decision.objects.get(household=covered_home["household"], is_current=True)
    assert removed and removed.group(1) == "甲"
    assert removed.group(2) == f"认定结论现为「{current.get_outcome_display()}」（{current.rule_name}）"
    s.refresh_from_db()
    assert s.status == SubmissionStatus.RETURNED and s.snapshot["count"] == 1  # not re-taken yet

    token = re.search(r'name="confirm" value="(\w+)"', page)
    assert token
    client.post(reverse("reporting:submission_submit", args=[s.pk]), {"confirm": token.group(1)})
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED and [r["head_name"] for r in s.snapshot["rows"]] == ["乙"]
    last = s.events.filter(kind=EventKind.SUBMIT).latest("pk")
    assert [r["head_name"] for r in last.details["changes"]["added"]] == ["乙"]
    assert [r["head_name"] for r in last.details["changes"]["removed"]] == ["甲"]
    history = client.get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    assert "较上次报送：新增 1 户、移出 1 户" in history and "移出 甲（北渔泽村委会）：认定结论现为" in history


def test_a_list_sent_again_unchanged_needs_no_confirmation(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    s = services.submission_submit(acting_user=tl_clerk, submission=prepare(tl_clerk, regions[VILLAGE]))
    services.submission_return(acting_user=tl_township, submission=s, reason="请核对")
    response = login(tl_clerk).post(reverse("reporting:submission_submit", args=[s.pk]))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED


# --- 4. the progress report in Excel -------------------------------------------------------------------


def workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_the_progress_report_opens_in_excel_with_numbers_as_numbers(
    covered_home: DibaoHome, tl_clerk: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions[VILLAGE], kind=ReportKind.PROGRESS)
    page = login(tl_clerk).get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    assert 'data-testid="export-xlsx"' in page
    sheet = workbook(login(tl_clerk).get(reverse("reporting:submission_export", args=[s.pk]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("项目", "认定纳入（户）", "任务（户）", "改造案件")
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 10
    by_label = {r[0]: r for r in rows[1:]}
    assert set(by_label) == {"农村危房改造", "农房抗震改造", "灾后重建", "合计"}
    assert by_label["农村危房改造"][1] == 1 and isinstance(by_label["农村危房改造"][1], int)
    assert by_label["农村危房改造"][9] == "未下达任务，无法计算"  # a village is issued no task
    assert by_label["合计"][1] == 1
    assert AuditEvent.objects.filter(action="export", object_type__contains="进度月报").exists()


def test_the_monthly_list_opens_in_excel_with_the_rule_by_name(
    covered_home: DibaoHome, tl_clerk: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions[VILLAGE])
    sheet = workbook(login(tl_clerk).get(reverse("reporting:submission_export", args=[s.pk]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and sheet.freeze_panes == "A2"
    assert rows[1][0] == 1 and rows[1][1] == "甲"
    assert rows[1][8] == s.snapshot["rows"][0]["rule_name"] and not re.match(r"^R\d", rows[1][8])


# --- 5. the seismic row ------------------------------------------------------------------------------------


def test_the_seismic_row_counts_the_households_routed_there_on_the_page_and_in_excel(
    covered_home: DibaoHome, tl_township: User, regions: dict[str, Region]
) -> None:
    Decision.objects.filter(household=covered_home["household"], is_current=True).update(outcome="seismic")
    s = prepare(tl_township, regions[TOWNSHIP], kind=ReportKind.PROGRESS)
    page = login(tl_township).get(reverse("reporting:submission_detail", args=[s.pk])).content.decode()
    row = page.split('data-programme="seismic"')[1].split("</tr>")[0]
    assert re.findall(r'text-end">([^<]*)<', row)[0] == "1"
    sheet = workbook(login(tl_township).get(reverse("reporting:submission_export", args=[s.pk]))).active
    by_label = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_label["农房抗震改造"][1] == 1 and by_label["农村危房改造"][1] == 0
