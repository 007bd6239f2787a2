"""Eligibility (requirements §7): versioned rule sets, the decision each household gets from them,
and the circumstances only a visit establishes (无房, ability to self-repair, solved otherwise)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.eligibility.choices import OUTCOME_PROGRAMME, CircumstanceKind, Outcome
from anju.kit.versioning import ConfigQuerySet, VersionedConfig, version_constraints


class RuleSet(VersionedConfig):
    """One version of the eligibility rules (JSON ``text``, parsed by ``engine``). Versioning,
    scoping and who edits: ``anju.kit.versioning``. Each decision names the version it came
    from."""

    text = models.TextField("规则（JSON）")

    objects: ClassVar[ConfigQuerySet] = ConfigQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    kind_label = "资格规则"
    body_field = "text"

    class Meta(VersionedConfig.Meta):
        verbose_name = "资格规则集"
        verbose_name_plural = "资格规则集"
        constraints = version_constraints("ruleset")


class ScopedQuerySet(RegionScopedQuerySet[Any]):
    region_code_lookup = "region_code"


class Decision(models.Model):
    """One evaluation of one household by one rule-set version. A household's decisions form
    its history; ``is_current`` marks the one in force."""

    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="decisions"
    )
    region_code = models.CharField("区划代码", max_length=15)
    rule_set = models.ForeignKey(RuleSet, verbose_name="规则集", on_delete=models.PROTECT, related_name="decisions")
    rule_id = models.CharField("规则编号", max_length=40)
    rule_name = models.CharField("规则名称", max_length=100)
    outcome = models.CharField("结论", max_length=20, choices=Outcome.choices)
    reason = models.TextField("理由")
    checks = models.JSONField("判断过程", default=list)
    facts = models.JSONField("所用事实")
    facts_digest = models.CharField("事实指纹", max_length=64)
    trigger = models.CharField("触发原因", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    decided_at = models.DateTimeField("认定时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    is_current = models.BooleanField("现行", default=True)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "资格认定"
        verbose_name_plural = "资格认定"
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(is_current=True), name="one_current_decision"
            )
        ]
        # Each index is justified in migration 0005 (ADR 0048); the set-based refresh writes
        # 100,000 rows into every one of them.
        indexes = [
            models.Index(fields=["region_code"], name="decision_region_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["region_code", "outcome"],
                name="decision_current_idx",
                condition=models.Q(is_current=True),
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_outcome_display()}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def programme(self) -> str:
        return OUTCOME_PROGRAMME.get(self.outcome, "")


class Circumstance(models.Model):
    """A dated finding about a household (经核实无房, 有/无能力自行解决, 已租房/投亲/搬迁…).
    Withdrawn rather than deleted when it no longer holds; the latest live one of a kind counts."""

    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="circumstances"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    kind = models.CharField("情况", max_length=30, choices=CircumstanceKind.choices)
    recorded_on = models.DateField("核实日期")
    note = models.CharField("说明", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField("撤销理由", max_length=300, blank=True)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "农户核实情况"
        verbose_name_plural = "农户核实情况"
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.household} {self.get_kind_display()}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code
