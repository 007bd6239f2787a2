"""The eligibility API: decisions with their rule, rule-set version, facts and reasons; re-evaluation
on request; circumstances recorded and withdrawn by the village, township and county; rule sets
kept by the province. Wrong role 403, another region 404, bad input 400 with the Chinese message,
and nothing written when refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs
from anju.eligibility.models import Circumstance, Decision, RuleSet

pytestmark = pytest.mark.django_db

DECISIONS = reverse("api:eligibilitydecision-list")
REEVALUATE = reverse("api:eligibilitydecision-reevaluate")
CIRCUMSTANCES = reverse("api:circumstance-list")
RULE_SETS = reverse("api:ruleset-list")
C_GRADES = {
    "foundation": "a",
    "walls": "c",
    "timber_members": "b",
    "timber_truss": "a",
    "floor_roof": "a",
    "enclosure": "a",
}


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def appraised(
    appraiser: User, dibao_home: DibaoHome, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> DibaoHome:
    """甲 (低保) first evaluated without an appraisal, then appraised C: two decisions, one current."""
    household = dibao_home["household"]
    client_for(appraiser).post(REEVALUATE, {"household": household.pk})
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser,
            house=dibao_home["house"],
            **appraisal_kwargs(component_grades=C_GRADES, prevention_level="none", damage_cause="ageing"),
        )
    return dibao_home


def test_a_decision_says_which_rule_of_which_version_fired_and_why(tl_clerk: User, appraised: DibaoHome) -> None:
    client = client_for(tl_clerk)
    rows = client.get(DECISIONS).json()["results"]
    assert len(rows) == 1 and rows[0]["is_current"]
    detail = client.get(reverse("api:eligibilitydecision-detail", args=[rows[0]["id"]])).json()
    assert (detail["rule_id"], detail["rule_set_label"], detail["outcome"], detail["programme"]) == (
        "R08-key-dangerous",
        "全国-v1",
        "renovation",
        "renovation",
    )
    assert detail["outcome_label"] == "纳入农村危房改造" and detail["household_name"] == "甲"
    assert detail["reason"] == "农村低保户，唯一住房经鉴定为 C 级危房，纳入农村危房改造。"
    assert detail["facts"]["only_house_grade"] == "C" and detail["facts"]["key_groups"] == ["dibao"]
    assert {"name": "only_house_grade", "label": "唯一住房鉴定等级", "value": "C 级"} in detail["facts_shown"]
    assert detail["checks"] and all("text" in c and "held" in c for c in detail["checks"])
    assert detail["trigger"].startswith("鉴定为 C 级")


def test_the_history_is_one_parameter_away_and_the_list_filters(tl_clerk: User, appraised: DibaoHome) -> None:
    client = client_for(tl_clerk)
    history = client.get(DECISIONS, {"all": "1"}).json()["results"]
    assert [(d["outcome"], d["is_current"]) for d in history] == [("renovation", True), ("pending", False)]
    old = history[1]["id"]
    assert client.get(reverse("api:eligibilitydecision-detail", args=[old])).json()["is_current"] is False
    assert len(client.get(DECISIONS, {"outcome": "renovation"}).json()["results"]) == 1
    assert client.get(DECISIONS, {"outcome": "seismic"}).json()["results"] == []
    assert len(client.get(DECISIONS, {"household": str(appraised["household"].pk), "all": "1"}).json()["results"]) == 2
    assert len(client.get(DECISIONS, {"region": "140405102201"}).json()["results"]) == 1
    assert client.get(DECISIONS, {"region": "140405102202"}).json()["results"] == []


def test_reevaluate_returns_the_current_decision_and_is_scoped(
    tl_clerk: User, appraised: DibaoHome, ps_admin: User
) -> None:
    household = appraised["household"]
    response = client_for(tl_clerk).post(REEVALUATE, {"household": household.pk})
    assert response.status_code == 200 and response.json()["rule_id"] == "R08-key-dangerous"
    assert Decision.objects.filter(household=household).count() == 2  # the facts did not change
    outside = client_for(ps_admin).post(REEVALUATE, {"household": household.pk})
    assert outside.status_code == 404 and outside.json() == {"detail": "农户不存在或不在您的管辖范围内。"}
    assert client_for(ps_admin).get(DECISIONS, {"all": "1"}).json()["results"] == []
    decision = Decision.objects.get(household=household, is_current=True)
    assert client_for(ps_admin).get(reverse("api:eligibilitydecision-detail", args=[decision.pk])).status_code == 404
    bad = client_for(tl_clerk).post(REEVALUATE, {"household": "甲"})
    assert bad.status_code == 400 and list(bad.json()) == ["household"]


# --- circumstances -------------------------------------------------------------------------------


def circumstance(household: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "household": household.pk,
        "kind": "solved_rent",
        "recorded_on": "2026-06-01",
        "note": "已租住村委会周转房，合同至 2027 年",
    } | overrides


def test_a_clerk_records_a_circumstance_and_the_decision_follows(
    tl_clerk: User, appraised: DibaoHome, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    client = client_for(tl_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CIRCUMSTANCES, circumstance(appraised["household"]))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["kind"], data["kind_label"], data["recorded_by"], data["withdrawn_at"]) == (
        "solved_rent",
        "已租赁安全住房",
        "tl_clerk",
        None,
    )
    current = client.get(DECISIONS).json()["results"][0]
    assert (current["rule_id"], current["outcome"]) == ("R01-solved-otherwise", "solved_otherwise")
    assert [c["id"] for c in client.get(CIRCUMSTANCES, {"kind": "solved_rent"}).json()["results"]] == [data["id"]]

    withdraw = reverse("api:circumstance-withdraw", args=[data["id"]])
    blank = client.post(withdraw, {"reason": "  "})
    assert blank.status_code == 400 and blank.json() == {"reason": ["请填写撤销理由。"]}
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(withdraw, {"reason": "租房合同已解除，户主搬回原房"})
    assert done.status_code == 200 and done.json()["withdrawn_by"] == "tl_clerk"
    assert client.get(DECISIONS).json()["results"][0]["outcome"] == "renovation"
    again = client.post(withdraw, {"reason": "重复"})
    assert again.status_code == 400 and again.json() == {"non_field_errors": ["该情况已撤销。"]}
    assert client.get(CIRCUMSTANCES, {"withdrawn": "false"}).json()["results"] == []
    assert len(client.get(CIRCUMSTANCES, {"withdrawn": "true"}).json()["results"]) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"note": " "}, "note", "请写明核实依据（如走访情况、租房合同、亲属住址）。"),
        ({"recorded_on": "2099-01-01"}, "recorded_on", "核实日期不能晚于今天。"),
        ({"kind": "no_house"}, "kind", "该户已登记房屋，不能核实为无房；如房屋已倒塌或拆除，请先在房屋信息中注明。"),
    ],
)
def test_a_bad_circumstance_is_refused_with_the_message(
    tl_clerk: User, dibao_home: DibaoHome, overrides: dict[str, str], field: str, message: str
) -> None:
    response = client_for(tl_clerk).post(CIRCUMSTANCES, circumstance(dibao_home["household"], **overrides))
    assert response.status_code == 400 and response.json() == {field: [message]}
    assert not Circumstance.objects.exists()


def test_circumstances_need_the_role_and_the_region(
    appraiser: User, dibao_home: DibaoHome, ps_admin: User, tl_clerk: User
) -> None:
    household = dibao_home["household"]
    refused = client_for(appraiser).post(CIRCUMSTANCES, circumstance(household))
    assert refused.status_code == 403 and refused.json() == {"detail": "您的角色不能登记农户核实情况。"}
    outside = client_for(ps_admin).post(CIRCUMSTANCES, circumstance(household))
    assert outside.status_code == 404
    assert not Circumstance.objects.exists()
    record = client_for(tl_clerk).post(CIRCUMSTANCES, circumstance(household)).json()
    withdraw = reverse("api:circumstance-withdraw", args=[record["id"]])
    assert client_for(appraiser).post(withdraw, {"reason": "x"}).status_code == 403
    assert client_for(ps_admin).post(withdraw, {"reason": "x"}).status_code == 404
    assert client_for(ps_admin).get(CIRCUMSTANCES).json()["results"] == []
    assert Circumstance.objects.get().withdrawn_at is None


# --- rule sets -----------------------------------------------------------------------------------


@pytest.fixture
def sx_province(make_user: Callable[..., User]) -> User:
    return make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)


def test_a_province_derives_edits_and_activates_a_rule_set(sx_province: User, tl_clerk: User) -> None:
    client = client_for(sx_province)
    rows = client.get(RULE_SETS).json()["results"]
    assert [(r["version_label"], r["status"]) for r in rows] == [("全国-v1", "active")] and "text" not in rows[0]
    national = client.get(reverse("api:ruleset-detail", args=[rows[0]["id"]])).json()
    assert json.loads(national["text"])["rules"][0]["id"] == "R01-solved-otherwise"
    derived = client.post(reverse("api:ruleset-derive", args=[national["id"]]), {"note": "山西版本"})
    assert derived.status_code == 201, derived.json()
    draft = derived.json()
    assert (draft["version_label"], draft["status"], draft["text"]) == ("140000000000-v1", "draft", national["text"])

    url = reverse("api:ruleset-detail", args=[draft["id"]])
    broken = client.patch(url, {"text": '{"rules": ['}, format="json")
    assert broken.status_code == 400 and broken.json()["text"][0].startswith("第 1 行第 12 列：JSON 格式错误")
    unknown = json.loads(national["text"])
    unknown["rules"][0]["outcome"] = "money"
    refused = client.patch(url, {"text": json.dumps(unknown, ensure_ascii=False)}, format="json")
    assert (
        refused.status_code == 400 and "规则「R01-solved-otherwise」的结论「money」不存在" in refused.json()["text"][0]
    )
    assert RuleSet.objects.get(pk=draft["id"]).text == national["text"]

    renamed = client.patch(url, {"name": "山西省资格规则"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "山西省资格规则"
    activated = client.post(reverse("api:ruleset-activate", args=[draft["id"]]))
    assert activated.status_code == 200 and activated.json()["status"] == "active"
    statuses = {r["version_label"]: r["status"] for r in client_for(tl_clerk).get(RULE_SETS).json()["results"]}
    assert statuses == {"全国-v1": "active", "140000000000-v1": "active"}


def test_rule_sets_are_kept_by_the_province(sx_province: User, tl_county: User, make_user: Callable[..., User]) -> None:
    national = client_for(tl_county).get(RULE_SETS).json()["results"][0]
    refused = client_for(tl_county).post(reverse("api:ruleset-derive", args=[national["id"]]))
    assert refused.status_code == 403 and refused.json() == {"detail": "资格规则由省住建厅维护。"}
    draft = client_for(sx_province).post(reverse("api:ruleset-derive", args=[national["id"]])).json()
    assert client_for(tl_county).post(reverse("api:ruleset-activate", args=[draft["id"]])).status_code == 403
    cq_province = client_for(make_user("cq_province", "500000000000", Role.PROVINCE_OFFICER))
    assert cq_province.get(reverse("api:ruleset-detail", args=[draft["id"]])).status_code == 404
    edit = cq_province.patch(reverse("api:ruleset-detail", args=[draft["id"]]), {"name": "x"}, format="json")
    assert edit.status_code == 404
    assert RuleSet.objects.get(pk=draft["id"]).status == "draft"
    assert RuleSet.objects.filter(region_code="500000000000").count() == 0
