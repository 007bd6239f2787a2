"""Writes to users and their roles. Administrators act only inside their own
subtree and can grant only roles they hold themselves."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.authentication import password_stamp
from anju.accounts.choices import ROLE_DEEPEST_LEVEL, Role
from anju.accounts.models import ApiToken, User, UserRole
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

USERNAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{2,29}")
PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")


def _check_phone(phone: str) -> None:
    if phone and not PHONE_RE.fullmatch(phone.strip()):
        raise ValidationError({"phone": "手机号应为 11 位（如 13812345678），座机如 0355-1234567。"})


USER_FIELDS = ("username", "full_name", "phone", "organization", "is_active")


def _user_snapshot(user: User, roles: Iterable[str]) -> dict[str, Any]:
    region = f"{user.region.full_name()}（{user.region.code}）" if user.region else None
    return model_snapshot(user, USER_FIELDS) | {"region": region, "roles": sorted(roles)}


def _require_admin(acting_user: User) -> None:
    if not (acting_user.is_superuser or acting_user.has_role(Role.ADMIN)):
        raise PermissionDenied("只有系统管理员可以管理用户。")


def _grantable(acting_user: User) -> set[str]:
    return set(Role.values) if acting_user.is_superuser else set(acting_user.role_codes)


def _check_region(acting_user: User, region: Region | None) -> None:
    if region is None:
        raise ValidationError({"region": "请选择所属区划。"})
    if acting_user.is_superuser and acting_user.region_id is None:
        return
    if acting_user.region is None or not region.is_within(acting_user.region):
        raise ValidationError({"region": "只能把用户设在您本人管辖的区划内。"})


def _check_roles(acting_user: User, region: Region, roles: set[str], current: set[str]) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"roles": f"未知角色：{'、'.join(sorted(unknown))}"})
    if not roles:
        raise ValidationError({"roles": "至少选择一个角色。"})
    grantable = _grantable(acting_user)
    changed = roles ^ current
    forbidden = changed - grantable
    if forbidden:
        labels = "、".join(Role(r).label for r in sorted(forbidden))
        raise ValidationError({"roles": f"您本人不具有以下角色，不能授予或收回：{labels}"})
    for role in sorted(roles):
        deepest = ROLE_DEEPEST_LEVEL[role]
        if region.level > deepest:
            raise ValidationError(
                {
                    "roles": f"角色「{Role(role).label}」只能设在{RegionLevel(deepest).label}级或以上，"
                    f"{region.name}是{region.level_label}级。"
                }
            )


def _set_roles(user: User, roles: set[str]) -> None:
    current = set(user.role_grants.values_list("role", flat=True))
    user.role_grants.filter(role__in=current - roles).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(roles - current)])
    user._role_codes = set(roles)


def user_create(
    *,
    acting_user: User,
    username: str,
    password: str,
    region: Region | None,
    roles: Iterable[str],
    full_name: str = "",
    phone: str = "",
    organization: str = "",
) -> User:
    """Create a user in the acting administrator's subtree."""
    _require_admin(acting_user)
    username = username.strip()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationError({"username": "用户名须为 3–30 位字母、数字、下划线、点或连字符，以字母开头。"})
    _check_phone(phone)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    _check_region(acting_user, region)
    assert region is not None
    role_set = set(roles)
    _check_roles(acting_user, region, role_set, set())
    candidate = User(username=username, full_name=full_name, phone=phone, organization=organization, region=region)
    validate_password(password, candidate)
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        _set_roles(candidate, role_set)
        after = _user_snapshot(candidate, role_set)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=candidate,
            changes=changes_between({}, after),
        )
    return candidate


def user_update(
    *,
    acting_user: User,
    user: User,
    region: Region | None,
    roles: Iterable[str],
    full_name: str,
    phone: str,
    organization: str,
    is_active: bool,
) -> User:
    """Change a user's profile, region, roles or active flag."""
    _require_admin(acting_user)
    if not User.objects.visible_to(acting_user).filter(pk=user.pk).exists():
        raise PermissionDenied("该用户不在您的管辖范围内。")
    if user.pk == acting_user.pk and not is_active:
        raise ValidationError({"is_active": "不能停用您本人的账号。"})
    _check_phone(phone)
    _check_region(acting_user, region)
    assert region is not None
    role_set = set(roles)
    current = set(user.role_grants.values_list("role", flat=True))
    _check_roles(acting_user, region, role_set, current)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = _user_snapshot(locked, current)
        deactivating = locked.is_active and not is_active
        locked.full_name = full_name
        locked.phone = phone
        locked.organization = organization
        locked.region = region
        locked.is_active = is_active
        locked.save(update_fields=["full_name", "phone", "organization", "region", "is_active"])
        _set_roles(locked, role_set)
        after = _user_snapshot(locked, role_set)
        changes = changes_between(before, after)
        if changes:
            audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=locked, changes=changes)
        if deactivating:
            api_tokens_revoke_all(user=locked, actor=acting_user, reason="账号停用")
    return locked


def user_reset_password(*, acting_user: User, user: User, password: str) -> None:
    """An administrator sets a new password for a user in their subtree (and lifts a lockout)."""
    _require_admin(acting_user)
    if not User.objects.visible_to(acting_user).filter(pk=user.pk).exists():
        raise PermissionDenied("该用户不在您的管辖范围内。")
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _clear_lockout(user)
        audit_record(actor=acting_user, action=AuditAction.PASSWORD, obj=user, note="管理员重置密码（同时解除锁定）")
        api_tokens_revoke_all(user=user, actor=acting_user, reason="管理员重置密码")


