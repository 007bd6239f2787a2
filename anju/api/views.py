"""API endpoints of the foundation: regions, users, audit events, jobs, me."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from anju.accounts.choices import Role
from anju.accounts.filters import UserFilter
from anju.accounts.models import User, UserRole
from anju.api import serializers
from anju.audit.filters import AuditEventFilter
from anju.audit.models import AuditEvent
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.core.navigation import AUDIT_ROLES
from anju.jobs.models import Job
from anju.jobs.serializers import JobSerializer
from anju.regions.models import Region


def has_any_role(*roles: str) -> type[permissions.BasePermission]:
    """A permission class admitting users who hold one of ``roles`` (or a superuser)."""

    class HasAnyRole(permissions.BasePermission):
        message = "您的角色无权访问该接口。"

        def has_permission(self, request: Request, view: object) -> bool:
            user = request.user
            if not user or not user.is_authenticated:
                return False
            return bool(user.is_superuser or user.has_role(*roles))

    return HasAnyRole


class RegionViewSet(ScopedReadOnlyViewSet):
    """行政区划（本辖区）。"""

    scoped_queryset = Region.objects.select_related("parent")
    serializer_class = serializers.RegionSerializer
    lookup_field = "code"
    filterset_fields = ["level", "parent__code"]


class UserViewSet(ScopedReadOnlyViewSet):
    """本辖区用户（系统管理员）。"""

    scoped_queryset = (
        User.objects.get_queryset()
        .select_related("region")
        .prefetch_related(Prefetch("role_grants", queryset=UserRole.objects.all()))
    )
    serializer_class = serializers.UserSerializer
    permission_classes = [permissions.IsAuthenticated, has_any_role(Role.ADMIN)]
    filterset_class = UserFilter


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """审计记录（本辖区，只读）。"""

    scoped_queryset = AuditEvent.objects.all()
    serializer_class = serializers.AuditEventSerializer
    permission_classes = [permissions.IsAuthenticated, has_any_role(*AUDIT_ROLES)]
    filterset_class = AuditEventFilter


class JobViewSet(ScopedReadOnlyViewSet):
    """后台任务及其进度。"""

    scoped_queryset = Job.objects.all()
    serializer_class = JobSerializer


@extend_schema(responses=serializers.UserSerializer)
@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def me(request: Request) -> Response:
    """当前登录用户。"""
    return Response(serializers.UserSerializer(request.user).data)
