"""Due-date maths, timeliness classification, calendar validation and versions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anju.accounts.models import User
from anju.regions.models import Region
from anju.reporting import calendar as cal
from anju.reporting import services
from anju.reporting.choices import Timeliness
from anju.reporting.timeliness import classify

pytestmark = pytest.mark.django_db

D = datetime.date


def phases_of(content: dict[str, Any], year: int, region_code: str) -> list[dict[str, Any]]:
    """The phases of the plan that applies (the test fails if none does)."""
    plan = cal.plan_for(content, year, region_code)
    assert plan is not None
    return plan["phases"]


def test_it_puts_each_levels_due_date_on_its_configured_day() -> None:
    content = cal.default_calendar()
    assert [cal.due_on(content, "monthly_list", lv, 2026, 11) for lv in cal.LEVELS] == [
        D(2026, 11, 1),
        D(2026, 11, 3),
        D(2026, 11, 4),
        D(2026, 11, 5),
    ]
    assert cal.due_on(content, "progress", "village", 2026, 11) == D(2026, 11, 15)
    assert cal.due_on(content, "progress", "city", 2026, 12) == D(2026, 12, 20)


def test_it_moves_a_due_day_past_the_months_end_to_the_last_day() -> None:
    content = cal.default_calendar()
    content["reports"]["progress"]["due_day"]["city"] = 31
    assert cal.due_on(content, "progress", "city", 2026, 2) == D(2026, 2, 28)
    assert cal.due_on(content, "progress", "city", 2024, 2) == D(2024, 2, 29)
    assert cal.due_on(content, "progress", "city", 2026, 4) == D(2026, 4, 30)
    assert cal.due_on(content, "progress", "city", 2026, 5) == D(2026, 5, 31)


def test_it_classifies_reports_as_on_time_late_missing_or_not_yet_due() -> None:
    due = D(2026, 11, 5)
    assert classify(D(2026, 11, 5), due, D(2026, 11, 23)) == Timeliness.ON_TIME
    assert classify(D(2026, 11, 6), due, D(2026, 11, 23)) == Timeliness.LATE
    assert classify(None, due, D(2026, 11, 6)) == Timeliness.MISSING
    assert classify(None, due, D(2026, 11, 5)) == Timeliness.NOT_DUE


def test_it_accepts_the_default_calendar_with_2023_and_2026_phases() -> None:
    content = cal.validate_calendar(cal.default_calendar())
    plan = cal.plan_for(content, 2023, "140405102201")
    assert plan is not None
    assert [(p["name"], p["deadline"]) for p in plan["phases"]] == [
        ("规划部署", "2023-06-15"),
        ("排查与改造", "2023-11-30"),
        ("竣工验收", "2023-12-31"),
    ]
    assert phases_of(content, 2026, "500243000000")[1]["deadline"] == "2026-11-30"
    assert cal.plan_for(content, 2019, "500243000000") is None


def test_it_prefers_a_plan_naming_the_region() -> None:
    content = cal.default_calendar()
    own = {"year": 2026, "regions": ["1404"], "phases": [dict(content["plans"][1]["phases"][0], deadline="2026-07-01")]}
    content["plans"].append(own)
    assert phases_of(content, 2026, "140405102201")[0]["deadline"] == "2026-07-01"
    assert phases_of(content, 2026, "500243000000")[0]["deadline"] == "2026-06-15"


def test_it_lists_every_problem_of_a_broken_calendar_in_chinese() -> None:
    content = cal.default_calendar()
    content["reports"]["monthly_list"]["due_day"]["township"] = 0
    content["reports"]["progress"]["due_day"]["village"] = 25
    content["remind_days"] = 40
    content["plans"][0]["phases"][1]["overdue"] = "whatever"
    content["plans"][0]["phases"][2]["deadline"] = "2023-13-01"
    with pytest.raises(ValidationError) as exc:
        cal.validate_calendar(content)
    messages = exc.value.messages
    assert "新增对象月报的截止日应为 1–31 的整数（乡镇级不对）。" in messages
    assert "进度月报的截止日须由村到市逐级不早于下级（上级要在下级报送之后汇总）。" in messages
    assert "提前提醒天数 remind_days 应为 0–15 的整数。" in messages
    assert any("逾期口径" in m for m in messages)
    assert "2023 年「竣工验收」的截止日期 deadline 应写作 YYYY-MM-DD。" in messages


def test_it_refuses_a_calendar_without_its_sections() -> None:
    with pytest.raises(ValidationError) as exc:
        cal.validate_calendar({"reports": {}})
    assert exc.value.messages == ["缺少以下部分：remind_days、return_days、plans。"]


def test_it_lets_the_province_derive_edit_and_activate_its_own_calendar(
    province: User, regions: dict[str, Region]
) -> None:
    national = services.ensure_national_calendar()
    draft = services.calendar_derive(acting_user=province, source=national)
    content = cal.default_calendar()
    content["reports"]["monthly_list"]["due_day"] = {"village": 2, "township": 3, "county": 4, "city": 5}
    services.calendar_update(acting_user=province, calendar=draft, content=content, name="山西省报送日历")
    services.calendar_activate(acting_user=province, calendar=draft)
    assert services.calendar_for("140405102201").pk == draft.pk
    assert services.calendar_for("500243202201").pk == national.pk
    assert cal.due_on(services.calendar_for("140405102201").content, "monthly_list", "village", 2026, 12) == D(
        2026, 12, 2
    )


def test_it_refuses_calendar_edits_by_a_county_officer(tl_county: User) -> None:
    national = services.ensure_national_calendar()
    with pytest.raises(PermissionDenied) as exc:
        services.calendar_derive(acting_user=tl_county, source=national)
    assert str(exc.value) == "报送日历由省住建厅维护。"


@pytest.mark.django_db
def test_two_processes_restoring_the_national_calendar_at_once_both_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An emptied database asked by two web processes on their first home page: the second one's
    read misses the row the first is writing. It must get that row, not a 500 (the load
    benchmark met one: 'home / → 500')."""
    from django.db.models import QuerySet

    from anju.reporting.models import ReportingCalendar

    ReportingCalendar.objects.all().delete()
    first = services.ensure_national_calendar()  # the first process writes it
    real_get = QuerySet.get
    looked: list[bool] = []

    def late(self: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        looked.append(True)
        if len(looked) == 1:  # the second process looked before the first one's row was there
            raise self.model.DoesNotExist
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", late)
    second = services.ensure_national_calendar()  # the second process, a moment later
    assert second.pk == first.pk and ReportingCalendar.objects.filter(region_code="").count() == 1
    assert len(looked) == 2
