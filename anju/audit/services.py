"""Writing audit rows. Every service that changes data calls ``audit_record``
inside its own ``transaction.atomic`` block, so the change and its audit row
commit or roll back together."""

from __future__ import annotations

import datetime
import decimal
import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from anju.audit.models import AuditAction, AuditEvent
from anju.core import logs
from anju.core.context import current_context
from anju.core.dbops import insert_rows


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set, frozenset)):
        return (
            [_json_value(v) for v in sorted(value, key=str)]
            if isinstance(value, (set, frozenset))
            else [_json_value(v) for v in value]
        )
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return str(value)


def model_snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON-safe values of an object's concrete fields (FKs by id)."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in obj._meta.concrete_fields if f.name not in {"password"}]
    )
    return {name: _json_value(getattr(obj, name)) for name in names}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"before": old, "after": new}} for the fields that differ."""
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = {"before": old, "after": new}
    return out


def object_region_code(obj: models.Model) -> str:
    code = getattr(obj, "audit_region_code", "")
    return str(code or "")


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    region_code: str | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Record one audited act. ``obj`` fills type, id, repr and region when given."""
    ctx = current_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        region_code = region_code if region_code is not None else object_region_code(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Every audited act is also a domain event in the operator's log (no names, no ID numbers).
    logs.event(
        f"audit.{action}",
        object_type=object_type or "",
        object_id=object_id or "",
        region=region_code or "",
        user_id=getattr(user, "pk", None),
        fields=sorted((changes or {}).keys())[:20],
    )
    return AuditEvent.objects.create(
        actor=user,
        actor_username=(getattr(actor, "username", "") or "") if actor is not None else "",
        ip=ctx.ip,
        channel=ctx.channel,
        request_id=ctx.request_id,
        action=str(action),
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:200],
        region_code=region_code or "",
        changes=_json_value(changes or {}),
        note=note,
    )


def audit_record_rows(
    *,
    actor: Any,
    action: AuditAction | str,
    object_type: str,
    rows: Sequence[tuple[int, str, str, str, str]],
    fields: Sequence[str] = (),
) -> int:
    """``audit_record`` for many objects of one act at once (a set-based refresh writing thousands
    of rows): the same rows, inserted with ``COPY`` on PostgreSQL, and one summary line in the
    operator's log instead of one per object. Each row is (object key, ``str(obj)``, region code,
    changes already as JSON text, note) — the caller encodes each distinct change once (ADR 0048)."""
    if not rows:
        return 0
    from django.db import connection

    ctx = current_context()
    user = actor if getattr(actor, "is_authenticated", False) else None
    username = (getattr(actor, "username", "") or "") if actor is not None else ""
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    head = (at, getattr(user, "pk", None), username, ctx.ip, ctx.channel, ctx.request_id, str(action), object_type)
    logs.event(
        f"audit.{action}",
        object_type=object_type,
        objects=len(rows),
        user_id=getattr(user, "pk", None),
        fields=sorted(fields)[:20],
    )
    columns = [*AUDIT_HEAD_COLUMNS, "object_id", "object_repr", "region_code", "changes", "note"]
    insert_rows(
        AuditEvent,
        columns,
        ((*head, str(key), text[:200], region, changes, note) for key, text, region, changes, note in rows),
    )
    return len(rows)


AUDIT_HEAD_COLUMNS = ("at", "actor_id", "actor_username", "ip", "channel", "request_id", "action", "object_type")


_F = TypeVar("_F", bound=Callable[..., Any])


def refusals_audited(what: str, *, obj_kwarg: str = "case") -> Callable[[_F], _F]:
    """Record a refused act (wrong stage, role or input) as an audit row, then re-raise.

    Auditors must see attempts, not only what succeeded: paying above the standard, closing a
    case with gaps, a second officer's click that lost. The service's own transaction has
    rolled back by then; the refusal is written in its own. Inside an enclosing transaction that
    later rolls back, the enclosing service's refusal is the one that stays."""

    def decorate(func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (ValidationError, PermissionDenied) as exc:
                obj = kwargs.get(obj_kwarg)
                actor = kwargs.get("acting_user")
                if isinstance(obj, models.Model) and obj.pk is not None:
                    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    with transaction.atomic():
                        audit_record(
                            actor=actor, action=AuditAction.REFUSED, obj=obj, note=f"{what}：{'；'.join(messages)}"
                        )
                raise

        return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature at runtime; mypy sees (*args, **kwargs)

    return decorate


def log_export(*, actor: Any, what: str, filters: dict[str, Any], rows: int, fmt: str) -> None:
    """Every export is an audited act: who, what, with which filter, how many rows."""
    region = getattr(actor, "region", None)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=what,
        object_id="",
        object_repr=f"导出{fmt.upper()}：{rows} 行",
        region_code=region.code if region else "",
        changes={
            "filters": {"before": None, "after": {k: v for k, v in filters.items() if v}},
            "rows": {"before": None, "after": rows},
        },
    )
