"""Table-driven tests of the default rule set: every rule, and the combinations requirements §7 names
(several statuses, 出列 mid-year, re-entry, both programmes in one year). Facts are given
directly; ``test_decisions`` checks that the facts are gathered from the database right."""

from __future__ import annotations

from typing import Any

import pytest

from anju.eligibility import engine
from anju.eligibility.services import DEFAULT_RULES

SPEC = engine.parse(DEFAULT_RULES.read_text(encoding="utf-8"))


def facts(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "key_groups": [],
        "has_house": True,
        "no_house": False,
        "has_only_house": True,
        "only_house_grade": None,
        "only_house_grade_source": None,
        "only_house_suspected": None,
        "seismic_intensity": 6,
        "prevention_level": None,
        "damage_cause": None,
        "renovated_year": None,
        "renovation_programme": None,
        "years_since_renovation": None,
        "closed_case_year": None,
        "supported_elsewhere": None,
        "self_repair": None,
        "other_solution": None,
        "programmes_this_year": [],
    }
    unknown = set(overrides) - set(base)
    assert not unknown, unknown
    return base | overrides


KEY_C = {"key_groups": ["dibao"], "only_house_grade": "C", "prevention_level": "none", "damage_cause": "ageing"}
SEISMIC_B = {"key_groups": ["tekun"], "only_house_grade": "B", "seismic_intensity": 7, "prevention_level": "partial"}

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # (what, facts, rule that fires, outcome)
    ("低保户唯一住房 C 级", KEY_C, "R08-key-dangerous", "renovation"),
    (
        "特困户唯一住房 D 级",
        {**KEY_C, "key_groups": ["tekun"], "only_house_grade": "D"},
        "R08-key-dangerous",
        "renovation",
    ),
    (
        "多重身份只认定一次",
        {**KEY_C, "key_groups": ["monitoring", "dibao", "dibao_edge"]},
        "R08-key-dangerous",
        "renovation",
    ),
    (
        "重点对象经核实无房",
        {"key_groups": ["monitoring"], "has_house": False, "has_only_house": False, "no_house": True},
        "R02-key-no-house",
        "renovation",
    ),
    (
        "重点对象未登记房屋也未核实无房",
        {"key_groups": ["monitoring"], "has_house": False, "has_only_house": False},
        "R99-undetermined",
        "pending",
    ),
    (
        "一般农户无房不纳入",
        {"has_house": False, "has_only_house": False, "no_house": True},
        "R99-undetermined",
        "pending",
    ),
    (
        "出列后按一般农户：有能力自修",
        {**KEY_C, "key_groups": [], "self_repair": "able"},
        "R11-general-able",
        "self_repair",
    ),
    (
        "出列后按一般农户：无能力兜底",
        {**KEY_C, "key_groups": [], "self_repair": "unable"},
        "R12-general-unable",
        "fallback",
    ),
    ("一般农户能力未核实", {**KEY_C, "key_groups": []}, "R13-general-unassessed", "pending"),
    ("其他脱贫户未享受过支持且无力自修", {**KEY_C, "key_groups": ["other_exited"]}, "R08-key-dangerous", "renovation"),
    (
        "其他脱贫户有能力自修：按一般农户",
        {**KEY_C, "key_groups": ["other_exited"], "self_repair": "able"},
        "R11-general-able",
        "self_repair",
    ),
    (
        "其他脱贫户兼低保户：按低保户",
        {**KEY_C, "key_groups": ["dibao", "other_exited"], "self_repair": "able"},
        "R08-key-dangerous",
        "renovation",
    ),
    ("疑似 C 级未鉴定", {"key_groups": ["dibao"], "only_house_suspected": "C"}, "R03-awaiting-appraisal", "pending"),
    ("鉴定结论优先于初判", {**KEY_C, "only_house_suspected": "A"}, "R08-key-dangerous", "renovation"),
    (
        "唯一住房 B 级",
        {"key_groups": ["dibao"], "only_house_grade": "B", "prevention_level": "full"},
        "R15-house-safe",
        "not_covered",
    ),
    ("唯一住房 A 级的一般农户", {"only_house_grade": "A"}, "R15-house-safe", "not_covered"),
    (
        "房屋均非唯一住房",
        {**KEY_C, "has_only_house": False, "only_house_grade": None},
        "R14-not-only-house",
        "not_covered",
    ),
    ("7 度区唯一住房抗震不达标", SEISMIC_B, "R10-key-seismic", "seismic"),
    (
        "8 度区防灾措施完全不具备",
        {**SEISMIC_B, "seismic_intensity": 8, "prevention_level": "none"},
        "R10-key-seismic",
        "seismic",
    ),
    ("6 度区抗震不达标不纳入", {**SEISMIC_B, "seismic_intensity": 6}, "R15-house-safe", "not_covered"),
    ("7 度区防灾措施具备", {**SEISMIC_B, "prevention_level": "full"}, "R15-house-safe", "not_covered"),
    ("设防烈度未登记", {**SEISMIC_B, "seismic_intensity": None}, "R15-house-safe", "not_covered"),
    ("一般农户抗震不达标不纳入", {**SEISMIC_B, "key_groups": []}, "R15-house-safe", "not_covered"),
    ("7 度区危房按危改而非抗震", {**KEY_C, "seismic_intensity": 8}, "R08-key-dangerous", "renovation"),
    (
        "同年已纳入抗震改造后又成危房",
        {**KEY_C, "programmes_this_year": ["seismic"]},
        "R07-seismic-taken-this-year",
        "review",
    ),
    (
        "同年已纳入危改不再抗震",
        {**SEISMIC_B, "programmes_this_year": ["renovation"]},
        "R09-renovation-taken-this-year",
        "review",
    ),
    ("上年度抗震改造不影响本年危改", {**KEY_C, "programmes_this_year": []}, "R08-key-dangerous", "renovation"),
    (
        "已改造房屋因小型灾害再成危房：再次纳入",
        {**KEY_C, "renovated_year": 2019, "renovation_programme": "renovation", "damage_cause": "small_disaster"},
        "R05-reentry-small-disaster",
        "reentry",
    ),
    (
        "抗震改造过的房屋因小型灾害再成危房",
        {
            **KEY_C,
            "renovated_year": 2020,
            "renovation_programme": "seismic",
            "damage_cause": "small_disaster",
            "seismic_intensity": 7,
        },
        "R05-reentry-small-disaster",
        "reentry",
    ),
    (
        "已享受因灾恢复重建：不再纳入",
        {**KEY_C, "renovated_year": 2021, "renovation_programme": "disaster_rebuild", "damage_cause": "small_disaster"},
        "R04-rebuilt-after-disaster",
        "not_covered",
    ),
    (
        "已改造房屋因老化再成危房：人工核定",
        {**KEY_C, "renovated_year": 2015, "renovation_programme": "renovation", "damage_cause": "ageing"},
        "R06-renovated-dangerous-again",
        "review",
    ),
    (
        "已享受过支持的其他脱贫户不按重点对象",
        {
            **KEY_C,
            "key_groups": ["other_exited"],
            "renovated_year": 2016,
            "renovation_programme": "renovation",
            "damage_cause": "small_disaster",
            "self_repair": "unable",
        },
        "R12-general-unable",
        "fallback",
    ),
    (
        "已改造房屋因老化再成危房，未满再次纳入年限：人工核定",
        {**KEY_C, "renovated_year": 2015, "renovation_programme": "renovation", "years_since_renovation": 11},
        "R06-renovated-dangerous-again",
        "review",
    ),
    (
        "改造已满 15 年再次成为危房：再次纳入",
        {**KEY_C, "renovated_year": 2008, "renovation_programme": "renovation", "years_since_renovation": 18},
        "R05b-reentry-after-years",
        "reentry",
    ),
    (
        "竣工验收通过、尚未销号：已改造，不再按抗震不达标认定",
        {**SEISMIC_B, "only_house_grade": "A", "only_house_grade_source": "acceptance"},
        "R00a-accepted",
        "renovated",
    ),
    (
        "改造销号后验收为 A 级：已改造",
        {**KEY_C, "only_house_grade": "A", "renovated_year": 2025, "renovation_programme": "renovation"},
        "R00-renovated",
        "renovated",
    ),
    (
        "无房户改造销号：已改造，不再按无房纳入",
        {
            "key_groups": ["dibao"],
            "has_house": False,
            "has_only_house": False,
            "no_house": True,
            "closed_case_year": 2025,
        },
        "R00-renovated",
        "renovated",
    ),
    (
        "已改造房屋排查疑似再成危房：待鉴定，不算已改造",
        {
            "key_groups": ["dibao"],
            "only_house_suspected": "C",
            "renovated_year": 2024,
            "renovation_programme": "renovation",
            "closed_case_year": 2024,
        },
        "R03-awaiting-appraisal",
        "pending",
    ),
    (
        "家庭成员已在其他农户受助：人工核定",
        {**KEY_C, "supported_elsewhere": "王五（渔泽镇危改字[2024]003号，2024 年农村危房改造，已销号）"},
        "R03b-member-supported-elsewhere",
        "review",
    ),
    ("已租房解决", {**KEY_C, "other_solution": "rent"}, "R01-solved-otherwise", "solved_otherwise"),
    ("投亲靠友优先于一切", {**SEISMIC_B, "other_solution": "relatives"}, "R01-solved-otherwise", "solved_otherwise"),
    ("什么都不知道", {"has_house": False, "has_only_house": False}, "R99-undetermined", "pending"),
]


