"""Job metrics for Prometheus (issue 21): how long each kind of job takes and how it ends, and,
read from the database at each scrape, how many wait, run and failed in the last day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

JOB_SECONDS = Histogram(
    "anju_job_duration_seconds",
    "How long a background job ran, by kind (imports, exports, refreshes)",
    ["kind"],
    buckets=(1, 5, 15, 60, 180, 600, 1800, 3600),
)
JOBS_FINISHED = Counter("anju_jobs_finished_total", "Background jobs finished, by kind and outcome", ["kind", "status"])


def job_finished(kind: str, status: str, seconds: float) -> None:
    JOB_SECONDS.labels(kind=kind).observe(seconds)
    JOBS_FINISHED.labels(kind=kind, status=status).inc()


class JobQueueCollector(Collector):
    """Queue depth and recent failures, from the jobs table (the same in every web process)."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Names only: registering must not query the database (it may not exist yet).
        yield GaugeMetricFamily("anju_jobs", "Background jobs by status", labels=["status"])
        yield GaugeMetricFamily("anju_jobs_failed_last_day", "Background jobs failed in the last 24 hours")
        yield GaugeMetricFamily("anju_workers_alive", "Job worker processes that beat recently")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from anju.jobs.models import Job, JobStatus, WorkerBeat
        from anju.jobs.services import stale_after

        by_status = GaugeMetricFamily("anju_jobs", "Background jobs by status", labels=["status"])
        counts = dict(Job.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        for status in JobStatus.values:
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status
        day = timezone.now() - timedelta(days=1)
        failed = Job.objects.filter(status=JobStatus.FAILED, finished_at__gte=day).count()
        yield GaugeMetricFamily(
            "anju_jobs_failed_last_day", "Background jobs failed in the last 24 hours", value=failed
        )
        alive = WorkerBeat.objects.filter(seen_at__gte=timezone.now() - stale_after()).count()
        yield GaugeMetricFamily("anju_workers_alive", "Job worker processes that beat recently", value=alive)


_registered = False


def register_collectors() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(JobQueueCollector())
        _registered = True
