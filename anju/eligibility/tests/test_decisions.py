"""Decisions are stored with the rule, the rule-set version and the facts, and re-evaluated
when those facts change (an appraisal, 出列, a circumstance, a new rule set)."""

import datetime
import json
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs
from anju.eligibility import services
from anju.eligibility.models import Decision, RuleSet
from anju.households.models import Household
from anju.households.services import status_end

pytestmark = pytest.mark.django_db

C_GRADES = {
    "foundation": "a",
    "walls": "c",
    "timber_members": "b",
    "timber_truss": "a",
    "floor_roof": "a",
    "enclosure": "a",
}


def current(household: Household) -> Decision:
    return Decision.objects.get(household=household, is_current=True)


def test_an_appraisal_makes_a_key_group_household_eligible(
    appraiser: User, dibao_home: DibaoHome, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    household = dibao_home["household"]
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser,
            house=dibao_home["house"],
            **appraisal_kwargs(component_grades=C_GRADES, prevention_level="none", damage_cause="ageing"),
        )
    decision = current(household)
    assert (decision.rule_id, decision.outcome) == ("R08-key-dangerous", "renovation")
    assert decision.reason == "农村低保户，唯一住房经鉴定为 C 级危房，纳入农村危房改造。"
    assert decision.facts["only_house_grade"] == "C" and decision.facts["key_groups"] == ["dibao"]
    assert decision.rule_set.version == 1 and decision.trigger.startswith("鉴定为 C 级")


def test_leaving_the_group_mid_year_turns_it_into_a_general_household(
    appraiser: User, dibao_home: DibaoHome, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    household = dibao_home["household"]
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=C_GRADES)
        )
    with django_capture_on_commit_callbacks(execute=True):
        status_end(
            acting_user=dibao_home["civil"],
            status=household.statuses.get(),
            ended_on=datetime.date(2026, 6, 30),
        )
    decision = current(household)
    assert (decision.rule_id, decision.outcome) == ("R13-general-unassessed", "pending")
    assert decision.trigger == "农村低保户出列"
    history = list(Decision.objects.filter(household=household).order_by("pk").values_list("outcome", "is_current"))
    assert history == [("renovation", False), ("pending", True)]
    # The two decisions of the year still say it was in the renovation programme this year.
    assert decision.facts["programmes_this_year"] == ["renovation"]


def test_a_recorded_inability_to_self_repair_moves_a_general_household_to_the_fallback_plan(
    appraiser: User,
    dibao_home: DibaoHome,
    tl_clerk: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    household = dibao_home["household"]
    household.statuses.all().delete()  # a general household
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=C_GRADES)
        )
        services.circumstance_record(
            acting_user=tl_clerk,
            household=household,
            kind="self_repair_unable",
            recorded_on=datetime.date(2026, 5, 12),
            note="户主 78 岁独居，无劳动能力，子女在外无力承担",
        )
    assert current(household).outcome == "fallback"


def test_an_unchanged_household_is_not_decided_twice(
    appraiser: User, dibao_home: DibaoHome, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=C_GRADES)
        )
    assert services.decisions_refresh(household_ids=[dibao_home["household"].pk], trigger="again") == 0
    assert Decision.objects.count() == 1


def test_a_province_rule_set_applies_to_its_households_only(
    appraiser: User,
    dibao_home: DibaoHome,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=C_GRADES)
        )
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    national = services.ensure_national_rule_set()
    draft = services.rule_set_derive(acting_user=province, source=national)
    rules = json.loads(draft.text)
    rules["rules"] = [r for r in rules["rules"] if r["id"] != "R08-key-dangerous"] + [
        {
            "id": "SX-08",
            "name": "山西：重点对象危房",
            "when": {"all": [{"ref": "key_group"}, {"ref": "only_house_dangerous"}]},
            "outcome": "renovation",
            "reason": "山西省规则：{key_groups}，{only_house_grade}危房。",
        }
    ]
    services.rule_set_update(
        acting_user=province, rule_set=draft, text=json.dumps(rules, ensure_ascii=False), name="山西规则"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.rule_set_activate(acting_user=province, rule_set=draft)
    decision = current(dibao_home["household"])
    assert (decision.rule_set, decision.rule_id) == (draft, "SX-08")
    assert services.rule_set_for("500243202201") == national


def test_a_rule_set_that_does_not_parse_is_refused(make_user: Callable[..., User]) -> None:
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    draft = services.rule_set_derive(acting_user=province, source=services.ensure_national_rule_set())
    with pytest.raises(ValidationError) as exc:
        services.rule_set_update(acting_user=province, rule_set=draft, text='{"rules": [}', name="山西规则")
    assert "JSON 格式错误" in exc.value.message_dict["text"][0]
    draft.refresh_from_db()
    assert draft.text == services.ensure_national_rule_set().text
    assert RuleSet.objects.get(pk=draft.pk).status == "draft"


def test_circumstances_are_checked(tl_clerk: User, dibao_home: DibaoHome, make_user: Callable[..., User]) -> None:
    household = dibao_home["household"]
    with pytest.raises(ValidationError, match="已登记房屋"):
        services.circumstance_record(
            acting_user=tl_clerk, household=household, kind="no_house", recorded_on=datetime.date(2026, 5, 1), note="x"
        )
    with pytest.raises(ValidationError, match="核实依据"):
        services.circumstance_record(
            acting_user=tl_clerk,
            household=household,
            kind="solved_rent",
            recorded_on=datetime.date(2026, 5, 1),
            note=" ",
        )
    outsider = make_user("ps_clerk", "500243202201", Role.VILLAGE_CLERK)
    with pytest.raises(PermissionDenied):
        services.circumstance_record(
            acting_user=outsider,
            household=household,
            kind="solved_rent",
            recorded_on=datetime.date(2026, 5, 1),
            note="租房",
        )


def test_an_inspection_that_suspects_c_asks_for_an_appraisal(
    tl_clerk: User, dibao_home: DibaoHome, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from anju.inspections.services import inspection_record

    with django_capture_on_commit_callbacks(execute=True):
        inspection_record(
            acting_user=tl_clerk, house=dibao_home["house"], suspected_grade="C", is_occupied=True, occupant_ages=[70]
        )
    decision = current(dibao_home["household"])
    assert (decision.rule_id, decision.outcome) == ("R03-awaiting-appraisal", "pending")
    assert decision.reason == "唯一住房排查初判为 C 级，须经安全性鉴定后认定。"
