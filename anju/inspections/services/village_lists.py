"""The villages' signed lists of suspected C/D only houses: content, signature, receipt."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.choices import Role
from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.core.masking import mask_id_number
from anju.households.choices import KeyGroup
from anju.households.models import House
from anju.inspections.choices import DANGEROUS_GRADES, VillageListStatus
from anju.inspections.models import Campaign, VillageList
from anju.inspections.services._common import _require, _require_scope
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
            "id_number": mask_id_number(h.household.head_id_number),
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


def village_list_sign(*, acting_user: Any, campaign: Campaign, village: Region) -> VillageList:
    """The village head's recorded electronic sign-off of the village's list."""
    if not acting_user.has_role(Role.VILLAGE_HEAD) or acting_user.region_id != village.pk:
        raise PermissionDenied(f"只有{village.name}的村主要负责人本人可以签字。")
    if not campaign.villages.filter(pk=village.pk).exists():
        raise ValidationError(f"{village.name}不在「{campaign}」的排查村中。")
    existing = VillageList.objects.filter(campaign=campaign, village=village).select_related("signed_by").first()
    if existing is not None:
        raise ValidationError(
            f"本村清单已于 {timezone.localtime(existing.signed_at):%Y-%m-%d %H:%M} "
            f"由 {existing.signed_by.display_name()} 签字，不能重复签字。"
        )
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


def village_list_receive(*, acting_user: Any, village_list: VillageList) -> VillageList:
    _require(acting_user, (Role.TOWNSHIP_OFFICER,), "由乡镇建环办接收村级清单。")
    _require_scope(acting_user, village_list.region_code, "该村不在您的管辖范围内。")
    with transaction.atomic():
        locked = VillageList.objects.select_for_update().get(pk=village_list.pk)
        if locked.status == VillageListStatus.RECEIVED:
            raise ValidationError("该清单已接收。")
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
