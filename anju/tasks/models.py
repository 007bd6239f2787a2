"""Renovation tasks (改造任务, requirements §8): the quota of households the province issues to each
county per year and programme (年度任务, and 动态新增 added during the year), and the county's
allocation of it to its townships. Progress is counted from the cases, not stored."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.core.scoping import CoveringRegionScopedQuerySet
from anju.eligibility.choices import Programme
from anju.regions.choices import RegionLevel
from anju.tasks.choices import TaskKind


class TaskQuerySet(CoveringRegionScopedQuerySet["Task"]):
    """A user sees the tasks of their subtree and those issued to the regions above them (a
    township officer sees the county's task its own allocation belongs to), never a sibling's."""

    region_code_lookup = "region_code"


class Task(models.Model):
    """A quota of households for one year, programme and kind: issued by the province (or city)
    to a county, or allocated by that county to one of its townships (``parent`` is then the
    county's task)."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    programme = models.CharField("项目", max_length=20, choices=Programme.choices)
    kind = models.CharField("任务类型", max_length=10, choices=TaskKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name="下达到", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    count = models.PositiveIntegerField("任务户数")
    parent = models.ForeignKey(
        "self",
        verbose_name="所属县级任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下达人", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("下达日期", default=timezone.localdate)
    note = models.CharField("说明", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects: ClassVar[TaskQuerySet] = TaskQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "改造任务"
        verbose_name_plural = "改造任务"
        ordering = ["-year", "region_code", "programme", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "programme", "kind", "region"],
                name="one_task_per_region_year_programme_kind",
                violation_error_message="该区划本年度已有同类任务。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} 年{self.get_programme_display()}{self.get_kind_display()} · {self.region} {self.count} 户"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_county_task(self) -> bool:
        return self.region.level == RegionLevel.COUNTY
