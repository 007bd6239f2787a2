"""The reporting calendar (versioned configuration) and the monthly submissions that go up the
region tree level by level, each with the snapshot frozen when it was submitted."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet, user_scope_prefix
from anju.kit.versioning import ConfigQuerySet, ConfigStatus, VersionedConfig, version_constraints
from anju.regions.choices import PREFIX_LENGTH, RegionLevel
from anju.reporting.choices import EventKind, ReportKind, SubmissionStatus

if TYPE_CHECKING:
    from anju.reporting.timeliness import Standing


class ReportingCalendar(VersionedConfig):
    """One version of the reporting calendar (``anju.reporting.calendar``): each level's due day
    per report kind, the reminder lead time, and the annual plan's phases per year and region."""

    content = models.JSONField("日历内容")

    objects: ClassVar[ConfigQuerySet] = ConfigQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    kind_label = "报送日历"
    body_field = "content"

    class Meta(VersionedConfig.Meta):
        verbose_name = "报送日历"
        verbose_name_plural = "报送日历"
        constraints = version_constraints("reportingcalendar")


class SubmissionQuerySet(RegionScopedQuerySet["Submission"]):
    region_code_lookup = "region_code"


class Submission(models.Model):
    """One region's report of one kind for one month (报送月份: the month it is due in). Its
    ``snapshot`` (and, for a monthly list, ``diff`` against the region's previous signed-off
    list) is computed when prepared and frozen when submitted; after sign-off nothing changes
    unless the level above reopens it."""

    kind = models.CharField("报表", max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    region = models.ForeignKey("regions.Region", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    level = models.PositiveSmallIntegerField("级别")
    status = models.CharField(
        "状态", max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT, db_index=True
    )
    due_on = models.DateField("截止日期")
    calendar = models.ForeignKey(
        ReportingCalendar, verbose_name="报送日历版本", on_delete=models.PROTECT, related_name="submissions"
    )
    snapshot = models.JSONField("报送内容", default=dict)
    diff = models.JSONField("与上月比较", default=dict)
    prepared_at = models.DateTimeField("生成时间", default=timezone.now)
    first_submitted_on = models.DateField("首次报送日期", null=True, blank=True)
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    # A return gives a new due date (the calendar's ``return_days`` after the return): from then
    # on the report's timeliness is measured against it (``reporting.timeliness``).
    resubmit_due_on = models.DateField("退回后重报截止日期", null=True, blank=True)

    objects: ClassVar[SubmissionQuerySet] = SubmissionQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "报送"
        verbose_name_plural = "报送"
        ordering = ["-year", "-month", "kind", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "month", "region"],
                name="one_submission_per_region_kind_month",
                violation_error_message="该单位本月已有这张报表。",
            )
        ]
        indexes = [models.Index(fields=["kind", "year", "month", "region_code"])]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} 年 {self.month} 月{self.get_kind_display()}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def period_label(self) -> str:
        return f"{self.year} 年 {self.month} 月"

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.SIGNED_OFF

    def standing(self, today: datetime.date | None = None) -> Standing:
        """Where the report stands (``reporting.timeliness``: the one definition)."""
        from anju.reporting.timeliness import of

        return of(self, self.due_on, today or timezone.localdate())

    def timeliness(self, today: datetime.date | None = None) -> str:
        return self.standing(today).state


class SubmissionEvent(models.Model):
    """One act on a submission (its history): who, when, from which status to which, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=12, choices=EventKind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=SubmissionStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=SubmissionStatus.choices)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)
    # What the actor confirmed with the act: the lower regions not yet reported (``unreported``),
    # the households a resubmission added and removed (``changes``), and for a submitted list
    # the households it held (``listed``), against which a resubmission is compared.
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission} {self.get_kind_display()}"


class WorkPlanQuerySet(RegionScopedQuerySet["WorkPlan"]):
    """A user sees the plans of the counties in their subtree, and a township's or village's user
    the plan of the county above them (it is addressed to them)."""

    region_code_lookup = "region_code"

    def visible_to(self, user: Any) -> WorkPlanQuerySet:
        prefix = user_scope_prefix(user)
        if prefix is None:
            return self.none()
        if len(prefix) > PREFIX_LENGTH[RegionLevel.COUNTY]:
            return self.filter(region_code=prefix[: PREFIX_LENGTH[RegionLevel.COUNTY]].ljust(12, "0"))
        return self.filter(region_code__subtree=prefix)


class WorkPlan(models.Model):
    """One version of a county's annual work plan (年度工作方案, ``anju.reporting.workplan``). A
    draft is edited; putting it in force supersedes the county's previous version for the year,
    which is kept unchanged (the history of the document)."""

    region = models.ForeignKey("regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=10, choices=ConfigStatus.choices, default=ConfigStatus.DRAFT)
    content = models.JSONField("方案内容")
    based_on = models.ForeignKey(
        "self", verbose_name="来源版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    activated_at = models.DateTimeField("生效时间", null=True, blank=True)

    objects: ClassVar[WorkPlanQuerySet] = WorkPlanQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "年度工作方案"
        verbose_name_plural = "年度工作方案"
        ordering = ["-year", "region_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "version"], name="one_workplan_version"),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=models.Q(status=ConfigStatus.ACTIVE),
                name="one_active_workplan_per_county_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} 年度工作方案（第 {self.version} 版）"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def title(self) -> str:
        return str(self.content.get("title") or self)
