"""Who may do what in the inspection work, now: the one table (issue 16, ADR 0025), in the
manner of ``cases.acts``.

``act_refusal(kind, user, on)`` says in Chinese why ``user`` may not do ``kind`` to ``on`` at this
moment — role (for a referral: the role of the department it is addressed to), region, and the
object's state (a referral already decided, a measure already verified or verified by its own
recorder, a list already received, a follow-up step already recorded or not yet due, a campaign
not begun or a house outside its villages) — or "" when the act is open. ``available_acts``
lists an object's acts with their answers. The services assert it first (``ensure_act``), the
pages offer exactly the open acts and say why one waits, and the API lists them. What the user
types (dates, notes, photos, fields) is still the service's to check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.households.choices import Department
from anju.households.models import House, Household
from anju.inspections.choices import ActKind, ReferralStatus, VillageListStatus
from anju.inspections.models import Campaign, ControlMeasure, EmergencyEvent, FollowUp, Referral, VillageList
from anju.kit.acts import Act as Act  # re-exported: the rows this table answers with
from anju.kit.acts import acts_for, raise_refusal, refusal_text
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

INSPECT_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
ORGANISE_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
# A referral is decided by the liaison of the department it is addressed to, and no other.
DEPARTMENT_ROLE = {
    Department.CIVIL_AFFAIRS: Role.CIVIL_AFFAIRS,
    Department.RURAL_REVITALIZATION: Role.RURAL_REVITALIZATION,
}

# Who may do each act (a superuser may do all, except sign a village's list: only its own head
# signs). The referral's role depends on its department (DEPARTMENT_ROLE); the checklist is kept
# by an administrator at a county or above. Region scoping does the rest.
ACT_ROLES: dict[str, tuple[str, ...]] = {
    ActKind.CAMPAIGN: ORGANISE_ROLES,
    ActKind.EMERGENCY: ORGANISE_ROLES,
    ActKind.INSPECT: INSPECT_ROLES,
    ActKind.HOUSING_CHECK: INSPECT_ROLES,
    ActKind.DECIDE: tuple(DEPARTMENT_ROLE.values()),
    ActKind.MEASURE: INSPECT_ROLES,
    ActKind.VERIFY: ORGANISE_ROLES,
    ActKind.SIGN: (Role.VILLAGE_HEAD,),
    ActKind.RECEIVE: (Role.TOWNSHIP_OFFICER,),
    ActKind.RETURN: (Role.TOWNSHIP_OFFICER,),
    ActKind.SUPPLEMENT: (Role.VILLAGE_HEAD,),
    ActKind.MOVED: INSPECT_ROLES,
    ActKind.DEMOLISHED: INSPECT_ROLES,
    ActKind.CHECKLIST: (Role.ADMIN,),
}
ROLE_WORDS: dict[str, str] = {
    ActKind.CAMPAIGN: "只有乡镇或区县住建部门可以部署排查。",
    ActKind.EMERGENCY: "只有乡镇或区县住建部门可以启动应急排查。",
    ActKind.INSPECT: "您的角色不能录入排查记录。",
    ActKind.HOUSING_CHECK: "您的角色不能核实住房情况。",
    ActKind.MEASURE: "您的角色不能登记管控措施。",
    ActKind.VERIFY: "管控措施由乡镇或区县住建部门核查。",
    ActKind.RECEIVE: "由乡镇建环办接收村级清单。",
    ActKind.RETURN: "由乡镇建环办退回村级清单。",
    ActKind.SUPPLEMENT: "由村主要负责人补报并签字。",
    ActKind.MOVED: "您的角色不能登记跟进情况。",
    ActKind.DEMOLISHED: "您的角色不能登记跟进情况。",
    ActKind.CHECKLIST: "只有区县及以上的系统管理员可以维护隐患检查项。",
}


@dataclass(frozen=True)
class HouseVisit:
    """Inspecting a house, in a campaign or after an event (or neither)."""

    house: House
    campaign: Campaign | None = None
    event: EmergencyEvent | None = None


@dataclass(frozen=True)
class HouseholdVisit:
    """Recording where a household with no house of its own lives, in a campaign."""

    household: Household
    campaign: Campaign


@dataclass(frozen=True)
class Signing:
    """A village head signing the village's list of a campaign."""

    campaign: Campaign
    village: Region


