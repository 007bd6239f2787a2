"""Who may write households (ADR 0007). Who sees personal information whole is
``anju.core.masking.POLICY``."""

from __future__ import annotations

from typing import Any

from anju.accounts.choices import Role

__all__ = ["can_write_households", "can_write_statuses"]

HOUSEHOLD_WRITE_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
STATUS_WRITE_ROLES = (Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)


def can_write_households(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*HOUSEHOLD_WRITE_ROLES))


def can_write_statuses(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*STATUS_WRITE_ROLES))
