from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from anju.core.navigation import NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        lockout_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return {"nav_items": [], "lockout_minutes": lockout_minutes}
    items = []
    for item in NAV_ITEMS:
        if item.roles and not (user.is_superuser or user.has_role(*item.roles)):
            continue
        url = reverse(item.url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items}
