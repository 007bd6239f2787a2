"""The shared date field every form uses (anju.kit.forms): typed dates in the common Chinese
formats are accepted, anything else is refused with the expected format named, and a pre-filled
date reaches ``<input type=date>`` as ISO (the only value the browser will show and submit)."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.test import override_settings

from anju.kit.forms import DateField


class OnForm(forms.Form):
    on = DateField(label="审定日期")


@pytest.mark.parametrize(
    "typed", ["2026-12-05", "2026/12/05", "2026.12.05", "2026年12月5日", "2026年12月05日", "20261205"]
)
def test_it_accepts_a_date_in_any_common_chinese_format(typed: str) -> None:
    form = OnForm(data={"on": typed})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2026, 12, 5)


@pytest.mark.parametrize("typed", ["5/12/2026", "2026年13月5日", "二〇二六年十二月五日", "2026-02-30"])
def test_it_refuses_a_bad_date_with_the_expected_format_shown(typed: str) -> None:
    form = OnForm(data={"on": typed})

    assert not form.is_valid()
    assert "2026-12-05" in form.errors["on"][0]


@override_settings(LANGUAGE_CODE="zh-hans", USE_I18N=True)
def test_a_prefilled_date_renders_as_iso_for_the_date_picker() -> None:
    html = str(OnForm(initial={"on": datetime.date(2026, 12, 5)})["on"])

    assert 'type="date"' in html
    assert 'value="2026-12-05"' in html


def test_a_refused_date_is_shown_back_as_typed() -> None:
    html = str(OnForm(data={"on": "2026年13月5日"})["on"])

    assert 'value="2026年13月5日"' in html
