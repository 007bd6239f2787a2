"""Forms of the routes and sudden-hardship pages. They parse; the rules (role, region, stage,
what is required) and their Chinese errors are the services', so a page and the API refuse alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.dynamic.choices import HardshipCause, ReliefKind, RouteKind, RouteOption
from anju.inspections.forms import MultiplePhotoField
from anju.kit.forms import DateField, DateInput, style_form

DATE = DateInput()


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class HardshipForm(_Styled):
    head_id_number = forms.CharField(
        label="户主身份证号", max_length=20, required=False, help_text="已登记在册的农户；未登记的请先登记农户信息"
    )
    cause = forms.ChoiceField(label="致困原因", choices=[("", "请选择"), *HardshipCause.choices], required=False)
    occurred_on = DateField(label="发生日期", widget=DATE, required=False)
    description = forms.CharField(
        label="困难情况", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, fixed_household: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_household:
            del self.fields["head_id_number"]


class ReliefForm(_Styled):
    kind = forms.ChoiceField(label="救助措施", choices=[("", "请选择"), *ReliefKind.choices], required=False)
    detail = forms.CharField(label="具体内容", max_length=300, required=False, help_text="安置地点、发放的资金或物资")
    amount = forms.DecimalField(label="金额（元）", required=False, min_value=0, decimal_places=2)
    provided_by = forms.CharField(label="实施单位或责任人", max_length=100, required=False)
    provided_on = DateField(label="实施日期", widget=DATE, required=False)


class RouteOpenForm(_Styled):
    kind = forms.ChoiceField(label="保障途径", choices=RouteKind.choices)
    option = forms.ChoiceField(label="具体方式", choices=RouteOption.choices)
    evidence = forms.CharField(
        label="依据或去向",
        max_length=300,
        required=False,
        help_text="兜底、其他方式必填：安置住房地址、租赁协议、亲属住址等",
    )
    on = DateField(label="确定日期", widget=DATE, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class RemindForm(_Styled):
    note = forms.CharField(label="督促情况", max_length=300, required=False)


class CompleteForm(_Styled):
    note = forms.CharField(label="完成情况", max_length=300, required=False)
    photos = MultiplePhotoField(label="完成照片（可多张）", required=False)
    on = DateField(label="完成日期", widget=DATE, required=False)


class CloseForm(_Styled):
    note = forms.CharField(label="核验意见", max_length=300, required=False)
    photos = MultiplePhotoField(label="现场核验照片（必传，可多张）", required=False)
    on = DateField(label="核验日期", widget=DATE, required=False)
