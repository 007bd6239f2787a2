"""The worker in production (issue 21): a job never stays "running" after its worker died, a
stop ends a long job at its next progress report, and /readyz says whether a worker is alive."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import User
from anju.jobs import registry, services
from anju.jobs.models import Job, JobStatus, WorkerBeat
from bench.migrated import migrated_database

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def long_job_kind() -> Iterator[str]:
    """A handler that reports progress 1,000 times, like a province-wide refresh."""
    seen: list[int] = []

    def handler(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
        for i in range(1000):
            seen.append(i)
            if i == 3:
                services.request_stop()  # SIGTERM arrives while the job runs
            progress(i, 1000, "刷新中")
        return {"done": True}

    registry.job_handler("test.long")(handler)
    yield "test.long"
    services.reset_stop()


def _job(user: User, kind: str = "test.long", **fields: Any) -> Job:
    return Job.objects.create(kind=kind, title="测试任务", created_by=user, **fields)


def test_a_stop_ends_a_long_job_at_its_next_progress_report(tl_admin: User, long_job_kind: str) -> None:
    job = _job(tl_admin)
    services.job_execute(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == services.INTERRUPTED
    assert job.done == 2  # the stop came during the fourth report: not one more, not a thousand


def test_a_job_left_running_by_a_dead_worker_is_failed_with_the_reason(tl_admin: User, client: Client) -> None:
    long_ago = timezone.now() - timedelta(minutes=10)
    dead = _job(
        tl_admin, status=JobStatus.RUNNING, done=3000, total=148129, worker_id="host:111", heartbeat_at=long_ago
    )
    WorkerBeat.objects.create(worker_id="host:222", hostname="host", pid=222, seen_at=timezone.now())
    alive = _job(tl_admin, status=JobStatus.RUNNING, worker_id="host:222", heartbeat_at=long_ago)
    recent = _job(tl_admin, status=JobStatus.RUNNING, worker_id="host:333", heartbeat_at=timezone.now())
    assert services.jobs_reap() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    recent.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.finished_at is not None
    assert alive.status == recent.status == JobStatus.RUNNING
    client.force_login(tl_admin)
    page = client.get(reverse("jobs:job_detail", args=[dead.pk])).content.decode()
    assert "失败" in page and "意外退出" in page


def test_readyz_names_a_missing_worker(client: Client, db: Any, settings: Any) -> None:
    settings.ANJU_TASKS_BACKEND = "database"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "后台任务进程" in response.json()["problems"][0]
    services.worker_beat("host:1")
    assert client.get("/readyz").json() == {"status": "ok"}
    WorkerBeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/readyz").status_code == 503


def _poll(db: Path, sql: str, until: Callable[[Any], bool], seconds: float = 20) -> Any:
    value = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            try:
                value = conn.execute(sql).fetchone()
            except sqlite3.OperationalError:  # not migrated yet, or locked for a moment
                value = None
        if value is not None and until(value):
            return value
        time.sleep(0.3)
    return value


@pytest.mark.skipif(sys.platform != "linux", reason="kill -9 of a child process is tested on Linux")
def test_a_worker_killed_with_minus_9_leaves_its_job_to_the_next_worker_reaper(tmp_path: Path) -> None:
    """Two real worker processes on one SQLite file: the first is killed while its job runs,
    the second fails that job within seconds of starting instead of leaving it "running"."""
    db = tmp_path / "w.sqlite3"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_ALLOW_INSECURE_KEY": "1",
        "ANJU_TASKS_BACKEND": "database",
        "ANJU_JOB_HEARTBEAT_SECONDS": "1",
        "ANJU_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrated_database(f"sqlite:///{db}")
    first = subprocess.Popen([*manage, "worker", "-v0", "--interval", "0.2"], env=env, cwd=ROOT)
    try:
        beat = _poll(db, "SELECT worker_id, seen_at FROM jobs_workerbeat", lambda row: True)
        assert beat is not None, "the first worker never beat"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # What the killed worker left behind: its job "running" at 3000/148129, last beat with it.
    code = (
        "from anju.jobs.models import Job, WorkerBeat; from anju.accounts.models import User;"
        "w = WorkerBeat.objects.get();"
        "Job.objects.create(kind='x', title='导入', created_by=User.objects.create(username='w'),"
        " status='running', done=3000, total=148129, worker_id=w.worker_id, heartbeat_at=w.seen_at)"
    )
    subprocess.run([*manage, "shell", "--no-imports", "-c", code], env=env, cwd=ROOT, check=True)
    second = subprocess.Popen([*manage, "worker", "-v0", "--interval", "0.2"], env=env, cwd=ROOT)
    try:
        row = _poll(db, "SELECT status, message FROM jobs_job", lambda row: row[0] == "failed")
        assert row == ("failed", services.ABANDONED)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=10) == 0  # a stop with nothing running is immediate
