"""What the inspection services share: who may organise or inspect, and the role and region checks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from anju.accounts.choices import Role
from anju.core.scoping import in_scope
from anju.households.choices import Department
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

INSPECT_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
ORGANISE_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
DEPARTMENT_ROLE = {
    Department.CIVIL_AFFAIRS: Role.CIVIL_AFFAIRS,
    Department.RURAL_REVITALIZATION: Role.RURAL_REVITALIZATION,
}


def _require(user: Any, roles: tuple[str, ...], message: str) -> None:
    if not (user.is_superuser or user.has_role(*roles)):
        raise PermissionDenied(message)


def _require_scope(user: Any, region_code: str, message: str) -> None:
    if not in_scope(user, region_code):
        raise PermissionDenied(message)


def _villages_in(region: Region, villages: list[Region] | None) -> list[Region]:
    if villages is None:
        return list(Region.objects.filter(code__startswith=region.prefix, level=RegionLevel.VILLAGE))
    outside = [v.name for v in villages if not v.code.startswith(region.prefix) or v.level != RegionLevel.VILLAGE]
    if outside:
        raise ValidationError({"villages": f"不在{region.name}的村：{'、'.join(outside)}"})
    return villages
