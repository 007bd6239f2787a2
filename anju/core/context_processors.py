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


@lru_cache(maxsize=256)
def _menu(roles: frozenset[str], superuser: bool, prefix: str) -> tuple[tuple[str, str, str], ...]:
    """The menu items a set of roles sees, as (label, url, group): the same for every user of
    those roles, so worked out once per process rather than on every page (ADR 0054)."""
    return tuple(
        (item.label, _url(item.url_name, prefix), item.group)
        for item in NAV_ITEMS
        if not item.roles or superuser or roles.intersection(item.roles)
    )


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        lockout_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return {"nav_items": [], "lockout_minutes": lockout_minutes}
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    path = request.path
    for label, url, group in _menu(frozenset(user.role_codes), bool(user.is_superuser), get_script_prefix()):
        active = path == url if url == "/" else path.startswith(url)
        entry = {"label": label, "url": url, "active": active}
        if not group:
            items.append(entry)
            continue
        if group not in groups:
            groups[group] = {"label": group, "children": [], "active": False}
            items.append(groups[group])
        groups[group]["children"].append(entry)
        groups[group]["active"] |= active
    # A group with one visible entry is shown as that entry.
    items = [i["children"][0] if len(i.get("children", ())) == 1 else i for i in items]
    return {"nav_items": items}
