"""The villages' signed lists of suspected C/D only houses: content, signature, receipt, 补报 and
return (each a new signed version; the history is kept, issue 18 item 7)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.core.masking import Kind, mask
from anju.households.choices import KeyGroup
from anju.households.models import House
from anju.inspections.acts import Signing, ensure_act, latest_list
from anju.inspections.choices import DANGEROUS_GRADES, ActKind, VillageListKind, VillageListStatus
from anju.inspections.models import Campaign, VillageList
from anju.regions.models import Region


def village_list_content(campaign: Campaign, village: Region) -> list[dict[str, Any]]:
    """The village's C/D only houses as they stand now (current grade: suspected or appraised)."""
    houses = (
        House.objects.filter(region=village, is_only_house=True, current_grade__in=DANGEROUS_GRADES)
        .select_related("household")
        .order_by("group_name", "household__head_name", "pk")
    )
    return [
        {
            "house": h.pk,
            "head_name": h.household.head_name,
            "id_number": mask(h.household.head_id_number, Kind.ID),
            "group_name": h.group_name,
            "address": h.address,
            "structure": h.get_structure_display(),
            "grade": h.current_grade,
            "occupied": h.is_occupied,
            "occupants": h.occupants,
            "key_group": KeyGroup(h.household.primary_group).label if h.household.primary_group else "一般农户",
        }
        for h in houses
    ]


def _digest(campaign: Campaign, village: Region, content: list[dict[str, Any]], signer: User, signed_at: Any) -> str:
    return hashlib.sha256(
        json.dumps(
            {"campaign": campaign.pk, "village": village.code, "houses": content, "signer": signer.username}
            | {"signed_at": signed_at.isoformat()},
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
    ).hexdigest()


def _signed_version(
    *, acting_user: User, campaign: Campaign, village: Region, kind: str, reason: str, previous: VillageList | None
) -> VillageList:
    """A new signed version of the village's list as it stands now (in the caller's transaction)."""
    content = village_list_content(campaign, village)
    signed_at = timezone.now()
    digest = _digest(campaign, village, content, acting_user, signed_at)
    record = VillageList.objects.create(
        campaign=campaign,
        village=village,
        region_code=village.code,
        round=(previous.round if previous else 0) + 1,
        kind=kind,
        reason=reason,
        houses=content,
        digest=digest,
        status=VillageListStatus.SIGNED,
        signed_by=acting_user,
        signed_at=signed_at,
    )
    before = len(previous.houses) if previous else None
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=record,
        changes={"houses": {"before": before, "after": len(content)}, "digest": {"before": None, "after": digest}},
        note=f"村主要负责人电子签字（{VillageListKind(kind).label}）" + (f"：{reason}" if reason else ""),
    )
    return record


def village_list_sign(*, acting_user: User, campaign: Campaign, village: Region) -> VillageList:
    """The village head's recorded electronic sign-off of the village's list: the first one, or
    the signing again after the township returned it (a new version; the returned one is kept)."""
    ensure_act(ActKind.SIGN, acting_user, Signing(campaign, village))
    with transaction.atomic():
        previous = latest_list(campaign, village)
        if previous is not None:
            VillageList.objects.select_for_update().filter(pk=previous.pk).first()
        kind = VillageListKind.RESIGN if previous is not None else VillageListKind.FIRST
        reason = f"按退回意见修改：{previous.return_reason}" if previous is not None else ""
        return _signed_version(
            acting_user=acting_user,
            campaign=campaign,
            village=village,
            kind=kind,
            reason=reason[:300],
            previous=previous,
        )


def village_list_supplement(*, acting_user: User, village_list: VillageList, reason: str) -> VillageList:
    """补报: after signing, the village head signs the list again as it now stands (houses found
    since), with what is added and why; the earlier version is kept, marked 已由补报替代."""
    ensure_act(ActKind.SUPPLEMENT, acting_user, village_list)
    if not reason.strip():
        raise ValidationError({"reason": "请说明补报的原因（如：新排查发现的疑似危房）。"})
    with transaction.atomic():
        locked = VillageList.objects.select_for_update().get(pk=village_list.pk)
        ensure_act(ActKind.SUPPLEMENT, acting_user, locked)  # returned or supplemented meanwhile?
        locked.status = VillageListStatus.SUPERSEDED
        locked.save(update_fields=["status"])
        return _signed_version(
            acting_user=acting_user,
            campaign=locked.campaign,
            village=locked.village,
            kind=VillageListKind.SUPPLEMENT,
            reason=reason.strip()[:300],
            previous=locked,
        )


def village_list_return(*, acting_user: User, village_list: VillageList, reason: str) -> VillageList:
    """The township returns a signed (or received) list with the reason; the village head then
    corrects and signs it again (``village_list_sign``)."""
    ensure_act(ActKind.RETURN, acting_user, village_list)
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回原因，村里据此修改后重新签字。"})
    with transaction.atomic():
        locked = VillageList.objects.select_for_update().get(pk=village_list.pk)
        ensure_act(ActKind.RETURN, acting_user, locked)
        before = locked.status
        locked.status = VillageListStatus.RETURNED
        locked.returned_by = acting_user
        locked.returned_at = timezone.now()
        locked.return_reason = reason.strip()[:300]
        locked.save(update_fields=["status", "returned_by", "returned_at", "return_reason"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"status": {"before": before, "after": VillageListStatus.RETURNED}},
            note=f"退回：{locked.return_reason}",
        )
    return locked


def village_list_receive(*, acting_user: User, village_list: VillageList) -> VillageList:
    """The township officer receives a signed list, once."""
    ensure_act(ActKind.RECEIVE, acting_user, village_list)
    with transaction.atomic():
        locked = VillageList.objects.select_for_update().get(pk=village_list.pk)
        ensure_act(ActKind.RECEIVE, acting_user, locked)  # received meanwhile by someone else?
        locked.status = VillageListStatus.RECEIVED
        locked.received_by = acting_user
        locked.received_at = timezone.now()
        locked.save(update_fields=["status", "received_by", "received_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"status": {"before": VillageListStatus.SIGNED, "after": VillageListStatus.RECEIVED}},
        )
    return locked
