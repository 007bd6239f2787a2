"""API of the township duties: lists and details of every record (traditional villages and
houses, house checks, projects with their reports, craftsmen, trainings, 三师下乡, publicity,
teams and members, team tasks), scoped like the pages and filtered by the same FilterSets; team
members' phones masked by ``PersonalField``.

Writes (issue 22, ADR 0046) call the same services as the pages. The order of the checks: the
acts table on the role alone (403), then the place or object the request names, looked up in the
user's scope (404 — another county's object is not there), then the body's types (400), then the
service, which asks the table again with the object and checks the rules (400/403 in Chinese,
nothing written). Photos and the sign-in sheet come as multipart."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from anju.accounts.actors import signed_in_user
from anju.accounts.models import User
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.core.masking import Kind, PersonalField
from anju.core.scoping import RegionScopedQuerySet
from anju.households.models import House
from anju.kit.api_versioning import CONFIG_FIELDS, ConfigDeriveSerializer, ConfigSerializer, VersionedConfigViewSet
from anju.regions.models import Region
from anju.township import api_bodies as bodies
from anju.township import selectors, services
from anju.township.acts import DutyAct, act_refusal
from anju.township.filters import (
    CraftsmanFilter,
    ExpertVisitFilter,
    HouseFilter,
    MemberFilter,
    ProjectFilter,
    PublicityFilter,
    TrainingFilter,
)
from anju.township.models import (
    Craftsman,
    DutyPolicy,
    ExpertVisit,
    HouseCheck,
    Project,
    ProjectReport,
    PublicityActivity,
    TeamMember,
    TeamTask,
    TraditionalHouse,
    TraditionalVillage,
    TrainingSession,
    WorkingTeam,
)
from anju.township.policy import ensure_national_policy


def _may(user: Any, kind: str = DutyAct.RECORD) -> None:
    """The acts table on the role alone, before any place named in the body is looked up."""
    reason = act_refusal(None, user, kind)
    if reason:
        raise exceptions.PermissionDenied(reason)


def _visible(queryset: RegionScopedQuerySet[Any], user: Any, what: str, **lookup: Any) -> Any:
    """An object named in a request body, in the user's scope; else a 404 in Chinese."""
    found = queryset.visible_to(user).filter(**lookup).first()
    if found is None:
        raise exceptions.NotFound(f"{what}不存在或不在您的管辖范围内。")
    return found


def _visible_all(queryset: RegionScopedQuerySet[Any], user: Any, what: str, field: str, keys: list[Any]) -> list[Any]:
    """Several objects by key, in the order given; any one missing or out of scope is a 404."""
    keys = list(dict.fromkeys(keys))
    found = {getattr(o, field): o for o in queryset.visible_to(user).filter(**{f"{field}__in": keys})}
    missing = [str(k) for k in keys if k not in found]
    if missing:
        raise exceptions.NotFound(f"{what}不存在或不在您的管辖范围内：{'、'.join(missing)}")
    return [found[k] for k in keys]


def _named_id(request: Request, field: str) -> int | None:
    """The id a body names, read before the body is validated (so that another county's object
    is a 404 whatever else the body says); None when absent or not a whole number."""
    raw = request.data.get(field)
    text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _region_first(request: Request, user: Any) -> Region | None:
    """Role, then the region the body names (404 when outside the user's scope)."""
    _may(user)
    raw = request.data.get("region_code")
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 12:
        return None  # the body's validation says what is wrong; looked up again after it
    found: Region = _visible(Region.objects.all(), user, "区划", code=raw.strip())
    return found


def _region_then(found: Region | None, values: dict[str, Any], user: Any) -> Region:
    code = values.pop("region_code")
    region: Region = found if found is not None else _visible(Region.objects.all(), user, "区划", code=code)
    return region


def _first(request: Request, user: Any, field: str, queryset: RegionScopedQuerySet[Any], what: str) -> Any:
    """Role, then the object the body names by id (404 when outside the user's scope)."""
    _may(user)
    pk = _named_id(request, field)
    return _visible(queryset, user, what, pk=pk) if pk is not None else None


def _then(
    found: Any, values: dict[str, Any], user: Any, field: str, queryset: RegionScopedQuerySet[Any], what: str
) -> Any:
    pk = values.pop(field)
    return found if found is not None else _visible(queryset, user, what, pk=pk)


