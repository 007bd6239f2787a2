"""API of the tasks app: the year's tasks with their allocation and progress figures, and
issuing (to a county) or allocating (to a township, given the county task as ``parent``)
through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.eligibility.choices import Programme
from anju.regions.models import Region
from anju.tasks import selectors, services
from anju.tasks.choices import TaskKind
from anju.tasks.models import Task
from anju.tasks.selectors import ProgressRow


class TaskProgressSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    annual = serializers.IntegerField(help_text="该区划本年度该项目的年度任务户数")
    dynamic = serializers.IntegerField(help_text="动态新增任务户数")
    task_total = serializers.IntegerField(help_text="年度 + 动态，案件合并计入")
    filed = serializers.IntegerField(allow_null=True)
    started = serializers.IntegerField(allow_null=True)
    completed = serializers.IntegerField(allow_null=True)
    accepted = serializers.IntegerField(allow_null=True)
    closed = serializers.IntegerField(allow_null=True)
    dynamic_new = serializers.IntegerField(
        allow_null=True, help_text="已建案的动态新增（突发严重困难户、灾害致危）案件，计入动态新增任务"
    )
    completion_rate = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text="竣工户数 ÷ 合计任务 × 100"
    )
    of_kind = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="只计标为本任务类型（年度任务或动态新增）的案件：filed/started/completed/accepted/closed",
    )
    of_kind_completion_rate = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text="本类型竣工户数 ÷ 本类型任务 × 100"
    )


class RenovationTaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    region_name = serializers.CharField(source="region.name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="annual 年度任务 / dynamic 动态新增")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    programme_label = serializers.CharField(source="get_programme_display", read_only=True)
    issued_by = serializers.CharField(source="issued_by.username", read_only=True, allow_null=True)
    allocated = serializers.SerializerMethodField(help_text="县级任务：各乡镇分配之和；乡镇任务为空")
    allocation_gap = serializers.SerializerMethodField(help_text="已分配 − 任务（正数为超分，负数为未分完）")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "year",
            "programme",
            "programme_label",
            "kind",
            "kind_label",
            "region_code",
            "region_name",
            "count",
            "parent",
            "allocated",
            "allocation_gap",
            "issued_by",
            "issued_on",
            "note",
            "progress",
        ]

    def _row(self, obj: Task) -> ProgressRow | None:
        rows: dict[int, ProgressRow] = self.context.get("rows") or {}
        return rows.get(obj.pk)

    def get_allocated(self, obj: Task) -> int | None:
        row = self._row(obj)
        if row is None or not row.is_county:
            return None
        return row.allocated_annual if obj.kind == TaskKind.ANNUAL else row.allocated_dynamic

    def get_allocation_gap(self, obj: Task) -> int | None:
        allocated = self.get_allocated(obj)
        return None if allocated is None else allocated - obj.count

    @extend_schema_field(TaskProgressSerializer(allow_null=True))
    def get_progress(self, obj: Task) -> dict[str, Any] | None:
        row = self._row(obj)
        if row is None:
            return None
        figures: dict[str, Any] = row.figures or dict.fromkeys(selectors.CASE_FIGURES)
        progress = {
            "annual": row.annual_count,
            "dynamic": row.dynamic_count,
            "task_total": row.task_total,
            **figures,
            "completion_rate": row.completion_rate,
            "of_kind": row.figures_by_kind[obj.kind] if row.figures_by_kind else None,
            "of_kind_completion_rate": (rate.value if (rate := row.kind_completion(obj.kind)) is not None else None),
        }
        return dict(TaskProgressSerializer(progress).data)  # as the schema says (rate as a string)


class RenovationTaskCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a field named like Field.parent
        required=False, allow_null=True, default=None, help_text="分解时填县级任务 id；下达时省略"
    )
    region = serializers.CharField(help_text="下达：县（区）区划代码；分解：乡镇区划代码")
    year = serializers.IntegerField(required=False, help_text="下达时必填（分解沿用县级任务）")
    programme = serializers.ChoiceField(choices=Programme.choices, required=False, help_text="下达时必填")
    # A plain string in the schema (another app's "kind" enum has the name); the service checks it.
    kind = serializers.CharField(required=False, help_text="下达时必填：annual 年度任务 / dynamic 动态新增")
    count = serializers.IntegerField()
    note = serializers.CharField(required=False, default="", allow_blank=True)


YEAR_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="年度，省略为今年"),
    OpenApiParameter("county", OpenApiTypes.STR, description="只看该县（区）及其乡镇（区划代码）"),
]


class TaskViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]  # drf-stubs: generic over the model; left unparametrised
    """改造任务：省（市）向县（区）下达年度任务、动态新增任务，县（区）分解到乡镇。列表为某一年度
    本人可见的任务（本辖区及上级下达到本县的任务），附分解情况和进度（案件合并计入年度 + 动态）。
    POST 不带 parent 为下达（省住建厅、市住建局），带 parent 为分解到乡镇（区/县住建局）；
    各乡镇合计多于或少于县级任务时照常保存，由 allocation_gap 标出。"""

    serializer_class = RenovationTaskSerializer
    queryset = Task.objects.none()

    def _year(self) -> int:
        text = self.request.query_params.get("year", "").strip()
        if not text:
            return timezone.localdate().year
        if not (text.isdigit() and 2009 <= int(text) <= 2100):
            raise exceptions.ValidationError({"year": "年度应为 2009–2100 的四位数字。"})
        return int(text)

    def _county(self) -> Region | None:
        code = self.request.query_params.get("county", "").strip()
        if not code:
            return None
        county = Region.objects.visible_to(self.request.user).filter(code=code).first()
        if county is None:
            raise exceptions.NotFound("区划不存在或不在您的管辖范围内。")
        return county

    def get_queryset(self) -> QuerySet[Task]:
        qs = selectors.tasks_visible(self.request.user)
        if self.action != "list":
            return qs
        qs = qs.filter(year=self._year())
        county = self._county()
        if county is not None:
            qs = qs.filter(region_code__subtree=county.prefix)
        return qs

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        year = self._year() if self.action == "list" else None
        if year is not None:
            context["rows"] = selectors.task_rows_for(self.request.user, year, self._county())
        return context

    @extend_schema(parameters=YEAR_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RenovationTaskCreateSerializer, responses={201: RenovationTaskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RenovationTaskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        region = Region.objects.filter(code=values["region"].strip()).first()
        if values["parent"] is not None:
            parent = selectors.tasks_visible(request.user).filter(pk=values["parent"]).first()
            if parent is None:
                raise exceptions.NotFound("任务不存在或不在您的管辖范围内。")
            if region is None:
                raise exceptions.ValidationError({"region": "区划代码不存在。"})
            task = services.task_allocate(
                acting_user=signed_in_user(request),
                task=parent,
                township=region,
                count=values["count"],
                note=values["note"],
            )
        else:
            missing = {k: "下达任务时必填。" for k in ("year", "programme", "kind") if k not in values}
            if missing:
                raise exceptions.ValidationError(missing)
            if region is None or not Region.objects.visible_to(request.user).filter(pk=region.pk).exists():
                raise exceptions.NotFound("区划不存在或不在您的管辖范围内。")
            task = services.task_issue(
                acting_user=signed_in_user(request),
                county=region,
                year=values["year"],
                programme=values["programme"],
                kind=values["kind"],
                count=values["count"],
                note=values["note"],
            )
        rows = selectors.task_rows_for(request.user, task.year)
        body = RenovationTaskSerializer(task, context={**self.get_serializer_context(), "rows": rows}).data
        return Response(body, status=status.HTTP_201_CREATED)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("tasks", TaskViewSet, basename="task")
