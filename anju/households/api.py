"""API for households, members, statuses and houses: scoped, masked and audited
like the pages. Writes go through the same services."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.accounts.actors import signed_in_user
from anju.audit.services import log_export
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.core.masking import Kind, PersonalField, shown
from anju.households import services
from anju.households.choices import Department, Grade, GradeSource, KeyGroup
from anju.households.filters import HistoryFilter, HouseFilter, HouseholdFilter
from anju.households.history import error_report, history_import_cancel, history_import_commit, history_import_start
from anju.households.importjobs import start_list_commit, start_list_preview
from anju.households.listimport import list_import_cancel
from anju.households.models import (
    HOUSE_DATA_FIELDS,
    HistoryImport,
    House,
    Household,
    HouseholdStatus,
    ListImport,
    Member,
    RenovationHistory,
)
from anju.jobs.serializers import JobSerializer
from anju.regions.models import Region


class MemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    id_number = PersonalField(kind=Kind.ID, label="身份证号", max_length=18)

    class Meta:
        model = Member
        fields = ["id", "name", "id_number", "relation", "sex", "birth_date"]


class StatusSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    class Meta:
        model = HouseholdStatus
        fields = ["id", "group", "department", "certifying_body", "certified_on", "ended_on", "source"]


class HouseholdSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    # The service decides duplicates and formats (telling a colleague's household from another region's).
    head_id_number = PersonalField(kind=Kind.ID, label="户主身份证号", max_length=18)
    phone = PersonalField(kind=Kind.PHONE, label="联系电话", max_length=20, required=False, allow_blank=True)
    bank_account = PersonalField(kind=Kind.ACCOUNT, label="一卡通账号", max_length=30, required=False, allow_blank=True)
    members = MemberSerializer(many=True, read_only=True)
    statuses = StatusSerializer(many=True, read_only=True)
    region_code = serializers.CharField()
    # Empty for a general household (一般农户): the schema says so.
    primary_group = serializers.ChoiceField(choices=KeyGroup.choices, allow_blank=True, read_only=True)

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
            "family_size",
            "primary_group",
            "members",
            "statuses",
        ]
        read_only_fields = ["head_sex", "head_birth_date", "primary_group"]


class HouseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(read_only=True)
    outside_guideline = serializers.BooleanField(read_only=True)
    # The view has already found the household in the user's scope; the field only carries it.
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all())
    # The house's state (ADR 0021); empty until an inspection, appraisal or acceptance sets it.
    current_grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True, read_only=True)
    grade_source = serializers.ChoiceField(choices=GradeSource.choices, allow_blank=True, read_only=True)
    suspected_grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True, read_only=True)
    appraised_grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True, read_only=True)

    class Meta:
        model = House
        fields = [
            "id",
            "household",
            "region_code",
            *HOUSE_DATA_FIELDS,
            "outside_guideline",
            "current_grade",
            "grade_source",
            "grade_on",
            "renovated_case",
            "suspected_grade",
            "appraised_grade",
            "appraised_on",
        ]
        # The service checks "one only house" with its own Chinese message, after the scope check.
        validators: list[Any] = []
        read_only_fields = [
            "current_grade",
            "grade_source",
            "grade_on",
            "renovated_case",
            "suspected_grade",
            "appraised_grade",
            "appraised_on",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs  # the service validates, with the same messages as the pages


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
        household = services.household_create(acting_user=signed_in_user(request), region=region, **data)
        return Response(self.get_serializer(household).data, status=status.HTTP_201_CREATED)


class HouseViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """房屋。"""

    scoped_queryset = House.objects.select_related("region", "household")
    serializer_class = HouseSerializer
    filterset_class = HouseFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Scope before validation: a household out of the user's region answers exactly like one
        # that does not exist, whatever else the body says (no existence oracle).
        raw = str(request.data.get("household") or "")
        household = (
            Household.objects.visible_to(request.user).filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) < 19
            else None
        )
        if household is None:
            raise exceptions.NotFound("农户不存在或不在您的管辖范围内。")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("household")
        house = services.house_create(acting_user=signed_in_user(request), household=household, **data)
        return Response(self.get_serializer(house).data, status=status.HTTP_201_CREATED)


class ListImportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = ListImport
        fields = [
            "id",
            "department",
            "group",
            "list_date",
            "original_name",
            "sha256",
            "status",
            "region_code",
            "mapping",
            "counts",
            "preview",
            "error",
            "created_by",
            "created_at",
            "committed_at",
        ]

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        viewer = getattr(self.context.get("request"), "user", None)
        for rows in (data.get("preview") or {}).values():
            if isinstance(rows, list):
                for row in rows:
                    if isinstance(row, dict) and row.get("id"):
                        row["id"] = shown(row["id"], Kind.ID, viewer)
        return data


class ListUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    file = serializers.FileField(help_text="xlsx / xls / csv（UTF-8 或 GBK）")
    department = serializers.ChoiceField(choices=Department.choices)
    group = serializers.ChoiceField(choices=KeyGroup.choices, required=False, allow_blank=True, default="")
    list_date = serializers.DateField()


class ListImportViewSet(ScopedReadOnlyViewSet):
    """部门名单导入：上传后在后台生成预览（POST 返回任务，轮询 /api/jobs/{id}/，结果中的 list_import 为导入记录），
    确认后在后台一次性写入（commit），或取消（cancel）。"""

    scoped_queryset = ListImport.objects.select_related("created_by")
    serializer_class = ListImportSerializer

    @extend_schema(request={"multipart/form-data": ListUploadSerializer}, responses={202: JobSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        upload = ListUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        job = start_list_preview(
            acting_user=signed_in_user(request),
            filename=data["file"].name,
            data=data["file"].read(),
            department=data["department"],
            group=data["group"],
            list_date=data["list_date"],
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        job = start_list_commit(acting_user=signed_in_user(request), record=self.get_object())
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=ListImportSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        record = list_import_cancel(acting_user=signed_in_user(request), list_import=self.get_object())
        return Response(self.get_serializer(record).data)


class HistoryImportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    rows = serializers.SerializerMethodField(help_text="将导入的记录（前 200 条，身份证号按角色脱敏）")

    class Meta:
        model = HistoryImport
        fields = [
            "id", "region_code", "original_name", "status", "status_label", "mapping", "counts", "rows",
            "invalid", "error", "created_by", "created_at", "committed_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_rows(self, obj: HistoryImport) -> list[dict[str, Any]]:
        viewer = getattr(self.context.get("request"), "user", None)
        return [r | {"id_number": shown(r["id_number"], Kind.ID, viewer)} for r in obj.rows[:200]]


class HistoryUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    file = serializers.FileField(help_text="国家农村危房改造信息系统导出的 xlsx / xls / csv")


class HistoryCommitSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    confirm_partial = serializers.BooleanField(default=False, help_text="有无效行时，确认只导入有效记录")


class HistoryImportViewSet(ScopedReadOnlyViewSet):
    """历史改造记录导入（国家农村危房改造信息系统导出文件）：上传（POST，multipart file）得到预览——
    counts、mapping（列对应）、invalid（每条无效记录逐列说明原因）；errors 下载完整错误报告（CSV）；
    commit 写入有效记录（有无效行时须 confirm_partial=true），cancel 取消。"""

    scoped_queryset = HistoryImport.objects.select_related("created_by")
    serializer_class = HistoryImportSerializer

    @extend_schema(
        request={"multipart/form-data": HistoryUploadSerializer},
        responses={201: HistoryImportSerializer, 202: JobSerializer},
    )
    def create(self, request: Request, format: str | None = None) -> Response:
        """A file up to 2 MB is previewed at once (201); a larger one as a job (202, the job;
        its result names the history_import)."""
        upload = HistoryUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        result = history_import_start(acting_user=signed_in_user(request), data=file.read(), filename=file.name)
        if isinstance(result, HistoryImport):
            return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)
        return Response(JobSerializer(result).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=HistoryCommitSerializer, responses=HistoryImportSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        data = HistoryCommitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = history_import_commit(
            acting_user=signed_in_user(request),
            history_import=self.get_object(),
            confirm_partial=data.validated_data["confirm_partial"],
        )
        return Response(self.get_serializer(record).data)

    @extend_schema(request=None, responses=HistoryImportSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        record = history_import_cancel(acting_user=signed_in_user(request), history_import=self.get_object())
        return Response(self.get_serializer(record).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def errors(self, request: Request, pk: str | None = None, format: str | None = None) -> HttpResponse:
        record = self.get_object()
        log_export(
            actor=request.user, what="households.historyimport.errors", filters={"import": record.pk},
            rows=len(record.invalid), fmt="csv",
        )  # fmt: skip
        return HttpResponse(error_report(record), content_type="text/csv; charset=utf-8")


class RenovationHistorySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    id_number = PersonalField(kind=Kind.ID, label="身份证号", max_length=18, read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = RenovationHistory
        fields = [
            "id", "head_name", "id_number", "region_code", "region_name", "address", "year", "method", "amount",
            "completed_on", "household", "house", "source",
        ]  # fmt: skip


class RenovationHistoryViewSet(ScopedReadOnlyViewSet):
    """历史改造记录（国家农村危房改造信息系统导入）：按村（region）、改造年度（year）、改造方式
    （method）、是否已在安居登记（linked）、姓名/地址/完整身份证号（q）筛选，与页面和导出同一
    FilterSet；身份证号按角色脱敏。"""

    scoped_queryset = RenovationHistory.objects.select_related("region").order_by(
        "region_code", "-year", "head_name", "pk"
    )
    serializer_class = RenovationHistorySerializer
    filterset_class = HistoryFilter
