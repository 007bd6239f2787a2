"""API of the remaining dynamic-guarantee duties (issue 18): ``/api/hardship/`` (突发严重困难户:
list, detail, register; ``{id}/relief/`` adds a relief measure), ``/api/relief/`` (应急救助措施:
list, record), ``/api/self-repair/`` (一般户自行整改、兜底、其他方式: list, open; ``remind``,
``complete`` and ``close`` with photos as multipart; also at ``/api/housing-routes/``) and
``/api/disaster-damage/`` (dangerous houses and 灾后重建 cases by event and type). Scoped like the
pages; every write goes through the services, whose Chinese refusals come back as 400 or 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.core.scoping import user_scope_prefix
from anju.dynamic import acts, selectors, services
from anju.dynamic.filters import HardshipFilter, RouteFilter
from anju.dynamic.models import Hardship, HousingRoute, ReliefMeasure
from anju.households.models import Household


def _household(user: Any, pk: Any) -> Household:
    found = Household.objects.visible_to(user).filter(pk=pk).first() if str(pk or "").isdigit() else None
    if found is None:
        raise exceptions.NotFound("农户不存在或不在您的管辖范围内。")
    return found


class ReliefSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ReliefMeasure
        fields = [
            "id",
            "hardship",
            "kind",
            "kind_label",
            "detail",
            "amount",
            "provided_by",
            "provided_on",
            "created_at",
        ]


class HardshipSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    cause_label = serializers.CharField(source="get_cause_display", read_only=True)
    task_state = serializers.SerializerMethodField()
    reliefs = ReliefSerializer(many=True, read_only=True)

    class Meta:
        model = Hardship
        fields = [
            "id",
            "household",
            "head_name",
            "region_code",
            "cause",
            "cause_label",
            "description",
            "occurred_on",
            "registered_on",
            "appraise_by",
            "task_state",
            "reliefs",
        ]

    def get_task_state(self, obj: Hardship) -> str:
        return selectors.hardship_task_state(obj)


class HardshipCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household = serializers.IntegerField()
    cause = serializers.CharField(required=False, default="", allow_blank=True, help_text="illness/accident/fire/…")
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, default="", allow_blank=True)


class ReliefCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="temp_housing/money/goods/other"
    )
    detail = serializers.CharField(required=False, default="", allow_blank=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True, default=None)
    provided_by = serializers.CharField(required=False, default="", allow_blank=True)
    provided_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReliefRecordSerializer(ReliefCreateSerializer):
    hardship = serializers.IntegerField()


class HardshipViewSet(ScopedReadOnlyViewSet):
    """突发严重困难户。POST 由乡镇建环办或区/县住建局登记（致困原因、发生日期、困难情况必填），
    按政策天数生成鉴定期限；relief 登记应急救助措施（措施、内容、实施单位或责任人、日期必填）。"""

    # Ordered here: a grouped (annotated) query does not take the model's Meta.ordering.
    scoped_queryset = (
        selectors.hardships_annotated(Hardship.objects.all())
        .prefetch_related("reliefs")
        .order_by("-registered_on", "-pk")
    )
    serializer_class = HardshipSerializer
    filterset_class = HardshipFilter

    @extend_schema(request=HardshipCreateSerializer, responses={201: HardshipSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = HardshipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = _household(request.user, values.pop("household"))
        hardship = services.hardship_register(acting_user=signed_in_user(request), household=household, **values)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=hardship.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ReliefCreateSerializer, responses={201: ReliefSerializer})
    @action(detail=True, methods=["post"])
    def relief(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        hardship = self.get_object()
        data = ReliefCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        relief = services.relief_record(acting_user=signed_in_user(request), hardship=hardship, **data.validated_data)
        return Response(ReliefSerializer(relief).data, status=status.HTTP_201_CREATED)


class ReliefViewSet(ScopedReadOnlyViewSet):
    """应急救助措施（临时安置住房、临时救助资金、救助物资）。POST 须写明 hardship（突发严重困难户 id）。"""

    scoped_queryset = ReliefMeasure.objects.select_related("hardship")
    serializer_class = ReliefSerializer

    @extend_schema(request=ReliefRecordSerializer, responses={201: ReliefSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = ReliefRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        hardship = Hardship.objects.visible_to(request.user).filter(pk=values.pop("hardship")).first()
        if hardship is None:
            raise exceptions.NotFound("突发严重困难户不存在或不在您的管辖范围内。")
        relief = services.relief_record(acting_user=signed_in_user(request), hardship=hardship, **values)
        return Response(self.get_serializer(relief).data, status=status.HTTP_201_CREATED)


class RouteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    option_label = serializers.CharField(source="get_option_display", read_only=True)
    stage_label = serializers.CharField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    photos = serializers.SerializerMethodField()
    acts = serializers.SerializerMethodField()

    class Meta:
        model = HousingRoute
        fields = [
            "id",
            "household",
            "head_name",
            "region_code",
            "kind",
            "kind_label",
            "option",
            "option_label",
            "stage",
            "stage_label",
            "is_overdue",
            "opened_on",
            "due_on",
            "evidence",
            "reminders",
            "last_reminded_on",
            "completed_on",
            "completion_note",
            "closed_on",
            "verification_note",
            "photos",
            "acts",
        ]

    def get_photos(self, obj: HousingRoute) -> list[dict[str, str]]:
        request = self.context.get("request")
        return [
            {"stage": p.stage, "url": request.build_absolute_uri(p.view_url) if request else p.view_url}
            for p in obj.photos.all()
        ]

    def get_acts(self, obj: HousingRoute) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"kind": a.kind, "label": a.label, "allowed": a.allowed, "reason": a.reason}
            for a in acts.available_acts(obj, request.user)
        ]


class RouteOpenSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household = serializers.IntegerField()
    kind = serializers.CharField(required=False, default="self_repair", help_text="self_repair/fallback/otherwise")
    option = serializers.CharField(required=False, default="repair", allow_blank=True)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = serializers.CharField(required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class RemindSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    note = serializers.CharField(required=False, default="", allow_blank=True)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class PhotoStepSerializer(RemindSerializer):
    photos = serializers.ListField(child=serializers.ImageField(), required=False, default=list)


class RouteViewSet(ScopedReadOnlyViewSet):
    """一般户保障途径（自行整改、兜底保障、其他方式解决）。POST 确定途径（自行整改按政策天数定完成期限；
    兜底、其他方式须写依据或去向）；remind 督促；complete 登记完成（须附照片）；close 乡镇核验销号（须附核验照片）。"""

    scoped_queryset = HousingRoute.objects.select_related("household").prefetch_related("photos")
    serializer_class = RouteSerializer
    filterset_class = RouteFilter

    @extend_schema(request=RouteOpenSerializer, responses={201: RouteSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = RouteOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = _household(request.user, values.pop("household"))
        route = services.route_open(acting_user=signed_in_user(request), household=household, **values)
        return Response(self.get_serializer(route).data, status=status.HTTP_201_CREATED)

    def _step(self, request: Request, serializer_class: Any, service: Any) -> Response:
        route = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(acting_user=signed_in_user(request), route=route, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=route.pk)).data)

    @extend_schema(request=RemindSerializer, responses=RouteSerializer)
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._step(request, RemindSerializer, services.route_remind)

    @extend_schema(request={"multipart/form-data": PhotoStepSerializer}, responses=RouteSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._step(request, PhotoStepSerializer, services.route_complete)

    @extend_schema(request={"multipart/form-data": PhotoStepSerializer}, responses=RouteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._step(request, PhotoStepSerializer, services.route_close)


class DisasterRowSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    event = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    occurred_on = serializers.DateField()
    area = serializers.CharField()
    inspected = serializers.IntegerField()
    dangerous = serializers.IntegerField()
    cases = serializers.IntegerField()


class DisasterDamageViewSet(viewsets.ViewSet):
    """灾害致危房屋：每次灾害（类型、受灾范围）排查为 C/D 级的房屋数和灾后重建案件数；?year= 年度。"""

    @extend_schema(responses=DisasterRowSerializer(many=True))
    def list(self, request: Request, format: str | None = None) -> Response:
        prefix = user_scope_prefix(request.user)
        if prefix is None:
            raise exceptions.NotAuthenticated()
        raw = str(request.query_params.get("year") or "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
        rows = selectors.disaster_damage(prefix, year)
        return Response(DisasterRowSerializer([r.__dict__ for r in rows], many=True).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("hardship", HardshipViewSet, basename="hardship")
    router.register("relief", ReliefViewSet, basename="relief")
    router.register("self-repair", RouteViewSet, basename="self-repair")
    router.register("housing-routes", RouteViewSet, basename="housing-route")
    router.register("disaster-damage", DisasterDamageViewSet, basename="disaster-damage")