Refusal = Exception | None


def _role(user: Any, kind: str, roles: tuple[str, ...] | None = None, words: str = "") -> Refusal:
    if user.is_superuser or user.has_role(*(roles or ACT_ROLES[kind])):
        return None
    return PermissionDenied(words or ROLE_WORDS[kind])


def _scope(user: Any, region_code: str, words: str) -> Refusal:
    return None if in_scope(user, region_code) else PermissionDenied(words)


def _first(*checks: Callable[[], Refusal]) -> Refusal:
    """The first refusal, checking lazily in order: who, where, then the object's state."""
    for check in checks:
        refused = check()
        if refused is not None:
            return refused
    return None


def _organise(kind: str) -> Callable[[Any, Region | None], Refusal]:
    def check(user: Any, region: Region | None) -> Refusal:
        return _first(
            lambda: _role(user, kind),
            lambda: _scope(user, region.code, "该区划不在您的管辖范围内。") if region is not None else None,
        )

    return check


def _campaign_open(campaign: Campaign) -> Refusal:
    if campaign.starts_on > timezone.localdate():
        return ValidationError({"campaign": f"「{campaign}」于 {campaign.starts_on:%Y-%m-%d} 开始，开始后才能录入。"})
    return None


def recording_refusal(user: Any, campaign: Campaign | None, kind: str = ActKind.INSPECT) -> str:
    """What an inspection or a housing check asks of the user whatever the house: the role, and
    a campaign that has begun. A list of a campaign's households (each in its villages and in the
    user's scope) offers its buttons on this answer."""
    refused = _first(
        lambda: _role(user, kind),
        lambda: _campaign_open(campaign) if campaign is not None else None,
    )
    return refusal_text(refused)


def _inspect(user: Any, on: HouseVisit) -> Refusal:
    house, campaign, event = on.house, on.campaign, on.event
    return _first(
        lambda: _role(user, ActKind.INSPECT),
        lambda: _scope(user, house.region_code, "该房屋不在您的管辖范围内，不能排查。"),
        lambda: (
            ValidationError({"event": f"{house.region.name}不在「{event}」的受影响村中。"})
            if event is not None and not event.villages.filter(pk=house.region_id).exists()
            else None
        ),
        lambda: (
            ValidationError({"campaign": f"{house.region.name}不在「{campaign}」的排查村中。"})
            if campaign is not None and not campaign.villages.filter(pk=house.region_id).exists()
            else None
        ),
        lambda: _campaign_open(campaign) if campaign is not None else None,
    )


def _housing_check(user: Any, on: HouseholdVisit) -> Refusal:
    household, campaign = on.household, on.campaign
    return _first(
        lambda: _role(user, ActKind.HOUSING_CHECK),
        lambda: _scope(user, household.region_code, "该农户不在您的管辖范围内。"),
        lambda: (
            None
            if campaign.villages.filter(pk=household.region_id).exists()
            else ValidationError({"campaign": f"「{campaign.title}」不包括该户所在村。"})
        ),
        lambda: _campaign_open(campaign),
    )


def _decide(user: Any, referral: Referral) -> Refusal:
    role = DEPARTMENT_ROLE[Department(referral.department)]
    words = f"只有{Role(role).label}可以核实转交给{referral.get_department_display()}的农户。"
    return _first(
        lambda: _role(user, ActKind.DECIDE, (role,), words),
        lambda: _scope(user, referral.region_code, "该农户不在您的管辖范围内。"),
        lambda: (
            None
            if referral.status == ReferralStatus.PENDING
            else ValidationError(
                f"该转交已于 {referral.decided_on:%Y-%m-%d} {referral.get_status_display()}，不能重复核实。"
            )
        ),
    )


