"""Completion acceptance (竣工验收, requirements §9): each acceptance of a renovated house against the
checklist of the case's policy version, and the rectification (整改) a failed one opens.

An acceptance keeps a snapshot of the checklist it was judged by, so a later policy version
never changes what an old form says."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.acceptance.choices import RESULT_MARK, ItemResult, PostGrade
from anju.core.files import file_url
from anju.core.scoping import RegionScopedQuerySet
from anju.kit.photos import PhotoRecord


class AcceptanceQuerySet(RegionScopedQuerySet["Acceptance"]):
    region_code_lookup = "region_code"


class Acceptance(models.Model):
    """One completion acceptance of a case (first, or a re-acceptance after rectification): each
    checklist item √/×/○, the post-works safety grade, the household's agreement, who signed,
    and whether it passed."""

    case = models.ForeignKey(
        "cases.RenovationCase", verbose_name="改造案件", on_delete=models.PROTECT, related_name="acceptances"
    )
    attempt = models.PositiveSmallIntegerField("验收次数")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    on = models.DateField("验收日期")
    # [{"code", "name", "group", "required"}] as in the policy version the case runs under.
    items = models.JSONField("验收项目", default=list)
    # {code: "pass" | "fail" | "na"}
    results = models.JSONField("验收结果", default=dict)
    # {code: text}, only the items with a note.
    notes = models.JSONField("项目说明", default=dict, blank=True)
    post_grade = models.CharField("竣工后安全等级", max_length=1, choices=PostGrade.choices)
    household_agrees = models.BooleanField("农户同意验收结果")
    household_opinion = models.CharField("农户意见", max_length=300, blank=True)
    builder_name = models.CharField("施工单位或工匠", max_length=100)
    officer_names = models.CharField("验收人员", max_length=200)
    passed = models.BooleanField("验收通过", db_index=True)
    # [{"code", "name"}]: why it failed (required × items, then the grade and the household).
    failed_items = models.JSONField("未通过原因", default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects: ClassVar[AcceptanceQuerySet] = AcceptanceQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "竣工验收"
        verbose_name_plural = "竣工验收"
        ordering = ["-on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["case", "attempt"], name="acceptance_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.case.household.head_name}户 第 {self.attempt} 次验收 {self.on:%Y-%m-%d}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def result_label(self) -> str:
        return "验收通过" if self.passed else "验收未通过"

    def rows(self) -> list[dict[str, Any]]:
        """The checklist with each item's result, mark and note, in checklist order."""
        out = []
        for item in self.items:
            result = self.results.get(item["code"], "")
            out.append(
                {
                    **item,
                    "result": result,
                    "mark": RESULT_MARK.get(result, ""),
                    "label": ItemResult(result).label if result in ItemResult.values else "",
                    "note": self.notes.get(item["code"], ""),
                    "blocking": bool(item.get("required")) and result == ItemResult.FAIL,
                }
            )
        return out

    def groups(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The rows by checklist group, groups in the order they first appear."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self.rows():
            grouped.setdefault(str(row.get("group") or ""), []).append(row)
        return list(grouped.items())


class AcceptancePhoto(PhotoRecord):
    """A photo of the house taken at the acceptance, checked against the house around the
    acceptance date (ADR 0047)."""

    acceptance = models.ForeignKey(Acceptance, verbose_name="竣工验收", on_delete=models.CASCADE, related_name="photos")
    upload_dir = "acceptance"

    class Meta:
        verbose_name = "验收照片"
        verbose_name_plural = "验收照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.acceptance} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return file_url("acceptance-photo", self.pk)


class RectificationQuerySet(RegionScopedQuerySet["Rectification"]):
    region_code_lookup = "region_code"

    def open(self) -> RectificationQuerySet:
        return self.filter(completed_on__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> RectificationQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Rectification(models.Model):
    """The rectification (整改) a failed acceptance orders: what to fix, by when, and when and how
    it was done. Completing it sends the case back to 已竣工待验收 for the re-acceptance."""

    case = models.ForeignKey(
        "cases.RenovationCase", verbose_name="改造案件", on_delete=models.PROTECT, related_name="rectifications"
    )
    acceptance = models.OneToOneField(
        Acceptance, verbose_name="未通过的验收", on_delete=models.PROTECT, related_name="rectification"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    # [{"code", "name"}], as the acceptance's failed_items.
    items = models.JSONField("整改项目", default=list)
    requirements = models.TextField("整改要求")
    due_on = models.DateField("整改期限", db_index=True)
    completed_on = models.DateField("整改完成日期", null=True, blank=True)
    completion_note = models.TextField("整改情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下达人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("下达时间", default=timezone.now, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="整改完成登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField("完成登记时间", null=True, blank=True)

    objects: ClassVar[RectificationQuerySet] = RectificationQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "整改"
        verbose_name_plural = "整改"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["completed_on", "due_on"], name="rectification_open_due")]

    def __str__(self) -> str:
        return f"{self.case.household.head_name}户 整改（期限 {self.due_on:%Y-%m-%d}）"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_open(self) -> bool:
        return self.completed_on is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0) if self.is_open else 0

    @property
    def status_label(self) -> str:
        if not self.is_open:
            return "已完成"
        return "已逾期" if self.is_overdue else "整改中"

    @property
    def item_names(self) -> str:
        return "、".join(str(i.get("name", "")) for i in self.items)
