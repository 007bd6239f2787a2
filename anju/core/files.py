"""Uploaded files (photos) served through Django, scoped to the user's region like every read.

MEDIA_ROOT is never exposed as a static directory: a photo of a household is personal data, and
a URL guessed or copied across regions must be a 404. Each kind names the model, its file field
and the path from the model to the region code that scopes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request

from anju.core.scoping import user_scope_prefix


@dataclass(frozen=True)
class ProtectedFile:
    model: str  # "app_label.ModelName"
    field: str
    region_code_lookup: str
    content_type: str = "image/jpeg"
    filename: str = ""  # offered as a download name; photos are shown inline
    # When set, the model field holding the stored file's own content type (documents that may
    # be an image or a PDF) and the one holding its download name.
    content_type_field: str = ""
    filename_field: str = ""


PROTECTED_FILES: dict[str, ProtectedFile] = {
    "inspection-photo": ProtectedFile("inspections.InspectionPhoto", "image", "inspection__region_code"),
    "follow-up-moved": ProtectedFile("inspections.FollowUp", "moved_photo", "region_code"),
    "follow-up-demolished": ProtectedFile("inspections.FollowUp", "demolished_photo", "region_code"),
    "appraisal-photo": ProtectedFile("appraisals.AppraisalPhoto", "image", "appraisal__region_code"),
    "appraisal-report": ProtectedFile(
        "appraisals.Appraisal", "report_file", "region_code", "application/pdf", "鉴定报告.pdf"
    ),
    "patrol-photo": ProtectedFile("cases.CasePatrolPhoto", "image", "patrol__case__region_code"),
    "case-step-photo": ProtectedFile("cases.CaseStepPhoto", "image", "step__case__region_code"),
    "acceptance-photo": ProtectedFile("acceptance.AcceptancePhoto", "image", "acceptance__region_code"),
    "route-photo": ProtectedFile("dynamic.RoutePhoto", "image", "route__region_code"),
    "archive-document": ProtectedFile(
        "archives.ArchiveDocument",
        "file",
        "case__region_code",
        content_type_field="content_type",
        filename_field="original_name",
    ),
}


def file_url(kind: str, pk: int) -> str:
    return reverse("core:file", kwargs={"kind": kind, "pk": pk})


# A DRF view so that the links in API answers open with the API's token as well as with the
# browser's session (anonymous: 403, as for every API read).
@extend_schema(exclude=True)
@api_view(["GET"])
def protected_file(request: Request, kind: str, pk: int) -> FileResponse:
    spec = PROTECTED_FILES.get(kind)
    prefix = user_scope_prefix(request.user)
    if spec is None or prefix is None:
        raise Http404("文件不存在或不在您的管辖范围内。")
    model = apps.get_model(spec.model)
    try:
        obj = model.objects.get(pk=pk, **{f"{spec.region_code_lookup}__startswith": prefix})
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404("文件不存在或不在您的管辖范围内。") from exc
    stored = getattr(obj, spec.field)
    if not stored:
        raise Http404("文件不存在或不在您的管辖范围内。")
    content_type = getattr(obj, spec.content_type_field) if spec.content_type_field else spec.content_type
    filename = getattr(obj, spec.filename_field) if spec.filename_field else spec.filename
    response = FileResponse(stored.open("rb"), content_type=content_type, filename=filename)
    # Personal data: browsers may keep it, shared caches may not.
    response["Cache-Control"] = "private, max-age=3600"
    return response
