"""Writes of eligibility (requirements §7): rule-set versions, circumstances recorded after a visit,
and the decisions, re-evaluated whenever the facts they used change."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, audit_record_rows
from anju.core.dbops import Keys, insert_rows
from anju.core.scoping import ancestor_codes, in_scope
from anju.eligibility import engine
from anju.eligibility.choices import CircumstanceKind, Outcome
from anju.eligibility.facts import gather
from anju.eligibility.models import Circumstance, Decision, RuleSet
from anju.households.models import Household
from anju.kit.versioning import (
    ConfigStatus,
    config_activate,
    config_check_editable,
    config_derive,
    config_discard,
    config_ensure_national,
    config_for,
)

CIRCUMSTANCE_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
REEVALUATE_ROLES = (*CIRCUMSTANCE_ROLES, Role.APPRAISER, Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION)
NATIONAL_NAME = "默认资格规则（2023 通知）"
NATIONAL_NOTE = "按 2023 年两份通知编写的全国默认规则"
DEFAULT_RULES = Path(__file__).with_name("default_rules.json")
BATCH = 500


# --- rule sets -----------------------------------------------------------------------------------


def ensure_national_rule_set() -> RuleSet:
    return config_ensure_national(
        RuleSet, name=NATIONAL_NAME, note=NATIONAL_NOTE, body=DEFAULT_RULES.read_text(encoding="utf-8")
    )


def rule_set_for(region_code: str) -> RuleSet:
    return config_for(RuleSet, region_code, ensure_national_rule_set)


@cache
def _spec(rule_set_pk: int, text: str) -> engine.RuleSetSpec:
    # Active versions never change, so (pk, text) is a safe key.
    return engine.parse(text)


def spec_of(rule_set: RuleSet) -> engine.RuleSetSpec:
    return _spec(rule_set.pk, rule_set.text)


def _check_text(text: str) -> None:
    try:
        engine.parse(text)
    except engine.RuleSetError as exc:
        raise ValidationError({"text": exc.messages}) from exc


def rule_set_derive(*, acting_user: User, source: RuleSet, note: str = "") -> RuleSet:
    return config_derive(acting_user=acting_user, source=source, note=note)


def rule_set_update(*, acting_user: User, rule_set: RuleSet, text: str, name: str, note: str = "") -> RuleSet:
    config_check_editable(acting_user, rule_set)
    if not name.strip():
        raise ValidationError({"name": "请填写规则集名称。"})
    _check_text(text)
    with transaction.atomic():
        changed = rule_set.text != text
        rule_set.text, rule_set.name, rule_set.note = text, name.strip()[:100], note.strip()[:200]
        rule_set.save(update_fields=["text", "name", "note"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=rule_set,
            note="修改规则内容" if changed else "修改名称或说明",
        )
    return rule_set


def rule_set_activate(*, acting_user: User, rule_set: RuleSet) -> RuleSet:
    """Put a draft in force; every household of the region is then re-evaluated in a job."""
    with transaction.atomic():
        config_activate(acting_user=acting_user, config=rule_set, check=lambda r: _check_text(r.text))
        from anju.households.signals import facts_changed

        facts_changed(acting_user=acting_user, reason=f"启用规则集「{rule_set}」", region_code=rule_set.region_code)
    return rule_set


def rule_set_discard(*, acting_user: User, rule_set: RuleSet) -> None:
    config_discard(acting_user=acting_user, config=rule_set)


# --- decisions -----------------------------------------------------------------------------------


def _digest(facts: dict[str, Any]) -> str:
    """What decides whether to re-evaluate. ``programmes_this_year`` is left out: it changes
    because of the decisions themselves (a household's own current decision is in it)."""
    relevant = {k: v for k, v in facts.items() if k != "programmes_this_year"}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def decisions_refresh(
    *, household_ids: Iterable[int], trigger: str, acting_user: User | None = None, on: datetime.date | None = None
) -> int:
    """Evaluate these households; write a new decision where the rule set or the facts differ
    from the current one. Returns how many decisions were written."""
    on = on or timezone.localdate()
    ids = sorted(set(household_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        written += _refresh_batch(ids[start : start + BATCH], trigger, acting_user, on)
    return written


def _refresh_batch(ids: list[int], trigger: str, acting_user: User | None, on: datetime.date) -> int:
    facts = gather(ids, on=on)
    regions = dict(Household.objects.filter(pk__in=ids).values_list("pk", "region_code"))
    rule_sets: dict[str, RuleSet] = {}
    written = 0
    with transaction.atomic():
        current = {
            d.household_id: d
            for d in Decision.objects.select_for_update().filter(household_id__in=ids, is_current=True)
        }
        for household_id in ids:
            region_code = regions.get(household_id)
            if region_code is None:
                continue
            if region_code not in rule_sets:
                rule_sets[region_code] = rule_set_for(region_code)
            rule_set = rule_sets[region_code]
            household_facts = facts[household_id]
            digest = _digest(household_facts)
            before = current.get(household_id)
            if before and before.rule_set_id == rule_set.pk and before.facts_digest == digest:
                continue
            result = engine.evaluate(spec_of(rule_set), household_facts)
            if before:
                Decision.objects.filter(pk=before.pk).update(is_current=False)
            decision = Decision.objects.create(
                household_id=household_id,
                region_code=region_code,
                rule_set=rule_set,
                rule_id=result.rule.id,
                rule_name=result.rule.name,
                outcome=result.rule.outcome,
                reason=result.reason,
                checks=[c.as_dict() for c in result.checks],
                facts=household_facts,
                facts_digest=digest,
                trigger=trigger[:200],
                year=on.year,
                decided_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
            changes = {
                "outcome": {
                    "before": before.get_outcome_display() if before else None,
                    "after": decision.get_outcome_display(),
                }
            }
            audit_record(
                actor=acting_user if getattr(acting_user, "pk", None) else None,
                action=AuditAction.CREATE,
                obj=decision,
                changes=changes,
                note=f"规则「{result.rule.name}」：{trigger}"[:300],
            )
            written += 1
    return written


# --- set-based refresh (issue 23 item 4, ADR 0042, ADR 0048) --------------------------------------

SET_BATCH = 2000  # households whose facts are gathered together on SQLite (bounded by its parameters)
SET_BATCH_POSTGRESQL = 10_000  # PostgreSQL: the keys travel as one array parameter (ADR 0048)
KNOWN_FACTS_LIMIT = 50_000  # distinct sets of facts remembered during one refresh (memory bound)
DECISION_COLUMNS = (
    *("household_id", "region_code", "rule_set_id", "rule_id", "rule_name", "outcome", "reason"),
    *("checks", "facts", "facts_digest", "trigger", "year", "decided_at", "decided_by_id", "is_current"),
)
_JSON = json.JSONEncoder(ensure_ascii=False).encode  # key order as the model field would write it
_OUTCOMES: dict[str, str] = {str(value): str(label) for value, label in Outcome.choices}


def decisions_refresh_set(
    *,
    household_ids: Iterable[int],
    trigger: str,
    acting_user: User | None = None,
    on: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The same decisions as ``decisions_refresh``, for many households at once: facts gathered
    for a batch in a fixed number of queries, each distinct (rule set, facts) evaluated and
    encoded once, the batch's current decisions retired with one UPDATE and the new ones and
    their audit rows written with ``COPY`` (ADR 0042, ADR 0048). Used by the region-wide
    refreshes (a list import, a rule set put in force); ``decisions_refresh`` stays the path
    for a handful of households."""
    ids = sorted(set(household_ids))
    refresh = _SetRefresh(trigger=trigger, actor=acting_user, on=on or timezone.localdate())
    size = SET_BATCH_POSTGRESQL if connection.vendor == "postgresql" else SET_BATCH
    written = 0
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        written += refresh.batch(batch)
        if progress:
            progress(start + len(batch), len(ids))
    return written


class _SetRefresh:
    """One set-based refresh: the active rule sets read once, and what each distinct set of
    facts gives — its digest and JSON, and under each rule set its rule, reason and
    explanation as JSON — computed once and shared by every household with equal facts (the
    result depends on nothing else). Decisions are written as rows, not model instances."""

    def __init__(self, *, trigger: str, actor: User | None, on: datetime.date) -> None:
        self.trigger, self.on = trigger, on
        self.actor = actor if getattr(actor, "pk", None) else None
        ensure_national_rule_set()
        # rule_set_for's answer for each region from the active versions read once (not a
        # query per village: a list touches hundreds of them).
        self.active = {r.region_code: r for r in RuleSet.objects.filter(status=ConfigStatus.ACTIVE)}
        self.rule_sets: dict[str, RuleSet] = {}
        self.known: dict[tuple[Any, ...], tuple[str, str]] = {}
        self.results: dict[tuple[int, tuple[Any, ...]], tuple[engine.Rule, str, str]] = {}
        self.changes: dict[tuple[str | None, str], str] = {}

    def rule_set(self, region_code: str) -> RuleSet:
        if region_code not in self.rule_sets:
            self.rule_sets[region_code] = _nearest_active(self.active, region_code)
        return self.rule_sets[region_code]

    def facts_known(self, facts: dict[str, Any]) -> tuple[tuple[Any, ...], str, str]:
        """The facts as a key, their digest (``_digest``) and their JSON text."""
        key = tuple([tuple(v) if v.__class__ is list else v for v in facts.values()])
        if key not in self.known:
            if len(self.known) >= KNOWN_FACTS_LIMIT:
                self.known.clear()
                self.results.clear()
            self.known[key] = (_digest(facts), _JSON(facts))
        return (key, *self.known[key])

    def result(self, rule_set: RuleSet, key: tuple[Any, ...], facts: dict[str, Any]) -> tuple[engine.Rule, str, str]:
        """The rule that decides, the reason and the explanation (JSON) for these facts."""
        if (rule_set.pk, key) not in self.results:
            result = engine.evaluate(spec_of(rule_set), facts)
            checks = _JSON([c.as_dict() for c in result.checks])
            self.results[rule_set.pk, key] = (result.rule, result.reason, checks)
        return self.results[rule_set.pk, key]

    def change(self, before: str | None, after: str) -> str:
        """The audit line's change (outcome before and after, as ``audit_record`` writes it), as JSON."""
        if (before, after) not in self.changes:
            labels = {"before": _OUTCOMES.get(before, before) if before else None, "after": _OUTCOMES.get(after, after)}
            self.changes[before, after] = _JSON({"outcome": labels})
        return self.changes[before, after]

    def batch(self, ids: list[int]) -> int:
        """Decide one batch: facts and households read, current decisions locked, rows written."""
        facts = gather(ids, on=self.on)
        keys = Keys(ids)
        households = {
            pk: (code, name)
            for pk, code, name in Household.objects.filter(pk__any=keys).values_list("pk", "region_code", "head_name")
        }
        decided_at = connection.ops.adapt_datetimefield_value(timezone.now())
        decided_by = getattr(self.actor, "pk", None)
        rows: list[tuple[Any, ...]] = []
        audits: list[tuple[str, str, str, str]] = []  # repr, region, change, note of each new row
        retired: list[int] = []
        with transaction.atomic():
            current = {
                household_id: (pk, rule_set_id, digest, outcome)
                for pk, household_id, rule_set_id, digest, outcome in Decision.objects.select_for_update()
                .filter(household_id__any=keys, is_current=True)
                .values_list("pk", "household_id", "rule_set_id", "facts_digest", "outcome")
            }
            for household_id in ids:
                if household_id not in households:
                    continue
                region_code, head_name = households[household_id]
                rule_set = self.rule_set(region_code)
                key, digest, facts_json = self.facts_known(facts[household_id])
                before = current.get(household_id)
                if before and before[1] == rule_set.pk and before[2] == digest:
                    continue
                rule, reason, checks = self.result(rule_set, key, facts[household_id])
                rows.append(
                    (
                        *(household_id, region_code, rule_set.pk, rule.id, rule.name, rule.outcome, reason, checks),
                        *(facts_json, digest, self.trigger[:200], self.on.year, decided_at, decided_by, True),
                    )
                )
                audits.append(
                    (
                        f"{head_name}户 {_OUTCOMES.get(rule.outcome, rule.outcome)}",
                        region_code,
                        self.change(before[3] if before else None, rule.outcome),
                        f"规则「{rule.name}」：{self.trigger}"[:300],
                    )
                )
                if before:
                    retired.append(before[0])
            self.write(rows, audits, retired)
        return len(rows)

    def write(self, rows: list[tuple[Any, ...]], audits: list[tuple[str, str, str, str]], retired: list[int]) -> None:
        """Retire the old current decisions with one UPDATE; insert the new ones and their audit
        rows (the rows ``audit_record`` would write) with COPY."""
        if retired:
            Decision.objects.filter(pk__any=Keys(retired)).update(is_current=False)
        keys = insert_rows(Decision, DECISION_COLUMNS, rows)
        audit_record_rows(
            actor=self.actor,
            action=AuditAction.CREATE,
            object_type=Decision._meta.label_lower,
            rows=[(key, *audit) for key, audit in zip(keys, audits, strict=True)],
            fields=["outcome"],
        )


def _nearest_active(active: dict[str, RuleSet], region_code: str) -> RuleSet:
    """What ``rule_set_for`` answers, from the active versions already read."""
    for code in (region_code, *ancestor_codes(region_code), ""):
        if code in active:
            return active[code]
    return rule_set_for(region_code)


def households_that_matter(region_code: str) -> list[int]:
    """Households of a region whose decision can be anything but "信息不足": a key-group status,
    a registered house with a grade, a recorded circumstance, or a decision already. Four indexed
    queries unioned in Python rather than one OR across four joins (which would multiply rows)."""
    from anju.households.models import House, HouseholdStatus
    from anju.regions.codes import level_of, prefix_of

    prefix = prefix_of(region_code, level_of(region_code)) if region_code else ""
    ids: set[int] = set()
    ids.update(
        HouseholdStatus.objects.filter(household__region_code__subtree=prefix).values_list("household_id", flat=True)
    )
    ids.update(
        House.objects.filter(region_code__subtree=prefix)
        .exclude(current_grade="")
        .values_list("household_id", flat=True)
    )
    ids.update(Circumstance.objects.filter(region_code__subtree=prefix).values_list("household_id", flat=True))
    ids.update(
        Decision.objects.filter(region_code__subtree=prefix, is_current=True).values_list("household_id", flat=True)
    )
    return sorted(ids)


def household_reevaluate(*, acting_user: User, household: Household) -> Decision:
    """A user asks for a fresh evaluation (after fixing data elsewhere, say)."""
    if not (acting_user.is_superuser or acting_user.has_role(*REEVALUATE_ROLES)):
        raise PermissionDenied("您的角色不能发起重新认定。")
    if not in_scope(acting_user, household.region_code):
        raise PermissionDenied("该农户不在您的管辖范围内。")
    decisions_refresh(household_ids=[household.pk], trigger="人工重新认定", acting_user=acting_user)
    return Decision.objects.get(household=household, is_current=True)


# --- circumstances -------------------------------------------------------------------------------


def circumstance_record(
    *, acting_user: User, household: Household, kind: str, recorded_on: datetime.date, note: str
) -> Circumstance:
    if not (acting_user.is_superuser or acting_user.has_role(*CIRCUMSTANCE_ROLES)):
        raise PermissionDenied("您的角色不能登记农户核实情况。")
    if not in_scope(acting_user, household.region_code):
        raise PermissionDenied("该农户不在您的管辖范围内。")
    errors: dict[str, str] = {}
    if kind not in CircumstanceKind.values:
        errors["kind"] = "请选择核实情况。"
    if recorded_on > timezone.localdate():
        errors["recorded_on"] = "核实日期不能晚于今天。"
    if not note.strip():
        errors["note"] = "请写明核实依据（如走访情况、租房合同、亲属住址）。"
    if kind == CircumstanceKind.NO_HOUSE and household.houses.exists():
        errors["kind"] = "该户已登记房屋，不能核实为无房；如房屋已倒塌或拆除，请先在房屋信息中注明。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = Circumstance.objects.create(
            household=household,
            region_code=household.region_code,
            kind=kind,
            recorded_on=recorded_on,
            note=note.strip()[:300],
            recorded_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=record,
            changes={"kind": {"before": None, "after": record.get_kind_display()}},
            note=record.note,
        )
        from anju.households.signals import facts_changed

        facts_changed(
            acting_user=acting_user, reason=f"核实：{record.get_kind_display()}", household_ids=[household.pk]
        )
    return record


def circumstance_withdraw(*, acting_user: User, circumstance: Circumstance, reason: str) -> Circumstance:
    if not (acting_user.is_superuser or acting_user.has_role(*CIRCUMSTANCE_ROLES)):
        raise PermissionDenied("您的角色不能撤销农户核实情况。")
    if not in_scope(acting_user, circumstance.region_code):
        raise PermissionDenied("该农户不在您的管辖范围内。")
    if circumstance.withdrawn_at is not None:
        raise ValidationError("该情况已撤销。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销理由。"})
    with transaction.atomic():
        circumstance.withdrawn_at = timezone.now()
        circumstance.withdrawn_by = acting_user
        circumstance.withdrawn_reason = reason.strip()[:300]
        circumstance.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=circumstance, note=f"撤销：{reason.strip()}")
        from anju.households.signals import facts_changed

        facts_changed(
            acting_user=acting_user,
            reason=f"撤销核实情况：{circumstance.get_kind_display()}",
            household_ids=[circumstance.household_id],
        )
    return circumstance
