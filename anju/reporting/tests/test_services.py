"""Prepare, submit, return, sign off, lock and reopen; the snapshot and its diff."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditEvent
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, walk
from anju.households.models import House
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.choices import ReportKind, SubmissionStatus
from anju.reporting.models import Submission
from anju.reporting.tests.conftest import A_GRADES, C_GRADES, appraise
from anju.tasks.services import task_allocate, task_issue

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def prev_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def prepare(
    user: User,
    region: Region,
    kind: str = ReportKind.MONTHLY_LIST,
    period: tuple[int, int] | None = None,
    on: datetime.date | None = None,
) -> Submission:
    year, month = period or (TODAY.year, TODAY.month)
    return services.submission_prepare(acting_user=user, kind=kind, year=year, month=month, region=region, on=on)


def test_it_snapshots_the_villages_eligible_households(
    covered_home: DibaoHome, tl_clerk: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions["140405102201"])
    assert s.status == SubmissionStatus.DRAFT
    assert s.due_on == datetime.date(TODAY.year, TODAY.month, 1)
    [row] = s.snapshot["rows"]
    assert row["head_name"] == "甲"
    assert row["grade"] == "D"
    assert row["group_label"] == "农村低保户"
    assert row["village"] == "北渔泽村委会"
    assert row["outcome_label"] == "纳入农村危房改造"
    assert row["rule_id"] == "R08-key-dangerous"
    assert "*" in row["id_masked"]
    assert s.diff["previous"] is None and s.diff["added"] == [covered_home["household"].pk]


def test_it_walks_a_list_through_submit_sign_off_and_lock(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions["140405102201"])
    s = services.submission_submit(acting_user=tl_clerk, submission=s)
    assert s.status == SubmissionStatus.SUBMITTED and s.first_submitted_on == TODAY
    s = services.submission_sign_off(acting_user=tl_township, submission=s)
    assert s.status == SubmissionStatus.SIGNED_OFF and s.is_locked
    with pytest.raises(ValidationError) as exc:
        prepare(tl_clerk, regions["140405102201"])
    assert "已审核确认，不能重新生成" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(acting_user=tl_clerk, submission=s)
    assert "不能再次报送" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.submission_return(acting_user=tl_township, submission=s, reason="再看看")
    assert "只能退回已报送待审核的报表" in exc.value.messages[0]
    assert [e.kind for e in s.events.all()] == ["prepare", "submit", "sign_off"]


def test_it_returns_with_a_reason_and_takes_the_corrected_list_again(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions["140405102201"], on=TODAY - datetime.timedelta(days=1))
    s = services.submission_submit(acting_user=tl_clerk, submission=s, on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.submission_return(acting_user=tl_township, submission=s, reason="  ")
    assert exc.value.message_dict == {"reason": ["请写明退回原因。"]}
    s = services.submission_return(acting_user=tl_township, submission=s, reason="甲户鉴定日期有误")
    assert s.status == SubmissionStatus.RETURNED and s.return_reason == "甲户鉴定日期有误"
    s = services.submission_submit(acting_user=tl_clerk, submission=s)
    assert s.status == SubmissionStatus.SUBMITTED
    assert s.first_submitted_on == TODAY - datetime.timedelta(days=1)  # timeliness counts the first report
    assert s.submitted_on == TODAY


def test_it_reopens_a_signed_off_list_only_by_the_level_above_with_a_reason(
    covered_home: DibaoHome, tl_clerk: User, tl_township: User, tl_county: User, regions: dict[str, Region]
) -> None:
    s = prepare(tl_clerk, regions["140405102201"])
    s = services.submission_submit(acting_user=tl_clerk, submission=s)
    with pytest.raises(ValidationError) as exc:
        services.submission_reopen(acting_user=tl_township, submission=s, reason="漏报")
    assert "只有已审核确认的报表需要重新打开" in exc.value.messages[0]
    s = services.submission_sign_off(acting_user=tl_township, submission=s)
    with pytest.raises(PermissionDenied) as denied:
        services.submission_reopen(acting_user=tl_county, submission=s, reason="漏报")
    assert str(denied.value) == "北渔泽村委会的报表由上级渔泽镇乡镇建环办重新打开。"
    s = services.submission_reopen(acting_user=tl_township, submission=s, reason="漏报一户，重新报送")
    assert s.status == SubmissionStatus.DRAFT
    event = AuditEvent.objects.filter(object_id=str(s.pk)).order_by("-pk").first()
    assert event is not None
    assert event.note == "重新打开：漏报一户，重新报送"
    assert event.changes == {"status": {"before": "signed_off", "after": "draft"}}


def test_it_refuses_the_wrong_role_level_and_region(
    covered_home: DibaoHome,
    tl_clerk: User,
    tl_township: User,
    tl_county: User,
    cq_county: User,
    regions: dict[str, Region],
) -> None:
    village = regions["140405102201"]
    with pytest.raises(PermissionDenied) as exc:
        prepare(tl_township, village)
    assert str(exc.value) == "北渔泽村委会的报表须由本级村信息员、村主要负责人报送。"
    with pytest.raises(PermissionDenied) as exc:
        prepare(cq_county, village)
    assert str(exc.value) == "该单位不在您的管辖范围内。"
    s = services.submission_submit(acting_user=tl_clerk, submission=prepare(tl_clerk, village))
    with pytest.raises(PermissionDenied) as exc:
        services.submission_sign_off(acting_user=tl_county, submission=s)
    assert str(exc.value) == "北渔泽村委会的报表由上级渔泽镇乡镇建环办审核确认。"
    with pytest.raises(PermissionDenied) as exc:
        services.submission_sign_off(acting_user=tl_clerk, submission=s)
    with pytest.raises(PermissionDenied) as exc:
        services.submission_sign_off(acting_user=cq_county, submission=s)
    assert str(exc.value) == "该报表不在您的管辖范围内。"
    with pytest.raises(ValidationError) as verr:
        prepare(tl_clerk, village, period=(TODAY.year + 1, TODAY.month))
    assert verr.value.messages == ["只能生成本月或下月的报表。"]
    assert Submission.objects.get(pk=s.pk).status == SubmissionStatus.SUBMITTED


def test_it_diffs_against_the_previous_signed_off_list(
    covered_home: DibaoHome,
    add_home: Callable[..., House],
    appraiser: User,
    tl_clerk: User,
    tl_township: User,
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    village = regions["140405102201"]
    yi = add_home("乙", 12)
    last = prepare(tl_clerk, village, period=prev_month(TODAY.year, TODAY.month), on=TODAY - datetime.timedelta(days=3))
    last = services.submission_submit(acting_user=tl_clerk, submission=last, on=TODAY - datetime.timedelta(days=3))
    services.submission_sign_off(acting_user=tl_township, submission=last)
    assert last.snapshot["count"] == 2

    bing = add_home("丙", 13)
    appraise(appraiser, yi, C_GRADES, TODAY, django_capture_on_commit_callbacks)  # 乙 re-graded D → C
    appraise(appraiser, covered_home["house"], A_GRADES, TODAY, django_capture_on_commit_callbacks)  # 甲 safe now
    now = prepare(tl_clerk, village)
    assert {r["head_name"] for r in now.snapshot["rows"]} == {"乙", "丙"}
    assert now.diff["previous"]["id"] == last.pk
    assert now.diff["added"] == [bing.household_id]
    assert [r["head_name"] for r in now.diff["removed"]] == ["甲"]
    assert now.diff["regraded"] == [{"household": yi.household_id, "head_name": "乙", "before": "D", "after": "C"}]


def test_it_builds_the_townships_list_from_its_subtree_and_lists_missing_villages(
    covered_home: DibaoHome, add_home: Callable[..., House], tl_township: User, regions: dict[str, Region]
) -> None:
    add_home("丁", 14, village="140405102202")
    s = prepare(tl_township, regions["140405102000"])
    assert s.due_on == datetime.date(TODAY.year, TODAY.month, 3)
    assert sorted(r["village"] for r in s.snapshot["rows"]) == ["北渔泽村委会", "南渔泽村委会"]
    assert [(c["name"], c["status_label"]) for c in s.snapshot["children"]] == [
        ("北渔泽村委会", "未报"),
        ("南渔泽村委会", "未报"),
    ]


def test_it_counts_progress_against_the_years_tasks(
    case: RenovationCase, officers: Officers, province: User, tl_county: User, regions: dict[str, Region]
) -> None:
    county, township = regions["140405000000"], regions["140405102000"]
    task = task_issue(
        acting_user=province, county=county, year=case.year, programme="renovation", kind="annual", count=10
    )
    task_allocate(acting_user=tl_county, task=task, township=township, count=4)
    walk(case, officers, to=Stage.UNDER_WAY)
    s = prepare(tl_county, county, kind=ReportKind.PROGRESS)
    assert s.due_on == datetime.date(TODAY.year, TODAY.month, 18)
    row = next(r for r in s.snapshot["rows"] if r["programme"] == "renovation")
    assert (row["tasks"], row["filed"], row["started"], row["completed"], row["paid"]) == (10, 1, 1, 0, "0.00")
    t = prepare(officers["township"], township, kind=ReportKind.PROGRESS)
    assert next(r for r in t.snapshot["rows"] if r["programme"] == "renovation")["tasks"] == 4
    v = prepare(officers["clerk"], regions["140405102201"], kind=ReportKind.PROGRESS)
    village_row = next(r for r in v.snapshot["rows"] if r["programme"] == "renovation")
    assert village_row["tasks"] is None and village_row["started"] == 1
