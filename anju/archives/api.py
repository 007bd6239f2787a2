"""API of the one-household archive: documents (list, upload as multipart, withdraw) and the
joint reviews (list, record). Scoped like the pages (another region's case or document is a
404); writes go through the services, whose Chinese refusals come back as 400s and 403s."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.archives import selectors, services
from anju.archives.filters import ArchiveDocumentFilter, ArchiveReviewFilter
from anju.archives.models import ArchiveDocument, ArchiveReview
from anju.cases.models import RenovationCase
from anju.core.api_base import ScopedReadOnlyViewSet


def _visible_case(user: Any, pk: int) -> RenovationCase:
    case = RenovationCase.objects.visible_to(user).select_related("policy").filter(pk=pk).first()
    if case is None:
        raise exceptions.NotFound("案件不存在或不在您的管辖范围内。")
    return case


# --- documents -------------------------------------------------------------------------------------


class ArchiveDocumentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    code_name = serializers.SerializerMethodField(help_text="材料类别名称（按案件适用的改造政策）")
    url = serializers.SerializerMethodField(help_text="文件地址（按权限范围提供）")
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, allow_null=True)
    withdrawn_by = serializers.CharField(source="withdrawn_by.username", read_only=True, default="")
    generated = serializers.BooleanField(source="is_generated", read_only=True, help_text="系统生成（不能手工撤回）")
    source_label = serializers.CharField(read_only=True, help_text="系统生成材料的来源（如：鉴定 2026-03-01）")

    class Meta:
        model = ArchiveDocument
        fields = [
            "id",
            "case",
            "code",
            "code_name",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "pages",
            "url",
            "uploaded_by",
            "uploaded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdraw_reason",
            "generated",
            "source_label",
        ]

    def get_code_name(self, obj: ArchiveDocument) -> str:
        return selectors.document_name(obj.case, obj.code)

    def get_url(self, obj: ArchiveDocument) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.view_url) if request else obj.view_url


class ArchiveDocumentCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    case = serializers.IntegerField()
    code = serializers.CharField(help_text="材料类别代码，见案件适用政策的 archive_documents（如 agreement）")
    file = serializers.FileField(help_text="JPG、PNG 图片或 PDF，不超过 20 MB")


class ArchiveDocumentItemSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    case = serializers.IntegerField()
    code = serializers.CharField(help_text="材料类别代码，见案件适用政策的 archive_documents（如 photos_during）")


class ArchiveDocumentBatchSerializer(ArchiveDocumentItemSerializer):
    file = serializers.ListField(
        child=serializers.FileField(),
        help_text="多个文件（同名字段 file 重复），每个为 JPG、PNG 图片或 PDF，不超过 20 MB",
    )


class WithdrawSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    reason = serializers.CharField(allow_blank=True, help_text="撤回原因")


class ArchiveDocumentViewSet(ScopedReadOnlyViewSet):
    """一户一档材料。POST（multipart：case、code、file）上传一份材料到案件档案的某一类别下，按文件内容
    核验（JPG、PNG 或可读且未加密的 PDF，≤ 20 MB），同一文件不能在同一档案中重复归档；batch 一次上传
    多个文件（全部通过才归档）。放错的材料用 withdraw 撤回（保留记录，不再计入）；系统生成的材料
    （generated 为真：鉴定表、竣工验收表、拨付凭证）不能撤回，来源更正后自动重新生成。"""

    scoped_queryset = ArchiveDocument.objects.select_related("case__policy", "uploaded_by", "withdrawn_by")
    serializer_class = ArchiveDocumentSerializer
    filterset_class = ArchiveDocumentFilter

    @extend_schema(
        request={"multipart/form-data": ArchiveDocumentCreateSerializer}, responses={201: ArchiveDocumentSerializer}
    )
    def create(self, request: Request, format: str | None = None) -> Response:
        data = ArchiveDocumentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = _visible_case(request.user, data.validated_data["case"])
        document = services.document_upload(
            acting_user=signed_in_user(request),
            case=case,
            code=data.validated_data["code"],
            upload=data.validated_data["file"],
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ArchiveDocumentBatchSerializer},
        responses={201: ArchiveDocumentSerializer(many=True)},
    )
    @action(detail=False, methods=["post"])
    def batch(self, request: Request, format: str | None = None) -> Response:
        """一次上传多个文件到同一类别：全部通过核验才归档，否则一个也不归档，并逐个说明未通过的文件。"""
        data = ArchiveDocumentItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = _visible_case(request.user, data.validated_data["case"])
        documents = services.documents_upload(
            acting_user=signed_in_user(request),
            case=case,
            code=data.validated_data["code"],
            uploads=request.FILES.getlist("file"),
        )
        return Response(self.get_serializer(documents, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=ArchiveDocumentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        document = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_withdraw(
            acting_user=signed_in_user(request), document=document, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(document).data)


# --- joint reviews ---------------------------------------------------------------------------------


class ArchiveReviewSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    # A plain string in the schema: the role values are the accounts' Role values.
    role = serializers.CharField(read_only=True, help_text="civil_affairs（民政）或 rural_revitalization（乡村振兴）")
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    reviewer = serializers.CharField(source="reviewer.username", read_only=True, allow_null=True)
    standing = serializers.SerializerMethodField(help_text="是否为现行有效的同意（未因撤回材料而失效）")

    class Meta:
        model = ArchiveReview
        fields = [
            "id",
            "case",
            "role",
            "role_label",
            "reviewer",
            "reviewed_on",
            "agreed",
            "opinion",
            "standing",
            "recorded_at",
            "voided_at",
            "void_reason",
        ]

    def get_standing(self, obj: ArchiveReview) -> bool:
        return obj.agreed and obj.voided_at is None


class ArchiveReviewCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    case = serializers.IntegerField()
    agreed = serializers.BooleanField()
    opinion = serializers.CharField(required=False, default="", allow_blank=True, help_text="不同意时必填")
    reviewed_on = serializers.DateField()
    role = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="同时具有民政、乡村振兴两个角色时须指明：civil_affairs 或 rural_revitalization",
    )


class ArchiveReviewViewSet(ScopedReadOnlyViewSet):
    """共同审定。民政联络员、乡村振兴联络员各对案件档案审定一次；档案齐全才能同意，不同意须写明意见。"""

    scoped_queryset = ArchiveReview.objects.select_related("reviewer")
    serializer_class = ArchiveReviewSerializer
    filterset_class = ArchiveReviewFilter

    @extend_schema(request=ArchiveReviewCreateSerializer, responses={201: ArchiveReviewSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = ArchiveReviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = _visible_case(request.user, values["case"])
        review = services.archive_review(
            acting_user=signed_in_user(request),
            case=case,
            agreed=values["agreed"],
            opinion=values["opinion"],
            on=values["reviewed_on"],
            role=values["role"],
        )
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("archive-documents", ArchiveDocumentViewSet, basename="archivedocument")
    router.register("archive-reviews", ArchiveReviewViewSet, basename="archivereview")