def _clear_lockout(user: User) -> int:
    from axes.utils import reset

    return int(reset(username=user.username) or 0)


def user_is_locked(user: User) -> bool:
    """True while repeated failures keep the account locked (django-axes)."""
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).exists()


def user_unlock(*, acting_user: User, user: User) -> None:
    """An administrator lifts the lockout of a user in their subtree."""
    _require_admin(acting_user)
    if not User.objects.visible_to(acting_user).filter(pk=user.pk).exists():
        raise PermissionDenied("该用户不在您的管辖范围内。")
    with transaction.atomic():
        cleared = _clear_lockout(user)
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=user, note=f"解除登录锁定（清除 {cleared} 条失败记录）"
        )


def user_change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    """A user changes their own password after proving the old one."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确。"})
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action=AuditAction.PASSWORD, obj=user, note="本人修改密码")
        api_tokens_revoke_all(user=user, actor=user, reason="本人修改密码")


def role_choices_for(acting_user: User) -> list[tuple[str, str]]:
    grantable = _grantable(acting_user)
    return [(value, label) for value, label in Role.choices if value in grantable]


def user_bootstrap_superuser(*, username: str, password: str, full_name: str = "系统管理员") -> User:
    """The operator's first account, above the region tree (no region).

    Used by ``manage.py create_operator`` (production: the password is typed in)
    and by the demo loader. Audited with no actor.
    """
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    user = User(username=username, full_name=full_name, is_superuser=True, is_staff=True)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        _set_roles(user, {Role.ADMIN})
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=user,
            changes=changes_between({}, _user_snapshot(user, {Role.ADMIN}) | {"is_superuser": True}),
            note="初始化超级管理员",
        )
    return user


# API tokens (ADR 0023). knox creates and checks them; these services decide who gets one,
# name it after the device, and write the audit rows for issue and revocation.

TOKEN_NAME_MAX = 50


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    return {"name": token.name, "user": token.user.username, "expiry": token.expiry}


def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for one of the user's devices; the plain token is returned once and
    only its digest is kept. A device name already in use replaces that device's token."""
    from knox.settings import knox_settings  # type: ignore[import-untyped]  # django-rest-knox ships no type hints

    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "请填写设备名称，如「张三的手机」。"})
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError({"name": f"设备名称不能超过 {TOKEN_NAME_MAX} 个字。"})
    if not user.is_active:
        raise PermissionDenied("该账号已停用。")
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    with transaction.atomic():
        # One issue at a time per user, so the limit and the one-per-device rule hold.
        User.objects.select_for_update().filter(pk=user.pk).first()
        ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
        live = ApiToken.objects.get_queryset().live().filter(user=user)
        same_device = list(live.filter(name=name).select_related("user__region"))
        if limit is not None and live.count() - len(same_device) >= limit:
            raise ValidationError(f"您已有 {limit} 个设备的接口令牌，请先在「我的接口令牌」页面吊销不再使用的设备。")
        for old in same_device:
            _token_revoke(token=old, actor=user, reason="同一设备重新申请令牌，旧令牌作废")
        token, plain = ApiToken.objects.create_token(user=user, name=name, password_stamp=password_stamp(user))
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=token,
            changes=changes_between({}, _token_snapshot(token)),
            note="签发接口令牌",
        )
    return token, plain


def _token_revoke(*, token: ApiToken, actor: User | None, reason: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=token,
        changes=changes_between(_token_snapshot(token), {}),
        note=f"吊销接口令牌：{reason}",
    )
    token.delete()


def api_token_revoke(*, acting_user: User, token: ApiToken) -> None:
    """Revoke one token: the owner's own, or, for an administrator, one of a user in their subtree."""
    if not ApiToken.objects.visible_to(acting_user).filter(pk=token.pk).exists():
        raise PermissionDenied("该令牌不存在或不在您的管辖范围内。")
    reason = "本人吊销" if token.user_id == acting_user.pk else "管理员吊销"
    with transaction.atomic():
        _token_revoke(token=token, actor=acting_user, reason=reason)


def api_tokens_revoke_all(*, user: User, actor: User | None, reason: str) -> int:
    """Revoke every token of ``user`` (password change, lockout, deactivation, an administrator's
    "revoke all"); one audit row per token. Returns how many were revoked."""
    tokens = list(ApiToken.objects.filter(user=user).select_related("user__region"))
    with transaction.atomic():
        for token in tokens:
            _token_revoke(token=token, actor=actor, reason=reason)
    return len(tokens)


def api_tokens_revoke_all_by_admin(*, acting_user: User, user: User) -> int:
    """An administrator revokes every token of a user in their subtree."""
    _require_admin(acting_user)
    if not User.objects.visible_to(acting_user).filter(pk=user.pk).exists():
        raise PermissionDenied("该用户不在您的管辖范围内。")
    return api_tokens_revoke_all(user=user, actor=acting_user, reason="管理员吊销全部令牌")


def api_tokens_revoke_on_lockout(*, username: str) -> int:
    """django-axes locked the account after repeated failures: whoever is guessing the password
    may also hold a token, so every token of the account goes (audited with no actor)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return 0
    return api_tokens_revoke_all(user=user, actor=None, reason="连续登录失败，账号被锁定")
