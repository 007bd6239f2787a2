"""The queue in Redis (ADR 0043): with ``ANJU_TASKS_BACKEND=rq`` a started job waits in Redis,
not in the database, and ``manage.py rq_worker`` — a separate process, as on another machine —
runs it to 已完成 with its result, beating like the database worker. On PostgreSQL the job runs in
a forked work horse that must report the beating parent's identity (else the parent's reaper fails
a long job as abandoned); on SQLite it runs in the worker's own process (a fork beside the
heartbeat's SQLite connection left the job 排队中 in CI). Needs Redis at 127.0.0.1:6379
(ANJU_TEST_REDIS_URL to change it) and, for the PostgreSQL case, PostgreSQL at 127.0.0.1:5432
(ANJU_BENCH_POSTGRES); skipped, with the reason printed, without Redis. It runs on the suite's
database engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.migrated import migrated_database

ROOT = Path(__file__).resolve().parents[3]
REDIS = os.environ.get("ANJU_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
POSTGRES = os.environ.get("ANJU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis does not answer at {REDIS}: {exc}"
    return None


def postgres_database(name: str) -> str:
    """A new, migrated PostgreSQL database for the worker processes (skipped, reason printed,
    without PostgreSQL)."""
    import psycopg

    try:
        return migrated_database(f"{POSTGRES}/{name}")
    except psycopg.OperationalError as exc:
        problem = f"PostgreSQL does not answer at {POSTGRES}: {str(exc).strip()[:120]}"
        print(problem)
        pytest.skip(problem)


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.both_engines
def test_a_job_queued_in_redis_is_run_by_the_rq_worker_process(tmp_path: Path) -> None:
    """On the suite's own database engine: the SQLite suite runs it on SQLite, the PostgreSQL
    suite with forked work horses on a new PostgreSQL database."""
    from django.db import connection as suite_connection

    database = suite_connection.vendor
    if problem := redis_problem():
        print(problem)
        pytest.skip(problem)
    import redis

    pg_name = f"anju_rq_worker_{os.getpid()}"
    sqlite_url = f"sqlite:///{tmp_path / 'rq.sqlite3'}"
    database_url = migrated_database(sqlite_url) if database == "sqlite" else postgres_database(pg_name)
    try:
        run_a_job_through_redis(tmp_path, str(database_url), redis.Redis.from_url(REDIS))
    finally:
        if database == "postgresql":
            drop_database(pg_name)


def run_a_job_through_redis(tmp_path: Path, database_url: str, connection: Any) -> None:
    queue_key = "rq:queue:default"
    connection.delete(queue_key)  # only this test uses this Redis database
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_ALLOW_INSECURE_KEY": "1",
        "ANJU_TASKS_BACKEND": "rq",
        "ANJU_RQ_URL": REDIS,
        "ANJU_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]

    def shell(code: str) -> str:
        done = subprocess.run(
            [*manage, "shell", "--no-imports", "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    job_id = shell(
        "from anju.accounts.models import User; from anju.jobs.services import job_start;"
        "u = User.objects.create(username='rq_officer');"
        "job = job_start(acting_user=u, kind='eligibility.refresh', title='重新认定',"
        " params={'household_ids': [], 'region_code': '140405000000', 'reason': '测试'});"
        "print(job.pk)"
    )
    assert connection.llen(queue_key) == 1  # waiting in Redis
    assert shell(f"from anju.jobs.models import Job; print(Job.objects.get(pk='{job_id}').status)") == "queued"

    worker = subprocess.run(
        [*manage, "rq_worker", "--burst"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    log = worker.stderr[-3000:]
    state = json.loads(
        shell(
            "import json; from anju.jobs.models import Job, WorkerBeat;"
            f"j = Job.objects.get(pk='{job_id}');"
            "beats = list(WorkerBeat.objects.values_list('worker_id', flat=True));"
            "print(json.dumps({'status': j.status, 'result': j.result, 'worker': j.worker_id, 'beats': beats}))"
        )
    )
    assert state["status"] == "succeeded", log
    assert state["result"] == {"households": 0, "decisions": 0}
    # /readyz sees an RQ worker as it sees a database one, and the job was run under the identity
    # that beats, so the reaper leaves it alone while it runs
    assert state["worker"] in state["beats"], (state, log)
    assert connection.llen(queue_key) == 0
