from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from anju.core.navigation import NAV_ITEMS


@lru_cache(maxsize=512)
def _url(name: str, prefix: str) -> str:
    """A menu item's address: the URLconf does not change while the process runs, and every page
    drew its ~40 menu links anew (~3 ms of a page's ~45 ms under load, docs/performance.md)."""
    return reverse(name)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        lockout_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return {"nav_items": [], "lockout_minutes": lockout_minutes}
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in NAV_ITEMS:
        if item.roles and not (user.is_superuser or user.has_role(*item.roles)):
            continue
        url = _url(item.url_name, get_script_prefix())
        active = request.path == url if url == "/" else request.path.startswith(url)
        entry = {"label": item.label, "url": url, "active": active}
        if not item.group:
            items.append(entry)
            continue
        if item.group not in groups:
            groups[item.group] = {"label": item.group, "children": [], "active": False}
            items.append(groups[item.group])
        groups[item.group]["children"].append(entry)
        groups[item.group]["active"] |= active
    # A group with one visible entry is shown as that entry.
    items = [i["children"][0] if len(i.get("children", ())) == 1 else i for i in items]
    return {"nav_items": items}
