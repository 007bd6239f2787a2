"""Households (农户), their members and key-group statuses, and their houses."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.households.choices import (
    ELDERLY_AGE,
    GENERAL_LABEL,
    Department,
    Grade,
    GradeSource,
    KeyGroup,
    PastProgramme,
    Relation,
    SeismicIntensity,
    Sex,
    StructureType,
)


def age_on(birth: datetime.date | None, day: datetime.date) -> int | None:
    if birth is None:
        return None
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


class HouseholdQuerySet(RegionScopedQuerySet["Household"]):
    region_code_lookup = "region_code"


class Household(models.Model):
    """A rural household (农户), keyed by the head's ID number.

    ``region`` is the village (or group) it is registered in; ``region_code``
    copies its code so scoping and roll-ups filter one indexed column.
    ``primary_group`` is the highest-priority key group it currently holds
    (empty for a general household, 一般农户), kept by the services.
    """

    region = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    group_name = models.CharField("村民小组", max_length=50, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    head_name = models.CharField("户主姓名", max_length=50)
    head_id_number = models.CharField("户主身份证号", max_length=18, unique=True)
    head_sex = models.CharField("户主性别", max_length=1, choices=Sex.choices, editable=False)
    head_birth_date = models.DateField("户主出生日期", editable=False)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    # As a department's list states it (家庭人口); the members registered may be fewer.
    family_size = models.PositiveSmallIntegerField("家庭人口", null=True, blank=True)
    bank_name = models.CharField("开户银行", max_length=50, blank=True)
    bank_account = models.CharField("一卡通账号", max_length=30, blank=True)
    primary_group = models.CharField(
        "重点对象类别", max_length=20, choices=KeyGroup.choices, blank=True, db_index=True, editable=False
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects: ClassVar[HouseholdQuerySet] = HouseholdQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = "农户"
        ordering = ["region_code", "head_name", "pk"]  # the key last: pages never repeat or skip a row
        indexes = [
            models.Index(fields=["region_code", "primary_group"], name="household_region_group_idx"),
            # The list's order (region, head's name): a page is read off this index in order
            # and stops after 25 rows, instead of sorting the whole scope (ADR 0031).
            models.Index(fields=["region_code", "head_name", "id"], name="household_list_order_idx"),
            # The key-group households (~8 %): the 动态清零 list and its counts join the C/D houses
            # to these instead of scanning every household for primary_group <> '' (ADR 0050).
            models.Index(fields=["id"], name="household_key_idx", condition=~models.Q(primary_group="")),
            # The key-group households of one region: a county's 「重点对象」 filter reads its own
            # rows instead of the province's key households in id order (ADR 0054).
            models.Index(
                fields=["region_code", "id"], name="household_key_region_idx", condition=~models.Q(primary_group="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}户"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_key(self) -> bool:
        return bool(self.primary_group)

    @property
    def group_label(self) -> str:
        return KeyGroup(self.primary_group).label if self.primary_group else GENERAL_LABEL

    def head_age(self, day: datetime.date | None = None) -> int | None:
        return age_on(self.head_birth_date, day or timezone.localdate())


class HouseholdPartQuerySet(RegionScopedQuerySet[Any]):
    """Members and statuses are scoped by their household's region."""

    region_code_lookup = "household__region_code"


