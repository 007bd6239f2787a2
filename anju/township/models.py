"""The township office's duties beyond the dangerous-house cases (issue 22, the 鹿鸣乡 notice
二、3–5 and 三): traditional villages and their houses, living-environment projects, trainings
and 三师下乡 visits, craftsmen, publicity, and each village's 住房保障工作专班 with the tasks its
members are given. Every row carries the region code it belongs to, so every read is scoped like
the rest of anju (``visible_to``)."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.kit.photos import PhotoRecord
from anju.kit.versioning import ConfigQuerySet, VersionedConfig, version_constraints
from anju.township.choices import (
    ExpertKind,
    HouseCondition,
    ProjectKind,
    ProjectStatus,
    ProtectionGrade,
    PublicityForm,
    TaskKind,
    TeamRole,
    TrainingCategory,
    VillageLevel,
)


class DutyPolicy(VersionedConfig):
    """One version of the township duties' numbers and lists (``township.policy``): how often a
    project reports and a traditional house is checked, the photo limit, and each protection
    grade's requirements added to a traditional house's acceptance checklist."""

    content = models.JSONField("内容", default=dict)
    kind_label = "乡镇职责规则"

    objects: ClassVar[ConfigQuerySet] = ConfigQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check
    body_field = "content"

    class Meta(VersionedConfig.Meta):
        verbose_name = "乡镇职责规则"
        verbose_name_plural = "乡镇职责规则"
        constraints = version_constraints("dutypolicy")


class ScopedQuerySet(RegionScopedQuerySet[models.Model]):
    region_code_lookup = "region_code"


class Scoped(models.Model):
    """A row with the region code of the place it belongs to (the audit trail files it there)."""

    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        abstract = True

    @property
    def audit_region_code(self) -> str:
        return self.region_code


# --- traditional villages ------------------------------------------------------------------------


class TraditionalVillage(Scoped):
    """A protected traditional village (传统村落), with its protection plan."""

    region = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("村落名称", max_length=100)
    level = models.CharField("保护级别", max_length=20, choices=VillageLevel.choices)
    listed_year = models.PositiveSmallIntegerField("列入年份", null=True, blank=True)
    protection_plan = models.TextField("保护发展规划", blank=True)
    plan_approved_on = models.DateField("规划批复日期", null=True, blank=True)

    class Meta:
        verbose_name = "传统村落"
        verbose_name_plural = "传统村落"
        ordering = ["region_code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="township_village_name")]

    def __str__(self) -> str:
        return self.name


class TraditionalHouse(Scoped):
    """A traditional house (传统民居) of a traditional village. When it is also a house of the
    registry, a renovation case of that house shows its protection requirements and its
    acceptance checklist adds the grade's items."""

    village = models.ForeignKey(
        TraditionalVillage, verbose_name="传统村落", on_delete=models.PROTECT, related_name="houses"
    )
    house = models.OneToOneField(
        "households.House",
        verbose_name="登记的房屋",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="traditional",
    )
    name = models.CharField("民居名称", max_length=100)
    owner_name = models.CharField("产权人", max_length=50)
    built_era = models.CharField("建筑年代", max_length=40)
    structure = models.CharField("结构", max_length=40)
    grade = models.CharField("保护等级", max_length=20, choices=ProtectionGrade.choices)
    requirements = models.TextField("保护要求", blank=True, help_text="本栋民居的具体保护要求，一行一条")

    class Meta:
        verbose_name = "传统民居"
        verbose_name_plural = "传统民居"
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return f"{self.village.name} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("township:house_detail", kwargs={"pk": self.pk})

    @property
    def requirement_lines(self) -> list[str]:
        return [line.strip() for line in self.requirements.splitlines() if line.strip()]


