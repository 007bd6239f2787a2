"""Routine inspection campaigns (常规排查)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from anju.accounts.models import User
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.inspections.acts import ensure_act
from anju.inspections.choices import ActKind
from anju.inspections.models import Campaign
from anju.inspections.rules import village_list_due
from anju.inspections.services._common import _villages_in
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


def campaign_create(
    *,
    acting_user: User,
    title: str,
    year: int,
    region: Region,
    starts_on: datetime.date,
    deadline: datetime.date,
    villages: list[Region] | None = None,
    inspectors: list[Any] | tuple[Any, ...] = (),
    list_due: datetime.date | None = None,
) -> Campaign:
    ensure_act(ActKind.CAMPAIGN, acting_user, region)
    if region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        raise ValidationError({"region": "排查任务按区县或乡镇部署。"})
    if not title.strip():
        raise ValidationError({"title": "请填写名称。"})
    if deadline < starts_on:
        raise ValidationError({"deadline": "完成期限不能早于开始日期。"})
    chosen = _villages_in(region, villages)
    if not chosen:
        raise ValidationError({"villages": "请至少选择一个村。"})
    outside = [u.username for u in inspectors if not u.region or not u.region.code.startswith(region.prefix)]
    if outside:
        raise ValidationError({"inspectors": f"排查人员须在{region.name}内：{'、'.join(outside)}"})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=title.strip(),
            year=year,
            region=region,
            region_code=region.code,
            starts_on=starts_on,
            deadline=deadline,
            list_due=list_due or village_list_due(region.code, year),
            created_by=acting_user,
        )
        campaign.villages.set(chosen)
        campaign.inspectors.set(inspectors)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=campaign,
            changes=changes_between(
                {}, model_snapshot(campaign, ("title", "year", "starts_on", "deadline", "list_due"))
            )
            | {"villages": {"before": None, "after": len(chosen)}},
        )
    return campaign
