"""API of the township duties: read-only lists and details of every record (traditional
villages and houses, house checks, projects with their reports, craftsmen, trainings, 三师下乡,
publicity, teams and members, team tasks), scoped like the pages and filtered by the same
FilterSets; team members' phones masked by ``PersonalField``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from anju.core.api_base import ScopedReadOnlyViewSet
from anju.core.masking import Kind, PersonalField
from anju.township import selectors
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


class HouseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
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


class MemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    phone = PersonalField(kind=Kind.PHONE, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    village_code = serializers.CharField(source="team.region_code", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "team", "village_code", "name", "role", "role_label", "phone", "user", "since", "until"]


class TeamSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    village_name = serializers.CharField(source="region.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = WorkingTeam
        fields = ["id", "region_code", "village_name", "established_on", "duties", "members"]


class TaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    assignee_name = serializers.CharField(source="assignee.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = TeamTask
        fields = [
            "id", "region_code", "team", "assignee", "assignee_name", "kind", "kind_label", "title",
            "traditional_house", "due_on", "done_on", "done_note",
        ]  # fmt: skip


class VillageViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = TraditionalVillage.objects.select_related("region").order_by("region_code", "name")
    serializer_class = VillageSerializer


class HouseViewSet(ScopedReadOnlyViewSet):
    serializer_class = HouseSerializer
    filterset_class = HouseFilter

    scoped_queryset = TraditionalHouse.objects.all()

    def get_queryset(self) -> Any:
        # The selector's own scoping (visible_to) with the last check and whether one is due.
        return selectors.houses_queryset(self.request.user).prefetch_related("photos")


class HouseCheckViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = HouseCheck.objects.order_by("-checked_on", "-pk")
    serializer_class = HouseCheckSerializer


class ProjectViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = (
        Project.objects.select_related("township", "region")
        .prefetch_related("reports__photos")
        .order_by("region_code", "pk")
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter


class CraftsmanViewSet(ScopedReadOnlyViewSet):
    serializer_class = CraftsmanSerializer
    filterset_class = CraftsmanFilter
    scoped_queryset = Craftsman.objects.all()

    def get_queryset(self) -> Any:
        # The selector's own scoping (visible_to) with the trainings and cases counted.
        return selectors.craftsmen_queryset(self.request.user)


class TrainingViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = TrainingSession.objects.prefetch_related("attendees", "craftsmen", "photos").order_by(
        "-starts_on", "-pk"
    )
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter


class ExpertVisitViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = ExpertVisit.objects.select_related("region").order_by("-visited_on", "-pk")
    serializer_class = ExpertVisitSerializer
    filterset_class = ExpertVisitFilter


class PublicityViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = PublicityActivity.objects.prefetch_related("photos").order_by("-held_on", "-pk")
    serializer_class = PublicitySerializer
    filterset_class = PublicityFilter


class TeamViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = WorkingTeam.objects.select_related("region").prefetch_related("members").order_by("region_code")
    serializer_class = TeamSerializer


class MemberViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = TeamMember.objects.select_related("team").order_by("team__region_code", "pk")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter


class TaskViewSet(ScopedReadOnlyViewSet):
    scoped_queryset = TeamTask.objects.select_related("assignee").order_by("due_on", "pk")
    serializer_class = TaskSerializer


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
