"""API token authentication: knox's hashed, expiring tokens, with anju's own refusals.

knox finds the token by its digest and drops it once expired. On top of that a token is refused
when the owner is deactivated or has changed their password since it was issued (the services
revoke it then too; the stamp also covers ``manage.py changepassword`` and the shell). Lockout
revokes tokens through axes' signal (``signals.py``). Messages are in Chinese.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication  # type: ignore[import-untyped]  # django-rest-knox ships no type hints
from knox.settings import knox_settings  # type: ignore[import-untyped]  # django-rest-knox ships no type hints
from rest_framework import exceptions

from anju.accounts.models import ApiToken
from anju.audit.models import AuditAction
from anju.audit.services import audit_record

INVALID = "接口令牌无效、已过期或已被吊销，请重新申请令牌。"
INACTIVE = "该账号已停用，接口令牌不再有效。"
# How stale ``last_used_at`` may get before a request writes it again (one write, not one per call).
LAST_USED_PRECISION = timedelta(minutes=5)
TTL_DAYS: int = knox_settings.TOKEN_TTL.days


def password_stamp(user: Any) -> str:
    """A fingerprint of the user's current password hash (as sessions use): it changes with the password."""
    return str(user.get_session_auth_hash())


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token anju_…`` — a knox token of ``accounts.ApiToken``."""

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        try:
            result: tuple[Any, ApiToken] | None = super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            detail = str(exc.detail)
            raise exceptions.AuthenticationFailed(INACTIVE if detail == INACTIVE else INVALID) from exc
        except UnicodeDecodeError as exc:  # knox decodes the header as UTF-8; a stray byte is no token
            raise exceptions.AuthenticationFailed(INVALID) from exc
        return result

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user = auth_token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(INACTIVE)
        if not constant_time_compare(auth_token.password_stamp, password_stamp(user)):
            raise exceptions.AuthenticationFailed(INVALID)
        now = timezone.now()
        if auth_token.last_used_at is None or now - auth_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used_at=now)
            auth_token.last_used_at = now
            # Token use is audited like a page login: once per device per LAST_USED_PRECISION.
            audit_record(actor=user, action=AuditAction.LOGIN, obj=user, note=f"使用接口令牌「{auth_token.name}」")
        return user, auth_token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema (and Swagger's "Authorize" button)."""

    target_class = "anju.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"接口令牌：`Token anju_…`，由 POST /api/auth/token/ 签发，{TTL_DAYS} 天内有效",
        }
