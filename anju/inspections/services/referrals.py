"""以房找人: the department's decision on a household referred by an inspection."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.households.choices import KeyGroup
from anju.households.services import status_add
from anju.inspections.acts import ensure_act
from anju.inspections.choices import ActKind, ReferralStatus
from anju.inspections.models import Referral


def referral_decide(
    *,
    acting_user: User,
    referral: Referral,
    confirm: bool,
    group: str = "",
    note: str = "",
    decided_on: datetime.date | None = None,
) -> Referral:
    """The department's liaison confirms (the household gains the status) or declines with a reason."""
    ensure_act(ActKind.DECIDE, acting_user, referral)
    decided_on = decided_on or timezone.localdate()
    if confirm and group not in KeyGroup.values:
        raise ValidationError({"group": "认定时请选择重点对象类别。"})
    if not confirm and not note.strip():
        raise ValidationError({"decision_note": "不予认定时请写明理由。"})
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        ensure_act(ActKind.DECIDE, acting_user, locked)  # decided meanwhile by someone else?
        if confirm:
            status_add(
                acting_user=acting_user,
                household=locked.household,
                group=group,
                certified_on=decided_on,
                department=locked.department,
                source=f"以房找人转交 {locked.pk}",
            )
        locked.status = ReferralStatus.CONFIRMED if confirm else ReferralStatus.DECLINED
        locked.group = group if confirm else ""
        locked.decided_by = acting_user
        locked.decided_on = decided_on
        locked.decision_note = note.strip()
        locked.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={
                "status": {"before": ReferralStatus.PENDING, "after": locked.status},
                **({"group": {"before": "", "after": group}} if confirm else {}),
            },
            note=locked.decision_note,
        )
    return locked


def referrals_close_by_list(
    *, household_ids: list[int], department: str, group: str, source: str, acting_user: User | None
) -> int:
    """The department's own list has put these households into ``group``: their pending
    referrals to that department have their answer. Each is closed as 已认定, by the importer,
    with a note naming the list, and audited. A referral to the other department stays for it
    to decide. Runs inside the import's transaction; returns how many were closed."""
    closed = 0
    pending = Referral.objects.select_for_update().filter(
        household_id__in=household_ids, department=department, status=ReferralStatus.PENDING
    )
    note = f"{source}导入时已认定为{KeyGroup(group).label}，转交自动办结。"
    today = timezone.localdate()
    for referral in pending:
        referral.status = ReferralStatus.CONFIRMED
        referral.group = group
        referral.decided_by = acting_user
        referral.decided_on = today
        referral.decision_note = note
        referral.save(update_fields=["status", "group", "decided_by", "decided_on", "decision_note"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=referral,
            changes={
                "status": {"before": ReferralStatus.PENDING, "after": ReferralStatus.CONFIRMED},
                "group": {"before": "", "after": group},
            },
            note=note,
        )
        closed += 1
    return closed
