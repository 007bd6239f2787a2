"""A report's timeliness (DHIS2's reporting rates), the one definition the list, the submission
page, the board, the API and the home page's reminders all read (issue 17, ADR 0030).

A report is measured against its due date until the level above returns it; a return gives it
a new due date (``return_days`` of the reporting calendar, policy data) and from then on it is
measured against that: 退回待重报 / 退回后逾期未重报 while it is back with the region, 退回后按期重报 /
退回后逾期重报 once it is sent again. A report never returned is 按时 or 逾期报送 by its first
submission, 逾期未报 once its due date has passed unsent, 未到期 before."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from anju.reporting.choices import SubmissionStatus, Timeliness

if TYPE_CHECKING:
    from anju.reporting.models import Submission

COLOURS: dict[str, str] = {
    Timeliness.ON_TIME: "success",
    Timeliness.LATE: "warning",
    Timeliness.MISSING: "danger",
    Timeliness.NOT_DUE: "secondary",
    Timeliness.RETURNED: "warning",
    Timeliness.RETURNED_OVERDUE: "danger",
    Timeliness.RESUBMITTED: "success",
    Timeliness.RESUBMITTED_LATE: "warning",
}
# What the board counts as received, and as received in time.
RECEIVED = (Timeliness.ON_TIME, Timeliness.LATE, Timeliness.RESUBMITTED, Timeliness.RESUBMITTED_LATE)
IN_TIME = (Timeliness.ON_TIME, Timeliness.RESUBMITTED)


def classify(submitted_on: datetime.date | None, due_on: datetime.date, today: datetime.date) -> str:
    """A report first submitted by its due date is on time, after it late; one never submitted is
    missing once the due date has passed (the due day itself still counts as in time)."""
    if submitted_on is not None:
        return Timeliness.ON_TIME if submitted_on <= due_on else Timeliness.LATE
    return Timeliness.MISSING if today > due_on else Timeliness.NOT_DUE


@dataclass(frozen=True)
class Standing:
    """Where a report stands: its state, the due date it is measured against now, and the days
    left before it (negative: days over)."""

    state: str
    due_on: datetime.date
    days_left: int

    @property
    def label(self) -> str:
        return str(Timeliness(self.state).label)

    @property
    def colour(self) -> str:
        return COLOURS[self.state]

    @property
    def open(self) -> bool:
        """Whether the region still owes the report (not sent, or returned)."""
        return self.state in (
            Timeliness.MISSING,
            Timeliness.NOT_DUE,
            Timeliness.RETURNED,
            Timeliness.RETURNED_OVERDUE,
        )

    def sentence(self) -> str:
        """The state in words, with the date and days that matter (the home page's reminder)."""
        if self.state == Timeliness.RETURNED:
            when = "今天截止" if self.days_left == 0 else f"还有 {self.days_left} 天"
            return f"已退回，请于 {self.due_on:%m-%d} 前修改重报（{when}）"
        if self.state == Timeliness.RETURNED_OVERDUE:
            return f"已退回，重报已逾期 {-self.days_left} 天（{self.due_on:%m-%d} 截止）"
        if self.state == Timeliness.MISSING:
            return f"已逾期 {-self.days_left} 天未报（{self.due_on:%m-%d} 截止）"
        if self.state == Timeliness.NOT_DUE:
            when = "今天" if self.days_left == 0 else f"还有 {self.days_left} 天"
            return f"{self.due_on:%m-%d} 截止（{when}）"
        return self.label


def standing(
    *,
    due_on: datetime.date,
    today: datetime.date,
    status: str = SubmissionStatus.DRAFT,
    first_submitted_on: datetime.date | None = None,
    submitted_on: datetime.date | None = None,
    resubmit_due_on: datetime.date | None = None,
) -> Standing:
    """The one definition (see the module's docstring); a region with no submission at all is
    ``standing(due_on=…, today=…)``."""
    if resubmit_due_on is not None and status != SubmissionStatus.DRAFT:
        left = (resubmit_due_on - today).days
        if status == SubmissionStatus.RETURNED:
            state = Timeliness.RETURNED if left >= 0 else Timeliness.RETURNED_OVERDUE
        else:
            on = submitted_on or today
            state = Timeliness.RESUBMITTED if on <= resubmit_due_on else Timeliness.RESUBMITTED_LATE
        return Standing(state, resubmit_due_on, left)
    return Standing(classify(first_submitted_on, due_on, today), due_on, (due_on - today).days)


def of(submission: Submission | None, due_on: datetime.date, today: datetime.date) -> Standing:
    """The standing of a region's submission (None: nothing prepared yet) due on ``due_on``."""
    if submission is None:
        return standing(due_on=due_on, today=today)
    return standing(
        due_on=submission.due_on,
        today=today,
        status=submission.status,
        first_submitted_on=submission.first_submitted_on,
        submitted_on=submission.submitted_on,
        resubmit_due_on=submission.resubmit_due_on,
    )
