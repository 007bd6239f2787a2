"""API for renovation cases: list and detail (with the steps), opening a case, every act on it
through one ``act`` endpoint (the same services and Chinese refusals as the pages), quality
patrols with photos, and the versioned renovation policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.cases import acts as case_acts
from anju.cases import services
from anju.cases.choices import ConstructionMode, EndReason, EnergyTag, Stage, StepKind
from anju.cases.filters import CaseFilter
from anju.cases.models import CasePatrol, CasePolicy, CaseStep, RenovationCase
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.households.models import Household
from anju.kit.api_versioning import CONFIG_FIELDS, ConfigDeriveSerializer, ConfigSerializer, VersionedConfigViewSet

ACTS: dict[str, Callable[..., Any]] = {
    StepKind.APPLY: services.case_apply,
    StepKind.VILLAGE_REVIEW: services.case_village_review,
    StepKind.TOWNSHIP_REVIEW: services.case_township_review,
    StepKind.COUNTY_APPROVE: services.case_approve,
    StepKind.FILE: services.case_file,
    StepKind.SIGN_AGREEMENT: services.case_sign_agreement,
    StepKind.START: services.case_start,
    StepKind.COMPLETE: services.case_complete,
    StepKind.CLOSE: services.case_close,
    StepKind.END: services.case_end,
}
# The fields each act takes besides on, note and version.
ACT_FIELDS: dict[str, tuple[str, ...]] = {
    StepKind.COUNTY_APPROVE: ("method",),
    StepKind.SIGN_AGREEMENT: (
        "method",
        "construction_mode",
        "builder_name",
        "builder_cert_no",
        "planned_area",
        "energy_tags",
    ),
    StepKind.COMPLETE: ("built_area",),
    StepKind.END: ("reason",),
}


class CaseStepSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CaseStep
        fields = [
            "id",
            "kind",
            "kind_label",
            "from_stage",
            "to_stage",
            "on",
            "note",
            "notice_from",
            "notice_until",
            "data",
            "actor",
            "at",
        ]


class CaseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household_name = serializers.CharField(source="household.head_name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    phase = serializers.CharField(read_only=True)
    days_at_stage = serializers.IntegerField(read_only=True)

    class Meta:
        model = RenovationCase
        fields = [
            "id",
            "household",
            "household_name",
            "house",
            "region_code",
            "programme",
            "year",
            "grade",
            "stage",
            "stage_label",
            "phase",
            "stage_since",
            "days_at_stage",
            "version",
            "previous_case",
            "policy",
            "method",
            "method_name",
            "construction_mode",
            "builder_name",
            "builder_cert_no",
            "energy_tags",
            "household_size",
            "planned_area",
            "built_area",
            "area_problem",
            "subsidy_amount",
            "subsidy_standard",
            "subsidy_explanation",
            "archive_no",
            "opened_on",
            "applied_on",
            "approved_on",
            "filed_on",
            "agreement_on",
            "started_on",
            "completed_on",
            "accepted_on",
            "closed_on",
            "ended_on",
            "end_reason",
            "end_note",
        ]


class AvailableActSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.CharField(help_text="办理事项（POST /api/cases/{id}/act/ 的 kind）")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    allowed = serializers.BooleanField(help_text="当前用户现在能否办理")
    reason = serializers.CharField(help_text="不能办理的原因；能办理时为空")


class CaseDetailSerializer(CaseSerializer):
    steps = CaseStepSerializer(many=True, read_only=True)
    close_blockers = serializers.SerializerMethodField(help_text="销号前还缺的条件（验收通过时给出）")
    acts = serializers.SerializerMethodField(help_text="各办理事项对当前用户是否开放及原因（与页面按钮一致）")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "steps", "close_blockers", "acts"]

    @extend_schema_field(AvailableActSerializer(many=True))
    def get_acts(self, obj: RenovationCase) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"kind": a.kind, "label": a.label, "allowed": a.allowed, "reason": a.reason}
            for a in case_acts.available_acts(obj, request.user)
        ]

    def get_close_blockers(self, obj: RenovationCase) -> list[str]:
        return services.close_blockers(obj) if obj.stage == Stage.ACCEPTED else []


class CaseOpenSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household = serializers.IntegerField()
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class CaseActSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.ChoiceField(choices=[(k, StepKind(k).label) for k in ACTS])
    on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="页面加载时案件的 version；已被他人办理时拒绝")
    method = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="改造方式编号（审批、签协议）"
    )
    construction_mode = serializers.ChoiceField(choices=ConstructionMode.choices, required=False)
    builder_name = serializers.CharField(required=False, default="", allow_blank=True)
    builder_cert_no = serializers.CharField(required=False, default="", allow_blank=True)
    planned_area = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    energy_tags = serializers.ListField(child=serializers.ChoiceField(choices=EnergyTag.choices), required=False)
    built_area = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    reason = serializers.ChoiceField(choices=EndReason.choices, required=False)
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="开工、竣工的现场照片（multipart，可多张）",
    )
    device_latitude = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="拍照时手机定位纬度"
    )
    device_longitude = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="拍照时手机定位经度"
    )


class PatrolSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    inspector = serializers.CharField(source="inspector.username", read_only=True, allow_null=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = CasePatrol
        fields = ["id", "case", "on", "findings", "problems_found", "inspector", "recorded_at", "photos"]

    def get_photos(self, obj: CasePatrol) -> list[str]:
        return [p.view_url for p in obj.photos.all()]


class PatrolCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    on = serializers.DateField()
    findings = serializers.CharField(allow_blank=True)
    problems_found = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class CaseViewSet(ScopedReadOnlyViewSet):
    """改造案件（发现→建档→改造→验收→销号）。POST 为资格认定纳入改造的农户建案；act 办理下一环节
    （kind 为办理事项，按阶段顺序、角色和区划检查，公示期未满、材料不全时拒绝并说明原因；带 version
    时若案件已被他人办理则拒绝）；patrols 记录质量巡查（须带照片）。"""

    scoped_queryset = RenovationCase.objects.select_related("household")
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        return qs.prefetch_related("steps__actor") if self.action == "retrieve" else qs

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseDetailSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = Household.objects.visible_to(request.user).filter(pk=values.pop("household")).first()
        if household is None:
            raise exceptions.NotFound("农户不存在或不在您的管辖范围内。")
        case = services.case_open(acting_user=signed_in_user(request), household=household, **values)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseActSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        case = self.get_object()
        data = CaseActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        kind = values.pop("kind")
        kwargs: dict[str, Any] = {"on": values["on"], "note": values["note"], "version": values.get("version")}
        for name in ACT_FIELDS.get(kind, ()):
            default: Any = [] if name == "energy_tags" else None if name.endswith("area") else ""
            kwargs[name] = values.get(name, default)
        if kind in (StepKind.START, StepKind.COMPLETE):
            kwargs |= {k: values[k] or None for k in ("photos", "device_latitude", "device_longitude")}
            kwargs["photos"] = kwargs["photos"] or ()
        ACTS[kind](acting_user=signed_in_user(request), case=case, **kwargs)
        case.refresh_from_db()
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(request={"multipart/form-data": PatrolCreateSerializer}, responses={201: PatrolSerializer})
    @action(detail=True, methods=["post"])
    def patrols(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        case = self.get_object()
        data = PatrolCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        photos = request.FILES.getlist("photos") if hasattr(request.FILES, "getlist") else values["photos"]
        patrol = services.patrol_record(
            acting_user=signed_in_user(request),
            case=case,
            on=values["on"],
            findings=values["findings"],
            problems_found=values["problems_found"],
            photos=photos,
        )
        return Response(PatrolSerializer(patrol).data, status=status.HTTP_201_CREATED)


# --- policy versions ----------------------------------------------------------------------------------


class CasePolicySerializer(ConfigSerializer):
    class Meta:
        model = CasePolicy
        fields = CONFIG_FIELDS


class CasePolicyDetailSerializer(CasePolicySerializer):
    class Meta(CasePolicySerializer.Meta):
        fields = [*CONFIG_FIELDS, "content"]


class CasePolicyUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    name = serializers.CharField(allow_blank=True)
    content = serializers.JSONField(help_text="改造政策 JSON：notice_days、methods、area_rules、subsidy_standards 等")
    note = serializers.CharField(required=False, default="", allow_blank=True)


@extend_schema_view(
    update=extend_schema(request=CasePolicyUpdateSerializer, responses=CasePolicyDetailSerializer),
    partial_update=extend_schema(
        request=CasePolicyUpdateSerializer(partial=True), responses=CasePolicyDetailSerializer
    ),
    derive=extend_schema(request=ConfigDeriveSerializer, responses={201: CasePolicyDetailSerializer}),
    activate=extend_schema(request=None, responses=CasePolicyDetailSerializer),
)
class CasePolicyViewSet(VersionedConfigViewSet):
    """改造政策（公示天数、改造方式、面积标准、补助标准、验收清单、档案材料清单、档案编号格式）。
    省住建厅建立本省草稿（derive）、修改（PUT/PATCH，逐条说明问题）、启用（activate）。"""

    scoped_queryset = CasePolicy.objects.select_related("created_by")
    serializer_class = CasePolicySerializer
    detail_serializer_class = CasePolicyDetailSerializer
    update_serializer_class = CasePolicyUpdateSerializer
    ensure_national = staticmethod(services.ensure_national_policy)
    update_service = staticmethod(services.policy_update)
    derive_service = staticmethod(services.policy_derive)
    activate_service = staticmethod(services.policy_activate)
    config_kwarg = "policy"


def register(router: DefaultRouter) -> None:
    router.register("cases", CaseViewSet, basename="case")
    router.register("case-policies", CasePolicyViewSet, basename="casepolicy")
