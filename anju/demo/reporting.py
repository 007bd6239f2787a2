"""Demo reporting: the last three months of monthly lists in 屯留区渔泽镇 (the villages mostly on
time, one late each month, one never reporting), 渔泽镇's own lists signed off by the county for
two months and this month's returned with a reason and submitted again, a progress report
signed off, and in 彭水县 a township's list waiting for the county. Everything goes through the
reporting services, with the dates the acts would have happened on."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anju.accounts.models import User
from anju.regions.models import Region
from anju.reporting import services
from anju.reporting.choices import ReportKind
from anju.reporting.confirm import ConfirmationNeeded
from anju.reporting.models import Submission

YUZE = "140405102000"
LATE_VILLAGE = "140405102205"  # 崔蒙村 reports two days after its due date
SILENT_VILLAGE = "140405102209"  # 岗上村 has not reported for three months
LUMING = "500243202000"


def _months(today: datetime.date, n: int) -> list[tuple[int, int]]:
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def _code(user: Any) -> str:
    return user.region.code if user.region_id else ""


def _clamp(day: datetime.date, today: datetime.date) -> datetime.date:
    return min(day, today)


def _send(user: Any, s: Submission, on: datetime.date) -> Submission:
    """报送上级 as the officer does it: when the page warns (lower regions not reported, a list
    sent again that changed), they read the warning and confirm; the history keeps it."""
    try:
        return services.submission_submit(acting_user=user, submission=s, on=on)
    except ConfirmationNeeded as exc:
        return services.submission_submit(acting_user=user, submission=s, on=on, confirm=exc.warnings.token)


def _submit(user: Any, region: Region, kind: str, year: int, month: int, on: datetime.date) -> Submission:
    s = services.submission_prepare(acting_user=user, kind=kind, year=year, month=month, region=region, on=on)
    return _send(user, s, on)


def load_demo_reporting(superuser: Any) -> int:
    """Create the demo submissions once; returns how many."""
    if Submission.objects.exists() or not Region.objects.filter(code=YUZE).exists():
        return 0
    today = timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["tl_clerk", "tl_township", "tl_county", "ps_clerk", "ps_luming"])
    }
    clerk, township, county = (
        users.get("tl_clerk", superuser),
        users.get("tl_township", superuser),
        users.get("tl_county", superuser),
    )
    yuze = Region.objects.get(code=YUZE)
    villages = list(Region.objects.filter(parent=yuze, level=5).order_by("code"))
    made = 0
    months = _months(today, 3)
    for n, (year, month) in enumerate(months):
        last = n == len(months) - 1
        for village in villages:
            if village.code == SILENT_VILLAGE:
                continue
            due = datetime.date(year, month, 1)
            on = due + datetime.timedelta(days=2) if village.code == LATE_VILLAGE else due - datetime.timedelta(days=1)
            by = clerk if village.code == _code(clerk) else superuser
            s = _submit(by, village, ReportKind.MONTHLY_LIST, year, month, _clamp(on, today))
            made += 1
            if not (last and village.code == LATE_VILLAGE):  # this month's late list still awaits the township
                services.submission_sign_off(
                    acting_user=township, submission=s, on=_clamp(on + datetime.timedelta(days=1), today)
                )
        on = _clamp(datetime.date(year, month, 3), today)
        s = _submit(township, yuze, ReportKind.MONTHLY_LIST, year, month, on)
        made += 1
        if last:
            services.submission_return(
                acting_user=county,
                submission=s,
                reason="崔蒙村本月清单尚未审核确认，请审核后重新报送；岗上村连续三个月未报，请督促。",
                on=_clamp(on + datetime.timedelta(days=1), today),
            )
            _send(township, s, _clamp(on + datetime.timedelta(days=2), today))
        else:
            services.submission_sign_off(
                acting_user=county, submission=s, on=_clamp(on + datetime.timedelta(days=1), today)
            )
    # Last month's progress report: the village, then the township, each signed off.
    year, month = months[-2]
    village = Region.objects.get(code=_code(clerk)) if _code(clerk).startswith(YUZE[:9]) else villages[0]
    s = _submit(clerk, village, ReportKind.PROGRESS, year, month, datetime.date(year, month, 14))
    services.submission_sign_off(acting_user=township, submission=s, on=datetime.date(year, month, 15))
    s = _submit(township, yuze, ReportKind.PROGRESS, year, month, datetime.date(year, month, 16))
    services.submission_sign_off(acting_user=county, submission=s, on=datetime.date(year, month, 18))
    made += 2
    # 彭水县: 向家村 signed off by 鹿鸣乡, whose own list waits for the county.
    luming = Region.objects.filter(code=LUMING).first()
    if luming is not None:
        year, month = months[-1]
        ps_clerk, ps_luming = users.get("ps_clerk", superuser), users.get("ps_luming", superuser)
        for v in Region.objects.filter(parent=luming, level=5).order_by("code")[:3]:
            by = ps_clerk if v.code == _code(ps_clerk) else superuser
            s = _submit(by, v, ReportKind.MONTHLY_LIST, year, month, _clamp(datetime.date(year, month, 1), today))
            services.submission_sign_off(
                acting_user=ps_luming, submission=s, on=_clamp(datetime.date(year, month, 2), today)
            )
            made += 1
        _submit(ps_luming, luming, ReportKind.MONTHLY_LIST, year, month, _clamp(datetime.date(year, month, 3), today))
        made += 1
    return made
