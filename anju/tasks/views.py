"""Task pages: the year's tasks with allocation and progress, the province's issue form and
the county's allocation form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from anju.accounts.actors import signed_in_user
from anju.core.scoping import get_visible_or_404
from anju.kit.forms import apply_errors
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.tasks import selectors, services
from anju.tasks.forms import AllocateForm, IssueForm, YearForm
from anju.tasks.models import Task


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET or None, initial={"year": timezone.localdate().year})
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    code = request.GET.get("county", "").strip()
    county = (
        get_visible_or_404(Region.objects.filter(level=RegionLevel.COUNTY), request.user, code=code) if code else None
    )
    own = getattr(request.user, "region", None)
    # Above the county, the list is one line per county; a county's townships open on drill-down.
    overview = county is None and (own is None or own.level < RegionLevel.COUNTY)
    rows = selectors.task_progress(request.user, year, county)
    return render(
        request,
        "tasks/task_list.html",
        {
            "page_title": f"{year} 年改造任务",
            "form": form,
            "year": year,
            "county": county,
            "rows": rows,
            "totals": selectors.county_totals(rows),
            "overview": overview,
            "can_issue": services.can_issue(request.user),
            "can_allocate": services.can_allocate(request.user),
        },
    )


@login_required
def issue(request: HttpRequest) -> HttpResponse:
    if not services.can_issue(request.user):
        raise PermissionDenied("任务须由省住建厅（或市住建局）下达。")
    counties = selectors.counties_for(request.user)
    form = IssueForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        county = next(r for r in counties if r.code == data["county"])
        before = Task.objects.filter(
            year=data["year"], programme=data["programme"], kind=data["kind"], region=county
        ).first()
        try:
            task = services.task_issue(
                acting_user=signed_in_user(request),
                county=county,
                year=data["year"],
                programme=data["programme"],
                kind=data["kind"],
                count=data["count"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            change = f"（原 {before.count} 户）" if before is not None and before.count != task.count else ""
            messages.success(request, f"已下达：{task}{change}。")
            return redirect(f"{reverse('tasks:task_list')}?year={task.year}")
    return render(request, "tasks/issue.html", {"page_title": "下达任务", "form": form})


@login_required
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(Task.objects.select_related("region"), request.user, pk=pk)
    if not services.can_allocate(request.user, task):
        raise PermissionDenied("任务须由该县（区）住建局分解到乡镇。")
    townships = selectors.townships_of(task.region)
    form = AllocateForm(request.POST or None, task=task, townships=townships)
    if request.method == "POST" and form.is_valid():
        counts = form.counts()
        try:
            services.task_allocate_many(
                acting_user=signed_in_user(request), task=task, counts=counts, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    form.add_error(f"t_{key}" if f"t_{key}" in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            total = sum(counts.values())
            text = f"已分解：各乡镇合计 {total} 户，县级任务 {task.count} 户"
            if total > task.count:
                messages.warning(request, f"{text}，超出 {total - task.count} 户。")
            elif total < task.count:
                messages.warning(request, f"{text}，尚有 {task.count - total} 户未分解。")
            else:
                messages.success(request, f"{text}，已全部分解。")
            return redirect(f"{reverse('tasks:task_list')}?year={task.year}")
    return render(
        request,
        "tasks/allocate.html",
        {"page_title": f"分解任务 · {task}", "task": task, "form": form},
    )
