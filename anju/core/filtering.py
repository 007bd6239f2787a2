"""The base of every list's FilterSet: one class drives the list page's filter form, the API's
query parameters (``filterset_class``) and the export, so the three cannot disagree.

What it adds to django-filter:

- an invalid value is never silently ignored: ``qs`` is empty and ``error_list`` says in
  Chinese which field is wrong (the page shows it above the list, the export answers 400, the
  API answers 400 through ``BoundedFilterBackend``);
- numbers beyond what the database can hold are an error too, not a 500;
- a renamed parameter keeps working (``renamed = {"old": "new"}``), so bookmarks survive;
- the form's widgets carry the Bootstrap classes the pages use;
- ``SortFilter``: ``?sort=<key>`` picks one of the list's orderings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django_filters.constants import EMPTY_VALUES

from anju.core.api_base import out_of_range


class ListFilterSet(django_filters.FilterSet):
    renamed: ClassVar[dict[str, str]] = {}

    def __init__(self, data: Mapping[str, Any] | None = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and self.renamed:
            data = data.copy()  # type: ignore[attr-defined]  # a QueryDict or dict: both copy; Mapping doesn't say so
            for old, new in self.renamed.items():
                if old in data and new not in data:
                    data[new] = data[old]  # type: ignore[index]  # the copy above is mutable; Mapping is read-only
        super().__init__(data, *args, **kwargs)

    @property
    def form(self) -> forms.Form:
        form: forms.Form | None = getattr(self, "_form", None)
        if form is None:
            form = super().form
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, forms.CheckboxInput):
                    widget.attrs.setdefault("class", "form-check-input")
                elif isinstance(widget, forms.Select):
                    widget.attrs.setdefault("class", "form-select")
                else:
                    widget.attrs.setdefault("class", "form-control")
                    widget.attrs.setdefault("placeholder", field.label or "")
        return form

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        for name, value in list(self.form.cleaned_data.items()):
            if out_of_range(value):
                self.form.add_error(name, "数值超出范围。")
        return self.form.is_valid()

    @property
    def qs(self) -> QuerySet[Any]:
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    @property
    def error_list(self) -> list[str]:
        """Each wrong field as 「label：message」, for the page's alert and the export's 400."""
        if not self.is_bound or self.is_valid():
            return []
        out = []
        for name, errors in self.form.errors.items():
            field = self.form.fields.get(name)
            label = str(field.label) if field is not None and field.label else "筛选条件"
            out.append(f"{label}：{'；'.join(str(e) for e in errors)}")
        return out


class SelectField(NamedTuple):
    """One choice field of a filter form, ready to place in a ``<select>``."""

    name: str
    label: str
    options: str  # the ``<option>``s, escaped, the chosen one selected
    invalid: bool

    @property
    def aria(self) -> str:
        """What Django's widget adds to a field whose value was refused."""
        return mark_safe(f' aria-invalid="true" aria-describedby="id_{self.name}_error"') if self.invalid else ""


def select_fields(filterset: ListFilterSet, *, skip: tuple[str, ...] = ("q", "region")) -> list[SelectField]:
    """The filter form's choice fields, the options already written as ``<option>`` HTML with the
    chosen one selected: a template looping over each choice and comparing it with the field's
    value, or Django's widget templates, cost ~1–3 ms of a list page (ADR 0054)."""
    form = filterset.form
    errors = form.errors if form.is_bound else {}
    out: list[SelectField] = []
    for name, field in form.fields.items():
        if name in skip or not hasattr(field, "choices"):
            continue
        current = form.data.get(form.add_prefix(name)) if form.is_bound else None
        current = "" if current is None else str(current)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if str(value) == current else "", label) for value, label in field.choices),
        )
        out.append(SelectField(name, str(field.label or ""), options, name in errors))
    return out


def refuse_invalid(filterset: ListFilterSet) -> HttpResponse | None:
    """An export with an invalid filter: a 400 in Chinese rather than a file of the wrong rows."""
    errors = filterset.error_list
    if not errors:
        return None
    return HttpResponseBadRequest(
        "筛选条件有误，未导出：" + "；".join(errors), content_type="text/plain; charset=utf-8"
    )


class SortFilter(django_filters.ChoiceFilter):
    """``?sort=<key>``: ``orders`` maps each key to its label and the ``order_by`` fields."""

    def __init__(
        self,
        *,
        orders: dict[str, tuple[str, tuple[str, ...]]],
        empty_label: str,
        default: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.orders = {key: fields for key, (_, fields) in orders.items()}
        self.default = default
        choices = [(key, label) for key, (label, _) in orders.items()]
        kwargs.setdefault("label", "排序")
        super().__init__(choices=choices, empty_label=empty_label, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            # The list's own order, the same on the page, in the API and in the export.
            return qs.order_by(*self.default) if self.default else qs
        return qs.order_by(*self.orders[value])


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id, a year, a month): ``1.5`` is an error, not a silent match."""

    field_class = forms.IntegerField


def year_filter(**kwargs: Any) -> IntegerFilter:
    kwargs.setdefault("label", "年度")
    return IntegerFilter(min_value=2009, max_value=2100, **kwargs)


_FLAG_VALUES = {"true": True, "1": True, "on": True, "yes": True, "false": False, "0": False, "off": False, "no": False}


class _FlagCheckbox(forms.CheckboxInput):
    """The raw text, so that a wrong value reaches ``FlagField.to_python`` instead of becoming True."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=lambda value: _FLAG_VALUES.get(str(value).lower()) is True)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class FlagField(forms.Field):
    """A yes/no filter that the page sends as a checkbox (``on``) and the API as ``true``/``false``;
    anything else is an error rather than silently nothing."""

    widget = _FlagCheckbox

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        flag = _FLAG_VALUES.get(str(value).strip().lower())
        if flag is None:
            raise forms.ValidationError("只能是 true（是）或 false（否）。", code="invalid")
        return flag


class FlagFilter(django_filters.BooleanFilter):
    field_class = FlagField


def date_filter(*, label: str, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    """A date bound (``2026-05-10``) with the browser's date picker on the page."""
    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    return django_filters.DateFilter(label=label, field_name=field_name, lookup_expr=lookup_expr, widget=widget)
