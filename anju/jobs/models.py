"""Long-running work (imports, exports, big reports) with visible progress."""

from __future__ import annotations

import uuid
from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.core.actors import Viewer
from anju.core.scoping import RegionScopedQuerySet


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class JobQuerySet(RegionScopedQuerySet["Job"]):
    """A job and its result file belong to the user who started it (ADR 0024): a ledger made
    for a county officer holds full ID numbers that a colleague of the same region must not
    see, so region scoping is not enough."""

    region_code_lookup = "region_code"

    def visible_to(self, user: Viewer) -> Self:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    """One background job started by a user; the page polls it for progress.

    Only its starter sees it and downloads its file (``JobQuerySet.visible_to``);
    ``region_code`` records the starter's region for the audit trail. A handler whose file
    carries personal data names, in ``result["file_check"]``, the rule that must still allow
    the starter to see it at download (``registry.file_check``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型", max_length=50)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    input_file = models.FileField("输入文件", upload_to="jobs/input/%Y/%m/", blank=True)
    output_file = models.FileField("结果文件", upload_to="jobs/output/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="jobs"
    )
    region_code = models.CharField("区划代码", max_length=15, blank=True, db_index=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    # Which worker process runs it and when that process last said it was alive: a job whose
    # worker stopped beating is failed by the reaper instead of "running" forever (issue 21).
    worker_id = models.CharField("后台进程", max_length=100, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    objects: ClassVar[JobQuerySet] = JobQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class WorkerBeat(models.Model):
    """One worker process, alive while ``seen_at`` is recent (``/readyz`` and the reaper read it)."""

    worker_id = models.CharField("后台进程", max_length=100, primary_key=True)
    hostname = models.CharField("主机", max_length=100)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间", default=timezone.now)
    seen_at = models.DateTimeField("最近心跳", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
