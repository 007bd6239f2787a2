"""API endpoints of the foundation: regions, users, audit events, jobs, me."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from anju.accounts.choices import Role
from anju.accounts.models import User, UserRole
from anju.api import serializers
from anju.api.base import ScopedReadOnlyViewSet
from anju.audit.models import AuditEvent
from anju.core.navigation import AUDIT_ROLES
from anju.jobs.models import Job
from anju.regions.models import Region


class HasAnyRole(permissions.BasePermission):
    message = "您的角色无权访问该接口。"

    def __init__(self, *roles: str) -> None:
        self.roles = roles

    def __call__(self) -> "HasAnyRole":
        return self

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user.has_role(*self.roles)))  # type: ignore[union-attr]


class RegionViewSet(ScopedReadOnlyViewSet):
    """行政区划（本辖区）。"""

    scoped_queryset = Region.objects.select_related("parent")
    serializer_class = serializers.RegionSerializer
    lookup_field = "code"
    filterset_fields = ["level", "parent__code"]


class UserViewSet(ScopedReadOnlyViewSet):
    """本辖区用户（系统管理员）。"""

    scoped_queryset = User.objects.select_related("region").prefetch_related(
        Prefetch("role_grants", queryset=UserRole.objects.all())
    )
    serializer_class = serializers.UserSerializer
    permission_classes = [permissions.IsAuthenticated, HasAnyRole(Role.ADMIN)]
    filterset_fields = ["is_active"]


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """审计记录（本辖区，只读）。"""

    scoped_queryset = AuditEvent.objects.all()
    serializer_class = serializers.AuditEventSerializer
    permission_classes = [permissions.IsAuthenticated, HasAnyRole(*AUDIT_ROLES)]
    filterset_fields = ["action", "object_type", "object_id"]


class JobViewSet(ScopedReadOnlyViewSet):
    """后台任务及其进度。"""

    scoped_queryset = Job.objects.all()
    serializer_class = serializers.JobSerializer


@extend_schema(responses=serializers.UserSerializer)
@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def me(request: Request) -> Response:
    """当前登录用户。"""
    return Response(serializers.UserSerializer(request.user).data)
