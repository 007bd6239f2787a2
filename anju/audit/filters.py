"""The audit log's one FilterSet: the page's filter form and ``/api/audit-events/``."""

from __future__ import annotations

import django_filters

from anju.audit.models import AuditAction, AuditEvent
from anju.core.filtering import ListFilterSet


class AuditEventFilter(ListFilterSet):
    actor = django_filters.CharFilter(label="操作人账号", field_name="actor_username", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label="操作", choices=AuditAction.choices, empty_label="全部操作")
    object_type = django_filters.CharFilter(label="对象类型，如 households.household")
    object_id = django_filters.CharFilter(label="对象编号")

    class Meta:
        model = AuditEvent
        fields: list[str] = []
