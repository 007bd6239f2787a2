"""Recording a completion acceptance: which results pass, what a failure opens (a rectification,
the case in 整改), the re-acceptance after rectification, and refusals that write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anju.acceptance import selectors, services
from anju.acceptance.models import Acceptance, Rectification
from anju.acceptance.tests.conftest import ago, all_pass, record_kwargs, walk
from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.cases import services as case_services
from anju.cases.choices import Stage, StepKind
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db

FAIL_KW = {"rectification_due": ago(-20), "rectification_requirements": "拆除重砌西山墙，补设构造柱。"}


def messages_of(exc: pytest.ExceptionInfo[Any]) -> str:
    return "；".join(exc.value.messages)


def test_it_passes_when_every_required_item_passes_and_the_case_is_accepted(
    completed: RenovationCase, officers: Officers
) -> None:
    acceptance = services.acceptance_record(acting_user=officers["township"], **record_kwargs(completed))
    completed.refresh_from_db()
    assert acceptance.passed and acceptance.attempt == 1 and acceptance.failed_items == []
    assert completed.stage == Stage.ACCEPTED and completed.accepted_on == ago(10)
    step = completed.steps.get(kind=StepKind.ACCEPT)
    assert step.data["acceptance"] == acceptance.pk and "第 1 次验收通过" in step.note
    assert not Rectification.objects.exists()
    assert AuditEvent.objects.filter(object_type__icontains="acceptance", object_id=str(acceptance.pk)).exists()
    assert selectors.case_close_blockers(completed) == []


def test_a_failed_optional_item_still_passes(completed: RenovationCase, officers: Officers) -> None:
    results = all_pass(completed, light="fail", ventilation="na")
    acceptance = services.acceptance_record(
        acting_user=officers["township"], **record_kwargs(completed, results=results, notes={"light": "北屋偏暗"})
    )
    assert acceptance.passed
    assert acceptance.notes == {"light": "北屋偏暗"}
    assert [r["mark"] for r in acceptance.rows() if r["code"] in ("light", "ventilation")] == ["×", "○"]


def test_a_failed_required_item_fails_and_opens_a_rectification(completed: RenovationCase, officers: Officers) -> None:
    acceptance = services.acceptance_record(
        acting_user=officers["township"],
        **record_kwargs(completed, results=all_pass(completed, walls="fail"), **FAIL_KW),
    )
    completed.refresh_from_db()
    assert not acceptance.passed
    assert acceptance.failed_items == [{"code": "walls", "name": "墙体"}]
    assert completed.stage == Stage.RECTIFYING
    rectification = acceptance.rectification
    assert rectification.items == [{"code": "walls", "name": "墙体"}]
    assert rectification.due_on == ago(-20) and rectification.is_open and not rectification.is_overdue
    assert "墙体" in completed.steps.get(kind=StepKind.FAIL).note


def test_a_required_item_cannot_be_not_applicable(completed: RenovationCase, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        services.acceptance_record(
            acting_user=officers["township"], **record_kwargs(completed, results=all_pass(completed, foundation="na"))
        )
    assert "必须验收的项目不能选“○ 不涉及”：地基基础" in messages_of(exc)
    completed.refresh_from_db()
    assert completed.stage == Stage.COMPLETED and not Acceptance.objects.exists()


def test_every_item_needs_a_result(completed: RenovationCase, officers: Officers) -> None:
    results = all_pass(completed)
    del results["roof"]
    with pytest.raises(ValidationError) as exc:
        services.acceptance_record(acting_user=officers["township"], **record_kwargs(completed, results=results))
    assert "尚未填写：屋面（屋架、防水）" in messages_of(exc)


def test_a_post_works_grade_c_fails_even_with_every_item_passed(completed: RenovationCase, officers: Officers) -> None:
    acceptance = services.acceptance_record(
        acting_user=officers["township"], **record_kwargs(completed, post_grade="C", **FAIL_KW)
    )
    assert not acceptance.passed
    assert acceptance.failed_items[0]["code"] == "_post_grade"
    assert "C 级" in acceptance.rectification.item_names


def test_the_household_disagreeing_fails_and_its_opinion_is_needed(
    completed: RenovationCase, officers: Officers
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.acceptance_record(
            acting_user=officers["township"], **record_kwargs(completed, household_agrees=False, **FAIL_KW)
        )
    assert "请记录农户的意见" in messages_of(exc)
    acceptance = services.acceptance_record(
        acting_user=officers["township"],
        **record_kwargs(completed, household_agrees=False, household_opinion="屋面漏雨未处理", **FAIL_KW),
    )
    assert not acceptance.passed and acceptance.rectification.item_names == "农户不同意验收结果"


def test_a_failure_needs_a_deadline_after_the_acceptance_and_requirements(
    completed: RenovationCase, officers: Officers
) -> None:
    kwargs = record_kwargs(completed, results=all_pass(completed, walls="fail"))
    with pytest.raises(ValidationError) as exc:
        services.acceptance_record(acting_user=officers["township"], **kwargs)
    assert exc.value.message_dict["rectification_due"] == [
        f"验收未通过，请填写整改期限（建议 {ago(-20):%Y-%m-%d}，即改造政策规定的验收后 30 天）。"
    ]
    assert exc.value.message_dict["rectification_requirements"] == ["验收未通过，请填写整改要求。"]
    with pytest.raises(ValidationError) as exc:
        services.acceptance_record(
            acting_user=officers["township"], **kwargs, rectification_due=ago(10), rectification_requirements="x"
        )
    assert exc.value.message_dict["rectification_due"] == ["整改期限应晚于验收日期。"]
    assert not Acceptance.objects.exists()


def test_after_rectification_the_case_awaits_re_acceptance_which_can_pass(
    completed: RenovationCase, officers: Officers
) -> None:
    township = officers["township"]
    failed = services.acceptance_record(
        acting_user=township,
        **record_kwargs(completed, on=ago(10), results=all_pass(completed, roof="fail"), **FAIL_KW),
    )
    completed.refresh_from_db()
    assert selectors.case_close_blockers(completed)[0].startswith(
        f"最近一次竣工验收（第 1 次，{ago(10):%Y-%m-%d}）未通过"
    )
    services.rectification_complete(
        acting_user=township,
        rectification=failed.rectification,
        on=ago(5),
        note="屋面重新铺瓦",
        version=completed.version,
    )
    completed.refresh_from_db()
    failed.rectification.refresh_from_db()
    assert completed.stage == Stage.COMPLETED
    assert failed.rectification.completed_on == ago(5) and failed.rectification.completed_by == township
    again = services.acceptance_record(acting_user=township, **record_kwargs(completed, on=ago(3)))
    completed.refresh_from_db()
    assert again.passed and again.attempt == 2 and completed.stage == Stage.ACCEPTED
    assert selectors.latest_acceptance(completed) == again
    assert selectors.case_close_blockers(completed) == []


def test_a_rectification_is_completed_once_with_a_note(completed: RenovationCase, officers: Officers) -> None:
    township = officers["township"]
    failed = services.acceptance_record(
        acting_user=township, **record_kwargs(completed, results=all_pass(completed, roof="fail"), **FAIL_KW)
    )
    with pytest.raises(ValidationError) as exc:
        services.rectification_complete(acting_user=township, rectification=failed.rectification, on=ago(5), note=" ")
    assert exc.value.message_dict == {"note": ["请说明整改情况。"]}
    with pytest.raises(ValidationError) as exc:
        services.rectification_complete(acting_user=township, rectification=failed.rectification, on=ago(12), note="好")
    assert "不能早于验收日期" in messages_of(exc)
    services.rectification_complete(acting_user=township, rectification=failed.rectification, on=ago(5), note="已修")
    with pytest.raises(ValidationError) as exc:
        services.rectification_complete(acting_user=township, rectification=failed.rectification, on=ago(4), note="再")
    assert "已于" in messages_of(exc) and "登记完成" in messages_of(exc)


def test_a_case_not_yet_completed_cannot_be_accepted(case: RenovationCase, officers: Officers) -> None:
    case = walk(case, officers, to=Stage.UNDER_WAY)
    with pytest.raises(ValidationError) as exc:
        services.acceptance_record(acting_user=officers["township"], **record_kwargs(case))
    assert messages_of(exc) == "案件当前为「改造中」，只有已竣工待验收的案件才能验收。"
    assert not Acceptance.objects.exists()


def test_a_village_clerk_cannot_record_an_acceptance(completed: RenovationCase, officers: Officers) -> None:
    with pytest.raises(PermissionDenied, match="须由乡镇建环办、区/县住建局办理"):
        services.acceptance_record(acting_user=officers["clerk"], **record_kwargs(completed))
    completed.refresh_from_db()
    assert completed.stage == Stage.COMPLETED and not Acceptance.objects.exists()


def test_another_county_cannot_record_an_acceptance(completed: RenovationCase, make_user: Callable[..., User]) -> None:
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.acceptance_record(acting_user=other, **record_kwargs(completed))
    assert not Acceptance.objects.exists() and not AuditEvent.objects.filter(object_type__icontains="accept").exists()


def test_two_officers_accepting_from_the_same_page_the_second_is_told_and_nothing_is_written(
    completed: RenovationCase, officers: Officers
) -> None:
    seen = completed.version
    services.acceptance_record(acting_user=officers["township"], **record_kwargs(completed, version=seen))
    # The county officer opened the form before; their request loads the case afresh.
    fresh = type(completed).objects.get(pk=completed.pk)
    with pytest.raises(ValidationError) as exc:
        services.acceptance_record(
            acting_user=officers["county"],
            **record_kwargs(fresh, version=seen, results=all_pass(fresh, walls="fail"), **FAIL_KW),
        )
    assert "该案件刚被" in messages_of(exc) and "现为「验收通过」。您的操作未保存" in messages_of(exc)
    assert Acceptance.objects.count() == 1 and not Rectification.objects.exists()
    fresh.refresh_from_db()
    assert fresh.stage == Stage.ACCEPTED


def test_a_stale_case_object_without_a_version_still_cannot_win_twice(
    completed: RenovationCase, officers: Officers
) -> None:
    stale = type(completed).objects.get(pk=completed.pk)
    services.acceptance_record(acting_user=officers["township"], **record_kwargs(completed, version=None))
    with pytest.raises(ValidationError, match="您的操作未保存"):
        services.acceptance_record(acting_user=officers["county"], **record_kwargs(stale, version=None))
    assert Acceptance.objects.count() == 1


def test_close_blockers_name_a_missing_acceptance_and_a_bad_post_grade(
    completed: RenovationCase, officers: Officers
) -> None:
    assert selectors.case_close_blockers(completed) == ["尚未进行竣工验收。"]
    services.acceptance_record(acting_user=officers["township"], **record_kwargs(completed, post_grade="D", **FAIL_KW))
    completed.refresh_from_db()
    blockers = selectors.case_close_blockers(completed)
    assert len(blockers) == 2 and "竣工后房屋安全等级为 D 级，须达到 A 级或 B 级。" in blockers
    assert any("须整改并复验通过" in b for b in case_services.close_blockers(completed))


def test_the_panel_offers_the_acceptance_to_officers_only(completed: RenovationCase, officers: Officers) -> None:
    panel = selectors.case_panel(case=completed, user=officers["township"])
    assert panel["can_record"] and panel["latest"] is None and not panel["can_complete"]
    assert not selectors.case_panel(case=completed, user=officers["clerk"])["can_record"]
    services.acceptance_record(
        acting_user=officers["township"],
        **record_kwargs(
            completed,
            results=all_pass(completed, walls="fail"),
            rectification_due=ago(1),
            rectification_requirements="重砌",
        ),
    )
    completed.refresh_from_db()
    panel = selectors.case_panel(case=completed, user=officers["county"])
    assert not panel["can_record"] and panel["can_complete"] and panel["overdue"]
    assert panel["rectification"].due_on == ago(1)
