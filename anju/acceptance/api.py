"""API of completion acceptance: acceptances (list, detail, record one through the same service as
the page) and rectifications (list, detail, complete). Scoped like the pages: another region's
acceptance or case is a 404; a refusal is a 400 with the service's Chinese message, the wrong
role a 403, and nothing is written."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.acceptance import services
from anju.acceptance.choices import PostGrade
from anju.acceptance.filters import AcceptanceFilter, RectificationFilter
from anju.acceptance.models import Acceptance, Rectification
from anju.accounts.actors import signed_in_user
from anju.cases.models import RenovationCase
from anju.core.api_base import ScopedReadOnlyViewSet


class StringMapField(serializers.JSONField):
    """A JSON object whose values are text: {"walls": "fail", …}."""

    default_error_messages = {"invalid": '应为 JSON 对象，值为文字，如 {{"walls": "pass"}}。'}  # str.format

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            self.fail("invalid")
        return data


# --- acceptances ---------------------------------------------------------------------------------


class AcceptanceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household_name = serializers.CharField(source="case.household.head_name", read_only=True)
    post_grade = serializers.CharField(read_only=True, help_text="竣工后房屋安全等级 A–D")
    post_grade_label = serializers.CharField(source="get_post_grade_display", read_only=True)
    result_label = serializers.CharField(read_only=True)
    rectification = serializers.SerializerMethodField(help_text="未通过时下达的整改编号")
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Acceptance
        fields = [
            "id",
            "case",
            "household_name",
            "region_code",
            "attempt",
            "on",
            "items",
            "results",
            "notes",
            "post_grade",
            "post_grade_label",
            "household_agrees",
            "household_opinion",
            "builder_name",
            "officer_names",
            "passed",
            "result_label",
            "failed_items",
            "rectification",
            "recorded_by",
            "recorded_at",
        ]

    def get_rectification(self, obj: Acceptance) -> int | None:
        rectification = getattr(obj, "rectification", None)
        return rectification.pk if rectification is not None else None


class AcceptanceCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    # Types only: which items, √/×/○, the pass rule, dates, role and region are the service's,
    # with the same messages as the page.
    case = serializers.IntegerField(help_text="改造案件编号（须为已竣工待验收）")
    on = serializers.DateField(required=False, help_text="验收日期，省略为今天")
    results = StringMapField(help_text='各验收项目结果：{"siting": "pass", "walls": "fail", "light": "na", …}')
    notes = StringMapField(required=False, help_text="各项目说明：{代码: 文字}")
    post_grade = serializers.ChoiceField(choices=PostGrade.choices, help_text="竣工后房屋安全等级")
    household_agrees = serializers.BooleanField()
    household_opinion = serializers.CharField(required=False, default="", allow_blank=True)
    builder_name = serializers.CharField(allow_blank=True)
    officer_names = serializers.CharField(allow_blank=True)
    rectification_due = serializers.DateField(required=False, allow_null=True, default=None)
    rectification_requirements = serializers.CharField(required=False, default="", allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="案件版本（防止并发）")


class AcceptanceViewSet(ScopedReadOnlyViewSet):
    """竣工验收。POST 由乡镇建环办或区/县住建局录入一次验收：逐项 √（pass）×（fail）○（na），必须项目全部合格、
    竣工后安全等级为 A/B 且农户同意才通过；未通过须给出整改期限和要求，案件转为整改。"""

    scoped_queryset = Acceptance.objects.select_related("case__household", "recorded_by", "rectification")
    serializer_class = AcceptanceSerializer
    filterset_class = AcceptanceFilter

    @extend_schema(request=AcceptanceCreateSerializer, responses={201: AcceptanceSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = AcceptanceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        case = (
            RenovationCase.objects.visible_to(request.user)
            .select_related("policy", "household")
            .filter(pk=values.pop("case"))
            .first()
        )
        if case is None:
            raise exceptions.NotFound("改造案件不存在或不在您的管辖范围内。")
        values["on"] = values.get("on") or timezone.localdate()
        values.setdefault("notes", {})
        acceptance = services.acceptance_record(acting_user=signed_in_user(request), case=case, **values)
        return Response(self.get_serializer(acceptance).data, status=status.HTTP_201_CREATED)


# --- rectifications ------------------------------------------------------------------------------


class RectificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household_name = serializers.CharField(source="case.household.head_name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    status_label = serializers.CharField(read_only=True)
    completed_by = serializers.CharField(source="completed_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "case",
            "acceptance",
            "household_name",
            "region_code",
            "items",
            "requirements",
            "due_on",
            "is_overdue",
            "status_label",
            "completed_on",
            "completion_note",
            "completed_by",
            "recorded_at",
        ]


class RectificationCompleteSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    on = serializers.DateField(required=False, help_text="整改完成日期，省略为今天")
    note = serializers.CharField(allow_blank=True, help_text="整改情况")
    version = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="案件版本（防止并发）")


class RectificationViewSet(ScopedReadOnlyViewSet):
    """验收整改。POST {id}/complete/ 登记整改完成，案件回到已竣工待验收，等待复验。"""

    scoped_queryset = Rectification.objects.select_related("case__household", "completed_by")
    serializer_class = RectificationSerializer
    filterset_class = RectificationFilter

    @extend_schema(request=RectificationCompleteSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        rectification = self.get_object()
        data = RectificationCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        rectification = services.rectification_complete(
            acting_user=signed_in_user(request),
            rectification=rectification,
            on=values.get("on") or timezone.localdate(),
            note=values["note"],
            version=values["version"],
        )
        return Response(self.get_serializer(rectification).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("acceptances", AcceptanceViewSet, basename="acceptance")
    router.register("rectifications", RectificationViewSet, basename="rectification")
