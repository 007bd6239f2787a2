"""API for eligibility: decisions with their reasons, the circumstances a visit establishes, and
the versioned rule sets. Scoped like the pages; writes go through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.accounts.actors import signed_in_user
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.eligibility import services
from anju.eligibility.choices import CircumstanceKind
from anju.eligibility.facts import FACTS, show
from anju.eligibility.filters import CircumstanceFilter, DecisionFilter
from anju.eligibility.models import Circumstance, Decision, RuleSet
from anju.households.models import Household
from anju.kit.api_versioning import CONFIG_FIELDS, ConfigDeriveSerializer, ConfigSerializer, VersionedConfigViewSet


def _visible_household(user: Any, pk: int) -> Household:
    household = Household.objects.visible_to(user).filter(pk=pk).first()
    if household is None:
        raise exceptions.NotFound("农户不存在或不在您的管辖范围内。")
    return household


# --- decisions -----------------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household_name = serializers.CharField(source="household.head_name", read_only=True)
    rule_set_label = serializers.CharField(source="rule_set.label", read_only=True)
    rule_set_name = serializers.CharField(source="rule_set.name", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    programme = serializers.CharField(read_only=True)
    facts_shown = serializers.SerializerMethodField(help_text="所用事实的中文名称与取值")
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "household",
            "household_name",
            "region_code",
            "rule_set",
            "rule_set_label",
            "rule_set_name",
            "rule_id",
            "rule_name",
            "outcome",
            "outcome_label",
            "programme",
            "reason",
            "checks",
            "facts",
            "facts_shown",
            "trigger",
            "year",
            "decided_at",
            "decided_by",
            "is_current",
        ]

    def get_facts_shown(self, obj: Decision) -> list[dict[str, str]]:
        return [
            {"name": name, "label": fact.label, "value": show(name, obj.facts.get(name))}
            for name, fact in FACTS.items()
            if name in obj.facts
        ]


class ReevaluateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("all", OpenApiTypes.BOOL, description="含历史认定（默认只列现行认定）"),
        ]
    )
)
class DecisionViewSet(ScopedReadOnlyViewSet):
    """保障资格认定：每条认定记录所用规则编号、规则集版本、事实和理由。列表默认只含现行认定（?all=1 含历史）。
    reevaluate 按现行规则重新认定一户（事实未变时不产生新记录）。"""

    scoped_queryset = Decision.objects.select_related("household", "rule_set", "decided_by")
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        # The history is one query parameter away; a detail is reachable whether current or not.
        if self.action == "list" and self.request.query_params.get("all") not in ("1", "true", "True"):
            queryset = queryset.filter(is_current=True)
        return queryset

    @extend_schema(request=ReevaluateSerializer, responses=DecisionSerializer)
    @action(detail=False, methods=["post"])
    def reevaluate(self, request: Request, format: str | None = None) -> Response:
        data = ReevaluateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household = _visible_household(request.user, data.validated_data["household"])
        decision = services.household_reevaluate(acting_user=signed_in_user(request), household=household)
        return Response(self.get_serializer(decision).data)


# --- circumstances -------------------------------------------------------------------------------


class CircumstanceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household_name = serializers.CharField(source="household.head_name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="、".join(CircumstanceKind.values))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)
    withdrawn_by = serializers.CharField(source="withdrawn_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Circumstance
        fields = [
            "id",
            "household",
            "household_name",
            "region_code",
            "kind",
            "kind_label",
            "recorded_on",
            "note",
            "recorded_by",
            "created_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawn_reason",
        ]


class CircumstanceCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CircumstanceKind.choices)
    recorded_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True, help_text="核实依据（走访情况、租房合同、亲属住址等）")


class CircumstanceWithdrawSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    reason = serializers.CharField(allow_blank=True, help_text="撤销理由")


class CircumstanceViewSet(ScopedReadOnlyViewSet):
    """农户核实情况（经核实无房、有/无能力自行解决、已租房/投亲/搬迁等）。POST 由村、乡镇、区县人员登记；
    不再成立时撤销（withdraw），记录保留。登记和撤销都会重新认定该户资格。"""

    scoped_queryset = Circumstance.objects.select_related("household", "recorded_by", "withdrawn_by")
    serializer_class = CircumstanceSerializer
    filterset_class = CircumstanceFilter

    @extend_schema(request=CircumstanceCreateSerializer, responses={201: CircumstanceSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = CircumstanceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = _visible_household(request.user, values.pop("household"))
        record = services.circumstance_record(acting_user=signed_in_user(request), household=household, **values)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CircumstanceWithdrawSerializer, responses=CircumstanceSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        record = self.get_object()
        data = CircumstanceWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.circumstance_withdraw(
            acting_user=signed_in_user(request), circumstance=record, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(record).data)


# --- rule sets (versioning: anju.kit.versioning, anju.kit.api_versioning) -------------------------------


class RuleSetSerializer(ConfigSerializer):
    class Meta:
        model = RuleSet
        fields = CONFIG_FIELDS


class RuleSetDetailSerializer(RuleSetSerializer):
    class Meta(RuleSetSerializer.Meta):
        fields = [*CONFIG_FIELDS, "text"]


class RuleSetUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    name = serializers.CharField(allow_blank=True)
    text = serializers.CharField(help_text="规则集 JSON 文本：conditions、rules、default", trim_whitespace=False)
    note = serializers.CharField(required=False, default="", allow_blank=True)


@extend_schema_view(
    update=extend_schema(request=RuleSetUpdateSerializer, responses=RuleSetDetailSerializer),
    partial_update=extend_schema(request=RuleSetUpdateSerializer(partial=True), responses=RuleSetDetailSerializer),
    derive=extend_schema(request=ConfigDeriveSerializer, responses={201: RuleSetDetailSerializer}),
    activate=extend_schema(request=None, responses=RuleSetDetailSerializer),
)
class RuleSetViewSet(VersionedConfigViewSet):
    """资格规则集（全国默认及本省各版本）。省住建厅基于可见版本建立本省草稿（derive），修改草稿（PUT/PATCH，
    不能解析的规则集被拒绝并逐条说明），启用（activate）后本省农户在后台按新规则重新认定。"""

    scoped_queryset = RuleSet.objects.select_related("created_by")
    serializer_class = RuleSetSerializer
    detail_serializer_class = RuleSetDetailSerializer
    update_serializer_class = RuleSetUpdateSerializer
    ensure_national = staticmethod(services.ensure_national_rule_set)
    update_service = staticmethod(services.rule_set_update)
    derive_service = staticmethod(services.rule_set_derive)
    activate_service = staticmethod(services.rule_set_activate)
    config_kwarg = "rule_set"