def _measure(user: Any, house: House) -> Refusal:
    return _first(
        lambda: _role(user, ActKind.MEASURE),
        lambda: _scope(user, house.region_code, "该房屋不在您的管辖范围内。"),
    )


def _verify(user: Any, measure: ControlMeasure) -> Refusal:
    return _first(
        lambda: _role(user, ActKind.VERIFY),
        lambda: _scope(user, measure.region_code, "该房屋不在您的管辖范围内。"),
        lambda: (
            ValidationError(f"该措施已于 {measure.verified_on:%Y-%m-%d} 核查。")
            if measure.verified_on is not None
            else None
        ),
        lambda: ValidationError("核查须由登记人以外的人员进行。") if user.pk == measure.recorded_by_id else None,
    )


def _sign(user: Any, on: Signing) -> Refusal:
    campaign, village = on.campaign, on.village
    return _first(
        lambda: (
            None
            if user.has_role(Role.VILLAGE_HEAD) and user.region_id == village.pk
            else PermissionDenied(f"只有{village.name}的村主要负责人本人可以签字。")
        ),
        lambda: (
            None
            if campaign.villages.filter(pk=village.pk).exists()
            else ValidationError(f"{village.name}不在「{campaign}」的排查村中。")
        ),
        lambda: _signed_already(campaign, village),
    )


def latest_list(campaign: Campaign, village: Region) -> VillageList | None:
    """The village's list as it stands: its latest signed version (None before any)."""
    return (
        VillageList.objects.filter(campaign=campaign, village=village)
        .select_related("signed_by")
        .order_by("-round")
        .first()
    )


def _signed_already(campaign: Campaign, village: Region) -> Refusal:
    existing = latest_list(campaign, village)
    if existing is None or existing.status == VillageListStatus.RETURNED:
        return None  # the first signing, or the signing again after the township's return
    return ValidationError(
        f"本村清单已于 {timezone.localtime(existing.signed_at):%Y-%m-%d %H:%M} "
        f"由 {existing.signed_by.display_name()} 签字，不能重复签字；有遗漏请补报。"
    )


# A list the township may still act on: signed, or received (a received list may still be
# returned when it is found wrong); a 补报 replaces either.
_OPEN_LIST = (VillageListStatus.SIGNED, VillageListStatus.RECEIVED)


def _list_state(record: VillageList, kind: str) -> Refusal:
    if record.status == VillageListStatus.SUPERSEDED:
        return ValidationError("这是清单的历史版本，已由补报替代；请在最新版本上办理。")
    if record.status == VillageListStatus.RETURNED:
        return ValidationError(
            f"该清单已于 {timezone.localtime(record.returned_at or record.signed_at):%Y-%m-%d} 被乡镇退回，"
            "待村主要负责人修改后重新签字。"
        )
    if kind == ActKind.RECEIVE and record.status == VillageListStatus.RECEIVED:
        return ValidationError("该清单已接收。")
    return None


def _receive(user: Any, record: VillageList) -> Refusal:
    return _first(
        lambda: _role(user, ActKind.RECEIVE),
        lambda: _scope(user, record.region_code, "该村不在您的管辖范围内。"),
        lambda: _list_state(record, ActKind.RECEIVE),
    )


def _return(user: Any, record: VillageList) -> Refusal:
    return _first(
        lambda: _role(user, ActKind.RETURN),
        lambda: _scope(user, record.region_code, "该村不在您的管辖范围内。"),
        lambda: _list_state(record, ActKind.RETURN),
    )


def _supplement(user: Any, record: VillageList) -> Refusal:
    return _first(
        lambda: (
            None
            if user.has_role(Role.VILLAGE_HEAD) and user.region_id == record.village_id
            else PermissionDenied(f"只有{record.village.name}的村主要负责人本人可以补报并签字。")
        ),
        lambda: _list_state(record, ActKind.SUPPLEMENT),
    )


