"""The ledgers API: the list, a download, the job for a long one, and scoping."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditAction, AuditEvent
from anju.ledgers import services

pytestmark = pytest.mark.django_db


def test_it_lists_the_ledgers_with_columns_and_row_counts(
    client: Client, tl_county: User, covered_home: DibaoHome
) -> None:
    client.force_login(tl_county)
    data = client.get("/api/ledgers/").json()
    assert [d["key"] for d in data] == ["key_groups", "general", "suspected", "monitoring", "subsidy_plan", "disaster"]
    assert data[0]["rows"] == 1 and data[0]["columns"][4]["header"] == "身份证号"


def test_it_downloads_a_ledger_and_logs_the_export(client: Client, tl_county: User, covered_home: DibaoHome) -> None:
    client.force_login(tl_county)
    response = client.get("/api/ledgers/key_groups/download/", {"fmt": "xlsx", "region": "140405102000"})
    assert response.status_code == 200 and response["X-Rows"] == "1"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("渔泽镇 ")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="ledgers.key_groups").count() == 1


def test_it_answers_202_with_a_job_for_a_long_ledger(
    client: Client,
    tl_county: User,
    covered_home: DibaoHome,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    monkeypatch.setitem(services.DIRECT_LIMIT, "pdf", 0)
    client.force_login(tl_county)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/ledgers/key_groups/download/", {"fmt": "pdf"})
    assert response.status_code == 202 and response.json()["kind"] == "ledgers.export"


def test_it_refuses_another_countys_region_and_a_bad_format(
    client: Client, make_user: Callable[..., User], covered_home: DibaoHome
) -> None:
    cq = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    client.force_login(cq)
    assert client.get("/api/ledgers/key_groups/download/", {"region": "140405102000"}).status_code == 404
    assert client.get("/api/ledgers/key_groups/download/", {"fmt": "doc"}).status_code == 400
    assert client.get("/api/ledgers/").json()[0]["rows"] == 0
