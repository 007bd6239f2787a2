"""Personal information (ID numbers, phones, bank accounts): who sees it whole, in one table.

``POLICY`` says, for each medium (a page or the API, a ledger file, a printed form) and each kind
of personal datum, which roles see it whole; everyone else sees it masked. Nothing else decides:

* pages: ``{% personal household.head_id_number "id" %}`` (``anju.core.templatetags.anju``), which
  reads the viewer from the template's request;
* the API: ``PersonalField(kind=Kind.ID)`` on a serializer, which reads the request's user;
* exports, ledgers, job outputs and printed forms: ``shown(value, kind, viewer, medium)`` with the
  viewer passed explicitly (``anju.kit.pdf.personal`` for PDFs).

A value stored for others to read later (a reporting snapshot, a signed village list) is masked
when it is stored (``mask``): it has no viewer. The audit trail's displays mask field by field
with the same table (``mask_value`` names the kind of each audited field)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from rest_framework import serializers

from anju.core.roles import Role


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


class Kind(StrEnum):
    """A kind of personal datum."""

    ID = "id"  # 身份证号 (the head's and the members')
    PHONE = "phone"  # 联系电话
    ACCOUNT = "account"  # 一卡通 / 收款账号


class Medium(StrEnum):
    """Where a datum is shown: the rule differs with how far the copy travels."""

    PAGE = "page"  # pages, the API, list exports: to the signed-in user, for their work
    LEDGER = "ledger"  # 台账 files: travel up and down the levels (ADR 0019)
    PRINT = "print"  # printed forms (PDF): signed, filed and handed around on paper


MASKS: dict[Kind, Callable[[str], str]] = {
    Kind.ID: mask_id_number,
    Kind.PHONE: mask_phone,
    Kind.ACCOUNT: mask_account,
}

# Who registers, reviews and certifies households works with their ID numbers and phones.
_CASEWORKERS = frozenset(
    {
        Role.VILLAGE_CLERK,
        Role.TOWNSHIP_OFFICER,
        Role.COUNTY_OFFICER,
        Role.CIVIL_AFFAIRS,
        Role.RURAL_REVITALIZATION,
    }
)
# Only the payer needs a bank account whole (the household form lets a clerk re-enter it).
_PAYER = frozenset({Role.COUNTY_OFFICER})
# A ledger is reconciled by ID against the departments' own lists (ADR 0019).
_RECONCILERS = frozenset({Role.COUNTY_OFFICER, Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION})
_NOBODY: frozenset[str] = frozenset()

# medium → kind → the roles that see the datum whole. A superuser sees what any role sees on
# that medium. Village heads, appraisers, city and province officers and administrators hold no
# row: they see every datum masked everywhere.
POLICY: dict[Medium, dict[Kind, frozenset[str]]] = {
    Medium.PAGE: {Kind.ID: _CASEWORKERS, Kind.PHONE: _CASEWORKERS, Kind.ACCOUNT: _PAYER},
    Medium.LEDGER: {Kind.ID: _RECONCILERS, Kind.PHONE: _RECONCILERS, Kind.ACCOUNT: _PAYER},
    Medium.PRINT: {Kind.ID: _NOBODY, Kind.PHONE: _NOBODY, Kind.ACCOUNT: _NOBODY},
}


def may_see(viewer: Any, kind: Kind | str, medium: Medium = Medium.PAGE) -> bool:
    """Whether ``viewer`` (a user, or None for no one in particular) sees ``kind`` whole on ``medium``."""
    roles = POLICY[medium][Kind(kind)]
    if viewer is None or not roles or not getattr(viewer, "is_authenticated", False):
        return False
    return bool(viewer.is_superuser or viewer.has_role(*roles))


def may_see_all(viewer: Any, medium: Medium = Medium.PAGE) -> bool:
    """Whether ``viewer`` sees every kind whole on ``medium`` (may have a file that holds all of
    them unmasked, such as an uploaded list as it was uploaded)."""
    return all(may_see(viewer, kind, medium) for kind in Kind)


def mask(value: str | None, kind: Kind | str) -> str:
    """The value masked, whoever asks (for what is stored for others to read later)."""
    return MASKS[Kind(kind)](value) if value else ""


def shown(value: str | None, kind: Kind | str, viewer: Any, medium: Medium = Medium.PAGE) -> str:
    """The value as ``viewer`` may see it on ``medium``: whole, or masked."""
    if not value:
        return ""
    return value if may_see(viewer, kind, medium) else mask(value, kind)


class PersonalField(serializers.CharField):
    """A serializer field holding personal information: written as given, read back whole only
    to a request user whose role may see ``kind`` (``POLICY``), masked otherwise."""

    def __init__(self, *, kind: Kind, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        request = self.context.get("request")
        return shown(str(value) if value else "", self.kind, getattr(request, "user", None))


# Field names that hold personal information, wherever they appear (models, audit rows).
FIELD_KINDS: dict[str, Kind] = {
    "head_id_number": Kind.ID,
    "id_number": Kind.ID,
    "phone": Kind.PHONE,
    "bank_account": Kind.ACCOUNT,
}
PII_FIELD_MASKS: dict[str, Callable[[str], str]] = {name: MASKS[kind] for name, kind in FIELD_KINDS.items()}


def mask_value(field: str, value: Any, viewer: Any = None) -> Any:
    """An audited field's value as ``viewer`` may see it on a page (masked for no viewer)."""
    kind = FIELD_KINDS.get(field)
    if kind is None or not isinstance(value, str) or not value:
        return value
    return shown(value, kind, viewer)