def _moved(user: Any, follow_up: FollowUp) -> Refusal:
    return _first(
        lambda: _role(user, ActKind.MOVED),
        lambda: _scope(user, follow_up.region_code, "该农户不在您的管辖范围内。"),
        lambda: (
            ValidationError(f"已于 {follow_up.moved_on:%Y-%m-%d} 登记搬迁。")
            if follow_up.moved_on is not None
            else None
        ),
    )


def _demolished(user: Any, follow_up: FollowUp) -> Refusal:
    return _first(
        lambda: _role(user, ActKind.DEMOLISHED),
        lambda: _scope(user, follow_up.region_code, "该农户不在您的管辖范围内。"),
        lambda: ValidationError("请先登记人员搬入安全住房，再登记旧房拆除。") if follow_up.moved_on is None else None,
        lambda: (
            ValidationError(f"已于 {follow_up.demolished_on:%Y-%m-%d} 登记拆除。")
            if follow_up.demolished_on is not None
            else None
        ),
    )


def _checklist(user: Any, on: None) -> Refusal:
    """The checklist is one list for every region, so it is kept by a system administrator
    sitting at a county or above (or the operator), not by a township's."""
    if user.is_superuser:
        return None
    region = getattr(user, "region", None)
    if user.has_role(Role.ADMIN) and region is not None and region.level <= RegionLevel.COUNTY:
        return None
    return PermissionDenied(ROLE_WORDS[ActKind.CHECKLIST])


CHECKS: dict[str, Callable[[Any, Any], Refusal]] = {
    ActKind.CAMPAIGN: _organise(ActKind.CAMPAIGN),
    ActKind.EMERGENCY: _organise(ActKind.EMERGENCY),
    ActKind.INSPECT: _inspect,
    ActKind.HOUSING_CHECK: _housing_check,
    ActKind.DECIDE: _decide,
    ActKind.MEASURE: _measure,
    ActKind.VERIFY: _verify,
    ActKind.SIGN: _sign,
    ActKind.RECEIVE: _receive,
    ActKind.RETURN: _return,
    ActKind.SUPPLEMENT: _supplement,
    ActKind.MOVED: _moved,
    ActKind.DEMOLISHED: _demolished,
    ActKind.CHECKLIST: _checklist,
}
# The acts a page offers on each kind of object.
OBJECT_ACTS: dict[type, tuple[str, ...]] = {
    Referral: (ActKind.DECIDE,),
    ControlMeasure: (ActKind.VERIFY,),
    VillageList: (ActKind.RECEIVE, ActKind.RETURN, ActKind.SUPPLEMENT),
    FollowUp: (ActKind.MOVED, ActKind.DEMOLISHED),
    House: (ActKind.MEASURE,),
    HouseVisit: (ActKind.INSPECT,),
    HouseholdVisit: (ActKind.HOUSING_CHECK,),
    Signing: (ActKind.SIGN,),
}


def act_refusal(kind: str, user: Any, on: Any = None) -> str:
    """Why ``user`` may not do ``kind`` to ``on`` now, in Chinese; "" when they may."""
    return refusal_text(CHECKS[kind](user, on))


def may(kind: str, user: Any, on: Any = None) -> bool:
    return CHECKS[kind](user, on) is None


def ensure_act(kind: str, user: Any, on: Any = None) -> None:
    """The services' first check: refuse with the table's reason (PermissionDenied for who and
    where, ValidationError for when)."""
    raise_refusal(CHECKS[kind](user, on))


def available_acts(on: Any, user: Any) -> list[Act]:
    """Every act a page may offer on ``on``, each open or with the reason it is not."""
    return acts_for(OBJECT_ACTS[type(on)], lambda kind: CHECKS[kind](user, on), lambda kind: str(ActKind(kind).label))
