"""Stage photos of a case checked against its house (issue 19 §4, ADRs 0033 and 0047): patrol,
开工 and 竣工 photos, and the archive's house photos, each with the stage's dates. A case with
no house (无房户 building on a new site) has nothing to measure against, so its photos are
stored unchecked. Also the sources ``manage.py photo_checks_run`` reads (``register_sources``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from anju.accounts.models import User
from anju.cases.choices import StepKind
from anju.cases.models import CasePatrolPhoto, CaseStepPhoto, RenovationCase
from anju.kit.photos import PhotoRecord
from anju.photochecks.choices import PhotoStage
from anju.photochecks.services import AROUND_ACT, StagePhoto, photo_check_record, stage_photo_of
from anju.photochecks.sources import register_source

STEP_STAGES: dict[str, str] = {StepKind.START: PhotoStage.START, StepKind.COMPLETE: PhotoStage.COMPLETION}


def archive_window(case: RenovationCase, period: str) -> tuple[datetime.date | None, datetime.date | None]:
    """The dates an archive house photo must fall in (ADR 0033): 改造前 up to 开工, 改造中
    between 开工 and 竣工, 改造后 from 竣工; a date the case has not reached yet is open."""
    if period == "before":
        return None, case.started_on
    if period == "during":
        return case.started_on, case.completed_on
    return case.completed_on, None


def case_photo_of(
    case: RenovationCase,
    record: PhotoRecord,
    *,
    stage: str,
    on: datetime.date,
    device: tuple[Decimal | None, Decimal | None] = (None, None),
) -> StagePhoto | None:
    """One saved photo of the case described for the check: a patrol's between 开工 and the
    patrol; a 开工, 竣工 or acceptance photo around its act's date (the policy's days)."""
    if case.house is None:
        return None
    window = (case.started_on, on) if stage == PhotoStage.PATROL else (None, None)
    act_on = on if stage in AROUND_ACT else None
    return stage_photo_of(
        record, stage=stage, house=case.house, case_id=case.pk, window=window, device=device, act_on=act_on
    )


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
    for record in records:
        photo = case_photo_of(case, record, stage=stage, on=on, device=device)
        if photo is not None:
            photo_check_record(photo=photo, acting_user=acting_user)


def saved_photos(rows: QuerySet[Any], parent: str, stage: Callable[[Any], str]) -> Iterator[StagePhoto]:
    """The saved photos of ``rows`` (their parent's case, house and household selected), each
    described for the check around its parent's date: a patrol's, an act's, an acceptance's."""
    for record in rows.order_by("pk").iterator(chunk_size=500):
        owner = getattr(record, parent)
        photo = case_photo_of(owner.case, record, stage=stage(owner), on=owner.on)
        if photo is not None:
            yield photo


def _patrol_photos() -> Iterator[StagePhoto]:
    rows = CasePatrolPhoto.objects.select_related("patrol__case__house__household")
    return saved_photos(rows, "patrol", lambda _patrol: PhotoStage.PATROL)


def _step_photos() -> Iterator[StagePhoto]:
    rows = CaseStepPhoto.objects.select_related("step__case__house__household")
    return saved_photos(rows, "step", lambda step: STEP_STAGES[step.kind])


def register_sources() -> None:
    """Saved photos are re-checked without their device position (it is kept on the check, not
    the photo): a re-run never drops a flag, so a far phone found at upload stays flagged."""
    register_source("质量巡查照片", _patrol_photos)
    register_source("开工竣工照片", _step_photos)
