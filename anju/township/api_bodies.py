"""Request bodies of the township duties' API writes: the types only. The rules (who may act,
the region, dates, duplicates, the photo limit) are the services'; a refusal comes back in
Chinese through ``core.api_errors``. Choice fields are plain strings (the service checks the
value) so that drf-spectacular names no enum twice."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from anju.core.api_base import MAX_FILTER_NUMBER
from anju.township.choices import (
    ExpertKind,
    HouseCondition,
    ProjectKind,
    ProtectionGrade,
    PublicityForm,
    TaskKind,
    TeamRole,
    TrainingCategory,
    VillageLevel,
)


def _choices(choices: Any) -> str:
    return "、".join(f"{value}（{label}）" for value, label in choices)


def _id(help_text: str, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_FILTER_NUMBER, help_text=help_text, **kwargs)


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)


def _optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, required=False, default="")


REGION_HELP = "区划代码（12 位）；须在您的管辖范围内"
PHOTOS_HELP = "现场照片，可多张（张数上限按乡镇职责规则）"


class VillageBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(max_length=12, help_text=f"村（社区）的{REGION_HELP}")
    name = _text(100)
    level = serializers.CharField(max_length=20, help_text=f"保护级别：{_choices(VillageLevel.choices)}")
    listed_year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    protection_plan = _optional_text(2000)
    plan_approved_on = serializers.DateField(required=False, allow_null=True)


class HouseBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    village = _id("传统村落编号")
    house = _id("关联的农房编号（可省略）", required=False, allow_null=True)
    name = _text(100)
    owner_name = _text(50)
    built_era = _text(40)
    structure = _text(40)
    grade = serializers.CharField(max_length=20, help_text=f"保护等级：{_choices(ProtectionGrade.choices)}")
    requirements = _optional_text(2000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text=PHOTOS_HELP)


class HouseCheckBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    house = _id("传统民居编号")
    checked_on = serializers.DateField()
    checker = _text(50)
    condition = serializers.CharField(max_length=20, help_text=f"保存状况：{_choices(HouseCondition.choices)}")
    note = _optional_text(1000)
    task = _id("所完成的专班巡查任务编号（可省略）", required=False, allow_null=True)


class ProjectBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(max_length=12, help_text=f"乡镇或村的{REGION_HELP}")
    name = _text(120)
    kind = serializers.CharField(max_length=20, help_text=f"项目类型：{_choices(ProjectKind.choices)}")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    budget = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="预算（万元）")
    responsible_unit = _text(100)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()


class ReportBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    reported_on = serializers.DateField()
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="形象进度（%）；100 即完工")
    text = _text(2000, help_text="进展情况")
    actual_start = serializers.DateField(required=False, allow_null=True, help_text="实际开工日期（首次报告时）")
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text=PHOTOS_HELP)


class AcceptBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    accepted_on = serializers.DateField()
    note = _text(1000, help_text="验收意见")


class CraftsmanBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(max_length=12, help_text=REGION_HELP)
    name = _text(50)
    certificate_no = _text(50, help_text="培训证书编号（唯一）")
    phone = _optional_text(20)
    certified_on = serializers.DateField(required=False, allow_null=True)
    skills = _optional_text(100)


class TrainingBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(max_length=12, help_text=f"组织培训的{REGION_HELP}")
    topic = _text(120)
    category = serializers.CharField(max_length=20, help_text=f"培训类别：{_choices(TrainingCategory.choices)}")
    trainer = _text(60)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="学时")
    place = _text(100)
    attendees = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, help_text="参训人员的用户名"
    )
    craftsmen = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_FILTER_NUMBER),
        required=False,
        help_text="参训工匠编号",
    )
    signin_sheet = serializers.FileField(required=False, help_text="签到表（图片或 PDF）")
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text=PHOTOS_HELP)


class ExpertVisitBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(max_length=12, help_text=f"服务的村（社区）的{REGION_HELP}")
    visited_on = serializers.DateField()
    expert_name = _text(60)
    expert_kind = serializers.CharField(max_length=20, help_text=f"专家类别：{_choices(ExpertKind.choices)}")
    organisation = _optional_text(100)
    advice = _text(2000, help_text="指导意见")


class FollowUpBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    follow_up = _text(2000, help_text="落实情况")
    followed_up_on = serializers.DateField()


class PublicityBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(max_length=12, help_text=REGION_HELP)
    held_on = serializers.DateField()
    place = _text(100)
    form = serializers.CharField(max_length=20, help_text=f"宣传形式：{_choices(PublicityForm.choices)}")
    audience = serializers.IntegerField(min_value=0, max_value=1_000_000, help_text="受众人数")
    summary = _text(2000, help_text="宣传内容")
    materials = _optional_text(200)
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text=PHOTOS_HELP)


class TeamBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(max_length=12, help_text=f"村（社区）的{REGION_HELP}")
    established_on = serializers.DateField()
    duties = _optional_text(2000)


class MemberBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    team = _id("专班编号")
    name = _text(50)
    role = serializers.CharField(max_length=20, help_text=f"专班职务：{_choices(TeamRole.choices)}")
    since = serializers.DateField()
    until = serializers.DateField(required=False, allow_null=True)
    phone = _optional_text(20)
    user = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", help_text="系统账号用户名"
    )


class TaskBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    team = _id("专班编号")
    assignee = _id("责任人（专班成员编号）")
    kind = serializers.CharField(max_length=20, help_text=f"任务类型：{_choices(TaskKind.choices)}")
    title = _text(200)
    due_on = serializers.DateField()
    traditional_house = _id("巡查的传统民居编号（可省略）", required=False, allow_null=True)


class CompleteBody(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    done_on = serializers.DateField()
    note = _text(1000, help_text="完成情况")
