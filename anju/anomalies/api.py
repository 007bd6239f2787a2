"""API of the anomaly checks: findings (list with the board's filters, detail with the open
acts; action explain) and runs (list; POST starts a run of the user's county as a background
job and answers the job). Scoped like the pages; refusals come back in Chinese as 400 or 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.anomalies import acts as anomaly_acts
from anju.anomalies import services
from anju.anomalies.filters import FindingFilter
from anju.anomalies.models import CheckRun, Finding
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.jobs.serializers import JobSerializer


class AnomalyFindingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    explained_by = serializers.CharField(source="explained_by.username", read_only=True, allow_null=True)
    check_set = serializers.CharField(source="check_set.label", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id", "rule_id", "rule_name", "severity", "severity_label", "region_code", "evidence", "links",
            "household", "house", "case", "check_set", "status", "status_label", "first_found_at",
            "last_seen_at", "explanation", "explained_by", "explained_at", "fixed_at",
        ]  # fmt: skip


class AnomalyActSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.CharField(help_text="办理事项：explain 说明情况")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    allowed = serializers.BooleanField(help_text="当前用户现在能否办理")
    reason = serializers.CharField(help_text="不能办理的原因；能办理时为空")


class AnomalyFindingDetailSerializer(AnomalyFindingSerializer):
    acts = serializers.SerializerMethodField(help_text="各办理事项对当前用户是否开放及原因（与页面一致）")

    class Meta(AnomalyFindingSerializer.Meta):
        fields = [*AnomalyFindingSerializer.Meta.fields, "acts"]

    @extend_schema_field(AnomalyActSerializer(many=True))
    def get_acts(self, obj: Finding) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"kind": a.kind, "label": a.label, "allowed": a.allowed, "reason": a.reason}
            for a in anomaly_acts.available_acts(obj, request.user)
        ]


class AnomalyExplainSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    reason = serializers.CharField(allow_blank=True, help_text="情况说明（至少 5 个字）")


class AnomalyCheckRunSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    trigger_label = serializers.CharField(source="get_trigger_display", read_only=True)
    started_by = serializers.CharField(source="started_by.username", read_only=True, allow_null=True)
    check_set = serializers.CharField(source="check_set.label", read_only=True)

    class Meta:
        model = CheckRun
        fields = [
            "id", "region_code", "region_name", "check_set", "trigger", "trigger_label", "started_by",
            "started_at", "finished_at", "found", "still_open", "fixed",
        ]  # fmt: skip


class FindingViewSet(ScopedReadOnlyViewSet):
    """异常核查发现。筛选参数与页面相同（rule、severity、status=live/open/explained/fixed、township、region、q）；
    explain 由区/县住建局或乡镇建环办对待处理的发现说明情况。"""

    scoped_queryset = Finding.objects.select_related("explained_by", "check_set").order_by(
        "status", "-first_found_at", "-pk"
    )
    serializer_class = AnomalyFindingSerializer
    filterset_class = FindingFilter

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
        return AnomalyFindingSerializer if self.action == "list" else AnomalyFindingDetailSerializer

    @extend_schema(request=AnomalyExplainSerializer, responses=AnomalyFindingDetailSerializer)
    @action(detail=True, methods=["post"])
    def explain(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        finding = self.get_object()
        data = AnomalyExplainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_explain(
            finding=finding, reason=data.validated_data["reason"], acting_user=signed_in_user(request)
        )
        return Response(
            AnomalyFindingDetailSerializer(self.get_queryset().get(pk=finding.pk), context={"request": request}).data
        )


class CheckRunViewSet(ScopedReadOnlyViewSet):
    """异常核查运行记录。POST 由区/县级及以上住建部门对本辖区运行全部核查（后台任务，返回任务，可在 /api/jobs/ 查询进度）。"""

    scoped_queryset = CheckRun.objects.select_related("started_by", "check_set")
    serializer_class = AnomalyCheckRunSerializer

    @extend_schema(request=None, responses={202: JobSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        if user.region is None:
            raise exceptions.ValidationError("您的账号没有所属区划，不能运行异常核查。")
        job = services.checks_start(region=user.region, acting_user=user)
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("anomaly-findings", FindingViewSet, basename="anomaly-finding")
    router.register("anomaly-runs", CheckRunViewSet, basename="anomaly-run")
