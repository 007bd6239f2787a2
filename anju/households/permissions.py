"""Who may write households and who sees personal information unmasked (ADR 0007)."""

from __future__ import annotations

from typing import Any

from anju.accounts.choices import Role

HOUSEHOLD_WRITE_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
STATUS_WRITE_ROLES = (Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
# Roles whose work needs full ID numbers, phones and bank accounts: the people who
# register households, certify them, and pay subsidies. Supervisors see them masked.
PII_ROLES = (
    Role.VILLAGE_CLERK,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.CIVIL_AFFAIRS,
    Role.RURAL_REVITALIZATION,
)


def can_write_households(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*HOUSEHOLD_WRITE_ROLES))


def can_write_statuses(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*STATUS_WRITE_ROLES))


def sees_personal_data(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*PII_ROLES))
