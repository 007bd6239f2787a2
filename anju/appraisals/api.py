"""API for appraisals and appraisal templates: scoped like the pages (a house or template out of
the user's scope is a 404), and every write goes through the services, whose Chinese messages
come back as 400s and whose role checks come back as 403s."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from anju.accounts.actors import signed_in_user
from anju.appraisals import services
from anju.appraisals.choices import DamageCause, PreventionLevel
from anju.appraisals.filters import AppraisalFilter
from anju.appraisals.models import Appraisal, AppraisalTemplate
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.households.models import House
from anju.kit.api_versioning import CONFIG_FIELDS, ConfigDeriveSerializer, ConfigSerializer, VersionedConfigViewSet


class JSONObjectField(serializers.JSONField):
    """A JSON object given either as JSON (application/json) or as a JSON string (a multipart
    form field cannot carry an object)."""

    default_error_messages = {"invalid": '应为 JSON 对象，值为文字，如 {{"foundation": "a"}}。'}  # str.format

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, (str, bytes)):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            self.fail("invalid")
        return data


# --- appraisals ----------------------------------------------------------------------------------


class AppraisalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    household_name = serializers.CharField(source="household.head_name", read_only=True)
    # Plain strings in the schema: Grade's enum is already named after the inspections' field.
    computed_grade = serializers.CharField(read_only=True, help_text="按各组成部分计算的等级 A–D")
    final_grade = serializers.CharField(read_only=True, help_text="鉴定等级 A–D（最近一次鉴定决定房屋等级）")
    template_label = serializers.CharField(source="template", read_only=True, help_text="模板名称与版本")
    prevention_level_label = serializers.CharField(source="get_prevention_level_display", read_only=True)
    damage_cause_label = serializers.CharField(source="get_damage_cause_display", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)
    photos = serializers.SerializerMethodField()
    report_file = serializers.SerializerMethodField(help_text="鉴定报告（PDF）的下载地址，无报告时为空")

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "house",
            "household",
            "household_name",
            "region_code",
            "template",
            "template_label",
            "structure",
            "storeys",
            "outside_guideline",
            "site_dangerous",
            "site_note",
            "components",
            "computed_grade",
            "final_grade",
            "override_reason",
            "relocation_recommended",
            "prevention_level",
            "prevention_level_label",
            "prevention_note",
            "damage_cause",
            "damage_cause_label",
            "advice",
            "appraiser_name",
            "appraiser_org",
            "certificate_no",
            "appraised_on",
            "report_file",
            "report_sha256",
            "photos",
            "recorded_by",
            "created_at",
        ]

    def get_photos(self, obj: Appraisal) -> list[str]:
        return [_absolute(self, p.view_url) for p in obj.photos.all()]

    def get_report_file(self, obj: Appraisal) -> str:
        return _absolute(self, obj.report_url) if obj.report_url else ""


def _absolute(serializer: serializers.Serializer, url: str) -> str:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


class AppraisalCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    # Types only; the rules (which components, a–d, a reason for an override, dates, role and
    # region) are the service's, with the same messages as the page.
    house = serializers.IntegerField()
    component_grades = JSONObjectField(
        help_text='各组成部分等级：{"foundation": "a", "walls": "c", …}（代码见鉴定模板）'
    )
    component_notes = JSONObjectField(required=False, help_text="各组成部分说明：{代码: 文字}")
    appraised_on = serializers.DateField()
    site_dangerous = serializers.BooleanField(required=False, default=False)
    site_note = serializers.CharField(required=False, default="", allow_blank=True)
    final_grade = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="省略为计算等级；不同时须填 override_reason"
    )
    override_reason = serializers.CharField(required=False, default="", allow_blank=True)
    prevention_level = serializers.ChoiceField(choices=PreventionLevel.choices)
    prevention_note = serializers.CharField(required=False, default="", allow_blank=True)
    damage_cause = serializers.ChoiceField(choices=DamageCause.choices)
    advice = serializers.CharField(required=False, default="", allow_blank=True, help_text="省略按等级给出")
    appraiser_name = serializers.CharField(allow_blank=True)
    appraiser_org = serializers.CharField(allow_blank=True)
    certificate_no = serializers.CharField(allow_blank=True)
    report_file = serializers.FileField(required=False, help_text="鉴定报告（PDF）")
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class AppraisalViewSet(ScopedReadOnlyViewSet):
    """安全性鉴定。POST（multipart）由鉴定人员录入一次鉴定：按房屋所在地现行鉴定模板评定各组成部分，
    计算房屋等级，照片可多张，鉴定报告为 PDF。"""

    scoped_queryset = Appraisal.objects.select_related("household", "template", "recorded_by").prefetch_related(
        "photos"
    )
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilter

    @extend_schema(request={"multipart/form-data": AppraisalCreateSerializer}, responses={201: AppraisalSerializer})
    def create(self, request: Request, format: str | None = None) -> Response:
        data = AppraisalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        house = House.objects.visible_to(request.user).filter(pk=values.pop("house")).first()
        if house is None:
            raise exceptions.NotFound("房屋不存在或不在您的管辖范围内。")
        values["photos"] = request.FILES.getlist("photos")
        appraisal = services.appraisal_record(acting_user=signed_in_user(request), house=house, **values)
        return Response(self.get_serializer(appraisal).data, status=status.HTTP_201_CREATED)


# --- templates (versioning: anju.kit.versioning, anju.kit.api_versioning) -------------------------------


class AppraisalTemplateSerializer(ConfigSerializer):
    class Meta:
        model = AppraisalTemplate
        fields = CONFIG_FIELDS


class AppraisalTemplateDetailSerializer(AppraisalTemplateSerializer):
    class Meta(AppraisalTemplateSerializer.Meta):
        fields = [*CONFIG_FIELDS, "content"]


class AppraisalTemplateUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    name = serializers.CharField(allow_blank=True)
    content = serializers.JSONField(
        help_text="模板内容：components 列表，每项含 code、name、structures、criteria（a–d）"
    )
    note = serializers.CharField(required=False, default="", allow_blank=True)


@extend_schema_view(
    update=extend_schema(request=AppraisalTemplateUpdateSerializer, responses=AppraisalTemplateDetailSerializer),
    partial_update=extend_schema(
        request=AppraisalTemplateUpdateSerializer(partial=True), responses=AppraisalTemplateDetailSerializer
    ),
    derive=extend_schema(request=ConfigDeriveSerializer, responses={201: AppraisalTemplateDetailSerializer}),
    activate=extend_schema(request=None, responses=AppraisalTemplateDetailSerializer),
)
class AppraisalTemplateViewSet(VersionedConfigViewSet):
    """鉴定模板（全国默认及本省各版本）。省住建厅基于可见版本建立本省草稿（derive），修改草稿（PUT/PATCH），
    启用（activate）后原启用版本停用；已启用或停用的版本不能修改，已有鉴定保留其所用版本。"""

    scoped_queryset = AppraisalTemplate.objects.select_related("created_by")
    serializer_class = AppraisalTemplateSerializer
    detail_serializer_class = AppraisalTemplateDetailSerializer
    update_serializer_class = AppraisalTemplateUpdateSerializer
    ensure_national = staticmethod(services.ensure_national_template)
    update_service = staticmethod(services.template_update)
    derive_service = staticmethod(services.template_derive)
    activate_service = staticmethod(services.template_activate)
    config_kwarg = "template"
