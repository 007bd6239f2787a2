"""Forms of the archive pages. They check types only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.archives.models import ReviewRole
from anju.kit.forms import DateField, DateInput, style_form


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因", max_length=300, error_messages={"required": "请说明撤回原因（如：放错类别、扫描不清）。"}
    )


class ReviewForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label="审定结论",
        choices=[("1", "同意"), ("0", "不同意")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择同意或不同意。"},
    )
    opinion = forms.CharField(label="审定意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = DateField(label="审定日期", widget=DateInput())
    role = forms.ChoiceField(label="审定部门", choices=ReviewRole.choices, required=False)

    def __init__(self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if roles is not None:
            role_field = self.fields["role"]
            assert isinstance(role_field, forms.ChoiceField)
            # Someone holding both roles must choose; nothing is preselected for them.
            role_field.choices = [("", "请选择"), *roles] if len(roles) > 1 else roles
            if len(roles) <= 1:
                self.fields["role"].widget = forms.HiddenInput()
                self.fields["role"].initial = roles[0][0] if roles else ""
        style_form(self)
