"""Eligibility rules as data (requirements §7, STYLE 6): a rule set is JSON text with named conditions
and an ordered list of rules; the first rule whose condition holds decides. Every decision
says which rule fired, the rule set's version, the facts it used, and why, in plain Chinese.

A condition is one of
    {"fact": NAME, OP: VALUE}        OP: eq ne in not_in gt gte lt lte is_set contains intersects
    {"all": [cond, ...]}  {"any": [cond, ...]}  {"not": cond}  {"ref": CONDITION_NAME}
A rule is {"id", "name", "when", "outcome", "reason"}; ``reason`` may name facts in braces,
e.g. "唯一住房经鉴定为{only_house_grade}" (shown with the fact's Chinese rendering).
ADR 0012 records why this is hand-written rather than a rules library."""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from typing import Any

from anju.eligibility.choices import Outcome
from anju.eligibility.facts import FACTS, show

OPERATORS = {
    "eq": "{label}为 {value}",
    "ne": "{label}不是 {value}",
    "in": "{label}为 {value} 之一",
    "not_in": "{label}不是 {value}",
    "gt": "{label}大于 {value}",
    "gte": "{label}不低于 {value}",
    "lt": "{label}小于 {value}",
    "lte": "{label}不高于 {value}",
    "is_set": "",
    "contains": "{label}含{value}",
    "intersects": "{label}含 {value} 之一",
}
RULE_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")
MAX_DEPTH = 8


class RuleSetError(ValueError):
    """A rule set that does not parse; ``messages`` are Chinese, one per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    when: Any
    outcome: str
    reason: str


@dataclass(frozen=True)
class RuleSetSpec:
    conditions: dict[str, dict[str, Any]]
    rules: list[Rule]
    default: Rule


@dataclass
class Check:
    """One line of a decision's explanation: a condition, whether it held, and the fact's value."""

    text: str
    held: bool
    actual: str = ""
    children: list[Check] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "held": self.held}
        if self.actual:
            out["actual"] = self.actual
        if self.children:
            out["children"] = [c.as_dict() for c in self.children]
        return out


@dataclass(frozen=True)
class Result:
    rule: Rule
    reason: str
    checks: list[Check]


def _value_text(name: str, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(show(name, [v]) if FACTS[name].kind == "list" else show(name, v) for v in value).replace(
            " 级、", "、"
        )
    return show(name, [value] if FACTS[name].kind == "list" else value)


# --- parsing --------------------------------------------------------------------------------------


def parse(text: str) -> RuleSetSpec:
    """Parse and check a rule set's JSON text; raise RuleSetError with every problem found."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleSetError([f"第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误（{exc.msg}）。"]) from exc
    errors: list[str] = []
    if not isinstance(data, dict):
        raise RuleSetError(["规则集应为一个 JSON 对象，包含 conditions、rules 和 default。"])
    unknown_keys = set(data) - {"conditions", "rules", "default", "note"}
    if unknown_keys:
        errors.append(f"规则集中有无法识别的项：{'、'.join(sorted(unknown_keys))}。")
    conditions = data.get("conditions", {})
    if not isinstance(conditions, dict):
        errors.append("conditions 应为对象：条件名 → {label, when}。")
        conditions = {}
    for name, spec in conditions.items():
        if not isinstance(spec, dict) or not str(spec.get("label", "")).strip() or "when" not in spec:
            errors.append(f"条件「{name}」须有 label（中文说明）和 when。")
            continue
        _check_condition(spec["when"], f"条件「{name}」", conditions, errors, 0, {name})
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        errors.append("rules 应为至少含一条规则的列表。")
        rules_data = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(rules_data, start=1):
        rule = _parse_rule(raw, f"第 {index} 条规则", conditions, errors, needs_when=True)
        if rule:
            if rule.id in seen:
                errors.append(f"规则编号「{rule.id}」重复。")
            seen.add(rule.id)
            rules.append(rule)
    default = _parse_rule(data.get("default"), "默认规则（default）", conditions, errors, needs_when=False)
    if default and default.id in seen:
        errors.append(f"规则编号「{default.id}」重复。")
    if errors or default is None:
        raise RuleSetError(errors or ["缺少默认规则（default）。"])
    return RuleSetSpec(conditions=conditions, rules=rules, default=default)