class Member(models.Model):
    """A member of a household (the head is a member too, relation 户主)."""

    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    relation = models.CharField("与户主关系", max_length=20, choices=Relation.choices)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)

    objects: ClassVar[HouseholdPartQuerySet] = HouseholdPartQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household", "birth_date"]
        # The household search finds a member by whole name (ADR 0031).
        indexes = [models.Index(fields=["name"], name="member_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.household.region_code

    def age(self, day: datetime.date | None = None) -> int | None:
        return age_on(self.birth_date, day or timezone.localdate())

    @property
    def is_elderly(self) -> bool:
        age = self.age()
        return age is not None and age >= ELDERLY_AGE


class HouseholdStatus(models.Model):
    """One key-group status of a household, as certified by a department.

    ``ended_on`` is set when the household leaves the group (出列); the row is kept.
    """

    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="statuses")
    group = models.CharField("类别", max_length=20, choices=KeyGroup.choices)
    department = models.CharField("认定部门", max_length=30, choices=Department.choices)
    # The list's own 认定部门 cell (e.g. 「渔泽镇人民政府」), when it names the certifying office.
    certifying_body = models.CharField("认定单位", max_length=100, blank=True)
    certified_on = models.DateField("认定日期")
    ended_on = models.DateField("出列日期", null=True, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    list_import = models.ForeignKey(
        "ListImport",
        verbose_name="来源名单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statuses",
        editable=False,
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now, editable=False)

    objects: ClassVar[HouseholdPartQuerySet] = HouseholdPartQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "重点对象身份"
        verbose_name_plural = "重点对象身份"
        ordering = ["household", "-certified_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "group"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_status_per_group",
                violation_error_message="该户已持有这一类别的有效身份。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_group_display()}"

    @property
    def audit_region_code(self) -> str:
        return self.household.region_code

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class HouseQuerySet(RegionScopedQuerySet["House"]):
    region_code_lookup = "region_code"


class House(models.Model):
    """A house (房屋) owned by a household. A household has at most one only house (唯一住房)."""

    # Indexed by ``house_household_structure_idx`` below (the household first), not on its own.
    household = models.ForeignKey(
        Household, verbose_name="户主家庭", on_delete=models.PROTECT, related_name="houses", db_index=False
    )
    region = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    group_name = models.CharField("村民小组", max_length=50, blank=True)
    address = models.CharField("房屋地址", max_length=200, blank=True)
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    structure = models.CharField("结构类型", max_length=20, choices=StructureType.choices)
    build_year = models.PositiveSmallIntegerField(
        "建造年份", null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    storeys = models.PositiveSmallIntegerField(
        "层数", default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    bays = models.PositiveSmallIntegerField("开间数", null=True, blank=True, validators=[MaxValueValidator(50)])
    floor_area = models.DecimalField(
        "建筑面积（㎡）", max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    wall_material = models.CharField("墙体材料", max_length=50, blank=True)
    roof_material = models.CharField("屋面材料", max_length=50, blank=True)
    seismic_intensity = models.PositiveSmallIntegerField(
        "设防烈度", choices=SeismicIntensity.choices, null=True, blank=True
    )
    is_only_house = models.BooleanField("唯一住房", default=True)
    is_occupied = models.BooleanField("是否住人", default=True)
    occupants = models.PositiveSmallIntegerField("居住人数", default=0)
    elderly_occupants = models.PositiveSmallIntegerField("其中 60 岁以上老人", default=0)
    lives_in_two_houses = models.BooleanField("新旧房屋两头住", default=False)
    is_traditional = models.BooleanField("传统民居", default=False)
    renovated_year = models.PositiveSmallIntegerField(
        "曾改造年份",
        null=True,
        blank=True,
        validators=[MinValueValidator(1980), MaxValueValidator(2100)],
        help_text="历年农村危房改造中已改造的，填改造年份",
    )
    renovation_programme = models.CharField(
        "曾改造类型", max_length=20, choices=PastProgramme.choices, blank=True, help_text="曾改造的，选择当时的项目"
    )
    # Kept by the inspection services from the latest inspection (requirements §5).
    suspected_grade = models.CharField(
        "排查初判等级", max_length=1, choices=Grade.choices, blank=True, db_index=True, editable=False
    )
    last_inspected_at = models.DateTimeField("最近排查时间", null=True, blank=True, editable=False)
    # Kept by the appraisal services from the latest appraisal (requirements §6: the latest counts).
    appraised_grade = models.CharField(
        "鉴定等级", max_length=1, choices=Grade.choices, blank=True, db_index=True, editable=False
    )
    appraised_on = models.DateField("最近鉴定日期", null=True, blank=True, editable=False)
    # The one current state of the house (ADR 0021), written only by ``anju.households.safety``:
    # the grade that counts now, which act set it and when. Every list, count, board, map and
    # rule reads these, never the inspection's or the appraisal's own grade.
    current_grade = models.CharField(
        "当前安全等级", max_length=1, choices=Grade.choices, blank=True, db_index=True, editable=False
    )
    grade_source = models.CharField("等级来源", max_length=12, choices=GradeSource.choices, blank=True, editable=False)
    grade_on = models.DateField("等级日期", null=True, blank=True, editable=False)
    # Written by 销号 (with renovated_year and renovation_programme): the case that renovated it.
    renovated_case = models.ForeignKey(
        "cases.RenovationCase",
        verbose_name="改造案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # A copy of "its household is a key household" (``household.primary_group != ''``), kept by
    # the household services that set the group (``recompute_primary_group``, the list import,
    # ``house_create``) so that the summaries and the map's cells group the houses without joining
    # every household (ADR 0053). Never edited; ``anju.households.services.key_flags_repair`` finds
    # and mends a drift.
    key_household = models.BooleanField("重点对象家庭的房屋", default=False, editable=False)
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects: ClassVar[HouseQuerySet] = HouseQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "房屋"
        verbose_name_plural = "房屋"
        ordering = ["region_code", "household", "pk"]
        indexes = [
            # A household's houses (the foreign key's index), with their structure: the household
            # list's 「房屋结构」 filter is answered from the index alone (ADR 0054).
            models.Index(fields=["household", "structure"], name="house_household_structure_idx"),
            # The C/D houses (~3 %) of a region with what the 动态清零 list orders by: the list, its
            # count and the summaries' key_in_cd read them off this index (ADR 0050).
            models.Index(
                fields=["region_code", "household", "grade_on", "id"],
                name="house_cd_region_idx",
                condition=models.Q(current_grade__in=["C", "D"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(is_only_house=True),
                name="one_only_house_per_household",
                violation_error_message="该户已登记唯一住房。",
            ),
            models.CheckConstraint(
                condition=models.Q(elderly_occupants__lte=models.F("occupants")),
                name="elderly_within_occupants",
                violation_error_message="60 岁以上老人数不能多于居住人数。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household.head_name}户 {self.address or self.get_structure_display()}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_dangerous(self) -> bool:
        """C or D now: appraised so, or suspected by an inspection and awaiting appraisal."""
        return self.current_grade in ("C", "D")

    @property
    def days_at_grade(self) -> int | None:
        return (timezone.localdate() - self.grade_on).days if self.grade_on else None

    @property
    def awaiting_appraisal(self) -> bool:
        return self.is_dangerous and self.grade_source == GradeSource.INSPECTION

    @property
    def grade_text(self) -> str:
        """「D 级（鉴定 2026-03-02）」 — the grade as every screen shows it."""
        if not self.current_grade:
            return "未排查"
        source = GradeSource(self.grade_source).label if self.grade_source else ""
        on = f" {self.grade_on:%Y-%m-%d}" if self.grade_on else ""
        return f"{self.current_grade} 级（{source}{on}）"

    @property
    def outside_guideline(self) -> bool:
        """The 2019 appraisal guideline covers 1–2 storeys; 3+ needs GB 50292."""
        return self.storeys >= 3


class SupportRecordQuerySet(RegionScopedQuerySet["SupportRecord"]):
    region_code_lookup = "household__region_code"


class SupportRecord(models.Model):
    """A person who is (or was) supported by a renovation case, kept by ID number (ADR 0021).

    Written when a case opens for every member of its household, marked completed at 销号, and
    removed if the case ends unpaid. Because it is keyed by the person, a member who later moves
    to another household is still known to have been supported: no family is paid twice."""

    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    name = models.CharField("姓名", max_length=50)
    household = models.ForeignKey(
        Household, verbose_name="受助时所在农户", on_delete=models.PROTECT, related_name="support_records"
    )
    house = models.ForeignKey(
        House, verbose_name="改造房屋", null=True, blank=True, on_delete=models.PROTECT, related_name="support_records"
    )
    case = models.ForeignKey(
        "cases.RenovationCase", verbose_name="改造案件", on_delete=models.CASCADE, related_name="support_records"
    )
    case_label = models.CharField("案件", max_length=100)
    programme = models.CharField("项目", max_length=20, choices=PastProgramme.choices)
    year = models.PositiveSmallIntegerField("年度")
    completed_on = models.DateField("销号日期", null=True, blank=True)

    objects: ClassVar[SupportRecordQuerySet] = SupportRecordQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "受助记录"
        verbose_name_plural = "受助记录"
        ordering = ["id_number", "year"]
        constraints = [models.UniqueConstraint(fields=["case", "id_number"], name="one_support_record_per_case")]

    def __str__(self) -> str:
        return f"{self.name} {self.case_label}"

    @property
    def audit_region_code(self) -> str:
        return self.household.region_code

    @property
    def text(self) -> str:
        return support_text(self.name, self.case_label, self.year, self.programme, self.completed_on)


def support_text(name: str, case_label: str, year: int, programme: str, completed_on: datetime.date | None) -> str:
    """How a support record reads (a decision's facts quote it), from its values alone: the
    set-based eligibility refresh reads records as tuples (ADR 0048)."""
    state = "已销号" if completed_on else "改造中"
    label = PastProgramme(programme).label if programme in PastProgramme.values else programme
    return f"{name}（{case_label}，{year} 年{label}，{state}）"


# The house facts a user records (requirements §4), in form order. Forms, the API,
# the services' audit snapshots and the exports all use this one list.
HOUSE_DATA_FIELDS: tuple[str, ...] = (
    "group_name",
    "address",
    "structure",
    "build_year",
    "storeys",
    "bays",
    "floor_area",
    "wall_material",
    "roof_material",
    "seismic_intensity",
    "is_only_house",
    "is_occupied",
    "occupants",
    "elderly_occupants",
    "lives_in_two_houses",
    "is_traditional",
    "renovated_year",
    "renovation_programme",
    "latitude",
    "longitude",
)


class ListImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "无法读取"
    CANCELLED = "cancelled", "已取消"


class ListImportQuerySet(RegionScopedQuerySet["ListImport"]):
    region_code_lookup = "region_code"


class ListImport(models.Model):
    """One department list uploaded by a user: the original file, what it would
    change (the preview), and, once committed, what it changed."""

    department = models.CharField("报送部门", max_length=30, choices=Department.choices)
    group = models.CharField(
        "名单类别", max_length=20, choices=KeyGroup.choices, blank=True, help_text="留空表示按表中「类别」列逐行识别"
    )
    list_date = models.DateField("名单日期")
    original = models.FileField("原始文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    # The preview's full result, one CSV line per change (and per invalid row): what the commit
    # applies, streamed, and what the error report lists. ``preview`` holds counts and samples.
    plan = models.FileField("比对结果", upload_to="imports/plans/%Y/%m/", blank=True)
    sha256 = models.CharField("文件指纹", max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=ListImportStatus.choices, default=ListImportStatus.PREVIEWED
    )
    region_code = models.CharField("导入范围", max_length=15, db_index=True)
    mapping = models.JSONField("列对应", default=dict, blank=True)
    counts = models.JSONField("统计", default=dict, blank=True)
    preview = models.JSONField("预览", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    objects: ClassVar[ListImportQuerySet] = ListImportQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "名单导入"
        verbose_name_plural = "名单导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_department_display()}名单 {self.original_name}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class ColumnMapping(models.Model):
    """A column mapping saved per source (department + header layout) and reused."""

    department = models.CharField("部门", max_length=30, choices=Department.choices)
    header_signature = models.CharField("表头特征", max_length=64)
    mapping = models.JSONField("列对应")  # field -> header text
    region_code = models.CharField("区划代码", max_length=15)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "列对应方案"
        verbose_name_plural = "列对应方案"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "header_signature", "region_code"], name="one_mapping_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()} {self.header_signature[:8]}"


class VillageAlias(models.Model):
    """A village as department lists write it (``渔泽村``, with or without its 乡镇), mapped once
    by an importer to a division of the county and reused by later imports (ADR 0022)."""

    county_code = models.CharField("县级区划代码", max_length=15, db_index=True)
    township_key = models.CharField("乡镇（表中写法）", max_length=100, blank=True)
    name_key = models.CharField("村名（表中写法）", max_length=100)
    written = models.CharField("表中原文", max_length=200)
    village = models.ForeignKey(
        "regions.Region", verbose_name="对应的村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "村名对应"
        verbose_name_plural = "村名对应"
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "township_key", "name_key"], name="one_village_alias_per_written_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.written} → {self.village_id}"

    @property
    def audit_region_code(self) -> str:
        return self.county_code


class HistoryImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    REFUSED = "refused", "文件被拒收"
    COMMITTED = "committed", "已导入"
    CANCELLED = "cancelled", "已取消"


class HistoryImportQuerySet(RegionScopedQuerySet["HistoryImport"]):
    region_code_lookup = "region_code"


class HistoryImport(models.Model):
    """A county's export of past renovations from the national 农村危房改造信息系统 (ADR 0041):
    the file, its column mapping, the preview (valid rows to write, each invalid row with its
    reasons) and whether it was committed."""

    region_code = models.CharField("导入范围", max_length=15, db_index=True)
    original = models.FileField("原始文件", upload_to="history/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件指纹", max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=12, choices=HistoryImportStatus.choices, default=HistoryImportStatus.PREVIEWED
    )
    mapping = models.JSONField("列对应", default=dict, blank=True)
    counts = models.JSONField("统计", default=dict, blank=True)
    rows = models.JSONField("有效行", default=list, blank=True)
    invalid = models.JSONField("无效行", default=list, blank=True)
    error = models.TextField("拒收原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    objects: ClassVar[HistoryImportQuerySet] = HistoryImportQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "历史改造记录导入"
        verbose_name_plural = "历史改造记录导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"历史改造记录 {self.original_name}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code


class RenovationHistoryQuerySet(RegionScopedQuerySet["RenovationHistory"]):
    region_code_lookup = "region_code"


class RenovationHistory(models.Model):
    """A renovation the national system already holds (ADR 0041): kept by ID number like the
    support records (ADR 0021), linked to the household and its only house when the person is
    registered, so the second-subsidy guard, the anomaly checks and the watch list see it."""

    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    head_name = models.CharField("户主姓名", max_length=50)
    address = models.CharField("地址", max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField("改造年度")
    method = models.CharField("改造方式", max_length=50)
    amount = models.DecimalField("补助金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name="农户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="past_renovations",
    )
    house = models.ForeignKey(
        House, verbose_name="房屋", null=True, blank=True, on_delete=models.SET_NULL, related_name="past_renovations"
    )
    source = models.ForeignKey(HistoryImport, verbose_name="来源文件", on_delete=models.PROTECT, related_name="records")
    created_at = models.DateTimeField("导入时间", default=timezone.now)

    objects: ClassVar[RenovationHistoryQuerySet] = RenovationHistoryQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "历史改造记录"
        verbose_name_plural = "历史改造记录"
        ordering = ["id_number", "year"]
        constraints = [
            models.UniqueConstraint(fields=["id_number", "year"], name="one_past_renovation_per_person_year")
        ]

    def __str__(self) -> str:
        return f"{self.head_name} {self.year} 年{self.method}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def text(self) -> str:
        money = f"，补助 {self.amount:,.0f} 元" if self.amount is not None else ""
        return f"{self.head_name}（{self.year} 年{self.method}{money}，国家农村危房改造信息系统记录）"
