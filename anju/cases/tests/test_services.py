"""Every act on a case, allowed and refused: stage order, roles, regions, notice periods, the
area check, the subsidy standard, concurrency, ending a case another way."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.audit.models import AuditEvent
from anju.cases import services
from anju.cases.choices import Stage, StepKind
from anju.cases.models import CaseStep, RenovationCase
from anju.cases.tests.conftest import Officers, ago, photo, walk
from anju.eligibility.models import Decision
from anju.households.models import SupportRecord

pytestmark = pytest.mark.django_db


def test_a_covered_household_gets_a_case_found_with_its_rule_and_grade(
    case: RenovationCase, covered_home: DibaoHome
) -> None:
    assert case.stage == Stage.FOUND and case.grade == "D" and case.programme == "renovation"
    assert case.method == "rebuild" and case.method_name == "拆除重建"
    step = case.steps.get()
    # The note names the rule as users read it, not by its id.
    assert case.decision is not None
    assert step.kind == StepKind.OPEN and f"规则「{case.decision.rule_name}」" in step.note and "R08" not in step.note
    assert AuditEvent.objects.filter(object_type="cases.renovationcase", object_id=str(case.pk)).exists()


def test_a_household_not_covered_cannot_get_a_case(dibao_home: DibaoHome, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        services.case_open(acting_user=officers["clerk"], household=dibao_home["household"])
    assert "不能建立改造案件" in exc.value.messages[0]
    assert not RenovationCase.objects.exists()


def test_a_second_open_case_for_the_same_household_is_refused(
    case: RenovationCase, covered_home: DibaoHome, officers: Officers
) -> None:
    with pytest.raises(ValidationError, match="已有未结束的改造案件"):
        services.case_open(acting_user=officers["township"], household=covered_home["household"])
    assert RenovationCase.objects.count() == 1


def test_acts_out_of_order_are_refused_and_change_nothing(case: RenovationCase, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        services.case_township_review(acting_user=officers["township"], case=case, on=ago(5), note="同意")
    assert exc.value.messages == ["案件当前为「发现」，不能办理「乡镇审核并公示」。"]
    case.refresh_from_db()
    assert case.stage == Stage.FOUND and case.steps.count() == 1


def test_the_wrong_role_is_told_who_may_act(case: RenovationCase, officers: Officers) -> None:
    services.case_apply(acting_user=officers["clerk"], case=case, on=ago(59))
    with pytest.raises(PermissionDenied, match="须由村主要负责人、乡镇建环办办理"):
        services.case_village_review(acting_user=officers["clerk"], case=case, on=ago(58), note="同意")


def test_an_officer_of_another_region_cannot_act(case: RenovationCase, make_user: Callable[..., User]) -> None:
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.case_end(acting_user=other, case=case, on=ago(1), reason="rent", note="租房")


def test_the_township_review_waits_for_the_village_notice(case: RenovationCase, officers: Officers) -> None:
    services.case_apply(acting_user=officers["clerk"], case=case, on=ago(20))
    services.case_village_review(acting_user=officers["head"], case=case, on=ago(6), note="到会 20 人同意 20 人")
    review = case.steps.get(kind=StepKind.VILLAGE_REVIEW)
    assert (review.notice_from, review.notice_until) == (ago(6), ago(0))
    with pytest.raises(ValidationError) as exc:
        services.case_township_review(acting_user=officers["township"], case=case, on=ago(0), note="同意")
    assert "公示期满后" in exc.value.messages[0] and f"{ago(-1):%Y-%m-%d} 起" in exc.value.messages[0]


def test_notice_periods_come_from_the_policy(case: RenovationCase, officers: Officers) -> None:
    policy = case.policy
    policy.content["notice_days"]["village"] = 10
    policy.save()
    services.case_apply(acting_user=officers["clerk"], case=case, on=ago(30))
    services.case_village_review(acting_user=officers["head"], case=case, on=ago(20), note="同意")
    assert case.steps.get(kind=StepKind.VILLAGE_REVIEW).notice_until == ago(11)


def test_a_date_before_the_previous_step_or_in_the_future_is_refused(case: RenovationCase, officers: Officers) -> None:
    with pytest.raises(ValidationError, match="不能早于上一环节「发现建案」"):
        services.case_apply(acting_user=officers["clerk"], case=case, on=ago(61))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.case_apply(acting_user=officers["clerk"], case=case, on=ago(-1))


def test_approval_fixes_method_and_subsidy_with_its_explanation(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.APPROVED)
    assert case.subsidy_amount == Decimal("21000") and case.subsidy_standard == "S-D"
    assert case.subsidy_explanation == "按补助标准 S-D「D 级危房或无房户」：21,000 元/户"


def test_a_region_standard_overrides_the_general_one(case: RenovationCase, officers: Officers) -> None:
    case.policy.content["subsidy_standards"].append(
        {
            "code": "TL-D",
            "label": "屯留区 D 级",
            "year": case.year,
            "regions": ["140405"],
            "programme": "renovation",
            "grades": ["D"],
            "methods": [],
            "amount": 25000,
        }
    )
    case.policy.save()
    walk(case, officers, Stage.APPROVED)
    assert case.subsidy_amount == 25000 and case.subsidy_standard == "TL-D"
    assert f"{case.year} 年" in case.subsidy_explanation


def test_a_method_that_does_not_suit_the_grade_is_refused(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.TOWNSHIP_REVIEWED)
    case.grade = "C"
    case.save()
    with pytest.raises(ValidationError, match="可选的改造方式"):
        services.case_approve(acting_user=officers["county"], case=case, on=ago(43), note="同意", method="new_site")


def test_filing_gives_the_next_archive_number_of_the_township(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.FILED)
    assert case.archive_no == f"渔泽镇危改字[{case.year}]001号" and case.filed_on == ago(37)


def test_an_area_below_the_rule_is_flagged_not_refused(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.FILED)
    services.case_sign_agreement(
        acting_user=officers["township"],
        case=case,
        on=ago(36),
        method="rebuild",
        construction_mode="self",
        builder_name="李师傅",
        builder_cert_no="GJ-1",
        planned_area=Decimal("15"),
    )
    case.refresh_from_db()
    assert case.stage == Stage.AGREEMENT_SIGNED
    assert case.area_problem == "1 人户面积应不小于 20 m²，现为 15 m²。"


def test_the_agreement_needs_who_builds_and_the_area(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.FILED)
    with pytest.raises(ValidationError) as exc:
        services.case_sign_agreement(
            acting_user=officers["township"],
            case=case,
            on=ago(36),
            method="rebuild",
            construction_mode="",
            builder_name="",
            builder_cert_no="",
            planned_area=None,
        )
    assert set(exc.value.message_dict) == {"construction_mode", "builder_name", "builder_cert_no", "planned_area"}


def test_completion_needs_a_patrol_with_photos(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    with pytest.raises(ValidationError, match="还没有质量巡查记录"):
        services.case_complete(acting_user=officers["township"], case=case, on=ago(20), built_area=Decimal("45"))
    with pytest.raises(ValidationError, match="至少上传一张现场照片"):
        services.patrol_record(acting_user=officers["township"], case=case, on=ago(30), findings="正常")
    patrol = services.patrol_record(
        acting_user=officers["county"], case=case, on=ago(30), findings="构造柱到位", photos=[photo()]
    )
    assert patrol.photos.count() == 1
    services.case_complete(acting_user=officers["township"], case=case, on=ago(20), built_area=Decimal("45"))
    case.refresh_from_db()
    assert case.stage == Stage.COMPLETED and case.completed_on == ago(20)


def test_two_officers_acting_at_once_one_wins_and_the_other_is_told(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.APPROVED)
    stale = RenovationCase.objects.get(pk=case.pk)
    services.case_file(acting_user=officers["county"], case=case, on=ago(37))
    with pytest.raises(ValidationError) as exc:
        services.case_file(acting_user=officers["township"], case=stale, on=ago(37), version=stale.version)
    assert "刚被" in exc.value.messages[0] and "已建档" in exc.value.messages[0]
    assert case.steps.filter(kind=StepKind.FILE).count() == 1


def test_a_stale_case_object_without_version_still_cannot_move_twice(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.APPROVED)
    stale = RenovationCase.objects.get(pk=case.pk)
    services.case_file(acting_user=officers["county"], case=case, on=ago(37))
    stale.stage = Stage.APPROVED  # as loaded before the other officer's act
    with pytest.raises(ValidationError, match="刚被"):
        services.case_file(acting_user=officers["township"], case=stale, on=ago(37))
    assert CaseStep.objects.filter(case=case, kind=StepKind.FILE).count() == 1


def test_a_case_ends_another_way_with_a_reason(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.VILLAGE_REVIEWED)
    with pytest.raises(ValidationError, match="请说明终止的情况"):
        services.case_end(acting_user=officers["township"], case=case, on=ago(1), reason="rent", note="")
    services.case_end(acting_user=officers["township"], case=case, on=ago(1), reason="relatives", note="随子女居住")
    case.refresh_from_db()
    assert case.stage == Stage.ENDED and case.end_reason == "relatives" and case.end_note == "随子女居住"


def test_only_the_county_ends_a_case_under_way(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    with pytest.raises(PermissionDenied, match="只能由区/县住建局终止"):
        services.case_end(acting_user=officers["township"], case=case, on=ago(1), reason="declined", note="放弃")


def test_closing_lists_what_is_missing(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.COMPLETED)
    with pytest.raises(ValidationError) as exc:
        services.case_close(acting_user=officers["county"], case=case, on=ago(1))
    assert exc.value.messages[0] == "不能销号：案件当前为「已竣工待验收」，须竣工验收通过后才能销号。"


def test_a_reentry_links_the_earlier_case(case: RenovationCase, covered_home: DibaoHome, officers: Officers) -> None:
    RenovationCase.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, year=2020, closed_on=datetime.date(2020, 12, 1)
    )
    SupportRecord.objects.filter(case=case).update(completed_on=datetime.date(2020, 12, 1))
    Decision.objects.filter(household=covered_home["household"]).update(outcome="reentry")
    again = services.case_open(acting_user=officers["township"], household=covered_home["household"])
    assert again.previous_case_id == case.pk


def test_a_refused_act_is_audited_and_changes_nothing(case: RenovationCase, officers: Officers) -> None:
    with pytest.raises(ValidationError):
        services.case_close(acting_user=officers["county"], case=case, on=ago(1))
    refusal = AuditEvent.objects.get(object_type="cases.renovationcase", object_id=str(case.pk), action="refused")
    assert refusal.note.startswith("销号：不能销号：案件当前为「发现」") and refusal.actor == officers["county"]
    case.refresh_from_db()
    assert case.stage == Stage.FOUND and case.steps.count() == 1
