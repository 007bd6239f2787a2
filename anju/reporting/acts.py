"""Who may do what to a monthly submission, now: the one table (issue 16, ADR 0025).

A region's own officer prepares and submits its report (``SUBMITTER_ROLES``, by the region's
level); the officer of the parent region returns it, signs it off or reopens it
(``REVIEWER_ROLES``). ``ACT_STATUSES`` says from which status each act starts.
``act_refusal(obj, user, kind)`` says why ``user`` may not do ``kind`` now — role and region
first, then the status — or nothing when the act is open; ``available_acts`` lists every act on
a submission with its answer. The services assert it before anything else (``ensure_act``), the
submission page offers exactly the open acts, the API lists them, and
``tests/scenarios/test_who_may_act_reports.py`` walks every status × role. What the user types
(the month, a reason, a date) is still the service's to check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text
from anju.regions.models import Region
from anju.reporting.choices import EventKind, SubmissionStatus
from anju.reporting.models import Submission

# Who submits for a region of each level, and who reviews it (the officer of the level above).
SUBMITTER_ROLES: dict[int, tuple[str, ...]] = {
    5: (Role.VILLAGE_CLERK, Role.VILLAGE_HEAD),
    4: (Role.TOWNSHIP_OFFICER,),
    3: (Role.COUNTY_OFFICER,),
    2: (Role.CITY_OFFICER,),
}
REVIEWER_ROLES: dict[int, tuple[str, ...]] = {
    5: (Role.TOWNSHIP_OFFICER,),
    4: (Role.COUNTY_OFFICER,),
    3: (Role.CITY_OFFICER,),
    2: (Role.PROVINCE_OFFICER,),
}

# The acts of the region's own officer (PREPARE is on a region: a new draft; REFRESH recomputes
# an existing one), and those of the level above.
SUBMITTER_ACTS = (EventKind.PREPARE, EventKind.REFRESH, EventKind.SUBMIT)
REVIEWER_ACTS = (EventKind.RETURN, EventKind.SIGN_OFF, EventKind.REOPEN)
# The acts a submission page offers, in its order.
PAGE_ACTS = (EventKind.REFRESH, EventKind.SUBMIT, EventKind.SIGN_OFF, EventKind.RETURN, EventKind.REOPEN)

_OPEN = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
ACT_STATUSES: dict[str, tuple[str, ...]] = {
    EventKind.REFRESH: _OPEN,
    EventKind.SUBMIT: _OPEN,
    EventKind.RETURN: (SubmissionStatus.SUBMITTED,),
    EventKind.SIGN_OFF: (SubmissionStatus.SUBMITTED,),
    EventKind.REOPEN: (SubmissionStatus.SIGNED_OFF,),
}


def _status_words(submission: Submission, kind: str) -> str:
    status = submission.get_status_display()
    words: dict[str, str] = {
        EventKind.REFRESH: f"{submission}已{status}，不能重新生成。",
        EventKind.SUBMIT: f"{submission}已{status}，不能再次报送。",
        EventKind.RETURN: f"只能退回已报送待审核的报表；{submission}现为「{status}」。",
        EventKind.SIGN_OFF: f"只能确认已报送待审核的报表；{submission}现为「{status}」。",
        EventKind.REOPEN: f"只有已审核确认的报表需要重新打开；{submission}现为「{status}」。",
    }
    return words[kind]


def can_submit(user: Any, region_code: str, level: int) -> bool:
    """Whether ``user`` is the submitting officer of the region (role of its level, own region)."""
    if user.is_superuser:
        return True
    return bool(user.has_role(*SUBMITTER_ROLES.get(level, ())) and user.region and user.region.code == region_code)


def can_review(user: Any, submission: Submission) -> bool:
    """Whether ``user`` is the reviewing officer of the submission's parent region."""
    if user.is_superuser:
        return True
    parent = submission.region.parent
    parent_code = parent.code if parent is not None else None
    return bool(
        user.has_role(*REVIEWER_ROLES.get(submission.level, ()))
        and user.region
        and parent_code
        and user.region.code == parent_code
    )


def _submitter_refusal(user: Any, region: Region) -> str:
    if not in_scope(user, region.code):
        return "该单位不在您的管辖范围内。"
    if not can_submit(user, region.code, region.level):
        labels = "、".join(Role(r).label for r in SUBMITTER_ROLES.get(region.level, ()))
        return f"{region.name}的报表须由本级{labels}报送。"
    return ""


def _reviewer_refusal(user: Any, submission: Submission, kind: str) -> str:
    if not in_scope(user, submission.region_code):
        return "该报表不在您的管辖范围内。"
    if not can_review(user, submission):
        parent = submission.region.parent
        labels = "、".join(Role(r).label for r in REVIEWER_ROLES.get(submission.level, ()))
        verb = EventKind(kind).label
        return f"{submission.region.name}的报表由上级{parent.name if parent else ''}{labels}{verb}。"
    return ""


def _refusal(obj: Submission | Region, user: Any, kind: str) -> Exception | None:
    if isinstance(obj, Region):
        if kind != EventKind.PREPARE:
            raise ValueError(f"act {kind} is on a submission, not a region")
        who = _submitter_refusal(user, obj)
        return PermissionDenied(who) if who else None
    who = _submitter_refusal(user, obj.region) if kind in SUBMITTER_ACTS else _reviewer_refusal(user, obj, kind)
    if who:
        return PermissionDenied(who)
    if obj.status not in ACT_STATUSES[kind]:
        return ValidationError(_status_words(obj, kind))
    return None


def act_refusal(obj: Submission | Region, user: Any, kind: str) -> str:
    """Why ``user`` may not do ``kind`` now, in Chinese; "" when they may. ``obj`` is the
    region for PREPARE (a new draft), else the submission."""
    return refusal_text(_refusal(obj, user, kind))


def ensure_act(obj: Submission | Region, user: Any, kind: str) -> None:
    """The services' first check: refuse with the table's reason (PermissionDenied for who,
    ValidationError for when)."""
    raise_refusal(_refusal(obj, user, kind))


def available_acts(submission: Submission, user: Any) -> list[Act]:
    """Every act a submission page may offer, each open or with the reason it is not."""
    return acts_for(PAGE_ACTS, lambda kind: _refusal(submission, user, kind), lambda kind: str(EventKind(kind).label))


def next_act(submission: Submission) -> str | None:
    """The act the submission waits for: the region's report while open, the review once sent."""
    if submission.status in _OPEN:
        return EventKind.SUBMIT
    if submission.status == SubmissionStatus.SUBMITTED:
        return EventKind.SIGN_OFF
    return None
