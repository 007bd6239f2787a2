"""The audit trail: one immutable row per change, written in the same
transaction as the change itself (ADR 0003)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from anju.core.masking import mask_value
from anju.core.scoping import RegionScopedQuerySet

EXTRA_FIELD_LABELS = {"roles": "角色", "region": "所属区划", "photos": "照片", "components": "各组成部分"}


def _field_label(object_type: str, field: str) -> str:
    if field in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[field]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return field
    # A foreign key is recorded as region_id; a plain field may end in _id too (a rule's rule_id).
    for name in (field, field.removesuffix("_id")):
        try:
            # A reverse relation (e.g. an appraisal's photos) has no verbose_name.
            return str(getattr(model._meta.get_field(name), "verbose_name", field))
        except FieldDoesNotExist:
            continue
    return field


def _choices_of(object_type: str, field: str) -> Any:
    """The field's choices, or for a JSON list of codes the vocabulary the model names for it in
    ``AUDIT_CHOICES`` (e.g. a case's 节能改造 tags), so the history reads labels, not codes."""
    try:
        model = apps.get_model(object_type)
        model_field = model._meta.get_field(field)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    vocabulary = getattr(model, "AUDIT_CHOICES", {}).get(field)
    return vocabulary.choices if vocabulary is not None else getattr(model_field, "flatchoices", None)


def _choice_label(object_type: str, field: str, value: Any) -> str | None:
    for choice, label in _choices_of(object_type, field) or ():
        if str(choice) == str(value):
            return str(label)
    return None


def _value_label(field: str, value: Any, object_type: str = "") -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if object_type and (label := _choice_label(object_type, field, value)) is not None:
        return label
    if object_type and isinstance(value, list) and field != "roles" and _choices_of(object_type, field):
        return "、".join(_choice_label(object_type, field, v) or str(v) for v in value)
    if field == "roles" and isinstance(value, list):
        from anju.core.roles import Role

        return "、".join(Role(v).label if v in Role.values else str(v) for v in value)
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, str) and "T" in value and (moment := parse_datetime(value)) and timezone.is_aware(moment):
        # Times are stored as UTC ISO text; the page shows them as the office's clock reads them.
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return str(value)


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditEventQuerySet(RegionScopedQuerySet["AuditEvent"]):
    region_code_lookup = "region_code"

    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("审计记录不可修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("审计记录不可删除。")


class AuditChannel(models.TextChoices):
    WEB = "web", "网页"
    API = "api", "接口"
    CLI = "cli", "命令行"
    JOB = "job", "后台任务"


class AuditAction(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "流转"
    REFUSED = "refused", "被拒绝"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    PASSWORD = "password", "修改密码"


class AuditEvent(models.Model):
    """Who did what to which object, when, from where, with before/after values.

    ``region_code`` is the code of the region the object belongs to, so that the
    log is scoped like everything else. Rows are never updated or deleted through
    the application; on PostgreSQL a trigger refuses it at the database too.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_username = models.CharField("操作人账号", max_length=150, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    channel = models.CharField("渠道", max_length=8, blank=True, choices=AuditChannel.choices)
    request_id = models.CharField("请求号", max_length=32, blank=True)
    action = models.CharField("操作", max_length=16, choices=AuditAction.choices)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=200)
    region_code = models.CharField("所属区划代码", max_length=15, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.TextField("说明", blank=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("审计记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("审计记录不可删除。")

    @property
    def actor_label(self) -> str:
        """Who acted, as a colleague would name them: the user's name, else the account, else 系统.
        Callers select_related("actor")."""
        name = self.actor.full_name if self.actor is not None else ""
        return name or self.actor_username or "系统"

    def changes_display(self, *, viewer: Any = None) -> list[tuple[str, str, str]]:
        """(field label, before, after) in Chinese; personal data as ``viewer`` may see it on a page
        (``anju.core.masking.POLICY``), masked for no viewer."""
        rows = []
        for field, diff in (self.changes or {}).items():
            if not isinstance(diff, dict):
                continue
            before, after = mask_value(field, diff.get("before"), viewer), mask_value(field, diff.get("after"), viewer)
            rows.append(
                (
                    _field_label(self.object_type, field),
                    _value_label(field, before, self.object_type),
                    _value_label(field, after, self.object_type),
                )
            )
        return rows

    def changes_masked(self, viewer: Any = None) -> dict[str, Any]:
        """The raw changes with personal data as ``viewer`` may see it (masked for no viewer), for the API."""
        return {
            field: {k: mask_value(field, v, viewer) for k, v in diff.items()} if isinstance(diff, dict) else diff
            for field, diff in (self.changes or {}).items()
        }
