"""API of the subsidies app: payments (list, detail, record through ``payment_record``) and the
totals by region and programme. Scoped like the pages: another region's case or payment is a
404; the service's refusals come back as 400 (Chinese messages) or 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.cases.models import RenovationCase
from anju.core.api_base import ScopedReadOnlyViewSet, SingleObjectSchema
from anju.core.masking import Kind, PersonalField
from anju.regions.models import Region
from anju.subsidies import selectors, services
from anju.subsidies.choices import PayeeKind
from anju.subsidies.filters import PaymentFilter
from anju.subsidies.models import Payment


class PaymentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household_name = serializers.CharField(source="case.household.head_name", read_only=True)
    payee_kind_label = serializers.CharField(source="get_payee_kind_display", read_only=True)
    bank_account = PersonalField(
        kind=Kind.ACCOUNT, read_only=True, help_text="收款账号；区/县住建局可见全号，其他角色只见后四位"
    )
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "case",
            "household_name",
            "region_code",
            "instalment",
            "amount",
            "paid_on",
            "payee_kind",
            "payee_kind_label",
            "payee_name",
            "bank_account",
            "consent_note",
            "consent_on",
            "voucher_no",
            "note",
            "recorded_by",
            "recorded_at",
        ]


class PaymentCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    # Types only; the rules (stage, standard, acceptance, payee, dates, voucher) are the service's.
    case = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    paid_on = serializers.DateField()
    payee_kind = serializers.ChoiceField(choices=PayeeKind.choices)
    voucher_no = serializers.CharField(allow_blank=True)
    builder_account = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="拨付给施工方时必填"
    )
    consent_note = serializers.CharField(required=False, default="", allow_blank=True, help_text="拨付给施工方时必填")
    consent_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class PaymentViewSet(ScopedReadOnlyViewSet):
    """补助资金拨付记录。POST 由区/县住建局登记一次拨付：不超过补助标准，付清（尾款）须验收通过，
    整改期间不得拨付；拨付到户须有一卡通账号，拨付给施工方须有农户同意；凭证号同一案件内不得重复。"""

    scoped_queryset = Payment.objects.select_related("case__household", "recorded_by")
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter

    @extend_schema(request=PaymentCreateSerializer, responses={201: PaymentSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = PaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        case = RenovationCase.objects.visible_to(request.user).filter(pk=values.pop("case")).first()
        if case is None:
            raise exceptions.NotFound("案件不存在或不在您的管辖范围内。")
        payment = services.payment_record(acting_user=signed_in_user(request), case=case, **values)
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)


class TotalsRowSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    programme = serializers.CharField(help_text="renovation / seismic；无案件的区划为空")
    households = serializers.IntegerField()
    standard = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    overdue = serializers.IntegerField(help_text="验收通过超过尾款期限仍未付清的户数")


class TotalsSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(help_text="汇总的上级区划（其下级为各行）")
    year = serializers.IntegerField(allow_null=True)
    rows = TotalsRowSerializer(many=True)
    by_programme = TotalsRowSerializer(many=True)
    total = TotalsRowSerializer()


class SubsidyTotalsViewSet(viewsets.ViewSet):
    """补助资金汇总：按下级区划和项目统计已建档户数、补助标准、已拨付、尚欠和尾款逾期户数，含小计与合计。"""

    schema = SingleObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="计划年度，省略为全部年度"),
            OpenApiParameter("region", OpenApiTypes.STR, description="上级区划代码，省略为本人所在区划"),
        ],
        responses=TotalsSerializer,
    )
    def list(self, request: Request, format: str | None = None) -> Response:
        year_text = request.query_params.get("year", "").strip()
        if year_text and not (year_text.isdigit() and 2009 <= int(year_text) <= 2100):
            raise exceptions.ValidationError({"year": "年度应为 2009–2100 的四位数字。"})
        code = request.query_params.get("region", "").strip()
        region = None
        if code:
            region = Region.objects.visible_to(request.user).filter(code=code).first()
            if region is None:
                raise exceptions.NotFound("区划不存在或不在您的管辖范围内。")
        table = selectors.totals(request.user, int(year_text) if year_text else None, region)

        def row(r: selectors.TotalsRow) -> dict[str, Any]:
            return {
                "region_code": r.region_code,
                "region_name": r.region_name,
                "programme": r.programme,
                "households": r.households,
                "standard": r.standard,
                "paid": r.paid,
                "outstanding": r.outstanding,
                "overdue": r.overdue,
            }

        body = {
            "region_code": table.parent.code if table.parent else "",
            "year": table.year,
            "rows": [row(r) for r in table.rows],
            "by_programme": [row(r) for r in table.by_programme],
            "total": row(table.total),
        }
        return Response(TotalsSerializer(body).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("payments", PaymentViewSet, basename="payment")
    router.register("subsidy-totals", SubsidyTotalsViewSet, basename="subsidy-totals")
