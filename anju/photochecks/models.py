"""Every stage photo checked against its house (issue 19 §4, ADR 0033).

A ``PhotoCheck`` is one stage photo's place and time as the check saw them: the device position
the page sent, the photo's own EXIF position and capture time, its perceptual hash, its distance
from the house and the stage's dates. The photo itself stays in its own app (inspections, cases,
acceptance, archives); the check names it by model and id, so this app sits below them all.

A ``PhotoFlag`` is one thing found wrong with a photo. An officer may explain it; nobody may
delete it (the model and its queryset refuse, and no page or API offers it)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.kit.versioning import ConfigQuerySet, VersionedConfig, version_constraints
from anju.photochecks.choices import ExifSource, FlagKind, PhotoStage


class PhotoCheckPolicy(VersionedConfig):
    """One version of the photo check's numbers (``anju.photochecks.policy``): the distance from
    the house, the hash distance of a reused photo, the days of grace around a stage's dates."""

    content = models.JSONField("核验规则")

    objects: ClassVar[ConfigQuerySet] = ConfigQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    kind_label = "照片核验规则"
    body_field = "content"

    class Meta(VersionedConfig.Meta):
        verbose_name = "照片核验规则"
        verbose_name_plural = "照片核验规则"
        constraints = version_constraints("photocheckpolicy")


class PhotoCheckQuerySet(RegionScopedQuerySet["PhotoCheck"]):
    region_code_lookup = "region_code"


class PhotoCheck(models.Model):
    """One stage photo's place and time, and what was checked."""

    stage = models.CharField("阶段", max_length=20, choices=PhotoStage.choices)
    photo_model = models.CharField("照片类型", max_length=60)  # "cases.CasePatrolPhoto"
    photo_id = models.PositiveIntegerField("照片编号")
    photo_url = models.CharField("照片地址", max_length=200, blank=True)
    house = models.ForeignKey(
        "households.House", verbose_name="房屋", on_delete=models.PROTECT, related_name="photo_checks"
    )
    case_id = models.PositiveIntegerField("改造案件", null=True, blank=True, db_index=True)
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    device_latitude = models.DecimalField("手机定位纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    device_longitude = models.DecimalField("手机定位经度", max_digits=9, decimal_places=6, null=True, blank=True)
    exif_latitude = models.DecimalField("照片纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    exif_longitude = models.DecimalField("照片经度", max_digits=9, decimal_places=6, null=True, blank=True)
    exif_taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    # The field app's downscale keeps the original's EXIF block and says so in the file (ADR 0047).
    exif_source = models.CharField(
        "照片位置来源", max_length=20, choices=ExifSource.choices, blank=True, default=ExifSource.NONE
    )
    phash = models.CharField("感知哈希", max_length=16, blank=True, db_index=True)
    distance_m = models.PositiveIntegerField("距房屋（米）", null=True, blank=True)
    window_from = models.DateField("阶段起", null=True, blank=True)
    window_until = models.DateField("阶段止", null=True, blank=True)
    policy = models.ForeignKey(
        PhotoCheckPolicy, verbose_name="核验规则版本", on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("核验时间", default=timezone.now)

    objects: ClassVar[PhotoCheckQuerySet] = PhotoCheckQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "照片核验"
        verbose_name_plural = "照片核验"
        ordering = ["-checked_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["photo_model", "photo_id"], name="one_check_per_photo")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.photo_id}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class PhotoFlagQuerySet(RegionScopedQuerySet["PhotoFlag"]):
    region_code_lookup = "region_code"

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("照片核验提示不能删除，可填写说明。")


class PhotoFlag(models.Model):
    """One thing found wrong with a stage photo; explained, never deleted."""

    check_record = models.ForeignKey(PhotoCheck, verbose_name="照片", on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField("提示", max_length=20, choices=FlagKind.choices, db_index=True)
    detail = models.CharField("详情", max_length=300)
    # The other house's photo a reused photo matches.
    other = models.ForeignKey(
        PhotoCheck, verbose_name="相同照片", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    created_at = models.DateTimeField("发现时间", default=timezone.now)
    explanation = models.TextField("说明", blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="说明人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    explained_at = models.DateTimeField("说明时间", null=True, blank=True)

    objects: ClassVar[PhotoFlagQuerySet] = PhotoFlagQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "照片核验提示"
        verbose_name_plural = "照片核验提示"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["check_record", "kind"], name="one_flag_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.detail}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_explained(self) -> bool:
        return bool(self.explained_at)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("照片核验提示不能删除，可填写说明。")
