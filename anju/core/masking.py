"""Masking personal information (ID numbers, phones, bank accounts) for roles
that do not need it. Used by pages, the API and the audit trail's displays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def mask_id_number(number: str) -> str:
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_account(account: str) -> str:
    if not account:
        return ""
    return "**** " + account[-4:]


# Field names that hold personal information, wherever they appear (models, audit rows).
PII_FIELD_MASKS: dict[str, Callable[[str], str]] = {
    "head_id_number": mask_id_number,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_account,
}


def mask_value(field: str, value: Any) -> Any:
    mask = PII_FIELD_MASKS.get(field)
    if mask is None or not isinstance(value, str) or not value:
        return value
    return mask(value)


def sees_personal_data(user: Any) -> bool:
    from anju.core.roles import Role

    roles = (
        Role.VILLAGE_CLERK,
        Role.TOWNSHIP_OFFICER,
        Role.COUNTY_OFFICER,
        Role.CIVIL_AFFAIRS,
        Role.RURAL_REVITALIZATION,
    )
    return bool(user.is_superuser or user.has_role(*roles))
