"""What a submission asks the officer to confirm before it goes up (issue 17, ADR 0030): the
lower regions that have not reported yet, and, when a monthly list is sent again, the
households it adds and drops against the list submitted before, each with its reason.

``warnings_for`` computes them from a submission whose snapshot was just recomputed;
``submission_submit`` refuses with ``ConfirmationNeeded`` unless the request carries the
warnings' ``token`` (so a confirmation given for one set of warnings never covers another),
and keeps them in the submit's history row and audit note."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from anju.eligibility.choices import Outcome
from anju.eligibility.models import Decision
from anju.households.models import Household
from anju.reporting.choices import EventKind, ReportKind, SubmissionStatus
from anju.reporting.models import Submission

REPORTED = (SubmissionStatus.SUBMITTED, SubmissionStatus.SIGNED_OFF)


@dataclass
class SubmitWarnings:
    """The unreported lower regions (code, name, status_label) and a resubmitted list's
    added / removed households (household, head_name, village, reason)."""

    unreported: list[dict[str, str]] = field(default_factory=list)
    resubmission: bool = False
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.unreported or self.added or self.removed)

    @property
    def token(self) -> str:
        """A digest of what is being confirmed: the same warnings, the same token."""
        key = [sorted(u["code"] for u in self.unreported), [a["household"] for a in self.added]]
        key.append([r["household"] for r in self.removed])
        return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]

    def note(self) -> str:
        """The warnings in one line, for the history row and the audit note."""
        parts = []
        if self.unreported:
            names = "、".join(u["name"] for u in self.unreported)
            parts.append(f"确认在下级未报时报送（{len(self.unreported)} 个：{names}）")
        if self.added or self.removed:
            parts.append(f"确认重报清单变化：新增 {len(self.added)} 户、移出 {len(self.removed)} 户")
        return "；".join(parts)

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.unreported:
            out["unreported"] = self.unreported
        if self.added or self.removed:
            out["changes"] = {"added": self.added, "removed": self.removed}
        return out


class ConfirmationNeeded(ValidationError):
    """The submit waits for the officer to confirm ``warnings`` (a refusal that loses nothing:
    the page shows the warnings and a button that sends their token)."""

    def __init__(self, warnings: SubmitWarnings) -> None:
        self.warnings = warnings
        super().__init__(f"请先确认：{warnings.note()}。")


def _last_listed(submission: Submission) -> list[int]:
    """The households of the list as last submitted (kept with that submit's history row;
    the snapshot for a submit recorded before the rows were kept)."""
    event = submission.events.filter(kind=EventKind.SUBMIT).order_by("-at", "-pk").first()
    if event is not None and "listed" in event.details:
        return [int(h) for h in event.details["listed"]]
    return [int(r["household"]) for r in submission.snapshot.get("rows", [])]


def _removed_reasons(household_ids: list[int]) -> list[dict[str, Any]]:
    """Why each household is no longer on the list: what its current decision says now."""
    names = {
        h["pk"]: h for h in Household.objects.filter(pk__in=household_ids).values("pk", "head_name", "region__name")
    }
    decisions = {d.household_id: d for d in Decision.objects.filter(household_id__in=household_ids, is_current=True)}
    out = []
    for pk in household_ids:
        h, d = names.get(pk), decisions.get(pk)
        if h is None:
            reason = "农户已不在册"
        elif d is None:
            reason = "没有当前的认定结论"
        else:
            reason = f"认定结论现为「{Outcome(d.outcome).label}」（{d.rule_name}）"
        name, village = (h["head_name"], h["region__name"]) if h else ("", "")
        out.append({"household": pk, "head_name": name, "village": village, "reason": reason})
    return out


def warnings_for(submission: Submission, listed_before: list[int] | None) -> SubmitWarnings:
    """The warnings of a submission whose snapshot is freshly computed; ``listed_before`` is the
    list last submitted (None on a first submission)."""
    result = SubmitWarnings(
        unreported=[
            {"code": c["code"], "name": c["name"], "status_label": c["status_label"]}
            for c in submission.snapshot.get("children", [])
            if c["status"] not in REPORTED
        ]
    )
    if submission.kind != ReportKind.MONTHLY_LIST or listed_before is None:
        return result
    result.resubmission = True
    rows = submission.snapshot.get("rows", [])
    before = set(listed_before)
    now = {int(r["household"]) for r in rows}
    result.added = [
        {
            "household": int(r["household"]),
            "head_name": r["head_name"],
            "village": r["village"],
            "reason": f"{r['outcome_label']}（{r['rule_name']}）" + (f"，{r['grade']}级" if r["grade"] else ""),
        }
        for r in rows
        if int(r["household"]) not in before
    ]
    result.removed = _removed_reasons([h for h in listed_before if h not in now])
    return result


def listed(submission: Submission) -> list[int]:
    """The households a monthly list holds (kept with its submit)."""
    return [int(r["household"]) for r in submission.snapshot.get("rows", [])]


def previous_listed(submission: Submission) -> list[int] | None:
    """What a resubmission is compared with: the list as last submitted; None before the first."""
    if submission.kind != ReportKind.MONTHLY_LIST or submission.first_submitted_on is None:
        return None
    return _last_listed(submission)