@pytest.mark.parametrize(("what", "given", "rule_id", "outcome"), CASES, ids=[c[0] for c in CASES])
def test_it_decides_by_the_first_rule_that_holds(what: str, given: dict[str, Any], rule_id: str, outcome: str) -> None:
    result = engine.evaluate(SPEC, facts(**given))
    assert (result.rule.id, result.rule.outcome) == (rule_id, outcome), result.reason


def test_every_rule_of_the_default_set_is_exercised() -> None:
    fired = {engine.evaluate(SPEC, facts(**given)).rule.id for _, given, _, _ in CASES}
    assert fired == {r.id for r in SPEC.rules} | {SPEC.default.id}


def test_the_reason_reads_as_plain_chinese_with_the_facts() -> None:
    result = engine.evaluate(SPEC, facts(**{**KEY_C, "key_groups": ["monitoring", "dibao"]}))
    assert result.reason == "农村易返贫致贫户、农村低保户，唯一住房经鉴定为 C 级危房，纳入农村危房改造。"
    lines = [(c.text, c.held) for c in result.checks]
    assert lines == [
        ("属于重点对象（其他脱贫户须未享受过住房保障且无力自行解决）", True),
        ("唯一住房经鉴定为 C 级或 D 级危房", True),
    ]
    grade_check = result.checks[1].children[0]
    assert (grade_check.text, grade_check.actual) == ("唯一住房鉴定等级为 C、D 级 之一", "C 级")


