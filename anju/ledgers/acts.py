"""Who may send a ledger back and commit it, now: the one table for ledger returns (ADR 0040, on
``anju.kit.acts``).

- UPLOAD (上传回传台账): whoever may edit households and houses on the pages (village clerk,
  township office, county office) — the rows are then written by the same services, which check
  each row's region again.
- COMMIT (确认写入): the same roles, for a return in their region, while it awaits confirmation
  and has at least one accepted change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from anju.core.scoping import in_scope, user_scope_prefix
from anju.households.permissions import can_write_households
from anju.kit.acts import Act, acts_for, raise_refusal, refusal_text
from anju.ledgers.models import LedgerReturn, ReturnStatus


class ReturnAct(models.TextChoices):
    UPLOAD = "upload", "上传回传台账"
    COMMIT = "commit", "确认写入"


STATUS_WORDS = {
    ReturnStatus.REFUSED: "该文件已被拒收，不能写入。请按提示修改后重新上传。",
    ReturnStatus.COMMITTED: "该回传台账已写入，不能再次写入。",
}


def _refusal(obj: LedgerReturn | None, user: Any, kind: str) -> Exception | None:
    if not can_write_households(user):
        return PermissionDenied("只有村、乡镇和区/县住建部门的经办人员才能回传台账。")
    if user_scope_prefix(user) is None:
        return PermissionDenied("您的账号没有所属区划，不能回传台账。")
    if obj is None:
        return None
    if not in_scope(user, obj.region_code):
        return PermissionDenied("该回传台账不在您的管辖范围内。")
    if kind == ReturnAct.COMMIT:
        if obj.status != ReturnStatus.PREVIEWED:
            return ValidationError(STATUS_WORDS[ReturnStatus(obj.status)])
        if not obj.counts.get("changed_cells"):
            return ValidationError("文件中没有可以写入的修改。")
    return None


def act_refusal(obj: LedgerReturn | None, user: Any, kind: str) -> str:
    """Why ``user`` may not do ``kind`` now, in Chinese; "" when they may."""
    return refusal_text(_refusal(obj, user, kind))


def ensure_act(obj: LedgerReturn | None, user: Any, kind: str) -> None:
    """The services' first check."""
    raise_refusal(_refusal(obj, user, kind))


def available_acts(obj: LedgerReturn, user: Any) -> list[Act]:
    return acts_for((ReturnAct.COMMIT,), lambda kind: _refusal(obj, user, kind), lambda k: str(ReturnAct(k).label))