def _optional(values: dict[str, Any], user: Any, field: str, queryset: RegionScopedQuerySet[Any], what: str) -> None:
    pk = values.get(field)
    values[field] = _visible(queryset, user, what, pk=pk) if pk else None


def _body(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance
    """The body's types checked (400 in Chinese); files taken from the multipart request."""
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    if "photos" in serializer().fields:
        values["photos"] = request.FILES.getlist("photos")
    if "signin_sheet" in serializer().fields:
        values["signin_sheet"] = request.FILES.get("signin_sheet")
    return values


def _photos(serializer: Any, photos: Any) -> list[str]:
    request = serializer.context.get("request")
    return [request.build_absolute_uri(p.view_url) if request else p.view_url for p in photos.all()]


class VillageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = TraditionalVillage
        fields = [
            "id",
            "region_code",
            "name",
            "level",
            "level_label",
            "listed_year",
            "protection_plan",
            "plan_approved_on",
        ]


class TraditionalHouseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    village_name = serializers.CharField(source="village.name", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    last_check = serializers.DateField(read_only=True, allow_null=True)
    check_due = serializers.BooleanField(read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = TraditionalHouse
        fields = [
            "id", "region_code", "village", "village_name", "house", "name", "owner_name", "built_era",
            "structure", "grade", "grade_label", "requirements", "last_check", "check_due", "photos",
        ]  # fmt: skip

    def get_photos(self, obj: TraditionalHouse) -> list[str]:
        return _photos(self, obj.photos)


class HouseCheckSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    class Meta:
        model = HouseCheck
        fields = ["id", "region_code", "house", "checked_on", "checker", "condition", "note", "task"]


class ReportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    photos = serializers.SerializerMethodField()

    class Meta:
        model = ProjectReport
        fields = ["id", "reported_on", "progress", "text", "photos"]

    def get_photos(self, obj: ProjectReport) -> list[str]:
        return _photos(self, obj.photos)


class ProjectSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    township_name = serializers.CharField(source="township.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    late = serializers.CharField(source="late_reason", read_only=True)
    reports = ReportSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "region_code", "township_name", "region_name", "name", "kind", "kind_label", "year", "budget",
            "responsible_unit", "planned_start", "planned_end", "actual_start", "actual_end", "progress", "status",
            "status_label", "accepted_on", "acceptance_note", "late", "reports",
        ]  # fmt: skip


class CraftsmanSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    phone = PersonalField(kind=Kind.PHONE, read_only=True)
    training_count = serializers.IntegerField(read_only=True)
    case_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Craftsman
        fields = [
            "id",
            "region_code",
            "name",
            "phone",
            "certificate_no",
            "certified_on",
            "skills",
            "training_count",
            "case_count",
        ]


class TrainingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    attendees = serializers.SerializerMethodField()
    craftsmen = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    has_signin_sheet = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = [
            "id", "region_code", "topic", "category", "category_label", "trainer", "starts_on", "ends_on", "hours",
            "place", "attendees", "craftsmen", "photos", "has_signin_sheet",
        ]  # fmt: skip

    def get_attendees(self, obj: TrainingSession) -> list[str]:
        return [u.display_name() for u in obj.attendees.all()]

    def get_craftsmen(self, obj: TrainingSession) -> list[str]:
        return [str(c) for c in obj.craftsmen.all()]

    def get_photos(self, obj: TrainingSession) -> list[str]:
        return _photos(self, obj.photos)

    def get_has_signin_sheet(self, obj: TrainingSession) -> bool:
        return bool(obj.signin_sheet)


class ExpertVisitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    expert_kind_label = serializers.CharField(source="get_expert_kind_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = ExpertVisit
        fields = [
            "id", "region_code", "region_name", "visited_on", "expert_name", "expert_kind", "expert_kind_label",
            "organisation", "advice", "follow_up", "followed_up_on",
        ]  # fmt: skip


class PublicitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    form_label = serializers.CharField(source="get_form_display", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = PublicityActivity
        fields = [
            "id",
            "region_code",
            "held_on",
            "place",
            "form",
            "form_label",
            "audience",
            "summary",
            "materials",
            "photos",
        ]

    def get_photos(self, obj: PublicityActivity) -> list[str]:
        return _photos(self, obj.photos)


class TeamMemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    phone = PersonalField(kind=Kind.PHONE, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    village_code = serializers.CharField(source="team.region_code", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "team", "village_code", "name", "role", "role_label", "phone", "user", "since", "until"]


class TeamSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    village_name = serializers.CharField(source="region.name", read_only=True)
    members = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = WorkingTeam
        fields = ["id", "region_code", "village_name", "established_on", "duties", "members"]


class TeamTaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    assignee_name = serializers.CharField(source="assignee.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = TeamTask
        fields = [
            "id", "region_code", "team", "assignee", "assignee_name", "kind", "kind_label", "title",
            "traditional_house", "due_on", "done_on", "done_note",
        ]  # fmt: skip


class DutyViewSet(ScopedReadOnlyViewSet):
    """The township's lists; a write answers with the object as its list shows it."""

    def _answer(self, obj: Any, code: int = status.HTTP_201_CREATED) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=code)


MULTIPART = "multipart/form-data"


class VillageViewSet(DutyViewSet):
    """传统村落。POST 登记（乡镇建环办或区县住建部门，村级区划）。"""

    scoped_queryset = TraditionalVillage.objects.select_related("region").order_by("region_code", "name")
    serializer_class = VillageSerializer

    @extend_schema(request=bodies.VillageBody, responses={201: VillageSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        found = _region_first(request, user)
        values = _body(bodies.VillageBody, request)
        region = _region_then(found, values, user)
        return self._answer(services.village_add(acting_user=user, region=region, **values))


class HouseViewSet(DutyViewSet):
    """传统民居。POST（multipart）登记民居及照片。"""

    serializer_class = TraditionalHouseSerializer
    filterset_class = HouseFilter

    scoped_queryset = TraditionalHouse.objects.all()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return TraditionalHouse.objects.none()
        # The selector's own scoping (visible_to) with the last check and whether one is due.
        return selectors.houses_queryset(self.request.user).prefetch_related("photos")

    @extend_schema(request={MULTIPART: bodies.HouseBody}, responses={201: TraditionalHouseSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        villages = TraditionalVillage.objects.select_related("region")
        found = _first(request, user, "village", villages, "传统村落")
        values = _body(bodies.HouseBody, request)
        values["village"] = _then(found, values, user, "village", villages, "传统村落")
        _optional(values, user, "house", House.objects.all(), "房屋")
        return self._answer(services.traditional_house_add(acting_user=user, **values))


class HouseCheckViewSet(DutyViewSet):
    """传统民居巡查记录。POST 登记一次巡查；注明专班任务时该任务随之完成（责任人本人也可登记）。"""

    scoped_queryset = HouseCheck.objects.order_by("-checked_on", "-pk")
    serializer_class = HouseCheckSerializer

    @extend_schema(request=bodies.HouseCheckBody, responses={201: HouseCheckSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        houses = TraditionalHouse.objects.all()
        # No role check first: a team member's own task lets them record it (the service decides).
        pk = _named_id(request, "house")
        found = _visible(houses, user, "传统民居", pk=pk) if pk is not None else None
        values = _body(bodies.HouseCheckBody, request)
        house = found if found is not None else _visible(houses, user, "传统民居", pk=values["house"])
        values.pop("house")
        _optional(values, user, "task", TeamTask.objects.all(), "专班任务")
        return self._answer(services.house_check_record(acting_user=user, house=house, **values))


class ProjectViewSet(DutyViewSet):
    """人居环境项目和示范点。POST 登记项目；report（multipart）报告进度及照片，100% 即完工；
    accept 由区县住建部门验收已完工项目。"""

    scoped_queryset = (
        Project.objects.select_related("township", "region")
        .prefetch_related("reports__photos")
        .order_by("region_code", "pk")
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    @extend_schema(request=bodies.ProjectBody, responses={201: ProjectSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        found = _region_first(request, user)
        values = _body(bodies.ProjectBody, request)
        region = _region_then(found, values, user)
        return self._answer(services.project_create(acting_user=user, region=region, **values))

    @extend_schema(request={MULTIPART: bodies.ReportBody}, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        project = self.get_object()
        values = _body(bodies.ReportBody, request)
        services.project_report(acting_user=signed_in_user(request), project=project, **values)
        return self._answer(project)

    @extend_schema(request=bodies.AcceptBody, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        project = self.get_object()
        values = _body(bodies.AcceptBody, request)
        services.project_accept(acting_user=signed_in_user(request), project=project, **values)
        return self._answer(project, status.HTTP_200_OK)


class CraftsmanViewSet(DutyViewSet):
    """农村建筑工匠。POST 登记工匠及培训证书。"""

    serializer_class = CraftsmanSerializer
    filterset_class = CraftsmanFilter
    scoped_queryset = Craftsman.objects.all()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Craftsman.objects.none()
        # The selector's own scoping (visible_to) with the trainings and cases counted.
        return selectors.craftsmen_queryset(self.request.user)

    @extend_schema(request=bodies.CraftsmanBody, responses={201: CraftsmanSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        found = _region_first(request, user)
        values = _body(bodies.CraftsmanBody, request)
        region = _region_then(found, values, user)
        return self._answer(services.craftsman_register(acting_user=user, region=region, **values))


class TrainingViewSet(DutyViewSet):
    """培训。POST（multipart）登记培训：参训人员（用户名）和工匠（编号）至少一人，签到表、照片。"""

    scoped_queryset = TrainingSession.objects.prefetch_related("attendees", "craftsmen", "photos").order_by(
        "-starts_on", "-pk"
    )
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    @extend_schema(request={MULTIPART: bodies.TrainingBody}, responses={201: TrainingSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        found = _region_first(request, user)
        values = _body(bodies.TrainingBody, request)
        region = _region_then(found, values, user)
        values["attendees"] = _visible_all(
            User.objects.get_queryset(), user, "参训人员", "username", values.get("attendees", [])
        )
        values["craftsmen"] = _visible_all(Craftsman.objects.all(), user, "工匠", "pk", values.get("craftsmen", []))
        return self._answer(services.training_record(acting_user=user, region=region, **values))


class ExpertVisitViewSet(DutyViewSet):
    """三师下乡。POST 登记服务及指导意见；follow-up 登记落实情况。"""

    scoped_queryset = ExpertVisit.objects.select_related("region").order_by("-visited_on", "-pk")
    serializer_class = ExpertVisitSerializer
    filterset_class = ExpertVisitFilter

    @extend_schema(request=bodies.ExpertVisitBody, responses={201: ExpertVisitSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        found = _region_first(request, user)
        values = _body(bodies.ExpertVisitBody, request)
        region = _region_then(found, values, user)
        return self._answer(services.expert_visit_record(acting_user=user, region=region, **values))

    @extend_schema(request=bodies.FollowUpBody, responses={200: ExpertVisitSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        visit = self.get_object()
        values = _body(bodies.FollowUpBody, request)
        services.expert_visit_follow_up(acting_user=signed_in_user(request), visit=visit, **values)
        return self._answer(visit, status.HTTP_200_OK)


class PublicityViewSet(DutyViewSet):
    """政策宣传。POST（multipart）登记宣传活动及照片。"""

    scoped_queryset = PublicityActivity.objects.prefetch_related("photos").order_by("-held_on", "-pk")
    serializer_class = PublicitySerializer
    filterset_class = PublicityFilter

    @extend_schema(request={MULTIPART: bodies.PublicityBody}, responses={201: PublicitySerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        found = _region_first(request, user)
        values = _body(bodies.PublicityBody, request)
        region = _region_then(found, values, user)
        return self._answer(services.publicity_record(acting_user=user, region=region, **values))


class TeamViewSet(DutyViewSet):
    """住房保障工作专班（每村一个）。POST 成立专班。"""

    scoped_queryset = WorkingTeam.objects.select_related("region").prefetch_related("members").order_by("region_code")
    serializer_class = TeamSerializer

    @extend_schema(request=bodies.TeamBody, responses={201: TeamSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        found = _region_first(request, user)
        values = _body(bodies.TeamBody, request)
        region = _region_then(found, values, user)
        return self._answer(services.team_establish(acting_user=user, region=region, **values))


class MemberViewSet(DutyViewSet):
    """专班成员（电话脱敏）。POST 增加成员及任职期间。"""

    scoped_queryset = TeamMember.objects.select_related("team").order_by("team__region_code", "pk")
    serializer_class = TeamMemberSerializer
    filterset_class = MemberFilter

    @extend_schema(request=bodies.MemberBody, responses={201: TeamMemberSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        teams = WorkingTeam.objects.select_related("region")
        found = _first(request, user, "team", teams, "专班")
        values = _body(bodies.MemberBody, request)
        values["team"] = _then(found, values, user, "team", teams, "专班")
        username = values.pop("user")
        values["user"] = _visible(User.objects.get_queryset(), user, "用户", username=username) if username else None
        return self._answer(services.team_member_add(acting_user=user, **values))


class TaskViewSet(DutyViewSet):
    """专班任务。POST 下达任务；complete 由责任人本人或乡镇建环办登记完成。"""

    scoped_queryset = TeamTask.objects.select_related("assignee").order_by("due_on", "pk")
    serializer_class = TeamTaskSerializer

    @extend_schema(request=bodies.TaskBody, responses={201: TeamTaskSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        user = signed_in_user(request)
        teams = WorkingTeam.objects.select_related("region")
        found = _first(request, user, "team", teams, "专班")
        values = _body(bodies.TaskBody, request)
        values["team"] = _then(found, values, user, "team", teams, "专班")
        values["assignee"] = _visible(TeamMember.objects.all(), user, "专班成员", pk=values["assignee"])
        _optional(values, user, "traditional_house", TraditionalHouse.objects.all(), "传统民居")
        return self._answer(services.team_task_assign(acting_user=user, **values))

    @extend_schema(request=bodies.CompleteBody, responses={200: TeamTaskSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        task = self.get_object()
        values = _body(bodies.CompleteBody, request)
        services.team_task_complete(acting_user=signed_in_user(request), task=task, **values)
        return self._answer(task, status.HTTP_200_OK)


class DutyPolicySerializer(ConfigSerializer):
    class Meta:
        model = DutyPolicy
        fields = CONFIG_FIELDS


class DutyPolicyDetailSerializer(DutyPolicySerializer):
    class Meta(DutyPolicySerializer.Meta):
        fields = [*CONFIG_FIELDS, "content"]


class DutyPolicyUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    name = serializers.CharField(allow_blank=True, max_length=100)
    content = serializers.JSONField(
        help_text="乡镇职责规则 JSON：report_every_days、house_check_every_days、max_photos、protection_items"
    )
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)


@extend_schema_view(
    update=extend_schema(request=DutyPolicyUpdateSerializer, responses=DutyPolicyDetailSerializer),
    partial_update=extend_schema(
        request=DutyPolicyUpdateSerializer(partial=True), responses=DutyPolicyDetailSerializer
    ),
    derive=extend_schema(request=ConfigDeriveSerializer, responses={201: DutyPolicyDetailSerializer}),
    activate=extend_schema(request=None, responses=DutyPolicyDetailSerializer),
)
class DutyPolicyViewSet(VersionedConfigViewSet):
    """乡镇职责规则（进度报告间隔、巡查间隔、照片上限、传统民居验收项目）。省住建厅建立本省草稿
    （derive）、修改（PUT/PATCH，逐条说明问题）、启用（activate）。"""

    scoped_queryset = DutyPolicy.objects.select_related("created_by")
    serializer_class = DutyPolicySerializer
    detail_serializer_class = DutyPolicyDetailSerializer
    update_serializer_class = DutyPolicyUpdateSerializer
    ensure_national = staticmethod(ensure_national_policy)
    update_service = staticmethod(services.duty_policy_update)
    derive_service = staticmethod(services.duty_policy_derive)
    activate_service = staticmethod(services.duty_policy_activate)
    config_kwarg = "policy"


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("traditional-villages", VillageViewSet, basename="traditional-village")
    router.register("traditional-houses", HouseViewSet, basename="traditional-house")
    router.register("traditional-house-checks", HouseCheckViewSet, basename="traditional-house-check")
    router.register("environment-projects", ProjectViewSet, basename="environment-project")
    router.register("craftsmen", CraftsmanViewSet, basename="craftsman")
    router.register("trainings", TrainingViewSet, basename="training")
    router.register("expert-visits", ExpertVisitViewSet, basename="expert-visit")
    router.register("publicity-activities", PublicityViewSet, basename="publicity-activity")
    router.register("working-teams", TeamViewSet, basename="working-team")
    router.register("team-members", MemberViewSet, basename="team-member")
    router.register("team-tasks", TaskViewSet, basename="team-task")
    router.register("duty-policies", DutyPolicyViewSet, basename="dutypolicy")
