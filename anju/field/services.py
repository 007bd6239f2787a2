"""Syncing a record made offline (ADR 0038): each kind goes through its own app's service — the
same checks, photo checks and audit rows as the online pages — exactly once per idempotency key."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from anju.acceptance.forms import AcceptanceForm
from anju.acceptance.services import acceptance_record, checklist
from anju.accounts.models import User
from anju.archives.services import document_upload
from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.cases.forms import CompleteForm, PatrolForm, StepForm
from anju.cases.models import RenovationCase
from anju.cases.services import case_complete, case_start, patrol_record
from anju.core.scoping import get_visible_or_404
from anju.field.choices import RecordKind
from anju.field.models import SyncedRecord
from anju.households.models import House
from anju.inspections.forms import InspectionForm
from anju.inspections.selectors import current_campaign
from anju.inspections.services import inspection_record

# The phone makes the key (a UUID); anything else was not made by the app.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

Handler = Callable[[User, Mapping[str, Any], list[Any], str], models.Model]


@dataclass(frozen=True)
class SyncOutcome:
    """The accepted record, and whether it had already arrived before (a repeated send)."""

    record: SyncedRecord
    repeated: bool


def _form_errors(form: Any) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def _captured_at(data: Mapping[str, Any]) -> datetime.datetime | None:
    """When the officer recorded it on the phone (ISO 8601), not when the signal came back."""
    raw = str(data.get("captured_at") or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ValidationError({"captured_at": f"记录时间「{raw[:40]}」无法识别。"})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _house(user: User, data: Mapping[str, Any]) -> House:
    try:
        return get_visible_or_404(House.objects.select_related("household", "region"), user, pk=data.get("house"))
    except Http404 as exc:
        raise PermissionDenied("该房屋不存在或不在您的管辖范围内。") from exc


def _case(user: User, data: Mapping[str, Any]) -> RenovationCase:
    try:
        return get_visible_or_404(RenovationCase.objects.select_related("policy"), user, pk=data.get("case"))
    except Http404 as exc:
        raise PermissionDenied("该改造案件不存在或不在您的管辖范围内。") from exc


def _inspection(user: User, data: Mapping[str, Any], photos: list[Any], key: str) -> models.Model:
    house = _house(user, data)
    form = InspectionForm(data)
    if not form.is_valid():
        raise _form_errors(form)
    answers = {k: v for k, v in form.cleaned_data.items() if k not in {"photos", "submission_id"}}
    return inspection_record(
        acting_user=user,
        house=house,
        campaign=current_campaign(house, user),
        inspected_at=_captured_at(data),
        photos=photos,
        submission_id=key,  # the inspection's own idempotency (ADR 0010) agrees with ours
        **answers,
    )


def _patrol(user: User, data: Mapping[str, Any], photos: list[Any], key: str) -> models.Model:
    case = _case(user, data)
    form = PatrolForm(data)
    if not form.is_valid():
        raise _form_errors(form)
    return patrol_record(
        acting_user=user,
        case=case,
        photos=photos,
        device_latitude=data.get("device_latitude") or None,
        device_longitude=data.get("device_longitude") or None,
        **form.cleaned_data,
    )


def _device(data: Mapping[str, Any]) -> tuple[Any, Any]:
    """The phone's position when the photos were taken (both or neither; the service checks it)."""
    return data.get("device_latitude") or None, data.get("device_longitude") or None


def _archive_photo(user: User, data: Mapping[str, Any], photos: list[Any], key: str) -> models.Model:
    case = _case(user, data)
    if len(photos) > 1:
        raise ValidationError({"photos": "档案照片每条记录只能有一张，请分开录入。"})
    return document_upload(
        acting_user=user,
        case=case,
        code=str(data.get("code") or ""),
        upload=photos[0] if photos else None,
        device=_device(data),
    )


def _acceptance(user: User, data: Mapping[str, Any], photos: list[Any], key: str) -> models.Model:
    """The checklist against the case's policy version; ``version`` is the case's version in the
    work list, so an acceptance another officer recorded meanwhile is refused, naming them."""
    case = _case(user, data)
    form = AcceptanceForm(data, items=checklist(case))
    if not form.is_valid():
        raise _form_errors(form)
    return acceptance_record(acting_user=user, case=case, photos=photos, device=_device(data), **form.service_kwargs())


