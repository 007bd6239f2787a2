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
