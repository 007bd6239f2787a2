"""Renovation cases (requirements §8): one case per dangerous house (or houseless household) that the
rules cover, run from 发现 through 建档 and 改造 to 验收 and 销号. Every act on a case is a
``CaseStep`` row; the case keeps its current stage and the dates the ledgers need.

Acceptance, payments, archive documents and tasks live in their own apps and point here."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.cases.choices import (
    OPEN_STAGES,
    PHASE_OF_STAGE,
    CaseOrigin,
    ConstructionMode,
    EndReason,
    EnergyTag,
    GradeAtOpening,
    Stage,
    StepKind,
    TaskKind,
)
from anju.core.files import file_url
from anju.core.scoping import RegionScopedQuerySet
from anju.eligibility.choices import Programme
from anju.kit.photos import PhotoRecord
from anju.kit.versioning import ConfigQuerySet, VersionedConfig, version_constraints


class CasePolicy(VersionedConfig):
    """One version of the renovation policy (``anju.cases.policy``): notice lengths, methods,
    area rules, subsidy standards, the acceptance checklist and the archive's documents. A case
    keeps the version it was opened under, so its checks never change under it."""

    content = models.JSONField("政策内容")

    objects: ClassVar[ConfigQuerySet] = ConfigQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    kind_label = "改造政策"
    body_field = "content"

    class Meta(VersionedConfig.Meta):
        verbose_name = "改造政策"
        verbose_name_plural = "改造政策"
        constraints = version_constraints("casepolicy")


class CaseQuerySet(RegionScopedQuerySet["RenovationCase"]):
    region_code_lookup = "region_code"

    def open(self) -> CaseQuerySet:
        return self.filter(stage__in=OPEN_STAGES)


class RenovationCase(models.Model):
    """A household's renovation (改造) from discovery to 销号, under one programme and plan year."""

    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="cases"
    )
    house = models.ForeignKey(
        "households.House", verbose_name="房屋", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    region = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    programme = models.CharField("项目", max_length=20, choices=Programme.choices)
    year = models.PositiveSmallIntegerField("计划年度", db_index=True)
    # 年度任务 or 动态新增: which of the year's tasks the case counts against (ADR 0037); set when
    # the case is opened from the county's work plan, corrected only by the county (audited).
    task_kind = models.CharField("任务类型", max_length=10, choices=TaskKind.choices, default=TaskKind.ANNUAL)
    grade = models.CharField("危险等级", max_length=1, choices=GradeAtOpening.choices)
    decision = models.ForeignKey(
        "eligibility.Decision",
        verbose_name="资格认定",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin = models.CharField(
        "发现来源", max_length=20, choices=CaseOrigin.choices, default=CaseOrigin.ROUTINE, db_index=True
    )
    # The disaster whose emergency inspection found the house dangerous (灾后重建, ADR 0035).
    event = models.ForeignKey(
        "inspections.EmergencyEvent",
        verbose_name="致灾事件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_case = models.ForeignKey(
        "self", verbose_name="此前的改造案件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy = models.ForeignKey(CasePolicy, verbose_name="适用政策版本", on_delete=models.PROTECT, related_name="cases")

    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.FOUND, db_index=True)
    stage_since = models.DateField("进入本阶段日期", default=timezone.localdate)
    # Bumped by every act: two officers acting on the same page at once cannot both win.
    version = models.PositiveIntegerField("版本", default=1)

    # Renovation details (requirements §8)
    method = models.CharField("改造方式", max_length=30, blank=True)
    method_name = models.CharField("改造方式名称", max_length=50, blank=True)
    construction_mode = models.CharField("建设方式", max_length=10, choices=ConstructionMode.choices, blank=True)
    builder_name = models.CharField("施工单位或工匠", max_length=100, blank=True)
    builder_cert_no = models.CharField("资质或培训证书编号", max_length=50, blank=True)
    energy_tags = models.JSONField("节能改造", default=list, blank=True)
    # The change history names the tags (anju.audit.models._choices_of).
    AUDIT_CHOICES: ClassVar[dict[str, type[models.TextChoices]]] = {"energy_tags": EnergyTag}
    household_size = models.PositiveSmallIntegerField("家庭人口", default=1)
    planned_area = models.DecimalField("计划建筑面积（m²）", max_digits=7, decimal_places=2, null=True, blank=True)
    built_area = models.DecimalField("竣工建筑面积（m²）", max_digits=7, decimal_places=2, null=True, blank=True)
    area_problem = models.CharField("面积提示", max_length=200, blank=True)

    subsidy_amount = models.DecimalField("补助标准金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    subsidy_standard = models.CharField("补助标准编号", max_length=40, blank=True)
    subsidy_explanation = models.CharField("补助计算说明", max_length=300, blank=True)

    archive_no = models.CharField("档案编号", max_length=60, blank=True)
    archive_seq = models.PositiveIntegerField("档案序号", null=True, blank=True)

    opened_on = models.DateField("发现日期")
    applied_on = models.DateField("申请日期", null=True, blank=True)
    approved_on = models.DateField("审批日期", null=True, blank=True)
    filed_on = models.DateField("建档日期", null=True, blank=True)
    agreement_on = models.DateField("签订协议日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    accepted_on = models.DateField("验收通过日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField("终止说明", max_length=300, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("建案时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects: ClassVar[CaseQuerySet] = CaseQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "改造案件"
        verbose_name_plural = "改造案件"
        ordering = ["region_code", "-opened_on", "pk"]
        constraints = [
            # One household, one open case: the same family cannot be funded twice at once.
            models.UniqueConstraint(
                fields=["household"],
                condition=~models.Q(stage__in=[Stage.CLOSED, Stage.ENDED]),
                name="one_open_case_per_household",
                violation_error_message="该户已有未结束的改造案件。",
            ),
            models.UniqueConstraint(
                fields=["archive_no"], condition=~models.Q(archive_no=""), name="unique_archive_no"
            ),
        ]
        indexes = [models.Index(fields=["year", "programme", "stage"])]

    def __str__(self) -> str:
        return f"{self.household.head_name}户 {self.year} 年{self.get_programme_display()}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def phase(self) -> str:
        return PHASE_OF_STAGE[self.stage]

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def energy_tag_labels(self) -> list[str]:
        return [str(EnergyTag(t).label) for t in self.energy_tags if t in EnergyTag.values]

    @property
    def days_at_stage(self) -> int:
        return (timezone.localdate() - self.stage_since).days

    @property
    def no_house(self) -> bool:
        return self.grade == GradeAtOpening.NO_HOUSE

    @property
    def township_code(self) -> str:
        return self.region_code[:9] + "000"

    @property
    def county_code(self) -> str:
        return self.region_code[:6] + "000000"


class CaseStep(models.Model):
    """One recorded act on a case: who, when (the date it happened and when it was entered),
    why, and for reviews the public notice it started."""

    case = models.ForeignKey(RenovationCase, verbose_name="案件", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("事项", max_length=20, choices=StepKind.choices)
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    notice_from = models.DateField("公示开始", null=True, blank=True)
    notice_until = models.DateField("公示截止", null=True, blank=True)
    data = models.JSONField("记录内容", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "案件记录"
        verbose_name_plural = "案件记录"
        ordering = ["on", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.on}"


class CaseStepPhoto(PhotoRecord):
    """A photo recorded with 开工 or 竣工 (the site as the works start, the house as they end),
    checked against the house around the act's date (ADR 0047)."""

    step = models.ForeignKey(CaseStep, verbose_name="案件记录", on_delete=models.CASCADE, related_name="photos")
    upload_dir = "cases/steps"

    class Meta:
        verbose_name = "开工竣工照片"
        verbose_name_plural = "开工竣工照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.step} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return file_url("case-step-photo", self.pk)


class PatrolQuerySet(RegionScopedQuerySet["CasePatrol"]):
    region_code_lookup = "case__region_code"


class CasePatrol(models.Model):
    """A quality and safety patrol (质量安全巡查) during the works, with photos."""

    case = models.ForeignKey(RenovationCase, verbose_name="案件", on_delete=models.CASCADE, related_name="patrols")
    on = models.DateField("巡查日期")
    findings = models.TextField("巡查情况")
    problems_found = models.BooleanField("发现质量安全问题", default=False)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="巡查人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[PatrolQuerySet] = PatrolQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "质量巡查"
        verbose_name_plural = "质量巡查"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} 巡查 {self.on}"

    @property
    def audit_region_code(self) -> str:
        return self.case.region_code


class CasePatrolPhoto(PhotoRecord):
    patrol = models.ForeignKey(CasePatrol, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "cases/patrols"

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.patrol} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return file_url("patrol-photo", self.pk)
