"""What every app's forms share: one date field and widget, the Bootstrap classes, and how a
service's ``ValidationError`` lands on a form.

``<input type=date>`` accepts only ``YYYY-MM-DD`` as its value: a field pre-filled as
"2026/12/05" shows empty and the browser refuses to submit. ``DateInput`` therefore always renders
ISO, and ``DateField`` accepts the dates people type (or paste, or send from a script): 2026-12-05,
2026/12/05, 2026.12.05, 2026年12月5日 and 20261205, refusing anything else with the expected
format named.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

ISO = "%Y-%m-%d"
EXPECTED = "日期格式应为 2026-12-05（也可写 2026/12/05、2026.12.05、2026年12月5日 或 20261205）。"
INPUT_FORMATS = [ISO, "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
_CHINESE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")


class DateInput(forms.DateInput):
    """A browser date picker whose value is always ISO, whatever the locale's date format."""

    input_type = "date"

    def __init__(
        self, attrs: dict[str, Any] | None = None, format: str | None = None
    ) -> None:  # Django's own parameter name
        super().__init__(attrs=attrs, format=ISO)


class DateField(forms.DateField):
    """A date in any common Chinese format; refused with the expected format shown."""

    widget = DateInput
    input_formats = INPUT_FORMATS
    default_error_messages = {"invalid": EXPECTED}

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str):
            match = _CHINESE.match(value)
            if match:
                try:
                    return datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    raise ValidationError(EXPECTED, code="invalid") from None
        return super().to_python(value)


def style_form(form: forms.BaseForm) -> None:
    """Bootstrap's classes on every widget: check inputs, selects and text boxes."""
    for field in form.fields.values():
        widget = field.widget
        # Radio and checkbox groups are check inputs, not text boxes.
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def apply_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal on the form: per field where the field is on the form, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
