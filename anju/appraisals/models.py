"""Safety appraisals (鉴定, requirements §6): versioned appraisal templates and the appraisals of
houses. A house keeps every appraisal; the latest counts (``House.appraised_grade``)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.appraisals.choices import DamageCause, PreventionLevel
from anju.core.files import file_url
from anju.core.scoping import RegionScopedQuerySet
from anju.inspections.choices import Grade
from anju.kit.photos import PhotoRecord
from anju.kit.versioning import ConfigQuerySet, VersionedConfig, version_constraints


class AppraisalTemplate(VersionedConfig):
    """One version of an appraisal template: the components to judge per structure type and
    the text of each a–d criterion (``content``, checked by ``templates.validate_content``).
    Versioning, scoping and who edits: ``anju.kit.versioning``. An appraisal keeps the version
    it was made with."""

    content = models.JSONField("内容")

    objects: ClassVar[ConfigQuerySet] = ConfigQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    kind_label = "鉴定模板"
    body_field = "content"

    class Meta(VersionedConfig.Meta):
        verbose_name = "鉴定模板"
        verbose_name_plural = "鉴定模板"
        constraints = version_constraints("template")

    def components_for(self, structure: str) -> list[dict[str, Any]]:
        return [c for c in self.content.get("components", []) if structure in c.get("structures", [])]


class AppraisalQuerySet(RegionScopedQuerySet["Appraisal"]):
    region_code_lookup = "region_code"


class Appraisal(models.Model):
    """One safety appraisal of one house by a qualified appraiser (requirements §6)."""

    house = models.ForeignKey(
        "households.House", verbose_name="房屋", on_delete=models.PROTECT, related_name="appraisals"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="appraisals"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    template = models.ForeignKey(
        AppraisalTemplate, verbose_name="鉴定模板", on_delete=models.PROTECT, related_name="appraisals"
    )
    # The house as it was appraised (houses change; the appraisal must not).
    structure = models.CharField("结构类型", max_length=20)
    storeys = models.PositiveSmallIntegerField("层数")
    outside_guideline = models.BooleanField("超出导则适用范围", default=False)
    site_dangerous = models.BooleanField("场地危险", default=False)
    site_note = models.CharField("场地情况", max_length=300, blank=True)
    # [{"code", "name", "grade", "note"}] in template order.
    components = models.JSONField("各组成部分评定", default=list)
    computed_grade = models.CharField("计算等级", max_length=1, choices=Grade.choices)
    final_grade = models.CharField("鉴定等级", max_length=1, choices=Grade.choices, db_index=True)
    override_reason = models.CharField("调整理由", max_length=500, blank=True)
    relocation_recommended = models.BooleanField("建议异地新建", default=False)
    prevention_level = models.CharField("防灾措施", max_length=10, choices=PreventionLevel.choices)
    prevention_note = models.CharField("防灾措施说明", max_length=300, blank=True)
    damage_cause = models.CharField("致危原因", max_length=20, choices=DamageCause.choices)
    advice = models.CharField("处理建议", max_length=500, blank=True)
    appraiser_name = models.CharField("鉴定人", max_length=50)
    appraiser_org = models.CharField("鉴定单位", max_length=100)
    certificate_no = models.CharField("证书编号", max_length=50)
    appraised_on = models.DateField("鉴定日期")
    report_file = models.FileField("鉴定报告", upload_to="appraisals/reports/%Y/%m/", blank=True)
    report_sha256 = models.CharField("报告指纹", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects: ClassVar[AppraisalQuerySet] = AppraisalQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "鉴定"
        verbose_name_plural = "鉴定"
        ordering = ["-appraised_on", "-pk"]
        indexes = [models.Index(fields=["house", "-appraised_on", "-id"], name="appraisal_latest")]

    def __str__(self) -> str:
        return f"{self.house} {self.appraised_on:%Y-%m-%d} {self.final_grade} 级"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_overridden(self) -> bool:
        return self.final_grade != self.computed_grade

    @property
    def report_url(self) -> str:
        return file_url("appraisal-report", self.pk) if self.report_file else ""

    @property
    def is_dangerous(self) -> bool:
        return self.final_grade in (Grade.C, Grade.D)


class AppraisalPhoto(PhotoRecord):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="photos")
    caption = models.CharField("说明", max_length=100, blank=True)
    upload_dir = "appraisals"

    class Meta:
        verbose_name = "鉴定照片"
        verbose_name_plural = "鉴定照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.appraisal} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return file_url("appraisal-photo", self.pk)
