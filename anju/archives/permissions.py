"""Who may do what in an archive: the same predicates decide the services' refusals and which
buttons the pages show."""

from __future__ import annotations

from typing import Any

from anju.accounts.choices import Role
from anju.archives.models import ArchiveDocument, ReviewRole
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.core.scoping import in_scope

UPLOAD_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
# Any officer may take out a wrong upload; a village clerk only their own.
WITHDRAW_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)
REVIEW_ROLES = (Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION)


def can_upload(user: Any, case: RenovationCase) -> bool:
    return (
        bool(user.is_superuser or user.has_role(*UPLOAD_ROLES))
        and in_scope(user, case.region_code)
        and case.stage != Stage.ENDED
    )


def can_withdraw(user: Any, document: ArchiveDocument) -> bool:
    if document.is_generated:
        return False  # replaced only by regeneration from its source (ADR 0029)
    if document.is_withdrawn or document.case.stage in (Stage.CLOSED, Stage.ENDED):
        return False
    if not in_scope(user, document.case.region_code):
        return False
    if user.is_superuser or user.has_role(*WITHDRAW_ROLES):
        return True
    return bool(user.has_role(Role.VILLAGE_CLERK) and document.uploaded_by_id == user.pk)


def review_roles_of(user: Any) -> list[str]:
    """The review roles (民政、乡村振兴) the user may sign for."""
    if user.is_superuser:
        return list(ReviewRole.values)
    return [r for r in ReviewRole.values if user.has_role(r)]


def can_review(user: Any, case: RenovationCase) -> bool:
    return bool(review_roles_of(user)) and in_scope(user, case.region_code) and case.stage != Stage.ENDED
