"""API of supervision: visits (list, detail, create), findings (list, detail, create with photos
as multipart) and rectification orders (list, detail, issue; actions respond, return, close).
Scoped like the pages (another region's object is a 404); every write goes through the services,
whose Chinese refusals come back as 400 (input, state) or 403 (role)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.cases.models import RenovationCase
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.regions.models import Region
from anju.supervision import acts as supervision_acts
from anju.supervision import services
from anju.supervision.choices import FindingCategory, Topic
from anju.supervision.filters import OrderFilter, VisitFilter
from anju.supervision.models import Finding, OrderFollowUp, RectificationOrder, SupervisionVisit


def _absolute(serializer: serializers.Serializer, url: str) -> str:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


# --- serializers --------------------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "visit", "category", "category_label", "description", "case", "order", "photos", "created_at"]

    def get_photos(self, obj: Finding) -> list[str]:
        return [_absolute(self, p.view_url) for p in obj.photos.all()]


class VisitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_name = serializers.CharField(source="region.name", read_only=True)
    township_code = serializers.CharField(source="township.code", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    topic_label = serializers.CharField(source="get_topic_display", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionVisit
        fields = [
            "id",
            "region_code",
            "region_name",
            "township_code",
            "township_name",
            "visited_on",
            "topic",
            "topic_label",
            "inspectors",
            "summary",
            "recorded_by",
            "created_at",
            "findings",
        ]


class VisitCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region = serializers.CharField(help_text="督导的乡镇或村的区划代码")
    visited_on = serializers.DateField()
    topic = serializers.ChoiceField(choices=Topic.choices)
    inspectors = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(required=False, default="", allow_blank=True)


class FindingCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    visit = serializers.IntegerField()
    category = serializers.ChoiceField(choices=FindingCategory.choices)
    description = serializers.CharField(allow_blank=True)
    case = serializers.IntegerField(required=False, allow_null=True, default=None)
    photos = serializers.ListField(child=serializers.ImageField(), required=False, default=list)


class OrderFollowUpSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = OrderFollowUp
        fields = ["id", "kind", "kind_label", "on", "text", "no_photo_reason", "due_on", "actor", "at", "photos"]

    def get_photos(self, obj: OrderFollowUp) -> list[str]:
        return [_absolute(self, p.view_url) for p in obj.photos.all()]


class OrderSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    township_code = serializers.CharField(source="township.code", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    status_label = serializers.CharField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)
    issued_by = serializers.CharField(source="issued_by.username", read_only=True, allow_null=True)
    findings: serializers.PrimaryKeyRelatedField[Finding] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    follow_ups = OrderFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "number",
            "office_name",
            "township_code",
            "township_name",
            "requirements",
            "issued_on",
            "due_on",
            "status",
            "status_label",
            "times_returned",
            "is_overdue",
            "days_overdue",
            "response_text",
            "responded_on",
            "closing_note",
            "closed_on",
            "issued_by",
            "findings",
            "follow_ups",
        ]


class OrderActSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.CharField(help_text="办理事项：respond 反馈整改情况、close 复核销号、return 退回重新整改")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    allowed = serializers.BooleanField(help_text="当前用户现在能否办理")
    reason = serializers.CharField(help_text="不能办理的原因；能办理时为空")


class OrderDetailSerializer(OrderSerializer):
    acts = serializers.SerializerMethodField(help_text="各办理事项对当前用户是否开放及原因（与页面一致）")

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "acts"]

    @extend_schema_field(OrderActSerializer(many=True))
    def get_acts(self, obj: RectificationOrder) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"kind": a.kind, "label": a.label, "allowed": a.allowed, "reason": a.reason}
            for a in supervision_acts.available_acts(obj, request.user)
        ]


class OrderCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    findings = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    requirements = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField()


class RespondSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    text = serializers.CharField(allow_blank=True)
    responded_on = serializers.DateField(required=False, allow_null=True, default=None)
    photos = serializers.ListField(child=serializers.ImageField(), required=False, default=list)
    no_photo_reason = serializers.CharField(required=False, default="", allow_blank=True)


class ReturnSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    reason = serializers.CharField(allow_blank=True)
    new_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class CloseSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    note = serializers.CharField(allow_blank=True)


# --- viewsets -----------------------------------------------------------------------------------


class VisitViewSet(ScopedReadOnlyViewSet):
    """督导检查。POST 由区/县、市、省住建部门录入对本辖区乡镇（或村）的一次督导。"""

    scoped_queryset = SupervisionVisit.objects.select_related("region", "township", "recorded_by").prefetch_related(
        "findings__photos"
    )
    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = VisitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = Region.objects.visible_to(request.user).filter(code=values.pop("region").strip()).first()
        if region is None:
            raise exceptions.NotFound("区划不存在或不在您的管辖范围内。")
        visit = services.visit_record(acting_user=signed_in_user(request), region=region, **values)
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)


class FindingViewSet(ScopedReadOnlyViewSet):
    """督导发现的问题。POST（multipart，photos 可多张）在一次督导中添加一个问题，可关联该乡镇的改造案件。"""

    scoped_queryset = Finding.objects.select_related("visit").prefetch_related("photos")
    serializer_class = FindingSerializer

    @extend_schema(request={"multipart/form-data": FindingCreateSerializer}, responses={201: FindingSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = FindingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        visit = (
            SupervisionVisit.objects.visible_to(request.user)
            .select_related("township")
            .filter(pk=values.pop("visit"))
            .first()
        )
        if visit is None:
            raise exceptions.NotFound("督导检查不存在或不在您的管辖范围内。")
        case_id = values.pop("case")
        case = None
        if case_id is not None:
            case = RenovationCase.objects.visible_to(request.user).filter(pk=case_id).first()
            if case is None:
                raise exceptions.ValidationError({"case": "改造案件不存在或不在您的管辖范围内。"})
        finding = services.finding_add(acting_user=signed_in_user(request), visit=visit, case=case, **values)
        return Response(self.get_serializer(finding).data, status=status.HTTP_201_CREATED)


class OrderViewSet(ScopedReadOnlyViewSet):
    """整改通知。POST 由区/县级及以上住建部门就同一乡镇的问题下发（期限须晚于今天）；
    respond 由该乡镇建环办反馈（说明及照片，或无照片的原因）；return 退回、close 销号由下发单位办理。"""

    scoped_queryset = RectificationOrder.objects.select_related("township", "issued_by").prefetch_related(
        "findings", "follow_ups__actor", "follow_ups__photos"
    )
    serializer_class = OrderSerializer
    filterset_class = OrderFilter

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
        return OrderSerializer if self.action == "list" else OrderDetailSerializer

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderDetailSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["findings"])
        findings = list(Finding.objects.visible_to(request.user).select_related("visit__township").filter(pk__in=ids))
        if len(findings) != len(ids):
            raise exceptions.NotFound("问题不存在或不在您的管辖范围内。")
        order = services.order_issue(
            acting_user=signed_in_user(request),
            findings=findings,
            requirements=data.validated_data["requirements"],
            due_on=data.validated_data["due_on"],
        )
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)

    def _step(self, request: Request, serializer_class: Any, service: Any) -> Response:
        order = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(acting_user=signed_in_user(request), order=order, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data)

    @extend_schema(request={"multipart/form-data": RespondSerializer}, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._step(request, RespondSerializer, services.order_respond)

    @extend_schema(request=ReturnSerializer, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._step(request, ReturnSerializer, services.order_return)

    @extend_schema(request=CloseSerializer, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._step(request, CloseSerializer, services.order_close)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("supervision-visits", VisitViewSet, basename="supervision-visit")
    router.register("supervision-findings", FindingViewSet, basename="supervision-finding")
    router.register("rectification-orders", OrderViewSet, basename="rectification-order")
