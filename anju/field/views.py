"""The offline field app's page, its data and sync endpoints, its manifest and service worker
(ADR 0038). Refusals answer JSON with the Chinese reason; the phone keeps the record."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from anju.accounts.actors import signed_in_user
from anju.accounts.models import User
from anju.field import selectors
from anju.field.services import field_record_sync, refusal_reason
from anju.households.choices import Department

SIGNED_OUT = "登录已过期，请重新登录后再下载或同步；本机的记录不会丢失。"
# The files the app needs with no signal, cached when the service worker installs.
SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/idb/idb.umd.js",
    "anju/anju.css",
    "anju/anju.js",
    "anju/file-inputs.js",
    "anju/photo-position.js",
    "anju/favicon.ico",
    "field/field.css",
    "field/field.js",
    "field/icons/icon-192.png",
    "field/icons/icon-512.png",
)
WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies", "workbox-precaching")


def _json_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_active else None


def _signed_out() -> JsonResponse:
    return JsonResponse({"status": "signed_out", "reason": SIGNED_OUT}, status=401)


@login_required
def app(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "field/app.html",
        {
            "page_title": "离线外业",
            "villages": selectors.village_options(viewer=user),
            "max_villages": selectors.MAX_VILLAGES,
            "departments": Department.choices,
        },
    )


@require_GET
def session(request: HttpRequest) -> JsonResponse:
    """Asked before each sync: still signed in, as whom, and a fresh CSRF token."""
    user = _json_user(request)
    if user is None:
        return _signed_out()
    return JsonResponse({"user": user.username, "csrf": get_token(request)})


@require_GET
def work_list(request: HttpRequest) -> JsonResponse:
    user = _json_user(request)
    if user is None:
        return _signed_out()
    codes = list(dict.fromkeys(request.GET.getlist("village")))
    if not codes:  # what may be chosen: the villages in the officer's region
        choices = [{"code": v.code, "name": v.name} for v in selectors.village_options(viewer=user)]
        return JsonResponse({"reason": "请至少选择一个村。", "choices": choices})
    if len(codes) > selectors.MAX_VILLAGES:
        return JsonResponse({"reason": f"一次最多下载 {selectors.MAX_VILLAGES} 个村的工作清单。"}, status=400)
    villages = list(selectors.village_options(viewer=user).filter(code__in=codes))
    if len(villages) != len(codes):
        return JsonResponse({"reason": "所选的村不存在或不在您的管辖范围内。"}, status=400)
    return JsonResponse(selectors.work_list(viewer=user, villages=villages))


@require_POST
def sync(request: HttpRequest) -> JsonResponse:
    """One queued record: 201 when written now, 200 when it had arrived before, 422 with the
    reason when refused (the phone keeps it to fix or discard)."""
    user = _json_user(request)
    if user is None:
        return _signed_out()
    try:
        outcome = field_record_sync(
            acting_user=user,
            key=request.POST.get("key", ""),
            kind=request.POST.get("kind", ""),
            data=request.POST,
            photos=request.FILES.getlist("photos"),
        )
    except (ValidationError, PermissionDenied) as exc:
        return JsonResponse({"status": "refused", "reason": refusal_reason(exc)}, status=422)
    record = outcome.record
    return JsonResponse(
        {
            "status": "already" if outcome.repeated else "recorded",
            "kind": record.kind,
            "object_id": record.object_id,
            "message": "此前已送达，未重复保存。" if outcome.repeated else "已保存。",
        },
        status=200 if outcome.repeated else 201,
    )


def manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("field:app")
    icons = [
        {"src": static(f"field/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    body = {
        "name": "安居 离线外业",
        "short_name": "安居外业",
        "description": "乡镇、村无信号时排查、巡查、档案拍照，有信号后同步。",
        "lang": "zh-CN",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "icons": icons,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def _revision(path: str) -> str:
    found = finders.find(path)
    if not found or isinstance(found, list):
        return ""
    with open(found, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def _worker_config() -> dict[str, Any]:
    shell = [{"url": static(p), "revision": _revision(p)} for p in SHELL_FILES]
    shell.append({"url": reverse("field:manifest"), "revision": _revision("field/sw-main.js")})
    return {
        "shell": shell,
        "modules": {m: static(f"vendor/workbox/{m}.prod.js") for m in WORKBOX_MODULES},
        "pages": [reverse("field:app")],
        "version": _revision("field/sw-main.js"),
    }


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /field/ so its scope is the app; the script names every file it caches with
    the hash of its content, so a changed file makes a new worker."""
    body = (
        f"importScripts({json.dumps(static('vendor/workbox/workbox-sw.js'))});\n"
        f"self.ANJU_FIELD = {json.dumps(_worker_config(), sort_keys=True)};\n"
        f"importScripts({json.dumps(static('field/sw-main.js'))});\n"
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
