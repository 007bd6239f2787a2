"""API of the dashboard app: the 动态清零 figures of a region (headline, children, cases by
stage, monthly trend) read from the summaries, its key-household list, and the map's GeoJSON.
Scoped like the pages: another region's code is a 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.dashboard import selectors
from anju.dashboard.views import map_filter
from anju.households.models import House

YEAR = OpenApiParameter("year", int, description="计划年度（默认今年，或统计中最近的年度）")


class KeyHouseholdSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household = serializers.IntegerField(source="household_id", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    group_label = serializers.CharField(source="household.group_label", read_only=True)
    village = serializers.CharField(source="region.name", read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    case_stage = serializers.CharField(read_only=True, allow_null=True)
    since = serializers.DateField(read_only=True, allow_null=True, help_text="进入当前阶段的日期")
    days_at_stage = serializers.SerializerMethodField()

    class Meta:
        model = House
        fields = [
            "id",
            "household",
            "head_name",
            "group_label",
            "village",
            "region_code",
            "current_grade",
            "grade_source",
            "grade_on",
            "case",
            "case_stage",
            "since",
            "days_at_stage",
        ]

    def get_days_at_stage(self, obj: Any) -> int | None:
        return selectors.days_since(obj.since)


class DashboardViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]  # drf-stubs: generic over the model; left unparametrised
    """``/dashboard/`` the user's own region, ``/dashboard/<code>/`` a region in scope."""

    lookup_field = "code"
    lookup_value_regex = r"\d{12}"
    serializer_class = KeyHouseholdSerializer
    queryset = House.objects.none()  # for the schema only: every read goes through the selectors

    def _year(self, request: Request) -> int:
        years = selectors.summary_years()
        raw = request.query_params.get("year", "")
        return int(raw) if raw.isdigit() and int(raw) in years else selectors.default_year(years)

    @extend_schema(operation_id="dashboard_own_region", parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def list(self, request: Request, format: str | None = None) -> Response:
        region = selectors.region_for(request.user, None)
        return Response(selectors.dashboard_data(user=request.user, region=region, year=self._year(request)))

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def retrieve(self, request: Request, code: str, format: str | None = None) -> Response:
        region = selectors.region_for(request.user, code)
        return Response(selectors.dashboard_data(user=request.user, region=region, year=self._year(request)))

    @extend_schema(responses=KeyHouseholdSerializer(many=True))
    @action(detail=True, url_path="key-households")
    def key_households(self, request: Request, code: str, format: str | None = None) -> Response:
        region = selectors.region_for(request.user, code)
        page = self.paginate_queryset(selectors.key_households(user=request.user, region=region))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MapPointsViewSet(viewsets.ViewSet):
    """Houses with coordinates in scope as GeoJSON: house by house up to 5,000 at a close zoom;
    above that, or with ``zoom`` below 10, clusters counted by the database (``clustered``,
    ``total``; each feature's ``count``, ``cd`` and worst ``grade``)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("bbox", str, description="west,south,east,north（度）"),
            OpenApiParameter("grade", str, enum=["A", "B", "C", "D"]),
            OpenApiParameter("stage", str, description="案件阶段，none 为无案件"),
            OpenApiParameter("key", bool, description="只看重点对象"),
            OpenApiParameter("region", str, description="区划代码：只看该区划（含下级）的房屋"),
            OpenApiParameter("zoom", int, description="地图缩放级别（0–18）：小于 10 时按区域汇总返回"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request, format: str | None = None) -> Response:
        return Response(selectors.map_points(user=request.user, flt=map_filter(request.query_params, request.user)))


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("dashboard", DashboardViewSet, basename="dashboard")
    router.register("map-points", MapPointsViewSet, basename="mappoints")