class TraditionalHousePhoto(PhotoRecord):
    house = models.ForeignKey(TraditionalHouse, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "township"

    class Meta:
        verbose_name = "传统民居照片"
        verbose_name_plural = "传统民居照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.house} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return reverse("township:photo", kwargs={"kind": "house", "pk": self.pk})


class HouseCheck(Scoped):
    """One inspection of a traditional house (巡查), by a team member or an officer."""

    house = models.ForeignKey(
        TraditionalHouse, verbose_name="传统民居", on_delete=models.CASCADE, related_name="checks"
    )
    checked_on = models.DateField("巡查日期")
    checker = models.CharField("巡查人", max_length=50)
    condition = models.CharField("保存状况", max_length=20, choices=HouseCondition.choices)
    note = models.TextField("情况说明", blank=True)
    task = models.ForeignKey(
        "TeamTask", verbose_name="巡查任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "传统民居巡查"
        verbose_name_plural = "传统民居巡查"
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.house} {self.checked_on:%Y-%m-%d} 巡查"


# --- living-environment projects -------------------------------------------------------------------


class Project(Scoped):
    """A living-environment project or demonstration site (人居环境示范点, 美丽宜居示范乡镇项目):
    planned and actual dates, budget, responsible unit, progress reports, completion and acceptance."""

    township = models.ForeignKey("regions.Region", verbose_name="乡镇/街道", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name="项目地点", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("项目名称", max_length=120)
    kind = models.CharField("项目类型", max_length=20, choices=ProjectKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    budget = models.DecimalField("预算（万元）", max_digits=10, decimal_places=2)
    responsible_unit = models.CharField("责任单位", max_length=100)
    planned_start = models.DateField("计划开工")
    planned_end = models.DateField("计划完工")
    actual_start = models.DateField("实际开工", null=True, blank=True)
    actual_end = models.DateField("实际完工", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("形象进度（%）", default=0)
    status = models.CharField("状态", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    acceptance_note = models.TextField("验收意见", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "人居环境项目"
        verbose_name_plural = "人居环境项目"
        ordering = ["region_code", "planned_end", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("township:project_detail", kwargs={"pk": self.pk})

    def late_reason(self, today: datetime.date | None = None) -> str:
        """Why the project is late today ("" when it is not): past its planned end and not
        completed, or past its planned start and not started."""
        today = today or timezone.localdate()
        if self.status in (ProjectStatus.PLANNED, ProjectStatus.UNDER_WAY) and self.planned_end < today:
            return f"计划 {self.planned_end:%Y-%m-%d} 完工，已逾期 {(today - self.planned_end).days} 天"
        if self.status == ProjectStatus.PLANNED and self.planned_start < today:
            return f"计划 {self.planned_start:%Y-%m-%d} 开工，尚未开工"
        return ""


class ProjectReport(models.Model):
    """One progress report on a project (进度报告), with photos."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField("报告日期")
    progress = models.PositiveSmallIntegerField("形象进度（%）")
    text = models.TextField("进展情况")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "项目进度报告"
        verbose_name_plural = "项目进度报告"
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.reported_on:%Y-%m-%d} {self.progress}%"

    @property
    def audit_region_code(self) -> str:
        return self.project.region_code


class ProjectPhoto(PhotoRecord):
    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "township"

    class Meta:
        verbose_name = "项目照片"
        verbose_name_plural = "项目照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.report} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return reverse("township:photo", kwargs={"kind": "project", "pk": self.pk})


# --- craftsmen, trainings, 三师下乡 --------------------------------------------------------------


class Craftsman(Scoped):
    """A rural construction craftsman (乡村建设工匠). The cases he built are those whose builder
    certificate number is his (``RenovationCase.builder_cert_no``)."""

    region = models.ForeignKey("regions.Region", verbose_name="所在地", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    certificate_no = models.CharField("培训证书编号", max_length=50, unique=True)
    certified_on = models.DateField("发证日期", null=True, blank=True)
    skills = models.CharField("工种", max_length=100, blank=True)

    class Meta:
        verbose_name = "乡村建设工匠"
        verbose_name_plural = "乡村建设工匠"
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"


def signin_upload_to(instance: TrainingSession, filename: str) -> str:
    return f"township/signin/{timezone.now():%Y/%m}/{filename}"


class TrainingSession(Scoped):
    """A training session (培训): topic, trainer, dates, hours, attendees from the users and the
    craftsmen, photos and the sign-in sheet (an image or a PDF)."""

    region = models.ForeignKey("regions.Region", verbose_name="举办地", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("培训主题", max_length=120)
    category = models.CharField("培训类别", max_length=20, choices=TrainingCategory.choices)
    trainer = models.CharField("授课人", max_length=60)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    place = models.CharField("地点", max_length=100)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="参训人员", blank=True, related_name="+")
    craftsmen = models.ManyToManyField(Craftsman, verbose_name="参训工匠", blank=True, related_name="trainings")
    signin_sheet = models.FileField("签到表", upload_to=signin_upload_to, blank=True)
    signin_type = models.CharField(max_length=40, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("township:training_detail", kwargs={"pk": self.pk})


class TrainingPhoto(PhotoRecord):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "township"

    class Meta:
        verbose_name = "培训照片"
        verbose_name_plural = "培训照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.session} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return reverse("township:photo", kwargs={"kind": "training", "pk": self.pk})


class ExpertVisit(Scoped):
    """A 三师下乡 visit: a planner, architect or engineer to a village, the advice given and how
    it was followed up."""

    region = models.ForeignKey("regions.Region", verbose_name="服务村", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("服务日期")
    expert_name = models.CharField("专家姓名", max_length=60)
    expert_kind = models.CharField("专家类别", max_length=20, choices=ExpertKind.choices)
    organisation = models.CharField("所在单位", max_length=100, blank=True)
    advice = models.TextField("指导意见")
    follow_up = models.TextField("落实情况", blank=True)
    followed_up_on = models.DateField("落实日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "三师下乡"
        verbose_name_plural = "三师下乡"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_expert_kind_display()}{self.expert_name}"


# --- publicity ---------------------------------------------------------------------------------------


class PublicityActivity(Scoped):
    """A policy publicity activity (宣传): date, place, form, audience, materials, photos."""

    region = models.ForeignKey(
        "regions.Region", verbose_name="地点所在区划", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    form = models.CharField("形式", max_length=20, choices=PublicityForm.choices)
    audience = models.PositiveIntegerField("受众人数")
    summary = models.TextField("宣传内容")
    materials = models.CharField("宣传资料", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "政策宣传"
        verbose_name_plural = "政策宣传"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.place} {self.get_form_display()}"


class PublicityPhoto(PhotoRecord):
    activity = models.ForeignKey(PublicityActivity, on_delete=models.CASCADE, related_name="photos")
    upload_dir = "township"

    class Meta:
        verbose_name = "宣传照片"
        verbose_name_plural = "宣传照片"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.activity} 照片 {self.pk}"

    @property
    def view_url(self) -> str:
        return reverse("township:photo", kwargs={"kind": "publicity", "pk": self.pk})


# --- village working teams ---------------------------------------------------------------------------


class WorkingTeam(Scoped):
    """A village's 住房保障工作专班: it inspects and follows up; its members are the assignees
    of inspection tasks and their reminders."""

    region = models.OneToOneField("regions.Region", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    established_on = models.DateField("成立日期")
    duties = models.TextField("职责", blank=True)

    class Meta:
        verbose_name = "住房保障工作专班"
        verbose_name_plural = "住房保障工作专班"
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.region.name}住房保障工作专班"


class TeamMemberQuerySet(RegionScopedQuerySet["TeamMember"]):
    region_code_lookup = "team__region_code"


class TeamMember(models.Model):
    """One member of a working team, for a period (``until`` empty while serving)."""

    team = models.ForeignKey(WorkingTeam, verbose_name="专班", on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("专班职务", max_length=20, choices=TeamRole.choices)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    since = models.DateField("任职起")
    until = models.DateField("任职止", null=True, blank=True)

    objects: ClassVar[TeamMemberQuerySet] = TeamMemberQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "专班成员"
        verbose_name_plural = "专班成员"
        ordering = ["team_id", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    @property
    def audit_region_code(self) -> str:
        return self.team.region_code

    @property
    def is_serving(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()


class TeamTaskQuerySet(RegionScopedQuerySet["TeamTask"]):
    region_code_lookup = "region_code"

    def open(self) -> TeamTaskQuerySet:
        return self.filter(done_on__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> TeamTaskQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class TeamTask(models.Model):
    """An inspection or follow-up task given to a member of a village's working team, with a due
    date; the member's and the township's home pages remind them until it is done."""

    team = models.ForeignKey(WorkingTeam, verbose_name="专班", on_delete=models.CASCADE, related_name="tasks")
    region_code = models.CharField("区划代码", max_length=15, db_index=True, editable=False)
    assignee = models.ForeignKey(TeamMember, verbose_name="责任人", on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField("任务类型", max_length=20, choices=TaskKind.choices)
    title = models.CharField("任务内容", max_length=200)
    traditional_house = models.ForeignKey(
        TraditionalHouse, verbose_name="传统民居", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField("完成期限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_note = models.TextField("完成情况", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects: ClassVar[TeamTaskQuerySet] = TeamTaskQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "专班任务"
        verbose_name_plural = "专班任务"
        ordering = ["done_on", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.assignee.name}：{self.title}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()
