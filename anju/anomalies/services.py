"""Every write of the anomaly checks: a run (``checks_run``) that turns the checks' hits into
findings — new ones opened, live ones refreshed, ones that no longer hold marked fixed — and the
explanation of a finding (``finding_explain``). Each writes its audit rows in its transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.anomalies import acts
from anju.anomalies.acts import AnomalyAct
from anju.anomalies.checks import CHECKS, Hit
from anju.anomalies.choices import LIVE_STATUSES, FindingStatus, RunTrigger
from anju.anomalies.models import CheckRun, CheckSet, Finding
from anju.anomalies.rules import Rule, default_checks, rules_of
from anju.audit.models import AuditAction, AuditEvent
from anju.audit.services import audit_record, model_snapshot
from anju.core.context import current_context
from anju.jobs.models import Job
from anju.jobs.services import job_start
from anju.kit.versioning import config_ensure_national, config_for
from anju.regions.models import Region

NATIONAL_NAME = "异常核查规则（全国默认）"
NATIONAL_NOTE = "issue 20 所列十二项核查，参数见 ADR 0032。"
Progress = Callable[[int, int, str], None]


def checks_national() -> CheckSet:
    return config_ensure_national(CheckSet, name=NATIONAL_NAME, note=NATIONAL_NOTE, body=default_checks())


def checks_for(region_code: str) -> CheckSet:
    """The version of the checks in force for a region (the nearest active one above it)."""
    return config_for(CheckSet, region_code, checks_national)


def _audit_rows(actor: Any, findings: list[Finding], action: str, note: str) -> list[AuditEvent]:
    ctx = current_context()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return [
        AuditEvent(
            actor=user, actor_username=getattr(user, "username", "") or "", ip=ctx.ip, channel=ctx.channel,
            request_id=ctx.request_id, action=action, object_type="anomalies.finding", object_id=str(f.pk),
            object_repr=str(f)[:200], region_code=f.region_code,
            changes={"status": {"before": None if action == AuditAction.CREATE else "open", "after": f.status}},
            note=note,
        )
        for f in findings
    ]  # fmt: skip


def _finding(rule: Rule, hit: Hit, check_set: CheckSet) -> Finding:
    return Finding(
        rule_id=rule.id, rule_name=rule.name, severity=rule.severity, key=hit.key, region_code=hit.region_code,
        evidence=hit.evidence, links=hit.links, household_id=hit.household_id, house_id=hit.house_id,
        case_id=hit.case_id, check_set=check_set,
    )  # fmt: skip


def _apply_rule(run: CheckRun, rule: Rule, prefix: str, actor: Any) -> None:
    """One rule's hits against its live findings in the region: open, refresh, fix."""
    now = timezone.now()
    hits = {h.key: h for h in CHECKS[rule.id](prefix, rule.params, timezone.localdate())}
    live = {
        f.key: f for f in Finding.objects.filter(rule_id=rule.id, region_code__subtree=prefix, status__in=LIVE_STATUSES)
    }
    new = [_finding(rule, hit, run.check_set) for key, hit in hits.items() if key not in live]
    Finding.objects.bulk_create(new)
    kept = [f for key, f in live.items() if key in hits]
    # Every finding still there is seen now (one UPDATE per 5,000); only those whose evidence,
    # links or severity changed are rewritten row by row: bulk_update's CASE per row made the
    # re-run of 35,000 findings slower than the first run (bench/anomalies.py, docs/performance.md).
    ids = [f.pk for f in kept]
    for start in range(0, len(ids), 5000):  # SQLite binds at most 32,766 values
        Finding.objects.filter(pk__in=ids[start : start + 5000]).update(last_seen_at=now)
    changed = []
    for f in kept:
        hit = hits[f.key]
        if (f.evidence, f.links, f.severity) != (hit.evidence, hit.links, rule.severity):
            f.evidence, f.links, f.severity = hit.evidence, hit.links, rule.severity
            changed.append(f)
    Finding.objects.bulk_update(changed, ["evidence", "links", "severity"], batch_size=500)
    gone = [f for key, f in live.items() if key not in hits]
    for f in gone:
        f.status, f.fixed_at = FindingStatus.FIXED, now
    Finding.objects.bulk_update(gone, ["status", "fixed_at"], batch_size=500)
    if new and new[0].pk is None:  # backends that don't return ids on bulk insert
        new = list(Finding.objects.filter(rule_id=rule.id, key__in=[f.key for f in new], status=FindingStatus.OPEN))
    AuditEvent.objects.bulk_create(
        _audit_rows(actor, new, AuditAction.CREATE, f"异常核查发现（{run}）")
        + _audit_rows(actor, gone, AuditAction.TRANSITION, f"重新核查已不存在，标为已纠正（{run}）"),
        batch_size=500,
    )
    run.found, run.still_open, run.fixed = run.found + len(new), run.still_open + len(kept), run.fixed + len(gone)


