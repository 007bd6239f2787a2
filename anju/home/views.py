"""The home page: each role's work, composed at the top from the apps below (ADR 0025)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anju.accounts.actors import signed_in_user
from anju.accounts.choices import ROLE_PRIORITY, Role
from anju.anomalies.selectors import home_panel as anomalies_home_panel
from anju.core.navigation import ROLE_HOMES
from anju.core.queues import queue_for
from anju.dashboard.selectors import home_figure as dashboard_home_figure
from anju.home.selectors import home_figures
from anju.reporting.selectors import reminders as reporting_reminders
from anju.supervision.selectors import home_panel as supervision_home_panel


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    held = [r for r in ROLE_PRIORITY if r in user.role_codes]
    # A user with several roles can switch between their role home pages.
    chosen = request.GET.get("role")
    role = chosen if chosen in held else (held[0] if held else None)
    context = {
        "page_title": ROLE_HOMES[role].title if role else "首页",
        "role": role,
        "role_label": Role(role).label if role else "",
        "role_home": ROLE_HOMES.get(role) if role else None,
        "other_roles": [(r, Role(r).label) for r in held if r != role],
        "figures": home_figures(user),
        "queue": queue_for(user, role),
        "supervision_panel": supervision_home_panel(user),
        "anomaly_panel": anomalies_home_panel(user),
        "reporting_reminders": reporting_reminders(user),
        "summary": dashboard_home_figure(user),
    }
    return render(request, "home/home.html", context)