def _parse_rule(
    raw: Any, where: str, conditions: dict[str, Any], errors: list[str], *, needs_when: bool
) -> Rule | None:
    if not isinstance(raw, dict):
        errors.append(f"{where}应为对象。")
        return None
    rule_id = str(raw.get("id", "")).strip()
    if not RULE_ID_RE.match(rule_id):
        errors.append(f"{where}的编号「{rule_id}」应以字母开头，由字母、数字、点、横线组成（不超过 40 位）。")
    else:
        where = f"规则「{rule_id}」"
    name = str(raw.get("name", "")).strip()
    if not name:
        errors.append(f"{where}缺少名称（name）。")
    outcome = raw.get("outcome")
    if outcome not in Outcome.values:
        errors.append(f"{where}的结论「{outcome}」不存在，可用：{'、'.join(Outcome.values)}。")
    reason = str(raw.get("reason", "")).strip()
    if not reason:
        errors.append(f"{where}缺少理由（reason）。")
    try:
        for _, placeholder, _, _ in string.Formatter().parse(reason):
            if placeholder is not None and placeholder not in FACTS:
                errors.append(f"{where}的理由引用了不存在的事实「{{{placeholder}}}」。")
    except ValueError:
        errors.append(f"{where}的理由中花括号不成对。")
    when = raw.get("when")
    if needs_when:
        if when is None:
            errors.append(f"{where}缺少条件（when）。")
        else:
            _check_condition(when, where, conditions, errors, 0, set())
    elif when is not None:
        errors.append("默认规则不能有条件（when）：其他规则都不适用时由它决定。")
    return Rule(id=rule_id, name=name, when=when, outcome=str(outcome), reason=reason)