def checks_run(
    *, region: Region, acting_user: User | None, trigger: str = RunTrigger.MANUAL, progress: Progress | None = None
) -> CheckRun:
    """Run every enabled check of the version in force over ``region``'s subtree (a county or
    more). A re-run finds the same live finding again (never a second one) and marks fixed the
    findings that no longer hold; an explained finding keeps its explanation while it holds.
    ``acting_user`` is None for the nightly run."""
    if acting_user is not None:
        acts.ensure_act(region, acting_user, AnomalyAct.RUN)
    check_set = checks_for(region.code)
    rules = [r for r in rules_of(check_set.content) if r.enabled and r.id in CHECKS]
    with transaction.atomic():
        run = CheckRun.objects.create(
            region_code=region.code, region_name=region.name, check_set=check_set, trigger=trigger,
            started_by=acting_user if acting_user is not None else None,
        )  # fmt: skip
        for n, rule in enumerate(rules):
            if progress is not None:
                progress(n, len(rules), f"核查：{rule.name}")
            _apply_rule(run, rule, region.prefix, acting_user)
        run.finished_at = timezone.now()
        run.save(update_fields=["found", "still_open", "fixed", "finished_at"])
        audit_record(
            actor=acting_user, action=AuditAction.CREATE, obj=run,
            changes={"found": {"before": None, "after": run.found}, "fixed": {"before": None, "after": run.fixed},
                     "still_open": {"before": None, "after": run.still_open}},
            note=f"{RunTrigger(trigger).label}，规则版本 {check_set.label}",
        )  # fmt: skip
    if progress is not None:
        progress(len(rules), len(rules), "完成")
    return run


def checks_start(*, region: Region, acting_user: User) -> Job:
    """Queue a run over ``region`` as a background job (the page shows its progress)."""
    acts.ensure_act(region, acting_user, AnomalyAct.RUN)
    return job_start(
        acting_user=acting_user,
        kind="anomalies.run",
        title=f"异常核查：{region.name}",
        params={"region_code": region.code},
    )


def finding_explain(*, finding: Finding, reason: str, acting_user: User) -> Finding:
    """Record why an open finding is not a fault (or what is being done): who, when, the reason.
    The finding stays on record as 已说明; a re-run that no longer finds it marks it fixed."""
    acts.ensure_act(finding, acting_user, AnomalyAct.EXPLAIN)
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationError({"reason": "请写明情况说明（至少 5 个字）。"})
    if len(reason) > 1000:
        raise ValidationError({"reason": "情况说明不能超过 1000 字。"})
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        acts.ensure_act(locked, acting_user, AnomalyAct.EXPLAIN)  # someone may have explained it meanwhile
        before = model_snapshot(locked, ["status", "explanation"])
        locked.status, locked.explanation = FindingStatus.EXPLAINED, reason
        locked.explained_by, locked.explained_at = acting_user, timezone.now()
        locked.save(update_fields=["status", "explanation", "explained_by", "explained_at"])
        after = model_snapshot(locked, ["status", "explanation"])
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=locked,
            changes={k: {"before": before[k], "after": after[k]} for k in after},
        )  # fmt: skip
    return locked
