"""Anomaly checks (issue 20): the versioned check set, each run, and the findings a run keeps."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.anomalies.choices import FindingStatus, RunTrigger, Severity
from anju.core.scoping import CoveringRegionScopedQuerySet, RegionScopedQuerySet
from anju.kit.versioning import ConfigQuerySet, VersionedConfig, version_constraints


class CheckSet(VersionedConfig):
    """One version of the anomaly checks (JSON ``content``, read by ``rules.rules_of``): each
    rule's Chinese name, explanation, severity and parameters. A finding names the version that
    found it."""

    content = models.JSONField("核查规则")

    objects: ClassVar[ConfigQuerySet] = ConfigQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    kind_label = "异常核查规则"
    body_field = "content"

    class Meta(VersionedConfig.Meta):
        verbose_name = "异常核查规则"
        verbose_name_plural = "异常核查规则"
        constraints = version_constraints("checkset")


class ScopedQuerySet(RegionScopedQuerySet[Any]):
    region_code_lookup = "region_code"


class RunQuerySet(CoveringRegionScopedQuerySet[Any]):
    region_code_lookup = "region_code"


class CheckRun(models.Model):
    """One run of every enabled check over a region's subtree, with what it changed."""

    region_code = models.CharField("核查范围", max_length=15, db_index=True)
    region_name = models.CharField("区划名称", max_length=100)
    check_set = models.ForeignKey(CheckSet, verbose_name="规则版本", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField("方式", max_length=10, choices=RunTrigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    found = models.PositiveIntegerField("新发现", default=0)
    still_open = models.PositiveIntegerField("仍存在", default=0)
    fixed = models.PositiveIntegerField("已纠正", default=0)

    # A county's run covers its townships: a township officer sees when its area was last checked.
    objects: ClassVar[RunQuerySet] = RunQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "异常核查运行"
        verbose_name_plural = "异常核查运行"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.region_name} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M} 异常核查"

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class Finding(models.Model):
    """What one check found about one thing (a person, a house, a case, a payment, a photo),
    identified by ``key`` within the rule: a re-run finds the same live finding again instead of
    adding a second, and marks it fixed when the thing no longer holds."""

    rule_id = models.CharField("规则编号", max_length=40, db_index=True)
    rule_name = models.CharField("核查事项", max_length=100)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, db_index=True)
    key = models.CharField("对象标识", max_length=80)
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    evidence = models.TextField("证据")
    links = models.JSONField("相关记录", default=list, blank=True)
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    house = models.ForeignKey(
        "households.House", verbose_name="房屋", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        "cases.RenovationCase",
        verbose_name="改造案件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    check_set = models.ForeignKey(CheckSet, verbose_name="规则版本", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    first_found_at = models.DateTimeField("首次发现", default=timezone.now)
    last_seen_at = models.DateTimeField("最近核查仍存在", default=timezone.now)
    explanation = models.TextField("情况说明", blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="说明人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    explained_at = models.DateTimeField("说明时间", null=True, blank=True)
    fixed_at = models.DateTimeField("纠正时间", null=True, blank=True)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "异常核查发现"
        verbose_name_plural = "异常核查发现"
        ordering = ["status", "-first_found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_id", "key"],
                condition=models.Q(status__in=["open", "explained"]),
                name="one_live_finding_per_key",
            )
        ]
        indexes = [models.Index(fields=["region_code", "rule_id", "status"], name="finding_region_rule_idx")]

    def __str__(self) -> str:
        return f"{self.rule_name}（{self.key}）"

    @property
    def audit_region_code(self) -> str:
        return self.region_code
