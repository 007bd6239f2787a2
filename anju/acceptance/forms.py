"""Forms of the acceptance pages. The checklist fields come from the case's policy version; the
services re-check everything (the API has no form)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from anju.acceptance.choices import ItemResult, PostGrade
from anju.kit.forms import DateField, DateInput, style_form


def _date() -> DateInput:
    return DateInput()


STALE_PAGE = "页面已过期，请刷新后重新填写。"
# A required item may only pass or fail; "not applicable" is for the optional ones.
REQUIRED_CHOICES = [(ItemResult.PASS.value, "√ 合格"), (ItemResult.FAIL.value, "× 不合格")]


class AcceptanceForm(forms.Form):
    on = DateField(
        label="验收日期",
        widget=_date(),
        error_messages={"required": "请填写验收日期。", "invalid": "日期格式应为 2026-11-23。"},
    )
    post_grade = forms.ChoiceField(
        label="竣工后房屋安全等级",
        choices=PostGrade.choices,
        widget=forms.RadioSelect,
        help_text="须为 A 级或 B 级才能通过验收",
        error_messages={"required": "请选择竣工后房屋安全等级。"},
    )
    household_agrees = forms.TypedChoiceField(
        label="农户意见",
        choices=[("1", "同意验收结果"), ("0", "不同意")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择农户是否同意验收结果。"},
    )
    household_opinion = forms.CharField(
        label="农户意见说明",
        max_length=300,
        required=False,
        help_text="农户不同意时必填",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    builder_name = forms.CharField(
        label="施工单位或工匠", max_length=100, error_messages={"required": "请填写施工单位或工匠姓名。"}
    )
    officer_names = forms.CharField(
        label="验收人员",
        max_length=200,
        help_text="参加验收的乡镇、县住建部门人员，多人用顿号分隔",
        error_messages={"required": "请填写验收人员姓名。"},
    )
    rectification_due = DateField(
        label="整改期限",
        required=False,
        widget=_date(),
        help_text="验收未通过时必填，期限见改造政策",
        error_messages={"invalid": "日期格式应为 2026-11-23。"},
    )
    rectification_requirements = forms.CharField(
        label="整改要求",
        required=False,
        max_length=2000,
        help_text="验收未通过时必填：逐项写明整改内容",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE}
    )

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"result_{item['code']}"] = forms.ChoiceField(
                label=item["name"],
                choices=REQUIRED_CHOICES if item["required"] else ItemResult.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "请选择 √ 或 ×。" if item["required"] else "请选择 √、× 或 ○。",
                    "invalid_choice": "必须验收的项目只能选 √ 或 ×。",
                },
            )
            self.fields[f"note_{item['code']}"] = forms.CharField(
                label=f"{item['name']}说明", max_length=200, required=False
            )
        style_form(self)

    def groups(self) -> list[tuple[str, list[tuple[dict[str, Any], Any, Any]]]]:
        """The checklist's rows (item, result field, note field) by group, in checklist order."""
        grouped: dict[str, list[tuple[dict[str, Any], Any, Any]]] = {}
        for item in self.items:
            grouped.setdefault(item["group"], []).append(
                (item, self[f"result_{item['code']}"], self[f"note_{item['code']}"])
            )
        return list(grouped.items())

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "on": data["on"],
            "results": {i["code"]: data.get(f"result_{i['code']}", "") for i in self.items},
            "notes": {i["code"]: data.get(f"note_{i['code']}", "") for i in self.items},
            "post_grade": data["post_grade"],
            "household_agrees": data["household_agrees"],
            "household_opinion": data["household_opinion"],
            "builder_name": data["builder_name"],
            "officer_names": data["officer_names"],
            "rectification_due": data["rectification_due"],
            "rectification_requirements": data["rectification_requirements"],
            "version": data["version"],
        }


class RectificationCompleteForm(forms.Form):
    on = DateField(
        label="整改完成日期",
        widget=_date(),
        error_messages={"required": "请填写整改完成日期。", "invalid": "日期格式应为 2026-11-23。"},
    )
    note = forms.CharField(
        label="整改情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="逐项说明整改内容，完成后由验收人员复验",
        error_messages={"required": "请说明整改情况。"},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        style_form(self)


def acceptance_initial(case: Any, on: datetime.date) -> dict[str, Any]:
    """Prefill the builder from the agreement and the date with today."""
    return {"on": on, "builder_name": case.builder_name, "version": case.version}
