"""The API of versioned configuration (appraisal templates, rule sets; ``anju.kit.versioning``):
list and detail of the versions a user can see, PUT/PATCH of a draft, ``derive`` and
``activate``. Subclasses name their serializers and the app's services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.core.actors import signed_in_actor
from anju.core.api_base import ScopedReadOnlyViewSet
from anju.kit.versioning import ConfigStatus

STATUS_HELP = "、".join(f"{value} {label}" for value, label in ConfigStatus.choices)
CONFIG_FIELDS = [
    "id",
    "name",
    "version_label",
    "region_code",
    "version",
    "status",
    "status_label",
    "based_on",
    "note",
    "created_by",
    "created_at",
    "activated_at",
]


class ConfigSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    """Subclasses set ``Meta.model`` (and add the body field for the detail)."""

    version_label = serializers.CharField(source="label", read_only=True, help_text="适用区划-版本，如 全国-v1")
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)


class ConfigDeriveSerializer(serializers.Serializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)


class VersionedConfigViewSet(ScopedReadOnlyViewSet):
    detail_serializer_class: ClassVar[type[serializers.BaseSerializer]]  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    update_serializer_class: ClassVar[type[serializers.BaseSerializer]]  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    # The app's services, called with the config as their first positional argument's keyword.
    ensure_national: ClassVar[Callable[[], Any]]
    update_service: ClassVar[Callable[..., Any]]
    derive_service: ClassVar[Callable[..., Any]]
    activate_service: ClassVar[Callable[..., Any]]
    config_kwarg: ClassVar[str]  # "template", "rule_set"

    def get_queryset(self) -> QuerySet[Any]:
        type(self).ensure_national()  # the seed every province derives from
        return super().get_queryset()

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
        if self.action == "list":
            return super().get_serializer_class()
        return self.detail_serializer_class

    def _call(self, service: Callable[..., Any], **kwargs: Any) -> Any:
        return service(acting_user=signed_in_actor(self.request), **kwargs)

    def update(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._update(request, partial=False)

    def partial_update(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        config = self.get_object()
        data = self.update_serializer_class(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        body = config.body_field
        values = {"name": config.name, body: getattr(config, body), "note": config.note} | dict(data.validated_data)
        config = self._call(type(self).update_service, **{self.config_kwarg: config}, **values)
        return Response(self.detail_serializer_class(config).data)

    @action(detail=True, methods=["post"])
    def derive(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        source = self.get_object()
        data = ConfigDeriveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = self._call(type(self).derive_service, source=source, **data.validated_data)
        return Response(self.detail_serializer_class(draft).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        config = self._call(type(self).activate_service, **{self.config_kwarg: self.get_object()})
        return Response(self.detail_serializer_class(config).data)
