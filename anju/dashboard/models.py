"""Maintained summaries for the 动态清零 dashboard (ADR 0020): one row per region (every level)
and plan year, refreshed village by village and rolled up by summing children, so the
dashboard reads a handful of rows instead of grouping millions of houses."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.regions.choices import RegionLevel


class SummaryQuerySet(RegionScopedQuerySet["RegionSummary"]):
    region_code_lookup = "region_code"


def empty_monthly() -> dict[str, list[int]]:
    return {"opened": [0] * 12, "completed": [0] * 12, "closed": [0] * 12}


class RegionSummary(models.Model):
    """The dashboard's counters for one region and plan year.

    House and household counters (and the 动态清零 figures) are a snapshot of today, repeated
    in every year's row; case, payment, task and monthly figures belong to the plan year.
    Village rows are computed from the base tables; a higher level's row is the sum of its
    children's rows (``tasks`` excepted: a county's or township's own quota, summed above
    the county). Written only by ``anju.dashboard.services.summaries_refresh``.
    """

    region_code = models.CharField("区划代码", max_length=12)
    parent_code = models.CharField("上级区划代码", max_length=12, blank=True)
    level = models.PositiveSmallIntegerField("级别", choices=RegionLevel.choices)
    year = models.PositiveSmallIntegerField("计划年度")

    households = models.PositiveIntegerField("农户数", default=0)
    key_households = models.PositiveIntegerField("重点对象户数", default=0)
    houses = models.PositiveIntegerField("房屋数", default=0)
    cd_houses = models.PositiveIntegerField("C/D 级房屋数", default=0)
    key_in_cd = models.PositiveIntegerField("仍住 C/D 级房屋的重点对象户数", default=0)
    oldest_stage_since = models.DateField("最早进入当前阶段日期", null=True, blank=True)

    cases = models.PositiveIntegerField("改造案件数（不含终止）", default=0)
    stage_counts = models.JSONField("各阶段案件数", default=dict)
    completed = models.PositiveIntegerField("已竣工", default=0)
    closed = models.PositiveIntegerField("已销号", default=0)
    amount_paid = models.DecimalField("已拨付金额（元）", max_digits=14, decimal_places=2, default=0)
    tasks = models.PositiveIntegerField("任务户数", default=0)
    monthly = models.JSONField("逐月建案/竣工/销号", default=empty_monthly)

    refreshed_at = models.DateTimeField("统计时间", default=timezone.now)

    objects: ClassVar[SummaryQuerySet] = SummaryQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "区划统计"
        verbose_name_plural = "区划统计"
        ordering = ["year", "region_code"]
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="one_summary_per_region_year")]
        indexes = [models.Index(fields=["year", "parent_code"], name="summary_year_parent_idx")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class MapCellQuerySet(RegionScopedQuerySet["MapCell"]):
    region_code_lookup = "village_code"


class MapCell(models.Model):
    """The houses with coordinates of one village that share a grade, a case stage (of the
    house's latest case; "" for none) and a key-group flag: how many, and the sums of their
    coordinates (so a cluster's centre is a weighted mean). The map serves a province's houses
    as clusters from these rows instead of grouping millions of houses (issue 23, ADR 0049).
    Written only by ``anju.dashboard.mapcells``, with the summaries, so it is as fresh as they are."""

    # The scope's and the region filter's prefix is a range on the code (``__subtree``, ADR
    # 0051), served by the unique index that leads with it; its own two indexes (B-tree and
    # LIKE) were dropped: they cost 1.2 s of the 2.1 s of writing 206,224 cells (ADR 0053).
    village_code = models.CharField("村级区划代码", max_length=12)
    grade = models.CharField("当前等级", max_length=1, blank=True)
    stage = models.CharField("最近案件阶段", max_length=20, blank=True)
    key = models.BooleanField("重点对象", default=False)
    houses = models.PositiveIntegerField("房屋数", default=0)
    lat_sum = models.FloatField("纬度之和", default=0.0)
    lon_sum = models.FloatField("经度之和", default=0.0)

    objects: ClassVar[MapCellQuerySet] = MapCellQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager

    class Meta:
        verbose_name = "地图聚合格"
        verbose_name_plural = verbose_name
        constraints = [
            # One row per village and combination: the refresh relies on it.
            models.UniqueConstraint(fields=["village_code", "grade", "stage", "key"], name="mapcell_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.grade or '未定级'} {self.houses}"


class MapVillageQuerySet(RegionScopedQuerySet["MapVillage"]):
    region_code_lookup = "village_code"


class MapVillage(models.Model):
    """A village's ``MapCell`` rows summed: the map without a grade, stage or key filter — the
    usual province or county view — groups one row per village instead of ~15 (ADR 0049)."""

    village_code = models.CharField("村级区划代码", max_length=12, unique=True)
    houses = models.PositiveIntegerField("房屋数", default=0)
    cd = models.PositiveIntegerField("C/D 级房屋数", default=0)
    worst = models.CharField("最差等级", max_length=1, blank=True)
    lat_sum = models.FloatField("纬度之和", default=0.0)
    lon_sum = models.FloatField("经度之和", default=0.0)

    objects: ClassVar[MapVillageQuerySet] = MapVillageQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager

    class Meta:
        verbose_name = "地图村级汇总"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.village_code} {self.houses}"
