"""Writes of the inspection work (requirements §5), one module per kind of work. Each checks the
actor's role and region, validates with Chinese messages, writes and audits in one transaction.

Everything public is re-exported here, so ``from anju.inspections import services`` and
``from anju.inspections.services import inspection_record`` keep working."""

from anju.inspections.acts import DEPARTMENT_ROLE, INSPECT_ROLES, ORGANISE_ROLES
from anju.inspections.services.campaigns import campaign_create
from anju.inspections.services.checklist import (
    CHECKLIST_CODE,
    CHECKLIST_FIELDS,
    can_manage_checklist,
    hazard_item_create,
    hazard_item_move,
    hazard_item_restore,
    hazard_item_retire,
    hazard_item_update,
)
from anju.inspections.services.emergency import emergency_declare, task_priority
from anju.inspections.services.follow_ups import follow_up_step
from anju.inspections.services.housing import housing_check_record
from anju.inspections.services.inspections import (
    ELDERLY_AGE,
    HOUSE_STATE_FIELDS,
    check_gps,
    distance_km,
    inspection_record,
)
from anju.inspections.services.measures import measure_record, measure_verify
from anju.inspections.services.referrals import referral_decide
from anju.inspections.services.village_lists import (
    village_list_content,
    village_list_receive,
    village_list_return,
    village_list_sign,
    village_list_supplement,
)

__all__ = [
    "CHECKLIST_CODE",
    "CHECKLIST_FIELDS",
    "DEPARTMENT_ROLE",
    "ELDERLY_AGE",
    "HOUSE_STATE_FIELDS",
    "INSPECT_ROLES",
    "ORGANISE_ROLES",
    "campaign_create",
    "can_manage_checklist",
    "check_gps",
    "distance_km",
    "emergency_declare",
    "follow_up_step",
    "hazard_item_create",
    "hazard_item_move",
    "hazard_item_restore",
    "hazard_item_retire",
    "hazard_item_update",
    "housing_check_record",
    "inspection_record",
    "measure_record",
    "measure_verify",
    "referral_decide",
    "task_priority",
    "village_list_content",
    "village_list_receive",
    "village_list_return",
    "village_list_sign",
    "village_list_supplement",
]
