"""Stage photos of a case checked against its house (issue 19 §4, ADR 0033): patrol, 开工 and
竣工 photos, each with the stage's dates. A case with no house (无房户 building on a new site)
has nothing to measure against, so its photos are stored unchecked."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.kit.photos import PhotoRecord
from anju.photochecks.choices import PhotoStage
from anju.photochecks.services import photo_check_record, stage_photo_of


def stage_window(
    case: RenovationCase, stage: str, on: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """The dates a stage's photo must fall in (ADR 0033): a patrol's between 开工 and the patrol;
    a 开工 photo between the agreement and the start; a 竣工 photo between the start and 竣工."""
    if stage == PhotoStage.PATROL:
        return case.started_on, on
    if stage == PhotoStage.START:
        return case.agreement_on or case.approved_on, on
    if stage == PhotoStage.COMPLETION:
        return case.started_on, on
    return None, on


def case_photos_check(
    *,
    acting_user: User,
    case: RenovationCase,
    records: Iterable[PhotoRecord],
    stage: str,
    on: datetime.date,
    device: tuple[Decimal | None, Decimal | None],
) -> None:
    """Check each saved photo of one act (inside the act's transaction)."""
    if case.house is None:
        return
    window = stage_window(case, stage, on)
    for record in records:
        photo = stage_photo_of(record, stage=stage, house=case.house, case_id=case.pk, window=window, device=device)
        photo_check_record(photo=photo, acting_user=acting_user)