def _start(user: User, data: Mapping[str, Any], photos: list[Any], key: str) -> models.Model:
    """开工 with the site's photos; ``version`` is the case's version in the work list, so a case
    another officer moved meanwhile (or closed, or ended) is refused, naming them."""
    case = _case(user, data)
    form = StepForm(data)
    if not form.is_valid():
        raise _form_errors(form)
    device_latitude, device_longitude = _device(data)
    return case_start(
        acting_user=user,
        case=case,
        photos=photos,
        device_latitude=device_latitude,
        device_longitude=device_longitude,
        **form.cleaned_data,
    )


def _complete(user: User, data: Mapping[str, Any], photos: list[Any], key: str) -> models.Model:
    """竣工 with the finished house's photos and the built area, against the case's version."""
    case = _case(user, data)
    form = CompleteForm(data)
    if not form.is_valid():
        raise _form_errors(form)
    device_latitude, device_longitude = _device(data)
    return case_complete(
        acting_user=user,
        case=case,
        photos=photos,
        device_latitude=device_latitude,
        device_longitude=device_longitude,
        **form.cleaned_data,
    )


HANDLERS: dict[str, Handler] = {
    RecordKind.INSPECTION: _inspection,
    RecordKind.PATROL: _patrol,
    RecordKind.ARCHIVE_PHOTO: _archive_photo,
    RecordKind.ACCEPTANCE: _acceptance,
    RecordKind.START: _start,
    RecordKind.COMPLETE: _complete,
}


def _earlier(acting_user: User, key: str, kind: str) -> SyncedRecord | None:
    earlier = SyncedRecord.objects.filter(user=acting_user, key=key).first()
    if earlier is not None and earlier.kind != kind:
        raise ValidationError("该同步编号已用于另一类记录，请删除这条记录后重新录入。")
    return earlier


def field_record_sync(
    *, acting_user: User, key: str, kind: str, data: Mapping[str, Any], photos: list[Any]
) -> SyncOutcome:
    """Write one record made offline through its app's service, once: a key already accepted
    returns the record made then (nothing written twice, even when two sends race); a refusal
    writes nothing but its audit row, and the phone keeps the record with the reason."""
    key = (key or "").strip()
    if not KEY_PATTERN.match(key):
        raise ValidationError("同步编号无效，请删除这条记录后重新录入。")
    if kind not in HANDLERS:
        raise ValidationError(f"未知的记录类型「{kind[:20]}」。")
    earlier = _earlier(acting_user, key, kind)
    if earlier is not None:
        return SyncOutcome(earlier, repeated=True)
    try:
        with transaction.atomic():
            obj = HANDLERS[kind](acting_user, data, photos, key)
            record = SyncedRecord.objects.create(
                user=acting_user,
                key=key,
                kind=kind,
                object_type=obj._meta.label_lower,
                object_id=obj.pk,
                region_code=_region_of(obj),
                captured_at=_captured_at(data),
            )
            audit_record(actor=acting_user, action=AuditAction.CREATE, obj=record, note=f"离线记录同步：{obj}")
    except IntegrityError:
        earlier = _earlier(acting_user, key, kind)
        if earlier is None:
            raise
        return SyncOutcome(earlier, repeated=True)  # the same record's other send won the race
    except (ValidationError, PermissionDenied) as exc:
        # The app's own refusal row was rolled back with the transaction: say it here.
        reason = refusal_reason(exc)
        with transaction.atomic():
            audit_record(
                actor=acting_user,
                action=AuditAction.REFUSED,
                object_type=SyncedRecord._meta.label_lower,
                object_id=key,
                object_repr=RecordKind(kind).label,
                region_code=acting_user.region.code if acting_user.region else "",
                note=f"离线同步被拒（{RecordKind(kind).label}）：{reason}",
            )
        raise
    return SyncOutcome(record, repeated=False)


def _region_of(obj: models.Model) -> str:
    for attr in ("region_code", "audit_region_code"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            return value
    case = getattr(obj, "case", None)
    return str(getattr(case, "region_code", ""))


def refusal_reason(exc: ValidationError | PermissionDenied) -> str:
    """One Chinese sentence (or several, joined) the officer reads beside the queued record."""
    if isinstance(exc, PermissionDenied):
        return str(exc) or "您无权进行此操作。"
    return "；".join(dict.fromkeys(exc.messages)) or "记录未通过检查。"
