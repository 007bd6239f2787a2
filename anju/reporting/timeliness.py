"""Timeliness classification (DHIS2's reporting rates): on time, late, missing or not yet due."""

from __future__ import annotations

import datetime

from anju.reporting.choices import Timeliness


def classify(submitted_on: datetime.date | None, due_on: datetime.date, today: datetime.date) -> str:
    """A report first submitted by its due date is on time, after it late; one never submitted is
    missing once the due date has passed (the due day itself still counts as in time)."""
    if submitted_on is not None:
        return Timeliness.ON_TIME if submitted_on <= due_on else Timeliness.LATE
    return Timeliness.MISSING if today > due_on else Timeliness.NOT_DUE
