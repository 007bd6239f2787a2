"""Forms of the township duties' pages. They parse and show errors beside the fields; the rules
(role, region, dates, overlaps, attendees, files) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from anju.accounts.models import User
from anju.households.models import House
from anju.inspections.forms import MultiplePhotoField
from anju.kit.forms import DateField, style_form
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
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
from anju.township.models import (
    Craftsman,
    TeamMember,
    TeamTask,
    TraditionalHouse,
    TraditionalVillage,
    WorkingTeam,
)

YEAR_CHOICES = [(y, f"{y} 年") for y in range(2023, timezone.localdate().year + 2)]
QUARTER_CHOICES = [(q, f"第 {q} 季度") for q in (1, 2, 3, 4)]


class PlaceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: ModelChoiceField is generic in the stubs only; not subscriptable at runtime
    def label_from_instance(self, obj: Region) -> str:
        if obj.level == RegionLevel.VILLAGE and obj.parent is not None:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


def places(user: Any, *levels: int) -> Any:
    return Region.objects.visible_to(user).filter(level__in=levels).select_related("parent").order_by("code")


class QuarterForm(forms.Form):
    township = PlaceField(label="乡镇/街道", queryset=Region.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label="年度", choices=YEAR_CHOICES, coerce=int)
    quarter = forms.TypedChoiceField(label="季度", choices=QUARTER_CHOICES, coerce=int)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = places(user, RegionLevel.TOWNSHIP)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        style_form(self)


class HouseCheckForm(forms.Form):
    checked_on = DateField(label="巡查日期", error_messages={"required": "请填写巡查日期。"})
    checker = forms.CharField(label="巡查人", max_length=50, error_messages={"required": "请填写巡查人。"})
    condition = forms.ChoiceField(
        label="保存状况", choices=HouseCondition.choices, error_messages={"required": "请选择保存状况。"}
    )
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    task = forms.ModelChoiceField(
        label="对应的巡查任务（可选）", queryset=TeamTask.objects.none(), required=False, empty_label="（无）"
    )

    def __init__(self, *args: Any, tasks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["checked_on"].initial = timezone.localdate()
        style_form(self)


class ProjectReportForm(forms.Form):
    reported_on = DateField(label="报告日期", error_messages={"required": "请填写报告日期。"})
    progress = forms.IntegerField(
        label="形象进度（%）",
        min_value=0,
        max_value=100,
        error_messages={
            "required": "请填写形象进度。",
            "invalid": "形象进度应为 0–100 的整数。",
            "min_value": "形象进度应为 0–100 的整数。",
            "max_value": "形象进度应为 0–100 的整数。",
        },
    )
    actual_start = DateField(label="实际开工日期（首次报告时填写）", required=False)
    text = forms.CharField(
        label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写进展情况。"}
    )
    photos = MultiplePhotoField(label="现场照片（可多张）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()
        style_form(self)


class ProjectAcceptForm(forms.Form):
    accepted_on = DateField(label="验收日期", error_messages={"required": "请填写验收日期。"})
    note = forms.CharField(
        label="验收意见",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="经验收，项目按设计内容完成，同意通过验收。",
        error_messages={"required": "请填写验收意见。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accepted_on"].initial = timezone.localdate()
        style_form(self)


class AttendeeField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs: generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name()}（{obj.organization or (obj.region.name if obj.region else '')}）"


class TrainingForm(forms.Form):
    region = PlaceField(
        label="举办地",
        queryset=Region.objects.none(),
        empty_label="请选择乡镇或村",
        error_messages={"required": "请选择举办地。", "invalid_choice": "请选择您管辖范围内的乡镇或村。"},
    )
    topic = forms.CharField(label="培训主题", max_length=120, error_messages={"required": "请填写培训主题。"})
    category = forms.ChoiceField(
        label="培训类别", choices=TrainingCategory.choices, error_messages={"required": "请选择培训类别。"}
    )
    trainer = forms.CharField(label="授课人", max_length=60, error_messages={"required": "请填写授课人。"})
    starts_on = DateField(label="开始日期", error_messages={"required": "请填写开始日期。"})
    ends_on = DateField(label="结束日期", error_messages={"required": "请填写结束日期。"})
    hours = forms.DecimalField(
        label="学时",
        max_digits=5,
        decimal_places=1,
        error_messages={"required": "请填写学时。", "invalid": "学时应为数字，如 4 或 3.5。"},
    )
    place = forms.CharField(label="地点", max_length=100, error_messages={"required": "请填写地点。"})
    attendees = AttendeeField(
        label="参训人员（系统用户）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选人员不在您的管辖范围内。"},
    )
    craftsmen = forms.ModelMultipleChoiceField(
        label="参训工匠",
        queryset=Craftsman.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选工匠不在您的管辖范围内。"},
    )
    signin_sheet = forms.FileField(
        label="签到表（照片或 PDF）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    photos = MultiplePhotoField(label="培训照片（可多张）", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places(user, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["attendees"].queryset = (  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
            User.objects.filter(is_active=True, region__code__subtree=_prefix(user))
            .select_related("region")
            .order_by("region__code", "username")
        )
        self.fields["craftsmen"].queryset = Craftsman.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today
        style_form(self)


def _prefix(user: Any) -> str:
    from anju.core.scoping import user_scope_prefix

    prefix = user_scope_prefix(user)
    return "\x00" if prefix is None else prefix  # no scope: a prefix no code starts with


class PublicityActivityForm(forms.Form):
    region = PlaceField(
        label="地点所在乡镇或村",
        queryset=Region.objects.none(),
        empty_label="请选择乡镇或村",
        error_messages={"required": "请选择乡镇或村。", "invalid_choice": "请选择您管辖范围内的乡镇或村。"},
    )
    held_on = DateField(label="日期", error_messages={"required": "请填写日期。"})
    place = forms.CharField(label="具体地点", max_length=100, error_messages={"required": "请填写地点。"})
    form = forms.ChoiceField(label="形式", choices=PublicityForm.choices, error_messages={"required": "请选择形式。"})
    audience = forms.IntegerField(
        label="受众人数",
        min_value=0,
        error_messages={
            "required": "请填写受众人数。",
            "invalid": "受众人数应为整数。",
            "min_value": "受众人数不能为负。",
        },
    )
    summary = forms.CharField(
        label="宣传内容", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写宣传内容。"}
    )
    materials = forms.CharField(label="宣传资料", max_length=200, required=False, help_text="如：政策明白卡 200 份")
    photos = MultiplePhotoField(label="照片（可多张）", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places(user, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["held_on"].initial = timezone.localdate()
        style_form(self)


# --- the record forms of the pages' 登记 buttons (one generic view, ``views.record``) -------------


class RecordForm(forms.Form):
    """A form whose cleaned data are the service's keyword arguments (``service_kwargs``)."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.setup(user)
        style_form(self)

    def setup(self, user: Any) -> None:
        """Limit the choices to the user's subtree."""

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _place(label: str, *, villages_only: bool = False) -> PlaceField:
    return PlaceField(
        label=label,
        queryset=Region.objects.none(),
        empty_label="请选择村（社区）" if villages_only else "请选择乡镇或村",
        error_messages={"required": f"请选择{label}。", "invalid_choice": "请选择您管辖范围内的地点。"},
    )


