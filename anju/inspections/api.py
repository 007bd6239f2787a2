"""API for the inspection work: scoped and audited like the pages; writes go through the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.api.base import ScopedReadOnlyViewSet
from anju.households.api import _service_errors
from anju.households.models import House
from anju.inspections import services
from anju.inspections.models import (
    Campaign,
    ControlMeasure,
    EmergencyEvent,
    EmergencyTask,
    FollowUp,
    Inspection,
    Referral,
    VillageList,
)


class CampaignSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Campaign
        fields = ["id", "title", "year", "region_code", "starts_on", "deadline", "list_due", "villages"]


class InspectionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "house",
            "household",
            "region_code",
            "kind",
            "campaign",
            "event",
            "inspected_at",
            "latitude",
            "longitude",
            "gps_accuracy_m",
            "gps_source",
            "hazards",
            "suspected_grade",
            "is_occupied",
            "occupant_ages",
            "elderly_occupants",
            "lives_in_two_houses",
            "note",
            "photos",
        ]

    def get_photos(self, obj: Inspection) -> list[str]:
        return [p.image.url for p in obj.photos.all()]


class InspectionCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    house = serializers.IntegerField()
    campaign = serializers.IntegerField(required=False)
    event = serializers.IntegerField(required=False)
    suspected_grade = serializers.CharField()
    is_occupied = serializers.BooleanField()
    occupant_ages = serializers.ListField(child=serializers.IntegerField(), required=False)
    hazards = serializers.ListField(child=serializers.CharField(), required=False)
    lives_in_two_houses = serializers.BooleanField(required=False, default=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    gps_accuracy_m = serializers.IntegerField(required=False)
    family_poor_not_listed = serializers.BooleanField(required=False, default=False)
    referral_department = serializers.CharField(required=False, default="civil_affairs")
    poverty_note = serializers.CharField(required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class ReferralSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Referral
        fields = ["id", "inspection", "household", "region_code", "department", "reason", "status", "group"]
        fields += ["decided_on", "decision_note"]


class ReferralDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    confirm = serializers.BooleanField()
    group = serializers.CharField(required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = EmergencyEvent
        fields = ["id", "kind", "title", "occurred_on", "region_code", "villages", "note"]


class TaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = EmergencyTask
        fields = ["id", "event", "house", "region_code", "priority", "reason", "inspection"]


class MeasureSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ControlMeasure
        fields = ["id", "house", "region_code", "kind", "taken_on", "responsible", "note", "verified_on"]
        fields += ["verification_note"]


class VillageListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = VillageList
        fields = ["id", "campaign", "village", "region_code", "houses", "digest", "status", "signed_at"]
        fields += ["received_at"]


class FollowUpSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = FollowUp
        fields = ["id", "household", "house", "region_code", "reason", "moved_on", "moved_to", "demolished_on"]


class CampaignViewSet(ScopedReadOnlyViewSet):
    """常规排查任务（含覆盖情况见页面）。"""

    scoped_queryset = Campaign.objects.prefetch_related("villages")
    serializer_class = CampaignSerializer


class InspectionViewSet(ScopedReadOnlyViewSet):
    """排查记录。POST（multipart）录入一条排查记录，照片可多张。"""

    scoped_queryset = Inspection.objects.prefetch_related("photos")
    serializer_class = InspectionSerializer

    @extend_schema(request={"multipart/form-data": InspectionCreateSerializer}, responses={201: InspectionSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = InspectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        house = House.objects.visible_to(request.user).filter(pk=values.pop("house")).first()
        if house is None:
            raise exceptions.NotFound("房屋不存在或不在您的管辖范围内。")
        campaign_id, event_id = values.pop("campaign", None), values.pop("event", None)
        values["campaign"] = (
            Campaign.objects.visible_to(request.user).filter(pk=campaign_id).first() if campaign_id else None
        )
        values["event"] = (
            EmergencyEvent.objects.visible_to(request.user).filter(pk=event_id).first() if event_id else None
        )
        values["photos"] = request.FILES.getlist("photos")
        try:
            inspection = services.inspection_record(acting_user=request.user, house=house, **values)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _service_errors(exc) from exc
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)


class ReferralViewSet(ScopedReadOnlyViewSet):
    """以房找人转交；decide 由对应部门联络员核实。"""

    scoped_queryset = Referral.objects.all()
    serializer_class = ReferralSerializer

    @extend_schema(request=ReferralDecisionSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        data = ReferralDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            referral = services.referral_decide(
                acting_user=request.user, referral=self.get_object(), **data.validated_data
            )
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _service_errors(exc) from exc
        return Response(self.get_serializer(referral).data)


class EmergencyEventViewSet(ScopedReadOnlyViewSet):
    """应急排查。"""

    scoped_queryset = EmergencyEvent.objects.prefetch_related("villages")
    serializer_class = EventSerializer


class EmergencyTaskViewSet(ScopedReadOnlyViewSet):
    """应急排查任务（危险优先）。"""

    scoped_queryset = EmergencyTask.objects.all()
    serializer_class = TaskSerializer


class ControlMeasureViewSet(ScopedReadOnlyViewSet):
    """管控措施。"""

    scoped_queryset = ControlMeasure.objects.all()
    serializer_class = MeasureSerializer


class VillageListViewSet(ScopedReadOnlyViewSet):
    """村级疑似危房清单（已签字）。"""

    scoped_queryset = VillageList.objects.all()
    serializer_class = VillageListSerializer


class FollowUpViewSet(ScopedReadOnlyViewSet):
    """跟进任务。"""

    scoped_queryset = FollowUp.objects.all()
    serializer_class = FollowUpSerializer
