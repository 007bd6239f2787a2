"""`manage.py rq_worker`: the job worker when the queue is in Redis (``ANJU_TASKS_BACKEND=rq``,
ADR 0043) — RQ's worker with what ``manage.py worker`` gives the database queue: the heartbeat for
``/readyz`` and the running job, and the reaper of jobs a dead worker left "running". Run it on
as many machines as needed, with the same ``DATABASE_URL``, ``ANJU_REDIS_URL`` and media storage.

Each job runs in a forked work horse, which reports the parent's identity (``ANJU_WORKER_ID``) so
the parent's heartbeat keeps it alive. On SQLite the worker runs jobs in its own process instead
(RQ's ``SimpleWorker``): a child forked while the heartbeat thread holds SQLite's lock inherits
that lock's bookkeeping without the lock, waits the 20 s busy timeout and fails the job before it
starts, leaving it 排队中 (seen in CI, ADR 0043)."""

from __future__ import annotations

import os
from typing import Any

import django_rq
from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections

from anju.jobs.services import WORKER_ID_ENV, Heartbeat, jobs_reap, worker_identity

SIMPLE_WORKER = "rq.worker.SimpleWorker"


class Command(BaseCommand):
    help = "运行后台任务进程（任务队列在 Redis 中），带心跳与中断任务回收。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queues", nargs="*", default=["default"])
        parser.add_argument("--burst", action="store_true", help="处理完队列中已有的任务后退出")
        parser.add_argument(
            "--worker-class",
            default=None,
            help="RQ 的 Worker 类（默认每个任务在子进程中运行，SQLite 时在本进程中运行；rq.worker.SimpleWorker 总在本进程中运行）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django_tasks_rq.backend import Job as TaskJob

        reaped = jobs_reap()
        if reaped:
            self.stdout.write(f"已将 {reaped} 个因后台进程中断而停在“进行中”的任务标记为失败。")
        identity = worker_identity()
        os.environ[WORKER_ID_ENV] = identity  # inherited by the forked work horses
        worker_class = options["worker_class"]
        if worker_class is None and connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
            worker_class = SIMPLE_WORKER
        beat = Heartbeat(identity)
        beat.start()
        # The forked work horse must not share the parent's database connection.
        close_old_connections()
        worker = django_rq.get_worker(*options["queues"], job_class=TaskJob, worker_class=worker_class)
        try:
            worker.work(burst=options["burst"], with_scheduler=False)
        finally:
            beat.halt.set()
