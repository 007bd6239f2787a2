"""API tokens over the API (ADR 0023): ask for one with username, password and a device name;
list and revoke one's own (an administrator also those of the users they manage); revoke the
token in use ("log out" of a device)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from anju.accounts import ratelimit, services
from anju.accounts.actors import signed_in_user
from anju.accounts.filters import ApiTokenFilter
from anju.accounts.models import ApiToken, User
from anju.accounts.selectors import api_token_list
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.core.context import current_context

BAD_CREDENTIALS = "用户名或密码错误。连续输错多次后账号将被暂时锁定。"


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"连续输错密码次数过多，账号已被暂时锁定，请 {minutes} 分钟后再试，或联系系统管理员解除锁定。"


class TokenRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(
        label="密码", max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )
    name = serializers.CharField(
        label="设备名称",
        max_length=services.TOKEN_NAME_MAX,
        help_text="用来认出这台设备，如「张三的手机」；同名设备再次申请时，旧令牌作废",
    )


class ApiTokenSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    username = serializers.CharField(source="user.username", read_only=True)
    current = serializers.SerializerMethodField(help_text="是否为本次请求所用的令牌")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "username", "created", "expiry", "last_used_at", "current"]
        read_only_fields = fields

    def get_current(self, obj: ApiToken) -> bool:
        request = self.context.get("request")
        auth = getattr(request, "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="令牌原文，只在此时显示一次；请求时放在 Authorization: Token …"
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


_Error = inline_serializer("TokenError", fields={"detail": serializers.CharField()})


class TokenIssueView(APIView):
    """申请接口令牌：用户名 + 密码 + 设备名称。令牌自签发起有效期有限（默认 30 天，以返回的 expiry 为准）。"""

    authentication_classes: list[type[Any]] = []
    permission_classes = [permissions.AllowAny]
    serializer_class = TokenRequestSerializer
    # Besides the anonymous rate, a lower one of its own per address (ANJU_API_TOKEN_ISSUE_RATE).
    throttle_classes = [throttling.AnonRateThrottle, throttling.ScopedRateThrottle]
    throttle_scope = "token_issue"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: IssuedTokenSerializer,
            400: OpenApiResponse(description="用户名或密码错误，或设备名称不合格"),
            429: OpenApiResponse(_Error, description="连续输错密码，账号已被暂时锁定"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        if ratelimit.address_blocked(current_context().ip):
            return Response({"detail": ratelimit.blocked_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        # The DRF request goes to authenticate(), as DRF's own login does: django-axes counts
        # the failure and refuses a locked account here exactly as on the login page.
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            return Response({"detail": locked_out_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if not isinstance(user, User):
            raise exceptions.ValidationError({"non_field_errors": [BAD_CREDENTIALS]})
        token, plain = services.api_token_issue(user=user, name=data["name"])
        # As a login: django-axes clears the failures, last_login is set.
        user_logged_in.send(sender=User, request=request, user=user)
        token.token = plain  # type: ignore[attr-defined]  # the plain token rides on the instance for the response only; it is never stored
        body = IssuedTokenSerializer(token, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenLogoutView(APIView):
    """吊销本次请求所用的令牌（该设备退出）。"""

    @extend_schema(request=None, responses={204: None, 400: _Error})
    def post(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            return Response({"detail": "本次请求未使用接口令牌。"}, status=status.HTTP_400_BAD_REQUEST)
        user = signed_in_user(request)
        services.api_token_revoke(acting_user=user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(mixins.DestroyModelMixin, ScopedReadOnlyViewSet):
    """接口令牌：本人的；系统管理员另见本辖区用户的。删除即吊销。不显示令牌原文。"""

    scoped_queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    filterset_class = ApiTokenFilter

    def get_queryset(self) -> QuerySet[ApiToken]:
        return api_token_list(viewer=self.request.user)

    def perform_destroy(self, instance: ApiToken) -> None:
        user = signed_in_user(self.request)
        services.api_token_revoke(acting_user=user, token=instance)


def register(router: DefaultRouter) -> None:
    router.register("tokens", ApiTokenViewSet, basename="apitoken")