def _check_condition(
    cond: Any, where: str, conditions: dict[str, Any], errors: list[str], depth: int, refs: set[str]
) -> None:
    if depth > MAX_DEPTH:
        errors.append(f"{where}的条件嵌套超过 {MAX_DEPTH} 层。")
        return
    if not isinstance(cond, dict) or not cond:
        errors.append(f"{where}中有一个条件不是对象。")
        return
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        if len(cond) != 1 or not isinstance(cond[key], list) or not cond[key]:
            errors.append(f"{where}的「{key}」应为非空列表，且不能与其他键并列。")
            return
        for sub in cond[key]:
            _check_condition(sub, where, conditions, errors, depth + 1, refs)
        return
    if "not" in cond:
        if len(cond) != 1:
            errors.append(f"{where}的「not」不能与其他键并列。")
            return
        _check_condition(cond["not"], where, conditions, errors, depth + 1, refs)
        return
    if "ref" in cond:
        name = cond["ref"]
        if name not in conditions:
            errors.append(f"{where}引用了不存在的条件「{name}」。")
        elif name in refs:
            errors.append(f"{where}的条件「{name}」循环引用了自身。")
        elif isinstance(conditions[name], dict) and "when" in conditions[name]:
            _check_condition(conditions[name]["when"], where, conditions, errors, depth + 1, refs | {name})
        return
    fact = cond.get("fact")
    if fact not in FACTS:
        errors.append(f"{where}使用了不存在的事实「{fact}」，可用：{'、'.join(FACTS)}。")
        return
    ops = [k for k in cond if k != "fact"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        errors.append(f"{where}对「{FACTS[fact].label}」的比较应恰有一个运算符：{'、'.join(OPERATORS)}。")
        return
    op, value = ops[0], cond[ops[0]]
    spec = FACTS[fact]
    if op == "is_set":
        if not isinstance(value, bool):
            errors.append(f"{where}的 is_set 只能是 true 或 false。")
        return
    if op in ("in", "not_in", "intersects"):
        if not isinstance(value, list) or not value:
            errors.append(f"{where}的「{op}」后应为非空列表。")
            return
        values = value
    else:
        values = [value]
    if op in ("contains", "intersects") and spec.kind != "list":
        errors.append(f"{where}：「{spec.label}」不是列表，不能用 {op}。")
    if op in ("gt", "gte", "lt", "lte") and spec.kind != "int":
        errors.append(f"{where}：「{spec.label}」不是数值，不能用 {op}。")
    for v in values:
        if spec.kind == "bool" and not isinstance(v, bool):
            errors.append(f"{where}：「{spec.label}」只能与 true/false 比较。")
        elif spec.kind == "int" and (not isinstance(v, int) or isinstance(v, bool)):
            errors.append(f"{where}：「{spec.label}」只能与整数比较。")
        elif spec.values and v not in spec.values:
            errors.append(f"{where}：「{spec.label}」没有取值「{v}」，可用：{'、'.join(map(str, spec.values))}。")


# --- evaluation -----------------------------------------------------------------------------------


def _leaf(cond: dict[str, Any], facts: dict[str, Any]) -> Check:
    name = cond["fact"]
    op = next(k for k in cond if k != "fact")
    expected = cond[op]
    actual = facts.get(name)
    label = FACTS[name].label
    if op == "is_set":
        is_set = actual not in (None, "", [], False)
        held = is_set == expected
        text = (
            f"{label}{'已' if expected else '未'}记录"
            if FACTS[name].kind != "bool"
            else (f"{label}" if expected else f"并非{label}")
        )
    else:
        held = _compare(op, actual, expected)
        text = OPERATORS[op].format(label=label, value=_value_text(name, expected))
    return Check(text=text, held=held, actual=show(name, actual))


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if op == "contains":
        return expected in (actual or [])
    if op == "intersects":
        return bool(set(actual or []) & set(expected))
    if actual is None:
        return False
    return bool(
        {"gt": actual > expected, "gte": actual >= expected, "lt": actual < expected, "lte": actual <= expected}[op]
    )


def check(cond: Any, facts: dict[str, Any], conditions: dict[str, Any]) -> Check:
    if "all" in cond:
        children = [check(c, facts, conditions) for c in cond["all"]]
        return Check(text="同时满足", held=all(c.held for c in children), children=children)
    if "any" in cond:
        children = [check(c, facts, conditions) for c in cond["any"]]
        return Check(text="满足其一", held=any(c.held for c in children), children=children)
    if "not" in cond:
        inner = check(cond["not"], facts, conditions)
        return Check(text=f"并非：{inner.text}", held=not inner.held, actual=inner.actual, children=inner.children)
    if "ref" in cond:
        named = conditions[cond["ref"]]
        inner = check(named["when"], facts, conditions)
        return Check(text=str(named["label"]), held=inner.held, children=inner.children or [inner])
    return _leaf(cond, facts)


def _flatten_top(result: Check) -> list[Check]:
    """A rule's top-level "all" reads better as a list of its parts."""
    return result.children if result.text == "同时满足" else [result]


class _FactText(dict[str, str]):
    def __missing__(self, key: str) -> str:  # parse() has checked every placeholder
        return key


def evaluate(spec: RuleSetSpec, facts: dict[str, Any]) -> Result:
    """The first rule whose condition holds decides; otherwise the default rule."""
    texts = _FactText({name: show(name, facts.get(name)) for name in FACTS})
    for rule in spec.rules:
        outcome = check(rule.when, facts, spec.conditions)
        if outcome.held:
            return Result(rule=rule, reason=rule.reason.format_map(texts), checks=_flatten_top(outcome))
    return Result(rule=spec.default, reason=spec.default.reason.format_map(texts), checks=[])
