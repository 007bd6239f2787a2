"""API of photo flags: list and detail (scoped; another region's flag is a 404) and
POST {id}/explain/ through the same service as the page. There is no DELETE: a flag stays."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.photochecks import services
from anju.photochecks.filters import PhotoFlagFilter
from anju.photochecks.models import PhotoFlag


class PhotoFlagSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    stage = serializers.CharField(source="check_record.stage", read_only=True)
    stage_label = serializers.CharField(source="check_record.get_stage_display", read_only=True)
    house = serializers.IntegerField(source="check_record.house_id", read_only=True)
    case = serializers.IntegerField(source="check_record.case_id", read_only=True, allow_null=True)
    photo_url = serializers.CharField(source="check_record.photo_url", read_only=True)
    device_latitude = serializers.DecimalField(
        source="check_record.device_latitude", max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    device_longitude = serializers.DecimalField(
        source="check_record.device_longitude", max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    exif_latitude = serializers.DecimalField(
        source="check_record.exif_latitude", max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    exif_longitude = serializers.DecimalField(
        source="check_record.exif_longitude", max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    taken_at = serializers.DateTimeField(source="check_record.exif_taken_at", read_only=True, allow_null=True)
    distance_m = serializers.IntegerField(source="check_record.distance_m", read_only=True, allow_null=True)
    explained = serializers.BooleanField(source="is_explained", read_only=True)
    explained_by = serializers.CharField(source="explained_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = PhotoFlag
        fields = [
            "id",
            "kind",
            "kind_label",
            "detail",
            "stage",
            "stage_label",
            "house",
            "case",
            "region_code",
            "photo_url",
            "device_latitude",
            "device_longitude",
            "exif_latitude",
            "exif_longitude",
            "taken_at",
            "distance_m",
            "created_at",
            "explained",
            "explanation",
            "explained_by",
            "explained_at",
        ]


class ExplainSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    explanation = serializers.CharField(help_text="说明（至少 4 个字；保存后不能修改）")


class PhotoFlagViewSet(ScopedReadOnlyViewSet):
    """照片核验提示：各阶段照片距房屋过远、无位置、拍摄时间不在本阶段、与其他房屋照片相同。
    POST {id}/explain/ 由乡镇建环办或区/县住建局填写说明；提示不能删除。"""

    scoped_queryset = PhotoFlag.objects.select_related("check_record", "explained_by")
    serializer_class = PhotoFlagSerializer
    filterset_class = PhotoFlagFilter

    @extend_schema(request=ExplainSerializer, responses=PhotoFlagSerializer)
    @action(detail=True, methods=["post"])
    def explain(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        flag = self.get_object()
        data = ExplainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.photo_flag_explain(
            acting_user=signed_in_user(request), flag=flag, explanation=data.validated_data["explanation"]
        )
        return Response(self.get_serializer(flag).data)


def register(router: DefaultRouter) -> None:
    router.register("photo-flags", PhotoFlagViewSet, basename="photoflag")
