"""Forms of the task pages. Types only: the rules (role, region, township of the county,
negative counts) are the services', and their messages are shown in the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.eligibility.choices import Programme
from anju.kit.forms import style_form
from anju.regions.models import Region
from anju.tasks.choices import TaskKind
from anju.tasks.models import Task

COUNT_ERRORS = {"required": "请填写任务户数。", "invalid": "任务户数应为整数。"}
YEAR_ERRORS = {"required": "请填写年度。", "invalid": "年度应为四位数字。"}


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2009, max_value=2100, required=False, error_messages=YEAR_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class IssueForm(forms.Form):
    county = forms.ChoiceField(label="县（区）", error_messages={"required": "请选择县（区）。"})
    year = forms.IntegerField(label="年度", error_messages=YEAR_ERRORS)
    programme = forms.ChoiceField(label="项目", choices=Programme.choices)
    kind = forms.ChoiceField(label="任务类型", choices=TaskKind.choices, widget=forms.RadioSelect)
    count = forms.IntegerField(label="任务户数", error_messages=COUNT_ERRORS)
    note = forms.CharField(label="说明", max_length=300, required=False, help_text="如下达文件文号")

    def __init__(self, *args: Any, counties: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ChoiceField)
        county.choices = [("", "请选择"), *((r.code, r.name) for r in counties)]
        self.fields["year"].initial = timezone.localdate().year
        self.fields["kind"].initial = TaskKind.ANNUAL
        style_form(self)


class AllocateForm(forms.Form):
    """One count per township of the county (blank counts as 0)."""

    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, task: Task, townships: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {t.region_code: t.count for t in task.allocations.all()}
        self.townships = townships
        for township in townships:
            self.fields[f"t_{township.code}"] = forms.IntegerField(
                label=township.name, required=False, initial=current.get(township.code), error_messages=COUNT_ERRORS
            )
        self.fields["note"] = self.fields.pop("note")  # after the townships
        style_form(self)

    def township_rows(self) -> list[tuple[Region, forms.BoundField]]:
        return [(t, self[f"t_{t.code}"]) for t in self.townships]

    def counts(self) -> dict[str, int]:
        return {t.code: self.cleaned_data.get(f"t_{t.code}") or 0 for t in self.townships}
