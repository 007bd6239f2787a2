"""Finding dangerous houses (排查, requirements §5): campaigns, inspections with photos, referrals of
poor families found by inspection (以房找人), emergency events with their tasks, control
measures, the villages' signed lists and follow-ups of people still in dangerous houses."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.core.files import file_url
from anju.core.scoping import CoveringRegionScopedQuerySet, RegionScopedQuerySet
from anju.households.choices import Department, KeyGroup
from anju.inspections.choices import (
    EventKind,
    FollowUpReason,
    Grade,
    HazardPart,
    HousingKind,
    InspectionKind,
    MeasureKind,
    ReferralStatus,
    TaskPriority,
    VillageListKind,
    VillageListStatus,
)
from anju.kit.photos import PhotoRecord


class ScopedQuerySet(RegionScopedQuerySet[Any]):
    region_code_lookup = "region_code"


class CoveringQuerySet(CoveringRegionScopedQuerySet[Any]):
    region_code_lookup = "region_code"


class HazardItem(models.Model):
    """One visible hazard of the checklist (configurable: add, reword, retire; never delete)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    label = models.CharField("隐患", max_length=100)
    part = models.CharField("部位", max_length=20, choices=HazardPart.choices)
    serious = models.BooleanField("严重隐患", default=False, help_text="出现即提示疑似 C/D 级")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "隐患检查项"
        verbose_name_plural = "隐患检查项"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class Campaign(models.Model):
    """A routine inspection campaign (常规排查) of one year in a county or township."""

    title = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey("regions.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    starts_on = models.DateField("开始日期")
    deadline = models.DateField("完成期限")
    list_due = models.DateField("村级疑似危房清单报送期限")
    villages = models.ManyToManyField("regions.Region", verbose_name="排查村", related_name="+")
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="排查人员", related_name="inspection_campaigns", blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects: ClassVar[CoveringQuerySet] = CoveringQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "排查任务"
        verbose_name_plural = "排查任务"
        ordering = ["-year", "region_code"]

    def __str__(self) -> str:
        return self.title


class EmergencyEvent(models.Model):
    """A disaster or special event (应急排查) declared for a set of villages."""

    kind = models.CharField("类型", max_length=20, choices=EventKind.choices)
    title = models.CharField("名称", max_length=100)
    occurred_on = models.DateField("发生日期")
    region = models.ForeignKey("regions.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    villages = models.ManyToManyField("regions.Region", verbose_name="受影响村", related_name="+")
    area = models.CharField("受灾范围", max_length=200, blank=True, help_text="如：3 个村、约 12 平方公里")
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("发布时间", default=timezone.now)

    objects: ClassVar[CoveringQuerySet] = CoveringQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "应急排查"
        verbose_name_plural = "应急排查"
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class EmergencyTask(models.Model):
    """One house to inspect after an event; done when its inspection is recorded."""

    event = models.ForeignKey(EmergencyEvent, verbose_name="应急排查", on_delete=models.CASCADE, related_name="tasks")
    house = models.ForeignKey("households.House", verbose_name="房屋", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    priority = models.PositiveSmallIntegerField("优先级", choices=TaskPriority.choices)
    reason = models.CharField("排序依据", max_length=100, blank=True)
    inspection = models.OneToOneField(
        "Inspection", verbose_name="排查记录", null=True, blank=True, on_delete=models.SET_NULL, related_name="task"
    )

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "应急排查任务"
        verbose_name_plural = "应急排查任务"
        ordering = ["event", "priority", "region_code", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "house"], name="one_task_per_house_per_event")]

    def __str__(self) -> str:
        return f"{self.event} · {self.house}"


class Inspection(models.Model):
    """One visit to one house: who, when, where (GPS), photos, hazards, suspected grade, occupancy."""

    house = models.ForeignKey(
        "households.House", verbose_name="房屋", on_delete=models.PROTECT, related_name="inspections"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="inspections"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    kind = models.CharField("排查类型", max_length=20, choices=InspectionKind.choices)
    campaign = models.ForeignKey(
        Campaign, verbose_name="排查任务", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    event = models.ForeignKey(
        EmergencyEvent,
        verbose_name="应急排查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="排查人", on_delete=models.PROTECT, related_name="+"
    )
    inspected_at = models.DateTimeField("排查时间")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    gps_accuracy_m = models.PositiveIntegerField("定位精度（米）", null=True, blank=True)
    gps_source = models.CharField(
        "定位来源", max_length=10, blank=True, choices=[("device", "手机定位"), ("photo", "照片位置")]
    )
    hazards = models.JSONField("发现的隐患", default=list, blank=True)  # HazardItem codes
    suspected_grade = models.CharField("初判等级", max_length=1, choices=Grade.choices)
    is_occupied = models.BooleanField("是否住人")
    occupant_ages = models.JSONField("居住人年龄", default=list, blank=True)
    elderly_occupants = models.PositiveSmallIntegerField("其中 60 岁以上老人", default=0)
    lives_in_two_houses = models.BooleanField("新旧房屋两头住", default=False)
    family_poor_not_listed = models.BooleanField(
        "困难但未纳入重点对象", default=False, help_text="勾选后转民政/乡村振兴部门核实（以房找人）"
    )
    note = models.TextField("情况说明", blank=True)
    # Made by the phone for each filled-in form: a resubmission after a lost answer is the same record.
    submission_id = models.CharField("提交编号", max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "排查记录"
        verbose_name_plural = "排查记录"
        ordering = ["-inspected_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "household"], name="inspection_campaign_hh_idx"),
            # The list's order, newest first: a page read off the index, not a sort of every
            # inspection in scope (ADR 0031).
            models.Index(fields=["-inspected_at", "-id"], name="inspection_list_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "submission_id"],
                condition=~models.Q(submission_id=""),
                name="one_inspection_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.house} {self.inspected_at:%Y-%m-%d} 排查"

    @property
    def occupants(self) -> int:
        return len(self.occupant_ages)


class HousingCheckQuerySet(RegionScopedQuerySet["HousingCheck"]):
    region_code_lookup = "region_code"


class HousingCheck(models.Model):
    """以人找房 for a household with no house of its own to inspect: where it lives — 无房, 借住,
    租住, 与子女同住 (in another household's house, when that is registered) — recorded on a
    visit with its evidence. It covers the household in the campaign (ADR 0021)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="排查任务", on_delete=models.PROTECT, related_name="housing_checks"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="housing_checks"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    kind = models.CharField("居住情况", max_length=20, choices=HousingKind.choices)
    host_house = models.ForeignKey(
        "households.House",
        verbose_name="所住房屋",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_checks",
    )
    host_note = models.CharField("居住地点", max_length=200, blank=True)
    evidence = models.CharField("核实依据", max_length=300)
    photo = models.ImageField("佐证照片", upload_to="inspections/housing/%Y/%m/", blank=True)
    recorded_on = models.DateField("核实日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[HousingCheckQuerySet] = HousingCheckQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "住房情况核实"
        verbose_name_plural = "住房情况核实"
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.household} {self.get_kind_display()}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class InspectionPhoto(PhotoRecord):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "inspections"

    class Meta:
        verbose_name = "排查照片"
        verbose_name_plural = "排查照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.inspection} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return file_url("inspection-photo", self.pk)


class Referral(models.Model):
    """以房找人: a poor family in a dangerous house but in no key group, referred to a department."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="referral")
    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="referrals"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    department = models.CharField("转交部门", max_length=30, choices=Department.choices)
    reason = models.TextField("困难情况")
    status = models.CharField(
        "状态", max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING, db_index=True
    )
    group = models.CharField("认定类别", max_length=20, choices=KeyGroup.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("核实日期", null=True, blank=True)
    decision_note = models.TextField("核实意见", blank=True)
    created_at = models.DateTimeField("转交时间", default=timezone.now)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "以房找人转交"
        verbose_name_plural = "以房找人转交"
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"{self.household} 转{self.get_department_display()}核实"


class ControlMeasure(models.Model):
    """管控措施 on a house in serious danger, verified later by someone else."""

    house = models.ForeignKey(
        "households.House", verbose_name="房屋", on_delete=models.PROTECT, related_name="control_measures"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    kind = models.CharField("措施", max_length=20, choices=MeasureKind.choices)
    taken_on = models.DateField("采取日期")
    responsible = models.CharField("责任人", max_length=50)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_on = models.DateField("核查日期", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_note = models.TextField("核查情况", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "管控措施"
        verbose_name_plural = "管控措施"
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.house} {self.get_kind_display()}"


class VillageList(models.Model):
    """One signed version of a village's list of suspected C/D only houses, signed by the village
    head and received (or returned with a reason) by the township. ``houses`` is the frozen
    content that was signed; ``digest`` its SHA-256. A 补报 or the signing again after a return
    is a new version (``round``); the earlier ones are kept as the list's history."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="village_lists")
    village = models.ForeignKey("regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    round = models.PositiveSmallIntegerField("第几次报送", default=1)
    kind = models.CharField("报送类型", max_length=12, choices=VillageListKind.choices, default=VillageListKind.FIRST)
    reason = models.CharField("补报说明", max_length=300, blank=True)
    houses = models.JSONField("清单内容")
    digest = models.CharField("内容指纹", max_length=64)
    status = models.CharField("状态", max_length=20, choices=VillageListStatus.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签字人", on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签字时间")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "村级疑似危房清单"
        verbose_name_plural = "村级疑似危房清单"
        ordering = ["campaign", "region_code", "round"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "village", "round"], name="one_village_list_per_round")
        ]

    def __str__(self) -> str:
        suffix = f"（第 {self.round} 次，{self.get_kind_display()}）" if self.round > 1 else ""
        return f"{self.village.name} 疑似危房清单{suffix}"

    @property
    def is_late(self) -> bool:
        return timezone.localtime(self.signed_at).date() > self.campaign.list_due

    @property
    def is_current(self) -> bool:
        return self.status not in (VillageListStatus.SUPERSEDED,)


class FollowUp(models.Model):
    """Elderly people in a dangerous house, or a family living in both an old and a new house:
    followed until they have moved to a safe house and the old house is demolished."""

    household = models.ForeignKey(
        "households.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="follow_ups"
    )
    house = models.ForeignKey(
        "households.House", verbose_name="旧房", on_delete=models.PROTECT, related_name="follow_ups"
    )
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    reason = models.CharField("原因", max_length=20, choices=FollowUpReason.choices)
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moved_on = models.DateField("搬入安全住房日期", null=True, blank=True)
    moved_to = models.CharField("安置去向", max_length=200, blank=True)
    moved_photo = models.ImageField("搬迁照片", upload_to="followups/%Y/%m/", blank=True)
    demolished_on = models.DateField("旧房拆除日期", null=True, blank=True)
    demolished_photo = models.ImageField("拆除照片", upload_to="followups/%Y/%m/", blank=True)
    created_at = models.DateTimeField("建立时间", default=timezone.now)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "跟进任务"
        verbose_name_plural = "跟进任务"
        ordering = ["demolished_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "reason"],
                condition=models.Q(demolished_on__isnull=True),
                name="one_open_follow_up_per_house_and_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_reason_display()}跟进"

    @property
    def is_done(self) -> bool:
        return self.moved_on is not None and self.demolished_on is not None

    @property
    def moved_photo_url(self) -> str:
        return file_url("follow-up-moved", self.pk) if self.moved_photo else ""

    @property
    def demolished_photo_url(self) -> str:
        return file_url("follow-up-demolished", self.pk) if self.demolished_photo else ""
