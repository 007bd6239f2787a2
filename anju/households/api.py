"""API for households, members, statuses and houses: scoped, masked and audited
like the pages. Writes go through the same services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from anju.api.base import ScopedReadOnlyViewSet
from anju.households import services
from anju.households.filters import HouseFilter, HouseholdFilter
from anju.households.idcard import mask_account, mask_id_number, mask_phone
from anju.households.models import HOUSE_DATA_FIELDS, House, Household, HouseholdStatus, Member
from anju.households.permissions import sees_personal_data
from anju.regions.models import Region


class _MaskingMixin:
    masked_fields: dict[str, Any] = {}

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None or not sees_personal_data(request.user):
            for name, mask in self.masked_fields.items():
                if data.get(name):
                    data[name] = mask(data[name])
        return data


class MemberSerializer(_MaskingMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    masked_fields = {"id_number": mask_id_number}

    class Meta:
        model = Member
        fields = ["id", "name", "id_number", "relation", "sex", "birth_date"]


class StatusSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = HouseholdStatus
        fields = ["id", "group", "department", "certified_on", "ended_on", "source"]


class HouseholdSerializer(_MaskingMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    masked_fields = {"head_id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_account}
    members = MemberSerializer(many=True, read_only=True)
    statuses = StatusSerializer(many=True, read_only=True)
    region_code = serializers.CharField()

    class Meta:
        model = Household
        fields = [
            "id",
            "region_code",
            "group_name",
            "address",
            "head_name",
            "head_id_number",
            "head_sex",
            "head_birth_date",
            "phone",
            "bank_name",
            "bank_account",
            "primary_group",
            "members",
            "statuses",
        ]
        read_only_fields = ["head_sex", "head_birth_date", "primary_group"]


class HouseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    region_code = serializers.CharField(read_only=True)
    outside_guideline = serializers.BooleanField(read_only=True)

    class Meta:
        model = House
        fields = ["id", "household", "region_code", *HOUSE_DATA_FIELDS, "outside_guideline"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs  # the service validates, with the same messages as the pages


def _service_errors(exc: Exception) -> exceptions.APIException:
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    assert isinstance(exc, DjangoValidationError)
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return exceptions.ValidationError(detail)


class HouseholdViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """农户（含成员与重点对象身份）。证件号、电话、账号对无需查看的角色脱敏。"""

    scoped_queryset = Household.objects.select_related("region").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("birth_date")), "statuses"
    )
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        region = Region.objects.visible_to(request.user).filter(code=data.pop("region_code", "")).first()
        if region is None:
            raise exceptions.ValidationError({"region_code": "区划不存在或不在您的管辖范围内。"})
        try:
            household = services.household_create(acting_user=request.user, region=region, **data)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _service_errors(exc) from exc
        return Response(self.get_serializer(household).data, status=status.HTTP_201_CREATED)


class HouseViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """房屋。"""

    scoped_queryset = House.objects.select_related("region", "household")
    serializer_class = HouseSerializer
    filterset_class = HouseFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household = data.pop("household")
        if not Household.objects.visible_to(request.user).filter(pk=household.pk).exists():
            raise exceptions.NotFound("农户不存在或不在您的管辖范围内。")
        try:
            house = services.house_create(acting_user=request.user, household=household, **data)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _service_errors(exc) from exc
        return Response(self.get_serializer(house).data, status=status.HTTP_201_CREATED)
