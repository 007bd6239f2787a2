"""Users belong to one region and hold one or more roles."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from anju.accounts.choices import ROLE_PRIORITY, Role
from anju.core.scoping import RegionScopedQuerySet


class UserQuerySet(RegionScopedQuerySet["User"]):
    region_code_lookup = "region__code"

    def visible_to(self, user: Any) -> UserQuerySet:
        qs = super().visible_to(user)
        # A national superuser is not visible to anybody below the top.
        if getattr(user, "region_id", None) is not None:
            qs = qs.exclude(region__isnull=True)
        return qs


class AnjuUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any) -> UserQuerySet:
        return self.get_queryset().visible_to(user)


class User(AbstractUser):
    """A person using anju. ``region`` bounds everything they can see."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    organization = models.CharField("单位", max_length=100, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects: ClassVar[AnjuUserManager] = AnjuUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{self.username}）"

    @property
    def audit_region_code(self) -> str:
        return self.region.code if self.region_id and self.region else ""

    @property
    def role_codes(self) -> set[str]:
        cache = getattr(self, "_role_codes", None)
        if cache is None:
            cache = set(self.role_grants.values_list("role", flat=True)) if self.pk else set()
            self._role_codes = cache
        return cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    @property
    def primary_role(self) -> str | None:
        for role in ROLE_PRIORITY:
            if role in self.role_codes:
                return role
        return None

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in ROLE_PRIORITY if r in self.role_codes]

    def display_name(self) -> str:
        return self.full_name or self.username


class UserRole(models.Model):
    """One role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.get_role_display()}"


class ApiTokenQuerySet(RegionScopedQuerySet["ApiToken"]):
    region_code_lookup = "user__region__code"

    def visible_to(self, user: Any) -> ApiTokenQuerySet:
        """A user's own tokens; an administrator's also those of the users they manage."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        own = self.filter(user=user)
        if not (user.is_superuser or user.has_role(Role.ADMIN)):
            return own
        managed = User.objects.visible_to(user).values("pk")
        return self.filter(models.Q(user=user) | models.Q(user__in=managed))

    def live(self) -> ApiTokenQuerySet:
        from django.utils import timezone

        return self.filter(models.Q(expiry__isnull=True) | models.Q(expiry__gt=timezone.now()))


class ApiTokenManager(models.Manager["ApiToken"]):
    def get_queryset(self) -> ApiTokenQuerySet:
        return ApiTokenQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any) -> ApiTokenQuerySet:
        return self.get_queryset().visible_to(user)

    def create_token(self, *, user: User, name: str, password_stamp: str) -> tuple[ApiToken, str]:
        """A new token for ``user``: returns the row (digest only) and the plain token, which
        exists nowhere else. Its lifetime is ``REST_KNOX["TOKEN_TTL"]``."""
        from django.utils import timezone
        from knox.crypto import create_token_string, hash_token  # type: ignore[import-untyped]  # django-rest-knox ships no type hints
        from knox.settings import CONSTANTS, knox_settings  # type: ignore[import-untyped]  # django-rest-knox ships no type hints

        plain = str(knox_settings.TOKEN_PREFIX) + str(create_token_string())
        ttl = knox_settings.TOKEN_TTL
        token = self.create(
            user=user,
            name=name,
            password_stamp=password_stamp,
            token_key=plain[: CONSTANTS.TOKEN_KEY_LENGTH],
            digest=hash_token(plain),
            expiry=timezone.now() + ttl if ttl is not None else None,
        )
        return token, plain


class ApiToken(models.Model):
    """One API token of one device, read by django-rest-knox (``KNOX_TOKEN_MODEL``; the fields
    knox reads are those of its ``AbstractAuthToken``). Only a SHA-512 digest is stored; it
    expires after ``REST_KNOX["TOKEN_TTL"]`` and stops working when the owner's password changes
    (``password_stamp``), the account is locked out or deactivated (ADR 0023)."""

    digest = models.CharField("摘要", max_length=128, unique=True)
    token_key = models.CharField("令牌前缀", max_length=25, db_index=True)
    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="auth_token_set")
    name = models.CharField("设备名称", max_length=50)
    created = models.DateTimeField("签发时间", auto_now_add=True)
    expiry = models.DateTimeField("到期时间", null=True, blank=True)
    password_stamp = models.CharField("签发时的密码指纹", max_length=128, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects: ClassVar[ApiTokenManager] = ApiTokenManager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.user.username}）"

    @property
    def audit_region_code(self) -> str:
        return str(self.user.audit_region_code)
