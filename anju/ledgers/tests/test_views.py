"""The ledger pages: list, preview, download (at once or as a job), limits and the export log."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditAction, AuditEvent
from anju.cases.models import RenovationCase
from anju.jobs.models import Job, JobStatus
from anju.ledgers import services

pytestmark = pytest.mark.django_db


def test_it_lists_the_five_ledgers_with_their_row_counts_and_buttons(
    client: Client, tl_county: User, covered_home: DibaoHome
) -> None:
    client.force_login(tl_county)
    page = client.get(reverse("ledgers:index"))
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("重点对象台账", "一般户台账", "疑似危房台账", "动态监测台账", "补助资金计划表"):
        assert name in text
    assert reverse("ledgers:download", args=["key_groups", "xlsx"]) in text


def test_it_previews_a_ledger_as_it_would_be_exported(
    client: Client, tl_township: User, covered_home: DibaoHome
) -> None:
    client.force_login(tl_township)
    page = client.get(reverse("ledgers:preview", args=["key_groups"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "渔泽镇" in text and "农村低保户" in text and "合计 1 户" in text
    assert covered_home["household"].head_id_number not in text  # masked for a township officer


def test_it_downloads_a_small_ledger_at_once_and_logs_the_export(
    client: Client, tl_county: User, covered_home: DibaoHome
) -> None:
    client.force_login(tl_county)
    response = client.get(reverse("ledgers:download", args=["key_groups", "xlsx"]), {"year": "2026"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "屯留区 2026 年农村低收入群体等重点对象住房安全台账"
    assert sheet["D4"].value == "甲"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "ledgers.key_groups" and event.actor == tl_county
    assert event.changes["rows"]["after"] == 1 and event.changes["filters"]["after"]["year"] == 2026


def test_it_turns_a_big_export_into_a_job_whose_file_is_on_the_jobs_page(
    client: Client,
    tl_county: User,
    covered_home: DibaoHome,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    monkeypatch.setitem(services.DIRECT_LIMIT, "xlsx", 0)
    client.force_login(tl_county)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("ledgers:download", args=["key_groups", "xlsx"]))
    job = Job.objects.get(kind="ledgers.export")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result["rows"] == 1 and job.output_file.name.endswith(".xlsx")
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.getvalue())).active
    assert sheet["D4"].value == "甲"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="ledgers.key_groups").count() == 1


def test_it_refuses_a_pdf_too_long_to_print_and_suggests_the_xlsx(
    client: Client, tl_county: User, covered_home: DibaoHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "PDF_MAX_ROWS", 0)
    client.force_login(tl_county)
    response = client.get(reverse("ledgers:download", args=["key_groups", "pdf"]), follow=True)
    assert "超过 PDF 打印上限" in response.content.decode() and "请导出 xlsx" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_it_downloads_a_pdf_of_the_monitoring_ledger(client: Client, tl_county: User, case: RenovationCase) -> None:
    client.force_login(tl_county)
    response = client.get(reverse("ledgers:download", args=["monitoring", "pdf"]), {"year": case.year})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_it_does_not_draw_a_ledger_for_a_region_outside_the_users_own(
    client: Client, make_user: Callable[..., User], covered_home: DibaoHome
) -> None:
    cq = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    client.force_login(cq)
    page = client.get(reverse("ledgers:preview", args=["key_groups"]), {"region": "140405102000"})
    assert "该区划不在您的管辖范围内" in page.content.decode()
    assert "甲" not in page.content.decode().split("preview-table", 1)[1]
    response = client.get(reverse("ledgers:download", args=["key_groups", "xlsx"]), {"region": "140405102000"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert client.get(reverse("ledgers:preview", args=["no_such"])).status_code == 404
