from __future__ import annotations

from typing import Any

from django import forms

from anju.kit.forms import style_form


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label="说明",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写说明。", "max_length": "说明最多 1000 字。"},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
