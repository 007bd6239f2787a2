"""Fixtures for acceptance: the cases app's household, officers and case, and ``completed``,
the case driven to 已竣工待验收 (completed 20 days ago)."""

from __future__ import annotations

from typing import Any

import pytest

from anju.acceptance.services import checklist
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, case, covered_home, officers, tl_head, walk  # noqa: F401

__all__ = ["ago", "all_pass", "record_kwargs", "walk"]


@pytest.fixture
def completed(case: RenovationCase, officers: Officers) -> RenovationCase:  # noqa: F811
    return walk(case, officers, to=Stage.COMPLETED)


def all_pass(for_case: RenovationCase, **overrides: str) -> dict[str, str]:
    """Every checklist item √, except those given."""
    return {i["code"]: "pass" for i in checklist(for_case)} | overrides


def record_kwargs(for_case: RenovationCase, **overrides: Any) -> dict[str, Any]:
    """A passing acceptance 10 days ago, as the service takes it."""
    return {
        "case": for_case,
        "on": ago(10),
        "results": all_pass(for_case),
        "notes": {},
        "post_grade": "A",
        "household_agrees": True,
        "household_opinion": "",
        "builder_name": "李师傅",
        "officer_names": "张三、李四",
        "version": for_case.version,
    } | overrides
