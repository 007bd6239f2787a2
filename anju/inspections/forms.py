"""Forms of the inspection pages. Validation that needs the database stays in the services;
these forms parse and show the errors beside the fields, in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.households.choices import Department, KeyGroup
from anju.households.models import House
from anju.inspections.choices import EventKind, Grade, HazardPart, HousingKind, MeasureKind
from anju.inspections.models import HazardItem
from anju.kit.forms import DateField, DateInput, style_form
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input (the phone's camera adds one at a time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class InspectionForm(forms.Form):
    suspected_grade = forms.ChoiceField(
        label="初判等级",
        choices=Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择初判等级。"},
    )
    hazards = forms.MultipleChoiceField(label="发现的隐患", required=False, widget=forms.CheckboxSelectMultiple)
    is_occupied = forms.TypedChoiceField(
        label="是否住人",
        choices=[("1", "住人"), ("0", "不住人")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否住人。"},
    )
    occupant_ages = forms.CharField(
        label="居住人年龄",
        required=False,
        help_text="每人一个年龄，用逗号或空格分开，如：72 68 12",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "72 68"}),
    )
    lives_in_two_houses = forms.BooleanField(label="新旧房屋两头住", required=False)
    family_poor_not_listed = forms.BooleanField(label="家庭困难但不是重点对象（以房找人，转部门核实）", required=False)
    referral_department = forms.ChoiceField(
        label="转交部门", choices=Department.choices, required=False, initial=Department.CIVIL_AFFAIRS
    )
    poverty_note = forms.CharField(
        label="困难情况", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    photos = MultiplePhotoField(label="现场照片", required=False)
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    gps_accuracy_m = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    gps_source = forms.CharField(required=False, widget=forms.HiddenInput)
    submission_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hazards"].choices = [  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ChoiceField
            (h.code, h.label) for h in HazardItem.objects.filter(is_active=True).order_by("order")
        ]
        style_form(self)
        for name in ("suspected_grade", "is_occupied", "hazards"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


def _village_choices(user: Any, region: Region | None = None) -> Any:
    qs = Region.objects.visible_to(user).filter(level=RegionLevel.VILLAGE)
    if region is not None:
        qs = qs.filter(code__subtree=region.prefix)
    return qs.order_by("code")


def _organising_regions(user: Any) -> Any:
    """Counties and townships a plan can be deployed from."""
    return Region.objects.visible_to(user).filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]).order_by("code")


class CampaignForm(forms.Form):
    title = forms.CharField(label="名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100)
    region = forms.ModelChoiceField(label="组织区划（区县或乡镇）", queryset=Region.objects.none())
    starts_on = DateField(label="开始日期", widget=DateInput())
    deadline = DateField(label="完成期限", widget=DateInput())
    list_due = DateField(
        label="村级疑似危房清单报送期限",
        required=False,
        help_text="留空按规则取当年 3 月 30 日",
        widget=DateInput(),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _organising_regions(user)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["year"].initial = timezone.localdate().year
        style_form(self)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=EventKind.choices)
    title = forms.CharField(label="名称", max_length=100, help_text="如：7·20 暴雨")
    occurred_on = DateField(label="发生日期", widget=DateInput())
    region = forms.ModelChoiceField(label="组织区划", queryset=Region.objects.none())
    villages = forms.ModelMultipleChoiceField(
        label="受影响的村",
        queryset=Region.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"required": "请选择受影响的村。"},
    )
    area = forms.CharField(label="受灾范围", max_length=200, required=False, help_text="如：3 个村、约 12 平方公里")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _organising_regions(user)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["villages"].queryset = _village_choices(user)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        self.fields["villages"].label_from_instance = lambda r: r.full_name()  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        style_form(self)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label="措施", choices=MeasureKind.choices)
    taken_on = DateField(label="采取日期", widget=DateInput())
    responsible = forms.CharField(label="责任人", max_length=50)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["taken_on"].initial = timezone.localdate()
        style_form(self)


class VerifyForm(forms.Form):
    verified_on = DateField(label="核查日期", widget=DateInput())
    in_place = forms.TypedChoiceField(
        label="核查结果", choices=[("1", "措施已落实"), ("0", "措施未落实")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = timezone.localdate()
        style_form(self)


class ReferralDecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label="核实结论", choices=[("1", "认定为重点对象"), ("0", "不予认定")], coerce=lambda v: v == "1"
    )
    group = forms.ChoiceField(label="认定类别", required=False, choices=[("", "—"), *KeyGroup.choices])
    note = forms.CharField(label="核实意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class FollowUpStepForm(forms.Form):
    step = forms.ChoiceField(choices=[("moved", "搬入安全住房"), ("demolished", "旧房拆除")], widget=forms.HiddenInput)
    on = DateField(label="日期", widget=DateInput())
    moved_to = forms.CharField(label="安置去向", required=False, max_length=200)
    photo = forms.FileField(
        label="现场照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        style_form(self)


class HazardItemForm(forms.Form):
    label = forms.CharField(
        label="隐患描述",
        max_length=100,
        help_text="排查人员在手机上看到的文字，如：墙体贯通裂缝或交叉裂缝",
        error_messages={"required": "请填写隐患描述。", "max_length": "隐患描述不超过 100 个字。"},
    )
    part = forms.ChoiceField(label="部位", choices=HazardPart.choices)
    serious = forms.BooleanField(label="严重隐患（勾选后初判 A、B 级时提醒应为 C 级或 D 级）", required=False)
    code = forms.CharField(
        label="代码",
        max_length=40,
        required=False,
        help_text="排查记录保存的是代码，保存后不能修改；留空自动生成。",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        style_form(self)


class HousingCheckForm(forms.Form):
    """以人找房 for a household with no house of its own to inspect (ADR 0021)."""

    kind = forms.ChoiceField(label="居住情况", choices=HousingKind.choices, widget=forms.RadioSelect)
    host_house = forms.ModelChoiceField(
        label="所住房屋（已登记的）", queryset=House.objects.none(), required=False, empty_label="未登记 / 不适用"
    )
    host_note = forms.CharField(
        label="居住地点", max_length=200, required=False, help_text="所住房屋未登记时写明，如“本村三组张某家”"
    )
    evidence = forms.CharField(
        label="核实依据", max_length=300, help_text="如村委会证明、租房协议、走访情况（同住人姓名）"
    )
    recorded_on = DateField(label="核实日期", widget=DateInput())
    photo = forms.ImageField(label="佐证照片", required=False)

    def __init__(self, *args: Any, household: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"recorded_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["host_house"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            House.objects.filter(region_code=household.region_code)
            .exclude(household=household)
            .select_related("household")
            .order_by("household__head_name", "pk")
        )
        field.label_from_instance = _house_label  # type: ignore[method-assign,assignment]  # django-stubs: replacing label_from_instance per field is Django's documented way
        style_form(self)


def _house_label(house: Any) -> str:
    return f"{house.household.head_name}户 {house.address or house.get_structure_display()}"
