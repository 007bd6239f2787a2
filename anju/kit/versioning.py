"""Versioned configuration owned by a level of the region tree (SPEC: "rules are named
configuration"): appraisal templates and eligibility rule sets share it.

A version is a draft (editable), active (one per region, in force) or retired. The national
version has the empty region code; a province officer derives a draft for their own region from
any version they can see, edits it, and activates it, which retires the region's previous
version. Active and retired versions never change, so a record made under a version can always
be explained by it. The nearest active version above a region applies (``config_for``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from anju.audit.models import AuditAction
from anju.audit.services import audit_record
from anju.core.actors import Actor, Viewer
from anju.core.roles import Role
from anju.core.scoping import CoveringRegionScopedQuerySet, ancestor_codes, user_scope_prefix


class ConfigStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "启用"
    RETIRED = "retired", "已停用"


class ConfigQuerySet(CoveringRegionScopedQuerySet[Any]):
    """A user sees the versions of their own region, of every region above it, and the national
    one (region code "")."""

    region_code_lookup = "region_code"

    def visible_to(self, user: Viewer) -> Self:
        if user_scope_prefix(user) is None:
            return self.none()
        return super().visible_to(user) | self.filter(region_code="")


class VersionedConfig(models.Model):
    name = models.CharField("名称", max_length=100)
    region_code = models.CharField("适用区划", max_length=15, blank=True, db_index=True)
    version = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=10, choices=ConfigStatus.choices, default=ConfigStatus.DRAFT)
    based_on = models.ForeignKey(
        "self", verbose_name="来源版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)

    # What the subclass calls itself in messages ("鉴定模板", "资格规则") and which field holds
    # the configuration a derived draft copies.
    kind_label: ClassVar[str] = "配置"
    body_field: ClassVar[str] = ""

    class Meta:
        abstract = True
        ordering = ["region_code", "-version"]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_editable(self) -> bool:
        return self.status == ConfigStatus.DRAFT

    @property
    def label(self) -> str:
        return f"{self.region_code or '全国'}-v{self.version}"


def version_constraints(prefix: str) -> list[models.BaseConstraint]:
    """One row per (region, version), and at most one active version per region."""
    return [
        models.UniqueConstraint(fields=["region_code", "version"], name=f"one_{prefix}_version"),
        models.UniqueConstraint(
            fields=["region_code"],
            condition=models.Q(status=ConfigStatus.ACTIVE),
            name=f"one_active_{prefix}_per_region",
        ),
    ]


_C = TypeVar("_C", bound=VersionedConfig)

# The role that maintains a province's versions (the national one is the operator's).
EDITOR_ROLE = Role.PROVINCE_OFFICER


def config_editor_check(user: Actor, model: type[VersionedConfig], region_code: str) -> None:
    label = model.kind_label
    if region_code == "":
        if not user.is_superuser:
            raise PermissionDenied(f"全国默认{label}只能由系统运维人员维护；请基于它建立本省版本。")
        return
    if not (user.is_superuser or user.has_role(EDITOR_ROLE)):
        raise PermissionDenied(f"{label}由省住建厅维护。")
    if user.region is None or user.region.code != region_code:
        raise PermissionDenied(f"只能维护本级的{label}。")


def can_edit_config(user: Actor, config: VersionedConfig) -> bool:
    try:
        config_editor_check(user, type(config), config.region_code)
    except PermissionDenied:
        return False
    return True


def config_ensure_national(model: type[_C], *, name: str, note: str, body: Any) -> _C:
    """The national version 1 (a data migration creates it; this restores it in a database that
    was emptied). Two web processes may ask at once on their first request: ``get_or_create``
    lets the second read the row the first wrote (the unique version) instead of failing."""
    config, _ = model._default_manager.get_or_create(
        region_code="",
        version=1,
        defaults={
            "name": name,
            "status": ConfigStatus.ACTIVE,
            "note": note,
            "activated_at": timezone.now(),
            model.body_field: body,
        },
    )
    return config


def config_for(model: type[_C], region_code: str, ensure_national: Callable[[], _C]) -> _C:
    """The active version nearest above ``region_code``; the national one when none is."""
    codes = [region_code, *ancestor_codes(region_code), ""]
    active = {
        c.region_code: c for c in model._default_manager.filter(region_code__in=codes, status=ConfigStatus.ACTIVE)
    }
    for code in codes:
        if code in active:
            return active[code]
    return ensure_national()


def config_derive(*, acting_user: Actor, source: _C, note: str = "") -> _C:
    """A new draft for the acting user's own region, starting from ``source``."""
    model = type(source)
    if acting_user.region is None:
        raise PermissionDenied("请以省住建厅账号建立本省版本。")
    region_code = acting_user.region.code
    config_editor_check(acting_user, model, region_code)
    manager = model._default_manager
    if manager.filter(region_code=region_code, status=ConfigStatus.DRAFT).exists():
        raise ValidationError("本级已有一个草稿版本，请先编辑并启用或删除它。")
    with transaction.atomic():
        last = manager.filter(region_code=region_code).aggregate(v=Max("version"))["v"] or 0
        draft = manager.create(
            name=f"{acting_user.region.name}{model.kind_label}",
            region_code=region_code,
            version=last + 1,
            status=ConfigStatus.DRAFT,
            based_on=source,
            note=note[:200],
            created_by=acting_user,
            **{model.body_field: getattr(source, model.body_field)},
        )
        audit_record(actor=acting_user, action=AuditAction.CREATE, obj=draft, note=f"基于「{source}」")
    return draft


def config_check_editable(acting_user: Actor, config: VersionedConfig) -> None:
    config_editor_check(acting_user, type(config), config.region_code)
    if not config.is_editable:
        raise ValidationError("已启用或停用的版本不能修改；请基于它建立新版本。")


def config_activate(*, acting_user: Actor, config: _C, check: Callable[[_C], object]) -> _C:
    """Put a draft in force for its region (``check`` validates its body once more); the
    region's previous active version is retired, never deleted."""
    config_editor_check(acting_user, type(config), config.region_code)
    if config.status != ConfigStatus.DRAFT:
        raise ValidationError("只有草稿版本可以启用。")
    check(config)
    with transaction.atomic():
        type(config)._default_manager.filter(region_code=config.region_code, status=ConfigStatus.ACTIVE).update(
            status=ConfigStatus.RETIRED
        )
        config.status = ConfigStatus.ACTIVE
        config.activated_at = timezone.now()
        config.save(update_fields=["status", "activated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=config,
            changes={"status": {"before": ConfigStatus.DRAFT.label, "after": ConfigStatus.ACTIVE.label}},
        )
    return config


def config_discard(*, acting_user: Actor, config: VersionedConfig) -> None:
    """Delete a draft (an active or retired version is never deleted)."""
    config_editor_check(acting_user, type(config), config.region_code)
    if config.status != ConfigStatus.DRAFT:
        raise ValidationError("只能删除草稿版本。")
    with transaction.atomic():
        audit_record(actor=acting_user, action=AuditAction.DELETE, obj=config, note=str(config))
        config.delete()
