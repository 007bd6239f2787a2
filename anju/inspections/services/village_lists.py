"""The villages' signed lists of suspected C/D only houses: content, signature, receipt."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.core.masking import Kind, mask
from anju.households.choices import KeyGroup
from anju.households.models import House
from anju.inspections.acts import Signing, ensure_act
from anju.inspections.choices import DANGEROUS_GRADES, ActKind, VillageListStatus
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


def village_list_sign(*, acting_user: User, campaign: Campaign, village: Region) -> VillageList:
    """The village head's recorded electronic sign-off of the village's list."""
    ensure_act(ActKind.SIGN, acting_user, Signing(campaign, village))
    content = village_list_content(campaign, village)
    signed_at = timezone.now()
    digest = hashlib.sha256(
        json.dumps(
            {"campaign": campaign.pk, "village": village.code, "houses": content, "signer": acting_user.username}
            | {"signed_at": signed_at.isoformat()},
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
    ).hexdigest()
    with transaction.atomic():
        record = VillageList.objects.create(
            campaign=campaign,
            village=village,
            region_code=village.code,
            houses=content,
            digest=digest,
            status=VillageListStatus.SIGNED,
            signed_by=acting_user,
            signed_at=signed_at,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=record,
            changes={"houses": {"before": None, "after": len(content)}, "digest": {"before": None, "after": digest}},
            note="村主要负责人电子签字",
        )
    return record


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
