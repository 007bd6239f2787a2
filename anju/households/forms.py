from __future__ import annotations

from typing import Any

from django import forms

from anju.households.choices import Department, KeyGroup, Relation
from anju.households.idcard import IdNumberError, parse_id_number
from anju.households.models import HOUSE_DATA_FIELDS, House
from anju.kit.forms import DateField, DateInput, style_form
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


class VillageChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: ModelChoiceField is generic in the stubs only; not subscriptable at runtime
    def label_from_instance(self, obj: Region) -> str:
        return obj.full_name()


class HouseholdForm(forms.Form):
    region = VillageChoiceField(label="所在村（社区）", queryset=Region.objects.none())
    group_name = forms.CharField(label="村民小组", max_length=50, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    head_name = forms.CharField(label="户主姓名", max_length=50)
    head_id_number = forms.CharField(label="户主身份证号", max_length=20, help_text="18 位，末位可为 X")
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9\-+ ]{7,20}$",
        required=False,
        error_messages={"invalid": "电话号码格式不正确。"},
    )
    family_size = forms.IntegerField(
        label="家庭人口",
        min_value=1,
        max_value=30,
        required=False,
        help_text="共同生活的家庭人口数（名单导入时取名单所列）。",
        error_messages={
            "invalid": "家庭人口应为整数。",
            "min_value": "家庭人口至少 1 人。",
            "max_value": "家庭人口不超过 30 人。",
        },
    )
    bank_name = forms.CharField(label="开户银行", max_length=50, required=False)
    bank_account = forms.RegexField(
        label="一卡通账号",
        regex=r"^[0-9 ]{8,30}$",
        required=False,
        error_messages={"invalid": "账号只能包含数字。"},
    )

    def __init__(self, *args: Any, viewer: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = Region.objects.visible_to(viewer).filter(level=RegionLevel.VILLAGE).order_by("code")
        self.fields["region"].queryset = villages  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        if editing:
            self.fields["head_id_number"].disabled = True
            self.fields["head_id_number"].help_text = "户主身份证号是农户的标识，不能修改；如登记有误请重新登记。"
        style_form(self)

    def clean_head_id_number(self) -> str:
        value = self.cleaned_data["head_id_number"]
        if self.fields["head_id_number"].disabled:
            return str(value)
        try:
            return parse_id_number(value).number
        except IdNumberError as exc:
            raise forms.ValidationError(str(exc)) from exc


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs={"placeholder": "成员姓名"}))
    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput(attrs={"placeholder": "成员身份证号（18 位）"})
    )
    relation = forms.ChoiceField(label="与户主关系", choices=[c for c in Relation.choices if c[0] != Relation.HEAD])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class StatusForm(forms.Form):
    group = forms.ChoiceField(label="类别", choices=KeyGroup.choices)
    certified_on = DateField(label="认定日期", widget=DateInput(attrs={"aria-label": "认定日期"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class StatusEndForm(forms.Form):
    ended_on = DateField(label="出列日期", widget=DateInput())
    note = forms.CharField(label="原因", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class ListUploadForm(forms.Form):
    department = forms.ChoiceField(label="报送部门", choices=Department.choices)
    group = forms.ChoiceField(
        label="名单类别", required=False, choices=[("", "按表中「类别」列逐行识别"), *KeyGroup.choices]
    )
    list_date = DateField(
        label="名单日期",
        widget=DateInput(),
        help_text="新认定未注明日期的按此日期；出列日期也取此日期。",
    )
    file = forms.FileField(
        label="名单文件",
        help_text=(
            "Excel（xlsx/xls）或 CSV（UTF-8 或 GBK）。可有标题行、合并表头，名单可在任一工作表；"
            "须含户主姓名和身份证号两列，身份证号列请设为「文本」格式；有「乡镇」列时按乡镇 + 村对应区划。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class HouseForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: ModelForm is generic in the stubs only; not subscriptable at runtime
    class Meta:
        model = House
        fields = list(HOUSE_DATA_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["storeys"].help_text = "3 层及以上不适用《农村住房安全性鉴定技术导则》，需按 GB 50292 鉴定。"
        style_form(self)

    def validate_constraints(self, exclude: Any = None) -> None:
        # The services check the household-level constraints with clear messages.
        return None


class VillageMapForm(forms.Form):
    """The mapping step of a list import: which division a written village name means."""

    township = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    name = forms.CharField(max_length=100, widget=forms.HiddenInput)
    village = VillageChoiceField(label="对应的村（社区）", queryset=Region.objects.none())

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = Region.objects.visible_to(viewer).filter(level=RegionLevel.VILLAGE).order_by("code")
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        style_form(self)


class SheetChoiceForm(forms.Form):
    sheet = forms.CharField(label="工作表", max_length=100)


class HistoryUploadForm(forms.Form):
    file = forms.FileField(
        label="国家农村危房改造信息系统导出文件",
        help_text=(
            "Excel（xlsx/xls）或 CSV。按表头对应列：户主姓名、身份证号码、地址（或乡镇、村）、改造年度、改造方式、"
            "补助金额、竣工日期；表头上方可有标题行。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
