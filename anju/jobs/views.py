from __future__ import annotations

import os

import prometheus_client
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from prometheus_client import multiprocess

from anju.audit.services import log_export
from anju.core.context import current_context
from anju.core.scoping import get_visible_or_404
from anju.jobs import services
from anju.jobs.metrics import JobQueueCollector
from anju.jobs.models import Job
from anju.jobs.registry import file_allowed


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    qs = Job.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "page_title": "后台任务"})


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = get_visible_or_404(Job.objects.select_related("created_by"), request.user, pk=pk)
    template = "jobs/_job_status.html" if request.htmx else "jobs/job_detail.html"  # type: ignore[attr-defined]  # django-htmx: HtmxMiddleware sets request.htmx
    return render(request, template, {"job": job, "page_title": job.title})


@login_required
def job_download(request: HttpRequest, pk: str) -> FileResponse:
    """The job's result file, for its starter only, checked again against the rule it was made
    under (a role lost since then refuses it), and audited as an export."""
    job = get_visible_or_404(Job.objects.all(), request.user, pk=pk)
    if not job.output_file:
        raise Http404("该任务没有结果文件。")
    rule = str(job.result.get("file_check") or "")
    if rule and not file_allowed(rule, request.user):
        raise PermissionDenied("该文件含完整的个人信息，您当前的角色已不能查看；请重新导出（将按您当前的角色脱敏）。")
    name = job.output_file.name.rsplit("/", 1)[-1]
    log_export(
        actor=request.user,
        what=f"jobs.{job.kind}",
        filters={"job": str(job.pk), "file": name},
        rows=int(job.result.get("rows") or 0),
        fmt=name.rsplit(".", 1)[-1] if "." in name else "file",
    )
    return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name)


def readyz(request: HttpRequest) -> JsonResponse:
    """For an operator's monitor: ready when the database answers and a job worker has beaten
    recently (``manage.py worker``); 503 in Chinese naming what is missing otherwise."""
    problems: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # the database is the problem being reported
        problems.append(f"数据库无法连接：{type(exc).__name__}")
    else:
        if settings.ANJU_TASKS_BACKEND != "immediate" and not services.worker_alive():
            problems.append("后台任务进程未运行或已停止心跳（manage.py worker）。")
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (issue 21): requests and latencies (django-prometheus), job durations,
    queue depth, failures and live workers. Only for the addresses in ANJU_METRICS_ALLOW
    (default: this machine) or a scraper presenting ANJU_METRICS_TOKEN as a bearer token."""
    token = settings.ANJU_METRICS_TOKEN
    presented = request.META.get("HTTP_AUTHORIZATION", "")
    by_token = bool(token) and constant_time_compare(presented, f"Bearer {token}")
    if not by_token and current_context().ip not in settings.ANJU_METRICS_ALLOW:
        return HttpResponse("无权读取运行指标。", status=403, content_type="text/plain; charset=utf-8")
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # several web processes: add theirs up
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus_client: untyped constructor
        registry.register(JobQueueCollector())
    else:
        registry = prometheus_client.REGISTRY
    return HttpResponse(prometheus_client.generate_latest(registry), content_type=prometheus_client.CONTENT_TYPE_LATEST)
