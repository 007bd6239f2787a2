"""Forms of the appraisal pages. The component fields come from the template version in force
for the house; the services re-check everything."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone

from anju.appraisals.choices import COMPONENT_GRADES, DamageCause, PreventionLevel
from anju.appraisals.models import AppraisalTemplate
from anju.households.choices import StructureType
from anju.inspections.choices import Grade
from anju.inspections.forms import MultiplePhotoField
from anju.kit.forms import DateField, DateInput, style_form


class AppraisalForm(forms.Form):
    site_dangerous = forms.TypedChoiceField(
        label="场地",
        choices=[("0", "非危险场地"), ("1", "危险场地（直接评为 D 级）")],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    site_note = forms.CharField(label="场地情况", max_length=300, required=False)
    final_grade = forms.ChoiceField(
        label="鉴定等级",
        choices=[("", "按计算结果"), *Grade.choices],
        required=False,
        help_text="综合判断（宏观情况）后与计算等级不同的，须填写理由",
    )
    override_reason = forms.CharField(
        label="调整理由", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    prevention_level = forms.ChoiceField(
        label="防灾措施鉴定",
        choices=PreventionLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择防灾措施鉴定结果。"},
    )
    prevention_note = forms.CharField(label="防灾措施说明", max_length=300, required=False)
    damage_cause = forms.ChoiceField(
        label="致危原因", choices=DamageCause.choices, error_messages={"required": "请选择致危原因。"}
    )
    advice = forms.CharField(
        label="处理建议",
        max_length=500,
        required=False,
        help_text="留空则按等级给出标准建议",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    appraiser_name = forms.CharField(label="鉴定人", max_length=50)
    appraiser_org = forms.CharField(label="鉴定单位", max_length=100)
    certificate_no = forms.CharField(label="证书编号", max_length=50)
    appraised_on = DateField(label="鉴定日期", widget=DateInput())
    photos = MultiplePhotoField(label="现场照片", required=False)
    report_file = forms.FileField(
        label="鉴定报告（PDF）", required=False, widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )

    def __init__(self, *args: Any, components: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = components
        self.fields["appraised_on"].initial = timezone.localdate()
        for c in components:
            self.fields[f"grade_{c['code']}"] = forms.ChoiceField(
                label=c["name"],
                choices=[(g, f"{g} 级：{c['criteria'][g]}") for g in COMPONENT_GRADES],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{c['code']}"] = forms.CharField(label=f"{c['name']}说明", max_length=200, required=False)
        style_form(self)

    TAIL_FIELDS = (
        "prevention_note",
        "damage_cause",
        "advice",
        "appraiser_name",
        "appraiser_org",
        "certificate_no",
        "appraised_on",
        "photos",
        "report_file",
    )

    def tail_fields(self) -> list[Any]:
        return [self[name] for name in self.TAIL_FIELDS]

    def component_rows(self) -> list[tuple[dict[str, Any], Any, Any]]:
        return [(c, self[f"grade_{c['code']}"], self[f"note_{c['code']}"]) for c in self.components]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        static = {k: v for k, v in data.items() if not k.startswith(("grade_", "note_"))}
        return static | {
            "component_grades": {c["code"]: data.get(f"grade_{c['code']}", "") for c in self.components},
            "component_notes": {c["code"]: data.get(f"note_{c['code']}", "") for c in self.components},
        }


class ComponentForm(forms.Form):
    code = forms.RegexField(
        label="代码",
        regex=r"^[a-z][a-z0-9_]{1,39}$",
        error_messages={"invalid": "代码为小写英文字母、数字或下划线，以字母开头。"},
    )
    name = forms.CharField(label="组成部分", max_length=50)
    structures = forms.MultipleChoiceField(
        label="适用结构",
        choices=StructureType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "至少选择一种结构类型。"},
    )
    a = forms.CharField(label="a 级标准", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    b = forms.CharField(label="b 级标准", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    c = forms.CharField(label="c 级标准", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    d = forms.CharField(label="d 级标准", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


ComponentFormSet = forms.formset_factory(ComponentForm, extra=1, can_delete=True, can_order=True)


class TemplateMetaForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=100)
    note = forms.CharField(label="修订说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


def formset_initial(template: AppraisalTemplate) -> list[dict[str, Any]]:
    return [
        {"code": c["code"], "name": c["name"], "structures": c["structures"], **c["criteria"]}
        for c in template.content.get("components", [])
    ]


def content_from_formset(template: AppraisalTemplate, formset: Any) -> dict[str, Any]:
    rows = [f for f in formset.ordered_forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    components = [
        {
            "code": f.cleaned_data["code"],
            "name": f.cleaned_data["name"],
            "structures": f.cleaned_data["structures"],
            "criteria": {g: f.cleaned_data[g] for g in COMPONENT_GRADES},
        }
        for f in rows
    ]
    return {**json.loads(json.dumps(template.content)), "components": components}
