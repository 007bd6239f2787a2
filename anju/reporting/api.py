"""API of the reporting app: submissions (list, detail, and every act through the same
services and Chinese refusals as the pages), the timeliness board, and the calendar versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.core.api_base import ScopedReadOnlyViewSet, SingleObjectSchema, query_int
from anju.kit.api_versioning import CONFIG_FIELDS, ConfigDeriveSerializer, ConfigSerializer, VersionedConfigViewSet
from anju.reporting import acts as submission_acts
from anju.reporting import selectors, services, workplan_acts
from anju.reporting.choices import ReportKind
from anju.reporting.confirm import ConfirmationNeeded
from anju.reporting.filters import SubmissionFilter, WorkPlanFilter
from anju.reporting.models import ReportingCalendar, Submission, SubmissionEvent, WorkPlan


class SubmissionEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)

    class Meta:
        model = SubmissionEvent
        fields = ["kind", "kind_label", "from_status", "to_status", "on", "at", "actor", "note"]


class SubmissionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    timeliness = serializers.SerializerMethodField(
        help_text="on_time 按时、late 逾期报送、missing 未报、not_due 未到期"
    )
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True, default=None, allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "kind",
            "kind_label",
            "year",
            "month",
            "region_code",
            "region_name",
            "level",
            "status",
            "status_label",
            "due_on",
            "first_submitted_on",
            "submitted_on",
            "submitted_by",
            "reviewed_on",
            "reviewed_by",
            "return_reason",
            "timeliness",
        ]

    def get_timeliness(self, obj: Submission) -> str:
        return obj.timeliness()


class SubmissionActSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.CharField(
        help_text="办理事项：refresh 重新生成、submit 报送、sign_off 审核确认、return 退回、reopen 重新打开"
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    allowed = serializers.BooleanField(help_text="当前用户现在能否办理")
    reason = serializers.CharField(help_text="不能办理的原因；能办理时为空")


class SubmissionDetailSerializer(SubmissionSerializer):
    events = SubmissionEventSerializer(many=True, read_only=True)
    acts = serializers.SerializerMethodField(help_text="各办理事项对当前用户是否开放及原因（与页面按钮一致）")

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "snapshot", "diff", "events", "acts"]

    @extend_schema_field(SubmissionActSerializer(many=True))
    def get_acts(self, obj: Submission) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"kind": a.kind, "label": a.label, "allowed": a.allowed, "reason": a.reason}
            for a in submission_acts.available_acts(obj, request.user)
        ]


class PrepareSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    year = serializers.IntegerField(min_value=2009, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class ConfirmSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    confirm = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="下级未报或重报清单有变化时，须带上 409 答复中的 confirm 值再次提交，表示已核对确认",
    )


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    reason = serializers.CharField(max_length=300)


@extend_schema_view(
    prepare=extend_schema(request=PrepareSerializer, responses={201: SubmissionDetailSerializer}),
    submit=extend_schema(request=ConfirmSerializer, responses=SubmissionDetailSerializer),
    return_=extend_schema(request=ReasonSerializer, responses=SubmissionDetailSerializer),
    sign_off=extend_schema(request=None, responses=SubmissionDetailSerializer),
    reopen=extend_schema(request=ReasonSerializer, responses=SubmissionDetailSerializer),
)
class SubmissionViewSet(ScopedReadOnlyViewSet):
    """逐级报送的报表（新增对象月报、进度月报）。本级生成（prepare）并报送（submit）；上级退回
    （return，须写原因）、审核确认（sign-off，确认后锁定）或重新打开（reopen，须写原因）。"""

    scoped_queryset = Submission.objects.select_related("region", "region__parent", "submitted_by", "reviewed_by")
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
        return SubmissionSerializer if self.action == "list" else SubmissionDetailSerializer

    def _run(self, call: Callable[[], Submission], code: int = status.HTTP_200_OK) -> Response:
        submission = call()
        return Response(SubmissionDetailSerializer(submission, context=self.get_serializer_context()).data, status=code)

    @action(detail=False, methods=["post"])
    def prepare(self, request: Request, format: str | None = None) -> Response:
        data = PrepareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        region = user.region
        if region is None:
            raise DjangoPermissionDenied("请以本级报送单位的账号生成报表。")
        return self._run(
            lambda: services.submission_prepare(acting_user=user, region=region, **data.validated_data),
            status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        submission = self.get_object()
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            return self._run(
                lambda: services.submission_submit(
                    acting_user=signed_in_user(request),
                    submission=submission,
                    confirm=data.validated_data.get("confirm", ""),
                )
            )
        except ConfirmationNeeded as exc:  # what to confirm, and the value that confirms it
            w = exc.warnings
            body = {"detail": exc.messages[0], "confirm": w.token, "unreported": w.unreported}
            body |= {"added": w.added, "removed": w.removed} if w.resubmission else {}
            return Response(body, status=status.HTTP_409_CONFLICT)

    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        submission = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            lambda: services.submission_return(
                acting_user=signed_in_user(request), submission=submission, reason=data.validated_data["reason"]
            )
        )

    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        submission = self.get_object()
        return self._run(
            lambda: services.submission_sign_off(acting_user=signed_in_user(request), submission=submission)
        )

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        submission = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            lambda: services.submission_reopen(
                acting_user=signed_in_user(request), submission=submission, reason=data.validated_data["reason"]
            )
        )


class TimelinessCellSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    due_on = serializers.DateField()
    state = serializers.CharField(help_text="on_time 按时、late 逾期报送、missing 未报、not_due 未到期")
    submission = serializers.IntegerField(source="submission.pk", default=None, allow_null=True)
    status = serializers.CharField(source="submission.status", default=None, allow_null=True)
    first_submitted_on = serializers.DateField(allow_null=True, help_text="首次报送（村级清单：首次签字）日期")
    status_label = serializers.CharField(help_text="审核状态（村级清单：第几次、何种报送）")


class TimelinessSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_code = serializers.CharField(source="parent.code")
    kind = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    reporting_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    cells = TimelinessCellSerializer(many=True)


class TimelinessViewSet(viewsets.ViewSet):
    """报送及时率：某月某种报表，指定单位（默认本级）的各下级单位按时、逾期报送、未报、未到期及比率。"""

    schema = SingleObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=[*ReportKind.values, selectors.VILLAGE_LIST],
                description="报表，默认 monthly_list；village_list 为村级疑似危房清单（按年，month 只定年度）",
            ),
            OpenApiParameter("year", int),
            OpenApiParameter("month", int),
            OpenApiParameter("region", str, description="上级单位区划代码，默认本级"),
        ],
        responses=TimelinessSerializer,
    )
    def list(self, request: Request, format: str | None = None) -> Response:
        today = timezone.localdate()
        kind = request.query_params.get("kind") or ReportKind.MONTHLY_LIST
        year = query_int(request, "year", default=today.year, low=2009, high=2100, label="年度")
        month = query_int(request, "month", default=today.month, low=1, high=12, label="月份")
        kinds = [*ReportKind.values, selectors.VILLAGE_LIST]
        if kind not in kinds:
            raise DjangoValidationError(f"报表应为：{'、'.join(kinds)}。")
        parent = selectors.board_parent(request.user, request.query_params.get("region"))
        if parent is None:
            raise Http404("区划不存在或不在您的管辖范围内。")
        if kind == selectors.VILLAGE_LIST:
            board = selectors.village_list_board(parent=parent, year=year, user=request.user, today=today)
        else:
            board = selectors.board(parent=parent, kind=kind, year=year, month=month, today=today)
        return Response(TimelinessSerializer(board).data)


class CalendarSerializer(ConfigSerializer):
    class Meta:
        model = ReportingCalendar
        fields = CONFIG_FIELDS


class CalendarDetailSerializer(CalendarSerializer):
    class Meta(CalendarSerializer.Meta):
        fields = [*CONFIG_FIELDS, "content"]


class CalendarUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    name = serializers.CharField(allow_blank=True)
    content = serializers.JSONField(
        help_text="报送日历 JSON：reports（各级截止日）、remind_days、return_days（退回后重报天数）、plans（年度阶段）"
    )
    note = serializers.CharField(required=False, default="", allow_blank=True)


@extend_schema_view(
    update=extend_schema(request=CalendarUpdateSerializer, responses=CalendarDetailSerializer),
    partial_update=extend_schema(request=CalendarUpdateSerializer(partial=True), responses=CalendarDetailSerializer),
    derive=extend_schema(request=ConfigDeriveSerializer, responses={201: CalendarDetailSerializer}),
    activate=extend_schema(request=None, responses=CalendarDetailSerializer),
)
class ReportingCalendarViewSet(VersionedConfigViewSet):
    """报送日历（各级截止日、提醒天数、年度工作方案阶段）。省住建厅建立本省草稿（derive）、
    修改（PUT/PATCH，逐条说明问题）、启用（activate）。"""

    scoped_queryset = ReportingCalendar.objects.select_related("created_by")
    serializer_class = CalendarSerializer
    detail_serializer_class = CalendarDetailSerializer
    update_serializer_class = CalendarUpdateSerializer
    ensure_national = staticmethod(services.ensure_national_calendar)
    update_service = staticmethod(services.calendar_update)
    derive_service = staticmethod(services.calendar_derive)
    activate_service = staticmethod(services.calendar_activate)
    config_kwarg = "calendar"


class WorkPlanSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    county = serializers.CharField(source="region_code", read_only=True)
    county_name = serializers.CharField(source="region.name", read_only=True)
    acts = serializers.SerializerMethodField()

    class Meta:
        model = WorkPlan
        fields = ["id", "county", "county_name", "year", "version", "status", "note", "content", "activated_at", "acts"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_acts(self, obj: WorkPlan) -> list[dict[str, Any]]:
        user = self.context["request"].user
        return [
            {"kind": a.kind, "label": a.label, "allowed": a.allowed, "reason": a.reason}
            for a in workplan_acts.available_acts(obj, user)
        ]


class WorkPlanCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    year = serializers.IntegerField(min_value=2009, max_value=2100)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class WorkPlanUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    content = serializers.JSONField()
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


@extend_schema_view(
    create=extend_schema(request=WorkPlanCreateSerializer, responses={201: WorkPlanSerializer}),
    partial_update=extend_schema(request=WorkPlanUpdateSerializer, responses=WorkPlanSerializer),
    activate=extend_schema(request=None, responses=WorkPlanSerializer),
)
class WorkPlanViewSet(ScopedReadOnlyViewSet):
    """县（区）年度工作方案（ADR 0037）。本县区/县住建局新建版本（POST，year）、修改草稿（PATCH
    content：任务目标、实施阶段、责任单位、联系人）、印发生效（activate）；乡镇可读。阶段重叠或超出
    本年、把进行中的阶段提前到今天以前，都以中文说明拒绝。"""

    scoped_queryset = WorkPlan.objects.select_related("region")
    serializer_class = WorkPlanSerializer
    filterset_class = WorkPlanFilter

    def _answer(self, plan: WorkPlan, code: int = status.HTTP_200_OK) -> Response:
        return Response(WorkPlanSerializer(plan, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, format: str | None = None) -> Response:
        data = WorkPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        if user.region is None:
            raise DjangoPermissionDenied("请以区/县住建局账号编制年度工作方案。")
        plan = services.workplan_draft(acting_user=user, county=user.region, **data.validated_data)
        return self._answer(plan, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        plan = self.get_object()
        data = WorkPlanUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.workplan_update(acting_user=signed_in_user(request), plan=plan, **data.validated_data)
        return self._answer(plan)

    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        plan = services.workplan_activate(acting_user=signed_in_user(request), plan=self.get_object())
        return self._answer(plan)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("submissions", SubmissionViewSet, basename="submission")
    router.register("timeliness", TimelinessViewSet, basename="timeliness")
    router.register("reporting-calendars", ReportingCalendarViewSet, basename="reportingcalendar")
    router.register("work-plans", WorkPlanViewSet, basename="workplan")
