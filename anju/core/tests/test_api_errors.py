"""The API's one error mapper: a service's Chinese refusal reaches the client as it was written."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from anju.core.api_errors import anju_exception_handler


def test_a_refusal_per_field_is_a_400_per_field() -> None:
    response = anju_exception_handler(ValidationError({"paid_on": ["拨付日期不能早于验收日期。"]}), {})
    assert response is not None and response.status_code == 400
    assert response.data == {"paid_on": ["拨付日期不能早于验收日期。"]}


def test_a_refusal_without_a_field_is_a_400_non_field_error() -> None:
    response = anju_exception_handler(ValidationError("该案件已销号，不能再拨付。"), {})
    assert response is not None and response.status_code == 400
    assert response.data == {"non_field_errors": ["该案件已销号，不能再拨付。"]}


def test_a_permission_refusal_keeps_the_services_reason() -> None:
    response = anju_exception_handler(PermissionDenied("只有县级住建部门可以销号。"), {})
    assert response is not None and response.status_code == 403
    assert str(response.data["detail"]) == "只有县级住建部门可以销号。"


def test_a_bare_permission_refusal_gets_the_chinese_default() -> None:
    response = anju_exception_handler(PermissionDenied(), {})
    assert response is not None and response.status_code == 403
    assert str(response.data["detail"]) == "您没有执行该操作的权限。"
