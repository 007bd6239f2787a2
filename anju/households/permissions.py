"""Who may write households and who sees personal information unmasked (ADR 0007)."""

from __future__ import annotations

from typing import Any

from anju.accounts.choices import Role
from anju.core.masking import sees_personal_data

__all__ = ["can_write_households", "can_write_statuses", "sees_personal_data"]

HOUSEHOLD_WRITE_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
STATUS_WRITE_ROLES = (Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)


def can_write_households(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*HOUSEHOLD_WRITE_ROLES))


def can_write_statuses(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*STATUS_WRITE_ROLES))