def _required(label: str) -> dict[str, str]:
    return {"required": f"请填写{label}。"}


class ProjectForm(RecordForm):
    region = _place("项目地点")
    name = forms.CharField(label="项目名称", max_length=120, error_messages=_required("项目名称"))
    kind = forms.ChoiceField(label="项目类型", choices=ProjectKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, error_messages=_required("年度"))
    budget = forms.DecimalField(
        label="预算（万元）",
        max_digits=10,
        decimal_places=2,
        error_messages=_required("预算") | {"invalid": "预算应为数字。"},
    )
    responsible_unit = forms.CharField(label="责任单位", max_length=100, error_messages=_required("责任单位"))
    planned_start = DateField(label="计划开工", error_messages=_required("计划开工日期"))
    planned_end = DateField(label="计划完工", error_messages=_required("计划完工日期"))

    def setup(self, user: Any) -> None:
        self.fields["region"].queryset = places(user, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
        self.fields["year"].initial = timezone.localdate().year


class VillageForm(RecordForm):
    region = _place("所在村", villages_only=True)
    name = forms.CharField(label="村落名称", max_length=100, error_messages=_required("村落名称"))
    level = forms.ChoiceField(label="保护级别", choices=VillageLevel.choices)
    listed_year = forms.IntegerField(label="列入年份", min_value=1900, max_value=2100, required=False)
    protection_plan = forms.CharField(label="保护发展规划", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan_approved_on = DateField(label="规划批复日期", required=False)

    def setup(self, user: Any) -> None:
        self.fields["region"].queryset = places(user, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field


class HouseLabelField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: generic in the stubs only
    def label_from_instance(self, obj: House) -> str:
        return f"{obj.household.head_name}户（{obj.region.name}）"


class TraditionalHouseForm(RecordForm):
    village = forms.ModelChoiceField(
        label="传统村落", queryset=TraditionalVillage.objects.none(), error_messages={"required": "请选择传统村落。"}
    )
    name = forms.CharField(label="民居名称", max_length=100, error_messages=_required("民居名称"))
    owner_name = forms.CharField(label="产权人", max_length=50, error_messages=_required("产权人"))
    built_era = forms.CharField(
        label="建筑年代", max_length=40, error_messages=_required("建筑年代"), help_text="如：清代晚期、1950年代"
    )
    structure = forms.CharField(
        label="结构", max_length=40, error_messages=_required("结构"), help_text="如：穿斗式木结构"
    )
    grade = forms.ChoiceField(label="保护等级", choices=ProtectionGrade.choices)
    requirements = forms.CharField(
        label="本栋的保护要求（一行一条）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    house = HouseLabelField(
        label="对应的登记房屋（标为传统民居的）",
        queryset=House.objects.none(),
        required=False,
        empty_label="（不是农户住房或未登记）",
    )
    photos = MultiplePhotoField(label="照片（可多张）", required=False)

    def setup(self, user: Any) -> None:
        self.fields["village"].queryset = TraditionalVillage.objects.visible_to(user).order_by("region_code", "name")  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
        self.fields["house"].queryset = (  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
            House.objects.visible_to(user).filter(is_traditional=True).select_related("household", "region")
        )


class CraftsmanForm(RecordForm):
    region = _place("所在乡镇或村")
    name = forms.CharField(label="姓名", max_length=50, error_messages=_required("工匠姓名"))
    certificate_no = forms.CharField(label="培训证书编号", max_length=50, error_messages=_required("培训证书编号"))
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    certified_on = DateField(label="发证日期", required=False)
    skills = forms.CharField(label="工种", max_length=100, required=False)

    def setup(self, user: Any) -> None:
        self.fields["region"].queryset = places(user, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field


class ExpertVisitForm(RecordForm):
    region = _place("服务村", villages_only=True)
    visited_on = DateField(label="服务日期", error_messages=_required("服务日期"))
    expert_name = forms.CharField(label="专家姓名", max_length=60, error_messages=_required("专家姓名"))
    expert_kind = forms.ChoiceField(label="专家类别", choices=ExpertKind.choices)
    organisation = forms.CharField(label="所在单位", max_length=100, required=False)
    advice = forms.CharField(
        label="指导意见", widget=forms.Textarea(attrs={"rows": 3}), error_messages=_required("指导意见")
    )

    def setup(self, user: Any) -> None:
        self.fields["region"].queryset = places(user, RegionLevel.VILLAGE)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
        self.fields["visited_on"].initial = timezone.localdate()


class TeamForm(RecordForm):
    region = _place("村（社区）", villages_only=True)
    established_on = DateField(label="成立日期", error_messages=_required("成立日期"))
    duties = forms.CharField(label="职责", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self, user: Any) -> None:
        self.fields["region"].queryset = places(user, RegionLevel.VILLAGE).exclude(  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
            pk__in=WorkingTeam.objects.values("region_id")
        )


class TeamLabelField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: generic in the stubs only
    def label_from_instance(self, obj: WorkingTeam) -> str:
        return f"{obj.region.parent.name if obj.region.parent else ''} · {obj.region.name}"


class UserField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: generic in the stubs only
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name()}（{obj.organization or (obj.region.name if obj.region else '')}）"


class MemberForm(RecordForm):
    team = TeamLabelField(
        label="专班", queryset=WorkingTeam.objects.none(), error_messages={"required": "请选择专班。"}
    )
    name = forms.CharField(label="姓名", max_length=50, error_messages=_required("成员姓名"))
    role = forms.ChoiceField(label="专班职务", choices=TeamRole.choices)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    user = UserField(
        label="系统账号（可选，用于提醒）", queryset=User.objects.none(), required=False, empty_label="（无）"
    )
    since = DateField(label="任职起", error_messages=_required("任职起日期"))
    until = DateField(label="任职止（在任不填）", required=False)

    def setup(self, user: Any) -> None:
        self.fields["team"].queryset = WorkingTeam.objects.visible_to(user).select_related("region__parent")  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
        self.fields["user"].queryset = (  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
            User.objects.filter(is_active=True, region__code__subtree=_prefix(user)).select_related("region")
        )
        self.fields["since"].initial = timezone.localdate()


class MemberLabelField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: generic in the stubs only
    def label_from_instance(self, obj: TeamMember) -> str:
        return f"{obj.team.region.name} · {obj.name}（{obj.get_role_display()}）"


class TaskForm(RecordForm):
    assignee = MemberLabelField(
        label="责任人（专班成员）", queryset=TeamMember.objects.none(), error_messages={"required": "请选择责任人。"}
    )
    kind = forms.ChoiceField(label="任务类型", choices=TaskKind.choices)
    title = forms.CharField(label="任务内容", max_length=200, error_messages=_required("任务内容"))
    due_on = DateField(label="完成期限", error_messages=_required("完成期限"))
    traditional_house = forms.ModelChoiceField(
        label="巡查的传统民居（可选）", queryset=TraditionalHouse.objects.none(), required=False, empty_label="（无）"
    )

    def setup(self, user: Any) -> None:
        self.fields["assignee"].queryset = (  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field
            TeamMember.objects.visible_to(user)
            .filter(Q(until__isnull=True) | Q(until__gte=timezone.localdate()))
            .select_related("team__region")
            .order_by("team__region_code", "pk")
        )
        self.fields["traditional_house"].queryset = TraditionalHouse.objects.visible_to(user)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data) | {"team": self.cleaned_data["assignee"].team}


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(
        label="落实情况", widget=forms.Textarea(attrs={"rows": 2}), error_messages=_required("落实情况")
    )
    followed_up_on = DateField(label="落实日期", error_messages=_required("落实日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["followed_up_on"].initial = timezone.localdate()
        style_form(self)


class TaskDoneForm(forms.Form):
    done_on = DateField(label="完成日期", error_messages=_required("完成日期"))
    note = forms.CharField(label="完成情况", max_length=500, error_messages=_required("完成情况"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()
        style_form(self)