def test_reentry_reason_names_the_earlier_renovation() -> None:
    given = {**KEY_C, "renovated_year": 2019, "renovation_programme": "renovation", "damage_cause": "small_disaster"}
    reason = engine.evaluate(SPEC, facts(**given)).reason
    assert "2019 年" in reason and "农村危房改造" in reason and "关联原改造" in reason


BAD_RULE_SETS: list[tuple[str, str, str]] = [
    ("not json", '{"rules": [', "第 1 行"),
    ("not an object", "[1, 2]", "JSON 对象"),
    (
        "no rules",
        '{"rules": [], "default": {"id": "D", "name": "n", "outcome": "pending", "reason": "r"}}',
        "至少含一条规则",
    ),
    (
        "unknown fact",
        '{"rules": [{"id": "R1", "name": "n", "when": {"fact": "income", "eq": 1}, "outcome": "pending",'
        ' "reason": "r"}], "default": {"id": "D", "name": "n", "outcome": "pending", "reason": "r"}}',
        "不存在的事实「income」",
    ),
    (
        "unknown outcome",
        '{"rules": [{"id": "R1", "name": "n", "when": {"fact": "has_house", "eq": true},'
        ' "outcome": "cash", "reason": "r"}], "default": {"id": "D", "name": "n", "outcome": "pending", "reason": "r"}}',
        "结论「cash」不存在",
    ),
    (
        "bad grade value",
        '{"rules": [{"id": "R1", "name": "n", "when": {"fact": "only_house_grade", "in": ["E"]},'
        ' "outcome": "pending", "reason": "r"}], "default": {"id": "D", "name": "n", "outcome": "pending", "reason": "r"}}',
        "没有取值「E」",
    ),
    (
        "unknown placeholder",
        '{"rules": [{"id": "R1", "name": "n", "when": {"fact": "has_house", "eq": true},'
        ' "outcome": "pending", "reason": "{income}"}], "default": {"id": "D", "name": "n", "outcome": "pending",'
        ' "reason": "r"}}',
        "不存在的事实「{income}」",
    ),
    (
        "missing default",
        '{"rules": [{"id": "R1", "name": "n", "when": {"fact": "has_house", "eq": true},'
        ' "outcome": "pending", "reason": "r"}]}',
        "默认规则",
    ),
    (
        "dangling ref",
        '{"rules": [{"id": "R1", "name": "n", "when": {"ref": "poor"}, "outcome": "pending",'
        ' "reason": "r"}], "default": {"id": "D", "name": "n", "outcome": "pending", "reason": "r"}}',
        "不存在的条件「poor」",
    ),
    (
        "self ref",
        '{"conditions": {"a": {"label": "A", "when": {"ref": "a"}}}, "rules": [{"id": "R1", "name": "n",'
        ' "when": {"ref": "a"}, "outcome": "pending", "reason": "r"}], "default": {"id": "D", "name": "n",'
        ' "outcome": "pending", "reason": "r"}}',
        "循环引用",
    ),
    (
        "duplicate id",
        '{"rules": [{"id": "R1", "name": "n", "when": {"fact": "has_house", "eq": true},'
        ' "outcome": "pending", "reason": "r"}, {"id": "R1", "name": "n", "when": {"fact": "has_house", "eq": false},'
        ' "outcome": "pending", "reason": "r"}], "default": {"id": "D", "name": "n", "outcome": "pending", "reason": "r"}}',
        "重复",
    ),
    (
        "two operators",
        '{"rules": [{"id": "R1", "name": "n", "when": {"fact": "seismic_intensity", "gte": 7, "lte": 9},'
        ' "outcome": "pending", "reason": "r"}], "default": {"id": "D", "name": "n", "outcome": "pending", "reason": "r"}}',
        "恰有一个运算符",
    ),
]


@pytest.mark.parametrize(("what", "text", "message"), BAD_RULE_SETS, ids=[b[0] for b in BAD_RULE_SETS])
def test_a_rule_set_that_does_not_parse_is_refused_with_a_chinese_message(what: str, text: str, message: str) -> None:
    with pytest.raises(engine.RuleSetError) as exc:
        engine.parse(text)
    assert any(message in m for m in exc.value.messages), exc.value.messages
