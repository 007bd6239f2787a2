"""Login, logout and failed-login events come from Django's auth machinery,
not from a service of ours, so they are recorded from its signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from anju.audit.models import AuditAction
from anju.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    User = get_user_model()
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.select_related("region").filter(username=username).first()
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        object_id=username,
        object_repr=username,
        region_code=known.audit_region_code if known else "",
        note="用户名或密码错误" if known else "账号不存在",
    )
