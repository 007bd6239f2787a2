"""动态保障的其余职责 (issue 18 items 1–2): where a general household's dangerous house is
resolved without a renovation case (自行整改, 兜底保障, 其他方式解决), and the sudden-hardship
families (突发严重困难户) a township registers any day, with the relief given to them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.dynamic.choices import (
    HardshipCause,
    ReliefKind,
    RouteKind,
    RouteOption,
    RoutePhotoStage,
    RouteStage,
    RouteStepKind,
)
from anju.kit.photos import PhotoRecord


class ScopedQuerySet(RegionScopedQuerySet[Any]):
    region_code_lookup = "region_code"


class HousingRoute(models.Model):
    """A general household's way to a safe house without a renovation case: 自行整改 with a due
    date and reminders, 兜底 housing the government provides, or another way (租赁, 投亲靠友, 搬迁).
    Each ends with the township's verification (photos) and 销号."""

    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="housing_routes"
    )
    house = models.ForeignKey(
        "households.House", verbose_name="房屋", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    kind = models.CharField("保障途径", max_length=20, choices=RouteKind.choices, db_index=True)
    option = models.CharField("具体方式", max_length=20, choices=RouteOption.choices)
    stage = models.CharField("状态", max_length=10, choices=RouteStage.choices, default=RouteStage.OPEN, db_index=True)
    decision_outcome = models.CharField("资格认定结论", max_length=20, blank=True)
    opened_on = models.DateField("确定日期")
    due_on = models.DateField("完成期限", null=True, blank=True, db_index=True)
    evidence = models.CharField("依据或去向", max_length=300, blank=True)
    reminders = models.PositiveSmallIntegerField("督促次数", default=0)
    last_reminded_on = models.DateField("最近督促日期", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    completion_note = models.CharField("完成情况", max_length=300, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    verification_note = models.CharField("核验意见", max_length=300, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核验人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "一般户保障途径"
        verbose_name_plural = "一般户保障途径"
        ordering = ["region_code", "-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~models.Q(stage="closed"),
                name="one_open_route_per_household",
                violation_error_message="该户已有未销号的保障途径。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.head_name}户 {self.get_kind_display()}（{self.get_option_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("dynamic:route_detail", kwargs={"pk": self.pk})

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_overdue(self) -> bool:
        return self.stage == RouteStage.OPEN and self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_on).days if self.is_overdue and self.due_on else 0

    @property
    def stage_label(self) -> str:
        """The stage as the lists show it: an open route past its due date is 逾期."""
        if self.is_overdue:
            return f"逾期 {self.days_overdue} 天未完成"
        return str(self.get_stage_display())


class RouteStep(models.Model):
    """Each recorded act on a route (确定去向, 督促, 完成, 核验销号): its history is never overwritten."""

    route = models.ForeignKey(HousingRoute, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("事项", max_length=20, choices=RouteStepKind.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "保障途径记录"
        verbose_name_plural = "保障途径记录"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()}"


class RoutePhoto(PhotoRecord):
    """A photo of the finished work (完成) or of the township's verification (核验)."""

    upload_dir = "routes"
    route = models.ForeignKey(HousingRoute, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField("照片类别", max_length=20, choices=RoutePhotoStage.choices)

    class Meta(PhotoRecord.Meta):
        verbose_name = "保障途径照片"
        verbose_name_plural = "保障途径照片"

    @property
    def view_url(self) -> str:
        return reverse("core:file", kwargs={"kind": "route-photo", "pk": self.pk})


class Hardship(models.Model):
    """A family struck by illness, accident, fire or similar (突发严重困难户), registered by the
    township any day with the cause and date. Its house is to be inspected and appraised by
    ``appraise_by`` (the policy's days); the relief given is recorded; then the normal path."""

    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="hardships"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    cause = models.CharField("致困原因", max_length=20, choices=HardshipCause.choices)
    description = models.CharField("困难情况", max_length=300)
    occurred_on = models.DateField("发生日期")
    registered_on = models.DateField("登记日期", db_index=True)
    appraise_by = models.DateField("鉴定期限")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "突发严重困难户"
        verbose_name_plural = "突发严重困难户"
        ordering = ["-registered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.household.head_name}户（{self.get_cause_display()}，{self.occurred_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("dynamic:hardship_detail", kwargs={"pk": self.pk})

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class ReliefMeasure(models.Model):
    """One 应急救助措施 taken for a sudden-hardship family: what, by whom, when."""

    hardship = models.ForeignKey(
        Hardship, verbose_name="突发严重困难户", on_delete=models.PROTECT, related_name="reliefs"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    kind = models.CharField("救助措施", max_length=20, choices=ReliefKind.choices)
    detail = models.CharField("具体内容", max_length=300)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    provided_by = models.CharField("实施单位或责任人", max_length=100)
    provided_on = models.DateField("实施日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "应急救助措施"
        verbose_name_plural = "应急救助措施"
        ordering = ["provided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.detail}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code
