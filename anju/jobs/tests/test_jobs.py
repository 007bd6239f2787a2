"""Background jobs: a region import runs off the request and shows its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anju.accounts.models import User
from anju.jobs.models import Job, JobStatus
from anju.regions.models import Region


@pytest.fixture
def upload(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> Callable[..., _MonkeyPatchedWSGIResponse]:
    def post(text: str, name: str = "regions.csv") -> _MonkeyPatchedWSGIResponse:
        # Jobs are queued when the request's transaction commits; run them then.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("regions:import"), {"file": SimpleUploadedFile(name, text.encode("utf-8"))})

    return post


def test_an_upload_becomes_a_job_whose_page_shows_the_counts(
    client: Client, upload: Callable[..., _MonkeyPatchedWSGIResponse], tl_admin: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_admin)
    response = upload("code,name\n140405102203,新村委会\n140405102204,又一村委会\n")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.percent == 100
    assert job.result["created"] == 2
    assert Region.objects.filter(code__in=["140405102203", "140405102204"]).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "新增 2" in page
    # The worker's audit rows carry the uploader's address, not the worker's.
    from anju.audit.models import AuditEvent

    rows = AuditEvent.objects.filter(object_type="regions.region", action="create")
    assert {(e.ip, e.channel) for e in rows} == {("127.0.0.1", "job")}


def test_a_failed_import_shows_each_bad_row_and_writes_nothing(
    client: Client, upload: Callable[..., _MonkeyPatchedWSGIResponse], tl_admin: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_admin)
    upload("code,name\n140405102203,新村委会\n1404051022,坏代码\n")
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "未写入任何数据" in page and "应为 12 位" in page
    assert not Region.objects.filter(code="140405102203").exists()


def test_a_running_job_polls_and_a_finished_one_stops(client: Client, tl_admin: User) -> None:
    client.force_login(tl_admin)
    job = Job.objects.create(
        kind="regions.import",
        title="t",
        created_by=tl_admin,
        region_code="140405000000",
        status=JobStatus.RUNNING,
        done=30,
        total=120,
    )
    partial = client.get(reverse("jobs:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "25%" in partial and "<html" not in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    done = client.get(reverse("jobs:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "100%" in done


def test_a_handler_crash_fails_the_job_with_a_message(
    client: Client, upload: Callable[..., _MonkeyPatchedWSGIResponse], tl_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from anju.jobs import registry

    def broken(job: Job, progress: object) -> NoReturn:
        raise RuntimeError("bug")

    monkeypatch.setitem(registry._HANDLERS, "regions.import", broken)
    client.force_login(tl_admin)
    upload("code,name\n140405102203,新村委会\n")
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and "任务异常终止" in job.message


def test_a_clerk_cannot_import_regions(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    assert client.get(reverse("regions:import")).status_code == 403
