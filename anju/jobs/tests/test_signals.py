"""What an operator reads (issue 21): one log line per request and per audited act, with no
personal data, and /metrics for this machine or a scraper with the token only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from anju.accounts.models import User
from anju.jobs import services
from anju.jobs.models import Job, JobStatus


def _records(caplog: pytest.LogCaptureFixture, event: str) -> list[dict[str, Any]]:
    return [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == event]


def test_one_line_per_request_with_its_id_and_no_query_string(
    client: Client, tl_county: User, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(tl_county)
    caplog.set_level("INFO", logger="anju")
    response = client.get("/households/?q=140405199001011234", HTTP_X_REQUEST_ID="nginx-abc123")
    (line,) = [r for r in _records(caplog, "request") if r["path"] == "/households/"]
    assert line["request_id"] == "nginx-abc123" == response["X-Request-ID"]
    assert line["status"] == 200 and line["method"] == "GET" and line["duration_ms"] > 0
    assert line["user_id"] == tl_county.pk and line["region"] == tl_county.region.code  # type: ignore[union-attr]  # the county officer has a region
    assert "140405199001011234" not in str(caplog.records)


def test_an_audited_act_is_a_log_event_without_names(
    client: Client, tl_county: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="anju")
    client.post("/accounts/login/", {"username": "tl_county", "password": "wrong"})
    (failed,) = _records(caplog, "audit.login_failed")
    assert failed["object_type"] == "accounts.user" and "tl_county姓名" not in str(failed)


def test_a_finished_job_is_logged_and_counted(tl_county: User, caplog: pytest.LogCaptureFixture) -> None:
    from anju.jobs import registry

    registry.job_handler("test.quick")(lambda job, progress: {"ok": True})
    caplog.set_level("INFO", logger="anju")
    job = Job.objects.create(kind="test.quick", title="测试", created_by=tl_county)
    services.job_execute(str(job.pk))
    (line,) = _records(caplog, "job.finished")
    assert line["kind"] == "test.quick" and line["status"] == JobStatus.SUCCEEDED
    page = Client().get("/metrics").content.decode()
    assert 'anju_jobs_finished_total{kind="test.quick",status="succeeded"}' in page


def test_metrics_for_this_machine_or_the_token_only(client: Client, db: Any, settings: Any) -> None:
    Job.objects.create(kind="x", title="排队", created_by=User.objects.create(username="m"))
    page = client.get("/metrics").content.decode()  # the test client is 127.0.0.1
    assert 'anju_jobs{status="queued"} 1.0' in page
    assert "django_http_requests_total_by_method_total" in page
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    settings.ANJU_METRICS_TOKEN = "s3cret-scraper"
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-scraper").status_code == 200


def test_an_error_report_leaves_without_what_users_typed() -> None:
    from anju.core.logs import scrub_error_report

    report = {
        "request": {
            "query_string": "q=140405199001011234",
            "data": {"phone": "13812345678"},
            "cookies": {"sessionid": "x"},
            "headers": {"Authorization": "Token anju_abc", "User-Agent": "phone"},
        },
        "exception": {"values": [{"value": "重复的身份证号 140405199001011234，电话 13812345678"}]},
    }
    scrubbed = scrub_error_report(report, {})
    assert "query_string" not in scrubbed["request"] and "data" not in scrubbed["request"]
    assert scrubbed["request"]["headers"] == {"Authorization": "[已移除]", "User-Agent": "phone"}
    assert scrubbed["exception"]["values"][0]["value"] == "重复的身份证号 [号码已移除]，电话 [号码已移除]"
