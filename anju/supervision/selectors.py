"""Reads of supervision: the visits and orders a user may see (each from ``visible_to``), the
order counts, the home-page panel (what the user must respond to or close, overdue first) and
the case-page panel (findings about a case)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from anju.accounts.choices import Role
from anju.cases import policy as pol
from anju.cases.models import RenovationCase
from anju.cases.services import policy_for
from anju.core.actors import Viewer
from anju.core.scoping import get_visible_or_404
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.supervision.acts import RESPOND_ROLES, supervises
from anju.supervision.choices import OrderStatus
from anju.supervision.filters import OrderFilter, VisitFilter
from anju.supervision.models import Finding, FindingPhoto, OrderFollowUp, RectificationOrder, SupervisionVisit

PANEL_LIMIT = 8


def visits_visible(user: Viewer, params: Any, request: Any = None) -> VisitFilter:
    """Visits the user may see, newest first, with finding and order counts, narrowed by
    ``VisitFilter`` (township, date range, topic, region)."""
    qs = (
        SupervisionVisit.objects.visible_to(user)
        .select_related("region", "township", "recorded_by")
        .annotate(
            finding_count=Count("findings", distinct=True),
            ordered_count=Count("findings", filter=Q(findings__order__isnull=False), distinct=True),
        )
    )
    return VisitFilter(params, queryset=qs.order_by("-visited_on", "-pk"), request=request)


def visit_findings(visit: SupervisionVisit) -> list[Finding]:
    """A visit's findings with their photos, case and order, in one go."""
    return list(
        visit.findings.select_related("case__household", "order").prefetch_related(
            Prefetch("photos", queryset=FindingPhoto.objects.order_by("pk"))
        )
    )


def orders_visible(user: Viewer, params: Any, request: Any = None) -> OrderFilter:
    """Orders the user may see: overdue first (most days late first), then open ones by due
    date, closed ones last.
    Narrowed by ``OrderFilter``: township, status (open / issued / returned / responded /
    closed), overdue, q (文号), region."""
    today = timezone.localdate()
    qs = (
        RectificationOrder.objects.visible_to(user)
        .select_related("township")
        .annotate(
            finding_count=Count("findings"),
            late=Case(
                When(Q(due_on__lt=today) & ~Q(status=OrderStatus.CLOSED), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            done=Case(When(status=OrderStatus.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
    )
    return OrderFilter(params, queryset=qs.order_by("-late", "done", "due_on", "-pk"), request=request)


def order_detail(user: Viewer, pk: int) -> RectificationOrder:
    return get_visible_or_404(RectificationOrder.objects.select_related("township", "office", "issued_by"), user, pk=pk)


def order_findings(order: RectificationOrder) -> list[Finding]:
    return list(
        order.findings.select_related("visit__region", "case__household").prefetch_related(
            Prefetch("photos", queryset=FindingPhoto.objects.order_by("pk"))
        )
    )


def order_history(order: RectificationOrder) -> list[OrderFollowUp]:
    return list(order.follow_ups.select_related("actor").prefetch_related("photos"))


def order_counts(user: Viewer, today: datetime.date | None = None) -> dict[str, int]:
    """Open (not closed), overdue (due date passed, not closed) and closed orders the user sees."""
    today = today or timezone.localdate()
    not_closed = ~Q(status=OrderStatus.CLOSED)
    counts = RectificationOrder.objects.visible_to(user).aggregate(
        open=Count("pk", filter=not_closed),
        overdue=Count("pk", filter=not_closed & Q(due_on__lt=today)),
        closed=Count("pk", filter=Q(status=OrderStatus.CLOSED)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def _due_first(qs: QuerySet[RectificationOrder]) -> list[RectificationOrder]:
    return list(qs.select_related("township").order_by("due_on", "pk")[:PANEL_LIMIT])


def home_panel(user: Any) -> dict[str, Any]:
    """For the home page: the orders the user must respond to (township) or review (issuing
    office), overdue ones first (earliest due date first), with the counts. Empty for users
    who neither respond nor supervise."""
    supervising = supervises(user) and getattr(user, "region_id", None) is not None
    responds = user.has_role(*RESPOND_ROLES) and getattr(user, "region_id", None) is not None
    if not (supervising or responds):
        return {}
    visible = RectificationOrder.objects.visible_to(user)
    to_respond = visible.filter(status=OrderStatus.ISSUED, township_id=user.region_id) if responds else visible.none()
    to_review = (
        visible.filter(status=OrderStatus.RESPONDED, office_id=user.region_id) if supervising else visible.none()
    )
    today = timezone.localdate()
    return {
        "counts": order_counts(user, today),
        "to_respond": _due_first(to_respond),
        "to_respond_count": to_respond.count(),
        "to_review": _due_first(to_review),
        "to_review_count": to_review.count(),
        "overdue_to_respond": to_respond.filter(due_on__lt=today).count(),
        "list_url": reverse("supervision:order_list"),
        "visits_url": reverse("supervision:visit_list"),
        "may_record": supervising,
    }


def case_panel(*, case: RenovationCase, user: Viewer) -> dict[str, Any]:
    """For the case page: the supervision findings about this case and their orders."""
    findings = list(
        Finding.objects.visible_to(user)
        .filter(case=case)
        .select_related("visit", "order")
        .order_by("-visit__visited_on", "-pk")
    )
    if not findings:
        return {}
    return {"findings": findings, "open": sum(1 for f in findings if f.order and f.order.status != OrderStatus.CLOSED)}


def townships_for(user: Viewer) -> QuerySet[Any]:
    """The townships a user's supervision lists can be filtered by."""
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWNSHIP).order_by("code")


def may_see_supervision(user: Any) -> bool:
    """Whether the nav shows supervision to this user (officers from township up)."""
    return bool(
        user.is_superuser
        or user.has_role(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER)
    )


def order_due_days(visit: SupervisionVisit) -> int:
    """Days a rectification order's due date is proposed after its issue: the renovation policy
    in force for the visited township (``deadlines.supervision_days``)."""
    return pol.deadline_days(policy_for(visit.township.code).content, "supervision_days")
