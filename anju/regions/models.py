"""Administrative divisions: 省 > 市 > 县/区 > 乡镇/街道 > 村/社区 (> 组)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from anju.core.scoping import RegionScopedQuerySet
from anju.regions.choices import PREFIX_LENGTH, RegionLevel


class RegionQuerySet(RegionScopedQuerySet["Region"]):
    region_code_lookup = "code"

    def subtree_of(self, region: Region) -> RegionQuerySet:
        return self.filter(code__subtree=region.prefix)


class Region(models.Model):
    """One division, keyed by its statistical code (统计用区划代码).

    Codes nest by prefix, so a subtree is ``code LIKE prefix%`` on an indexed
    column: roll-ups by any level need no recursive query.
    """

    code = models.CharField("区划代码", max_length=15, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别", choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects: ClassVar[RegionQuerySet] = RegionQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def audit_region_code(self) -> str:
        return self.code

    @property
    def level_label(self) -> str:
        return RegionLevel(self.level).label

    def ancestors(self) -> list[Region]:
        """From the province down to the parent, in one query."""
        from anju.regions.codes import parent_code_of

        codes: list[str] = []
        code: str | None = self.code
        while code is not None:
            code = parent_code_of(code)
            if code:
                codes.append(code)
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in reversed(codes) if c in by_code]

    def full_name(self) -> str:
        return "".join(r.name for r in self.ancestors() if r.level >= RegionLevel.COUNTY) + self.name

    def is_within(self, other: Region) -> bool:
        """True if this region is ``other`` or lies under it."""
        return self.code.startswith(other.prefix)


class BoundaryQuerySet(RegionScopedQuerySet["RegionBoundary"]):
    region_code_lookup = "region_code"


class RegionBoundary(models.Model):
    """A division's outline from its county's boundary file (ADR 0028): the GeoJSON geometry
    (Polygon or MultiPolygon, WGS-84 longitude/latitude) as text, and the point where the map
    writes its name. Kept beside ``Region`` rather than on it, so the many reads that join a
    region never carry its outline."""

    region = models.OneToOneField(Region, verbose_name="区划", on_delete=models.CASCADE, related_name="boundary")
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    geometry = models.TextField("边界（GeoJSON）")
    label_lng = models.FloatField("标注点经度")
    label_lat = models.FloatField("标注点纬度")
    source = models.CharField("来源文件", max_length=200, blank=True)

    objects: ClassVar[BoundaryQuerySet] = BoundaryQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager

    class Meta:
        verbose_name = "区划边界"
        verbose_name_plural = "区划边界"
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.region_code} 边界"

    @property
    def audit_region_code(self) -> str:
        return self.region_code
