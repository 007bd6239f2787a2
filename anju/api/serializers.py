from __future__ import annotations

from typing import Any

from rest_framework import serializers

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None, allow_null=True)
    level_label = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_label", "parent_code"]


class UserSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(source="region.code", read_only=True, default=None, allow_null=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "organization", "region_code", "roles", "is_active"]

    def get_roles(self, obj: User) -> list[str]:
        return sorted(obj.role_codes)


class AuditEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_username",
            "ip",
            "channel",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "region_code",
            "changes",
            "note",
        ]

    def get_changes(self, obj: AuditEvent) -> dict[str, Any]:
        request = self.context.get("request")
        return obj.changes_masked(getattr(request, "user", None))
