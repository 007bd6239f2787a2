"""Supervision (督导检查, requirements §11): a county (city, province) visit to a township with its
findings and photos, and the rectification orders (整改通知) that follow until they are closed.
Every exchange on an order is an ``OrderFollowUp`` row, so the history is never overwritten."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.kit.photos import PhotoRecord
from anju.supervision.choices import FindingCategory, FollowUpKind, OrderStatus, Topic


class VisitQuerySet(RegionScopedQuerySet["SupervisionVisit"]):
    region_code_lookup = "region_code"


class SupervisionVisit(models.Model):
    """One supervision visit by a higher office to a township (or to a village in it)."""

    region = models.ForeignKey("regions.Region", verbose_name="督导地点", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    # The township the visit belongs to (the region itself, or the village's township): orders go there.
    township = models.ForeignKey("regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("督导日期", db_index=True)
    topic = models.CharField("督导内容", max_length=20, choices=Topic.choices)
    inspectors = models.CharField("督导人员", max_length=200)
    summary = models.TextField("督导情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "regions.Region", verbose_name="督导单位所在区划", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects: ClassVar[VisitQuerySet] = VisitQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "督导检查"
        verbose_name_plural = "督导检查"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.region} {self.get_topic_display()}督导"

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class FindingQuerySet(RegionScopedQuerySet["Finding"]):
    region_code_lookup = "visit__region_code"


class Finding(models.Model):
    """One problem found on a visit; rectified through at most one order."""

    visit = models.ForeignKey(
        SupervisionVisit, verbose_name="督导检查", on_delete=models.CASCADE, related_name="findings"
    )
    category = models.CharField("问题类别", max_length=20, choices=FindingCategory.choices)
    description = models.TextField("问题描述")
    case = models.ForeignKey(
        "cases.RenovationCase",
        verbose_name="相关改造案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_findings",
    )
    order = models.ForeignKey(
        "RectificationOrder",
        verbose_name="整改通知",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects: ClassVar[FindingQuerySet] = FindingQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "督导发现问题"
        verbose_name_plural = "督导发现问题"
        ordering = ["visit_id", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:30]}"

    @property
    def audit_region_code(self) -> str:
        return self.visit.region_code


class FindingPhoto(PhotoRecord):
    """A photo of a finding, checked and downscaled by ``process_photo``."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "supervision"

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = "问题照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.finding} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return reverse("supervision:photo", kwargs={"kind": "finding", "pk": self.pk})


class OrderQuerySet(RegionScopedQuerySet["RectificationOrder"]):
    region_code_lookup = "region_code"

    def overdue(self, today: datetime.date | None = None) -> OrderQuerySet:
        return self.filter(due_on__lt=today or timezone.localdate()).exclude(status=OrderStatus.CLOSED)

    def open(self) -> OrderQuerySet:
        return self.exclude(status=OrderStatus.CLOSED)


class RectificationOrder(models.Model):
    """A rectification order (整改通知) to one township for one or more findings, numbered per
    issuing office and year (屯住建督〔2026〕3号)."""

    number = models.CharField("文号", max_length=60, unique=True)
    office = models.ForeignKey(
        "regions.Region", verbose_name="下发单位所在区划", on_delete=models.PROTECT, related_name="+"
    )
    office_name = models.CharField("下发单位", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    township = models.ForeignKey("regions.Region", verbose_name="整改乡镇", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    requirements = models.TextField("整改要求")
    issued_on = models.DateField("下发日期")
    due_on = models.DateField("整改期限", db_index=True)
    status = models.CharField("状态", max_length=20, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    times_returned = models.PositiveSmallIntegerField("退回次数", default=0)
    response_text = models.TextField("整改情况", blank=True)
    responded_on = models.DateField("反馈日期", null=True, blank=True)
    closing_note = models.TextField("复核意见", blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects: ClassVar[OrderQuerySet] = OrderQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "整改通知"
        verbose_name_plural = "整改通知"
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["office", "year", "seq"], name="supervision_order_seq")]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_overdue(self) -> bool:
        return self.status != OrderStatus.CLOSED and self.due_on < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_on).days if self.is_overdue else 0

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days

    @property
    def status_label(self) -> str:
        """The status as the lists show it: a returned order waits for work again."""
        if self.status == OrderStatus.ISSUED and self.times_returned:
            return f"退回重新整改（第 {self.times_returned} 次）"
        return str(self.get_status_display())


class OrderFollowUp(models.Model):
    """One exchange on an order: issued, the township's response, returned with a reason, closed."""

    order = models.ForeignKey(
        RectificationOrder, verbose_name="整改通知", on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField("事项", max_length=20, choices=FollowUpKind.choices)
    on = models.DateField("日期")
    text = models.TextField("内容", blank=True)
    no_photo_reason = models.CharField("无照片说明", max_length=300, blank=True)
    due_on = models.DateField("整改期限", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "整改往来记录"
        verbose_name_plural = "整改往来记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()} {self.on:%Y-%m-%d}"

    @property
    def audit_region_code(self) -> str:
        return self.order.region_code


class ResponsePhoto(PhotoRecord):
    """A photo the township sends with its response (the rectified site)."""

    follow_up = models.ForeignKey(OrderFollowUp, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "supervision"

    class Meta:
        verbose_name = "整改照片"
        verbose_name_plural = "整改照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.follow_up} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return reverse("supervision:photo", kwargs={"kind": "response", "pk": self.pk})
