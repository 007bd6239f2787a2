"""API for the inspection work: scoped and audited like the pages; writes go through the services."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.accounts.actors import signed_in_user
from anju.accounts.models import User
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.core.scoping import RegionScopedQuerySet
from anju.households.models import House, Household
from anju.inspections import acts, services
from anju.inspections.choices import ActKind, EventKind, HousingKind, MeasureKind
from anju.inspections.filters import EmergencyTaskFilter, FollowUpFilter, InspectionFilter, ReferralFilter
from anju.inspections.models import (
    Campaign,
    ControlMeasure,
    EmergencyEvent,
    EmergencyTask,
    FollowUp,
    HousingCheck,
    Inspection,
    Referral,
    VillageList,
)
from anju.regions.models import Region


def _visible(queryset: RegionScopedQuerySet[Any], user: Any, what: str, **lookup: Any) -> Any:
    """An object named in a request body, looked up in the user's scope: out of scope is a 404."""
    found = queryset.visible_to(user).filter(**lookup).first()
    if found is None:
        raise exceptions.NotFound(f"{what}不存在或不在您的管辖范围内。")
    return found


def _visible_all(queryset: RegionScopedQuerySet[Any], user: Any, what: str, field: str, keys: list[str]) -> list[Any]:
    """Several objects by key, in the order given; any one missing or out of scope is a 404."""
    keys = list(dict.fromkeys(keys))
    found = {getattr(o, field): o for o in queryset.visible_to(user).filter(**{f"{field}__in": keys})}
    missing = [k for k in keys if k not in found]
    if missing:
        raise exceptions.NotFound(f"{what}不存在或不在您的管辖范围内：{'、'.join(missing)}")
    return [found[k] for k in keys]


def _require_role(user: Any, kind: str) -> None:
    """The one table's answer on the role alone (inspections.acts), asked before the region named
    in the body is looked up, so that a clerk is told so rather than that the county they named
    is out of their scope; the service asks it again with the region."""
    reason = acts.act_refusal(kind, user)
    if reason:
        raise exceptions.PermissionDenied(reason)


class InspectionActSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    kind = serializers.CharField(help_text="办理事项")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    allowed = serializers.BooleanField(help_text="当前用户现在能否办理")
    reason = serializers.CharField(help_text="不能办理的原因；能办理时为空")


@extend_schema_field(InspectionActSerializer(many=True))
class ActsField(serializers.SerializerMethodField):
    """Each act on the object, open to the requesting user or not and why (as the page offers)."""

    def __init__(self) -> None:
        super().__init__(help_text="各办理事项对当前用户是否开放及原因（与页面按钮一致）")

    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"kind": a.kind, "label": a.label, "allowed": a.allowed, "reason": a.reason}
            for a in acts.available_acts(value, request.user)
        ]


def _choices_text(choices: Any) -> str:
    return "、".join(f"{value}（{label}）" for value, label in choices)


def _codes(**kwargs: Any) -> Any:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


class CampaignSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    villages = _codes(many=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "year", "region_code", "starts_on", "deadline", "list_due", "villages"]


class InspectionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "house",
            "household",
            "region_code",
            "kind",
            "campaign",
            "event",
            "inspected_at",
            "latitude",
            "longitude",
            "gps_accuracy_m",
            "gps_source",
            "hazards",
            "suspected_grade",
            "is_occupied",
            "occupant_ages",
            "elderly_occupants",
            "lives_in_two_houses",
            "note",
            "photos",
        ]

    def get_photos(self, obj: Inspection) -> list[str]:
        request = self.context.get("request")
        return [request.build_absolute_uri(p.view_url) if request else p.view_url for p in obj.photos.all()]


class InspectionCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    house = serializers.IntegerField()
    campaign = serializers.IntegerField(required=False)
    event = serializers.IntegerField(required=False)
    suspected_grade = serializers.CharField()
    is_occupied = serializers.BooleanField()
    occupant_ages = serializers.ListField(child=serializers.IntegerField(), required=False)
    hazards = serializers.ListField(child=serializers.CharField(), required=False)
    lives_in_two_houses = serializers.BooleanField(required=False, default=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    gps_accuracy_m = serializers.IntegerField(required=False)
    family_poor_not_listed = serializers.BooleanField(required=False, default=False)
    referral_department = serializers.CharField(required=False, default="civil_affairs")
    poverty_note = serializers.CharField(required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    submission_id = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=64,
        help_text="客户端为每份记录生成的编号；网络中断后重发同一编号，返回已保存的记录而不重复录入",
    )


class ReferralSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    acts = ActsField()

    class Meta:
        model = Referral
        fields = ["id", "inspection", "household", "region_code", "department", "reason", "status", "group"]
        fields += ["decided_on", "decision_note", "acts"]


class ReferralDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    confirm = serializers.BooleanField()
    group = serializers.CharField(required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    villages = _codes(many=True)

    class Meta:
        model = EmergencyEvent
        fields = ["id", "kind", "title", "occurred_on", "region_code", "villages", "area", "note"]


class TaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    class Meta:
        model = EmergencyTask
        fields = ["id", "event", "house", "region_code", "priority", "reason", "inspection"]


class MeasureSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    acts = ActsField()

    class Meta:
        model = ControlMeasure
        fields = ["id", "house", "region_code", "kind", "taken_on", "responsible", "note", "verified_on"]
        fields += ["verification_note", "acts"]


class VillageListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    village = _codes()
    acts = ActsField()

    class Meta:
        model = VillageList
        fields = ["id", "campaign", "village", "region_code", "round", "kind", "reason", "houses", "digest", "status"]
        fields += ["signed_at", "received_at", "returned_at", "return_reason", "acts"]


class FollowUpSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    acts = ActsField()

    class Meta:
        model = FollowUp
        fields = ["id", "household", "house", "region_code", "reason", "moved_on", "moved_to", "demolished_on"]
        fields += ["acts"]


# --- request bodies of the writes: types here; the rules (role, region, dates) are the services' ---


class CampaignCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    title = serializers.CharField(max_length=100, allow_blank=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    region_code = serializers.CharField(help_text="组织区划代码（区县或乡镇）")
    starts_on = serializers.DateField()
    deadline = serializers.DateField()
    list_due = serializers.DateField(required=False, help_text="村级清单报送期限；省略按规则取当年 3 月 30 日")
    villages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="排查村的区划代码；省略则为该区划下全部村"
    )
    inspectors = serializers.ListField(child=serializers.CharField(), required=False, help_text="排查人员用户名")


class EventCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    # A plain string rather than a ChoiceField: the same field name with the same choices in the read
    # serializer would make drf-spectacular name the enum ambiguously; the service checks the value.
    kind = serializers.CharField(help_text=f"类型：{_choices_text(EventKind.choices)}")
    title = serializers.CharField(max_length=100, allow_blank=True)
    occurred_on = serializers.DateField()
    region_code = serializers.CharField(help_text="组织区划代码（区县或乡镇）")
    villages = serializers.ListField(child=serializers.CharField(), help_text="受影响村的区划代码")
    area = serializers.CharField(required=False, default="", allow_blank=True, max_length=200, help_text="受灾范围")
    note = serializers.CharField(required=False, default="", allow_blank=True)


class HousingCheckSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    class Meta:
        model = HousingCheck
        fields = ["id", "campaign", "household", "region_code", "kind", "host_house", "host_note", "evidence"]
        fields += ["recorded_on"]


class HousingCheckCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    campaign = serializers.IntegerField()
    household = serializers.IntegerField()
    kind = serializers.CharField(help_text=f"居住情况：{_choices_text(HousingKind.choices)}")
    host_house = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="所住房屋（已登记时）"
    )
    host_note = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    evidence = serializers.CharField(allow_blank=True, max_length=300)
    recorded_on = serializers.DateField()


class MeasureCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    house = serializers.IntegerField()
    kind = serializers.CharField(help_text=f"措施：{_choices_text(MeasureKind.choices)}")
    taken_on = serializers.DateField()
    responsible = serializers.CharField(max_length=50, allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class MeasureVerifySerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    verified_on = serializers.DateField(required=False, help_text="省略为今天")
    in_place = serializers.BooleanField(required=False, default=True, help_text="措施是否已落实")
    note = serializers.CharField(allow_blank=True, help_text="核查情况")


class VillageListReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    reason = serializers.CharField(max_length=300, allow_blank=True, help_text="退回原因或补报说明")


class VillageListSignSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    campaign = serializers.IntegerField()
    village = serializers.CharField(help_text="村的区划代码（签字人本人所在的村）")


class FollowUpStepSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    step = serializers.ChoiceField(choices=[("moved", "搬入安全住房"), ("demolished", "旧房拆除")])
    on = serializers.DateField()
    moved_to = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    photo = serializers.FileField(required=False, help_text="现场照片（必填，服务端校验为图片）")


class CampaignViewSet(ScopedReadOnlyViewSet):
    """常规排查任务（含覆盖情况见页面）。POST 部署排查（乡镇或区县住建部门）。"""

    scoped_queryset = Campaign.objects.prefetch_related("villages")
    serializer_class = CampaignSerializer

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = signed_in_user(request)
        _require_role(user, ActKind.CAMPAIGN)
        values["region"] = _visible(Region.objects.all(), user, "区划", code=values.pop("region_code"))
        if "villages" in values:
            values["villages"] = _visible_all(Region.objects.all(), user, "村", "code", values["villages"])
        values["inspectors"] = _visible_all(
            User.objects.get_queryset(), user, "用户", "username", values.pop("inspectors", [])
        )
        campaign = services.campaign_create(acting_user=user, **values)
        return Response(self.get_serializer(campaign).data, status=status.HTTP_201_CREATED)


class InspectionViewSet(ScopedReadOnlyViewSet):
    """排查记录。POST（multipart）录入一条排查记录，照片可多张。"""

    scoped_queryset = Inspection.objects.prefetch_related("photos")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    @extend_schema(request={"multipart/form-data": InspectionCreateSerializer}, responses={201: InspectionSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = InspectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        house = House.objects.visible_to(request.user).filter(pk=values.pop("house")).first()
        if house is None:
            raise exceptions.NotFound("房屋不存在或不在您的管辖范围内。")
        campaign_id, event_id = values.pop("campaign", None), values.pop("event", None)
        values["campaign"] = (
            Campaign.objects.visible_to(request.user).filter(pk=campaign_id).first() if campaign_id else None
        )
        values["event"] = (
            EmergencyEvent.objects.visible_to(request.user).filter(pk=event_id).first() if event_id else None
        )
        values["photos"] = request.FILES.getlist("photos")
        inspection = services.inspection_record(acting_user=signed_in_user(request), house=house, **values)
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)


class ReferralViewSet(ScopedReadOnlyViewSet):
    """以房找人转交；decide 由对应部门联络员核实。"""

    scoped_queryset = Referral.objects.all()
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter

    @extend_schema(request=ReferralDecisionSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        data = ReferralDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_decide(
            acting_user=signed_in_user(request), referral=self.get_object(), **data.validated_data
        )
        return Response(self.get_serializer(referral).data)


class EmergencyEventViewSet(ScopedReadOnlyViewSet):
    """应急排查。POST 启动应急排查并按危险优先生成受影响村的排查任务（乡镇或区县住建部门）。"""

    scoped_queryset = EmergencyEvent.objects.prefetch_related("villages")
    serializer_class = EventSerializer

    @extend_schema(request=EventCreateSerializer, responses={201: EventSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = EventCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = signed_in_user(request)
        _require_role(user, ActKind.EMERGENCY)
        values["region"] = _visible(Region.objects.all(), user, "区划", code=values.pop("region_code"))
        values["villages"] = _visible_all(Region.objects.all(), user, "村", "code", values["villages"])
        event = services.emergency_declare(acting_user=user, **values)
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)


class EmergencyTaskViewSet(ScopedReadOnlyViewSet):
    """应急排查任务（危险优先）。"""

    scoped_queryset = EmergencyTask.objects.all()
    serializer_class = TaskSerializer
    filterset_class = EmergencyTaskFilter


class HousingCheckViewSet(ScopedReadOnlyViewSet):
    """以人找房住房情况核实（无房、借住、租住、与子女同住）。POST 记录后该户计为本次排查已覆盖。"""

    scoped_queryset = HousingCheck.objects.all()
    serializer_class = HousingCheckSerializer

    @extend_schema(request=HousingCheckCreateSerializer, responses={201: HousingCheckSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = HousingCheckCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # Scope first: a household or house out of scope and one that does not exist answer alike.
        household = _visible(Household.objects.all(), request.user, "农户", pk=values.pop("household"))
        campaign = _visible(Campaign.objects.all(), request.user, "排查任务", pk=values.pop("campaign"))
        host = values.pop("host_house")
        host_house = _visible(House.objects.all(), request.user, "所住房屋", pk=host) if host else None
        check = services.housing_check_record(
            acting_user=signed_in_user(request), campaign=campaign, household=household, host_house=host_house, **values
        )
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)


class ControlMeasureViewSet(ScopedReadOnlyViewSet):
    """管控措施。POST 登记措施；verify 由登记人以外的乡镇或区县住建部门人员核查。"""

    scoped_queryset = ControlMeasure.objects.all()
    serializer_class = MeasureSerializer

    @extend_schema(request=MeasureCreateSerializer, responses={201: MeasureSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = MeasureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        house = _visible(House.objects.all(), request.user, "房屋", pk=values.pop("house"))
        measure = services.measure_record(acting_user=signed_in_user(request), house=house, **values)
        return Response(self.get_serializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeasureVerifySerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        measure = self.get_object()
        data = MeasureVerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.setdefault("verified_on", timezone.localdate())
        measure = services.measure_verify(acting_user=signed_in_user(request), measure=measure, **values)
        return Response(self.get_serializer(measure).data)


class VillageListViewSet(ScopedReadOnlyViewSet):
    """村级疑似危房清单（已签字的各个版本）。POST 由该村的村主要负责人本人签字（首次，或被退回后重新签字）；
    receive 由乡镇建环办接收；return（reason 必填）由乡镇退回；supplement（reason 必填）由村主要负责人补报并
    签字，生成新版本，旧版本保留。"""

    scoped_queryset = VillageList.objects.select_related("village")
    serializer_class = VillageListSerializer

    @extend_schema(request=VillageListSignSerializer, responses={201: VillageListSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = VillageListSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        campaign = _visible(Campaign.objects.all(), user, "排查任务", pk=data.validated_data["campaign"])
        village = _visible(Region.objects.all(), user, "村", code=data.validated_data["village"])
        record = services.village_list_sign(acting_user=user, campaign=campaign, village=village)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=VillageListSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        record = self.get_object()
        record = services.village_list_receive(acting_user=signed_in_user(request), village_list=record)
        return Response(self.get_serializer(record).data)

    @extend_schema(request=VillageListReasonSerializer, responses=VillageListSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        record = self.get_object()
        data = VillageListReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.village_list_return(
            acting_user=signed_in_user(request), village_list=record, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(record).data)

    @extend_schema(request=VillageListReasonSerializer, responses={201: VillageListSerializer})
    @action(detail=True, methods=["post"])
    def supplement(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        record = self.get_object()
        data = VillageListReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.village_list_supplement(
            acting_user=signed_in_user(request), village_list=record, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(ScopedReadOnlyViewSet):
    """跟进任务。step（multipart，附现场照片）登记搬入安全住房或旧房拆除。"""

    scoped_queryset = FollowUp.objects.all()
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    @extend_schema(request={"multipart/form-data": FollowUpStepSerializer}, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        follow_up = self.get_object()
        data = FollowUpStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["photo"] = values.get("photo")
        follow_up = services.follow_up_step(acting_user=signed_in_user(request), follow_up=follow_up, **values)
        return Response(self.get_serializer(follow_up).data)
