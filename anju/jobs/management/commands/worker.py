"""`manage.py worker`: the job worker (django-tasks-db's ``db_worker``) with what production
needs around it (issue 21): a heartbeat for ``/readyz`` and for the job being run, the reaper
that fails jobs a dead worker left "running", and a stop that ends a long job at its next
progress report instead of waiting for it to finish."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django_tasks_db.management.commands import db_worker

from anju.jobs.services import Heartbeat, jobs_reap, request_stop, worker_identity


class AnjuWorker(db_worker.Worker):
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        request_stop()  # the running job stops at its next progress report
        super().shutdown(signum, frame)


class Command(db_worker.Command):
    help = "运行后台任务进程（导入、导出、汇总刷新），带心跳与中断任务回收。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        worker_id = worker_identity()
        reaped = jobs_reap()
        if reaped:
            self.stdout.write(f"已将 {reaped} 个因后台进程中断而停在“进行中”的任务标记为失败。")
        beat = Heartbeat(worker_id)
        beat.start()
        queue_names = options["queue_name"].split(",")
        worker = AnjuWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id[:64],
            excluded_queue_names=[q for q in (options.get("exclude_queues") or "").split(",") if q],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            beat.halt.set()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
