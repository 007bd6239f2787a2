"""The queue in Redis (ADR 0043): with ``ANJU_TASKS_BACKEND=rq`` a started job waits in Redis,
not in the database, and ``manage.py rq_worker`` — a separate process, as on another machine —
runs it to 已完成 with its result, beating like the database worker. Needs Redis at
127.0.0.1:6379 (ANJU_TEST_REDIS_URL to change it); skipped, with the reason printed, without."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS = os.environ.get("ANJU_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis does not answer at {REDIS}: {exc}"
    return None


def test_a_job_queued_in_redis_is_run_by_the_rq_worker_process(tmp_path: Path) -> None:
    if problem := redis_problem():
        print(problem)
        pytest.skip(problem)
    import redis

    queue_key = "rq:queue:default"
    connection = redis.Redis.from_url(REDIS)
    connection.delete(queue_key)  # only this test uses this Redis database
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rq.sqlite3'}",
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

    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
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
    state = json.loads(
        shell(
            "import json; from anju.jobs.models import Job, WorkerBeat;"
            f"j = Job.objects.get(pk='{job_id}');"
            "print(json.dumps({'status': j.status, 'result': j.result, 'beats': WorkerBeat.objects.count()}))"
        )
    )
    assert state["status"] == "succeeded"
    assert state["result"] == {"households": 0, "decisions": 0}
    assert state["beats"] >= 1  # /readyz sees an RQ worker as it sees a database one
    assert connection.llen(queue_key) == 0
