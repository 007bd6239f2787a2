"""API of the ledgers app: the list of ledgers (with their columns and row counts for the
filters) and a download per ledger, xlsx or PDF, with the same scoping, limits and export log
as the pages. A long ledger answers 202 with the background job that makes it."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.jobs.models import Job
from anju.jobs.serializers import JobSerializer
from anju.ledgers import selectors
from anju.ledgers.acts import available_acts
from anju.ledgers.forms import RETURN_MAX_MB
from anju.ledgers.models import LedgerReturn
from anju.ledgers.registry import LEDGERS
from anju.ledgers.services import FORMATS, LedgerFile, ledger_export, ledger_return_commit, ledger_return_start
from anju.regions.models import Region


class LedgerColumnSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    header = serializers.CharField()
    width = serializers.IntegerField(help_text="Excel 列宽（字符）")
    kind = serializers.CharField(help_text="text / date / money / int")
    total = serializers.BooleanField(help_text="合计行是否求和")


class LedgerSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    key = serializers.CharField()
    title = serializers.CharField(help_text="打印标题（前加「区划 年度 年」）")
    short = serializers.CharField()
    description = serializers.CharField()
    uses_year = serializers.BooleanField(help_text="是否按年度筛选（否：当前状况）")
    rows = serializers.IntegerField(help_text="按筛选条件的行数")
    columns = LedgerColumnSerializer(many=True)


FILTER_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="年度，省略为今年"),
    OpenApiParameter("region", OpenApiTypes.STR, description="区划代码（本人辖区内，含下级），省略为本人辖区"),
]


class LedgerViewSet(viewsets.ViewSet):
    """台账：重点对象台账、一般户台账、疑似危房台账、动态监测台账、补助资金计划表。
    下载与页面相同：本人辖区（或其下级区划）、身份证号按角色脱敏、每次导出记入操作日志；
    Excel 超过 5,000 行、PDF 超过 1,000 行时返回 202 和后台任务，完成后从 /api/jobs/ 查看、
    在任务页下载；PDF 超过 20,000 行不予生成（400）。"""

    lookup_field = "key"
    lookup_value_regex = "[a-z_]+"

    def _filters(self, request: Request) -> tuple[int, Region | None]:
        text = request.query_params.get("year", "").strip()
        if text and not (text.isdigit() and 2009 <= int(text) <= 2100):
            raise exceptions.ValidationError({"year": "年度应为 2009–2100 的四位数字。"})
        year = int(text) if text else timezone.localdate().year
        code = request.query_params.get("region", "").strip()
        region = None
        if code:
            region = Region.objects.visible_to(request.user).filter(code=code).first()
            if region is None:
                raise exceptions.NotFound("区划不存在或不在您的管辖范围内。")
        return year, region

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: LedgerSerializer(many=True)})
    def list(self, request: Request, format: str | None = None) -> Response:
        year, region = self._filters(request)
        entries = selectors.ledger_entries(user=request.user, year=year, region=region)
        data: list[dict[str, Any]] = [
            {
                "key": e.ledger.key,
                "title": e.ledger.title,
                "short": e.ledger.short,
                "description": e.ledger.description,
                "uses_year": e.ledger.uses_year,
                "rows": e.rows,
                "columns": [vars(c) for c in e.ledger.columns],
            }
            for e in entries
        ]
        return Response(LedgerSerializer(data, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("fmt", OpenApiTypes.STR, enum=FORMATS, description="xlsx（默认）或 pdf"),
            *FILTER_PARAMETERS,
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="台账文件"),
            202: JobSerializer,
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, key: str | None = None, format: str | None = None) -> HttpResponse | Response:
        if key not in LEDGERS:
            raise exceptions.NotFound("没有这个台账。")
        fmt = request.query_params.get("fmt", "xlsx").strip().lower()
        if fmt not in FORMATS:
            raise exceptions.ValidationError({"fmt": "格式应为 xlsx 或 pdf。"})
        year, region = self._filters(request)
        result = ledger_export(acting_user=signed_in_user(request), key=key, fmt=fmt, year=year, region=region)
        if isinstance(result, LedgerFile):
            response = HttpResponse(result.content, content_type=result.content_type)
            response["Content-Disposition"] = content_disposition_header(True, result.filename) or ""
            response["X-Rows"] = str(result.rows)
            return response
        return Response(JobSerializer(result).data, status=status.HTTP_202_ACCEPTED)


class LedgerReturnSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    committed_by = serializers.CharField(source="committed_by.username", read_only=True, allow_null=True)
    acts = serializers.SerializerMethodField()

    class Meta:
        model = LedgerReturn
        fields = [
            "id", "ledger", "export", "region_code", "original_name", "status", "status_label", "problems",
            "counts", "preview", "created_by", "created_at", "committed_by", "committed_at", "acts",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_acts(self, obj: LedgerReturn) -> list[dict[str, Any]]:
        user = self.context["request"].user
        return [vars(a) for a in available_acts(obj, user)]

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        # What the commit applies (service arguments and exported cell hashes) stays inside.
        for change in (data.get("preview") or {}).get("changes", []):
            change.pop("fields", None)
            change.pop("base", None)
        return data


class LedgerReturnUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    file = serializers.FileField(help_text="从安居导出、修改后保存的 .xlsx 台账")


class LedgerReturnViewSet(ScopedReadOnlyViewSet):
    """回传台账：上传（POST，multipart file）得到逐格预览——changes 为将写入的修改（原值 → 新值），
    refused 为不接受的单元格及原因（只读列、无效值、公式、导出后已在系统中修改、新增的行），deleted 为
    文件中删除的行（系统中不删除）；problems 非空时整个文件被拒收（非本系统导出、版本过期、表头被改、
    合并单元格）。commit 通过与页面相同的办理流程一次写入，全部写入或全部不写。"""

    scoped_queryset = LedgerReturn.objects.select_related("created_by", "committed_by")
    serializer_class = LedgerReturnSerializer

    @extend_schema(
        request={"multipart/form-data": LedgerReturnUploadSerializer},
        responses={201: LedgerReturnSerializer, 202: JobSerializer},
    )
    def create(self, request: Request, format: str | None = None) -> Response:
        upload = LedgerReturnUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        if file.size > RETURN_MAX_MB << 20:
            raise exceptions.ValidationError({"file": f"文件超过 {RETURN_MAX_MB} MB，不是本系统导出的台账。"})
        ret = ledger_return_start(acting_user=signed_in_user(request), data=file.read(), filename=file.name)
        if isinstance(ret, Job):  # a big file: previewed by a background job (its result names the return)
            return Response(JobSerializer(ret).data, status=status.HTTP_202_ACCEPTED)
        return Response(self.get_serializer(ret).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LedgerReturnSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        ret = ledger_return_commit(acting_user=signed_in_user(request), ledger_return=self.get_object())
        return Response(self.get_serializer(ret).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("ledgers", LedgerViewSet, basename="ledger")
    router.register("ledger-returns", LedgerReturnViewSet, basename="ledgerreturn")
