"""Demo inspection work (requirements §5): a routine campaign in 渔泽镇 and in 鹿鸣乡 with about
two thirds of the houses inspected, a few photos, 以房找人 referrals (one confirmed), a landslide
in 鹿鸣乡 with its worst-first tasks half done, control measures (one evacuation verified),
北渔泽村's signed list received by the township, follow-ups at every step, and a hazard checklist
that 屯留区's administrator has kept (one item added, one retired that inspections still show)."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from anju.accounts.models import User
from anju.households.models import House
from anju.inspections.acts import recording_refusal
from anju.inspections.checklist import ensure_checklist
from anju.inspections.models import Campaign, FollowUp, HazardItem, Referral
from anju.inspections.services import (
    campaign_create,
    emergency_declare,
    follow_up_step,
    hazard_item_create,
    hazard_item_retire,
    inspection_record,
    measure_record,
    measure_verify,
    referral_decide,
    village_list_receive,
    village_list_sign,
)
from anju.regions.models import Region

HAZARDS = {
    "A": [],
    "B": ["wall_crack", "roof_leak", "roof_tiles"],
    "C": ["wall_crack", "wall_weathering", "timber_decay", "joint_loose", "site_drainage"],
    "D": ["wall_through_crack", "wall_tilt", "frame_break", "roof_collapse", "earth_wall_damp"],
}
NOTES = ("家中无劳动力，靠低保边缘救助", "户主患慢性病，子女在外务工收入不稳", "独居老人，无固定收入")


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), (rng.randint(120, 180), rng.randint(100, 150), rng.randint(70, 120)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):  # "cracks"
        x, y = rng.randint(0, 800), rng.randint(0, 600)
        draw.line([(x, y), (x + rng.randint(-200, 200), y + rng.randint(50, 250))], fill=(40, 30, 20), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{label}.jpg", out.getvalue(), content_type="image/jpeg")


def _near(value: Decimal | None, rng: random.Random) -> Decimal | None:
    return None if value is None else (value + Decimal(str(round(rng.uniform(-0.0008, 0.0008), 6))))


def _inspector(house: House, fallback: Any) -> Any:
    """Who walks to this house: its village's clerk, else its township's officer, else the
    county's officer — the demo user nearest the house whose role may inspect (not the operator)."""
    code = house.region_code
    nearest = (code, code[:9] + "000", code[:6] + "000000")
    staff = sorted(
        User.objects.filter(region__code__in=nearest, is_active=True).select_related("region"),
        key=lambda u: (nearest.index(getattr(u.region, "code", code)), u.pk),
    )
    return next((u for u in staff if not recording_refusal(u, None)), fallback)


def _inspect(superuser: Any, house: House, rng: random.Random, when: datetime.datetime, **extra: Any) -> Any:
    inspector = _inspector(house, superuser)
    grade = extra.pop("grade", None) or rng.choices("ABCD", weights=[45, 30, 16, 9])[0]
    occupied = rng.random() < (0.6 if grade in "CD" else 0.85)
    ages = [
        rng.choice([rng.randint(62, 88), rng.randint(20, 59), rng.randint(3, 17)]) for _ in range(rng.randint(1, 4))
    ]
    hazards = rng.sample(HAZARDS[grade], k=min(len(HAZARDS[grade]), rng.randint(1, 3))) if HAZARDS[grade] else []
    return inspection_record(
        acting_user=inspector,
        house=house,
        suspected_grade=grade,
        is_occupied=occupied,
        occupant_ages=ages if occupied else [],
        hazards=hazards,
        inspected_at=when,
        latitude=_near(house.latitude, rng),
        longitude=_near(house.longitude, rng),
        gps_accuracy_m=rng.randint(5, 40) if house.latitude is not None else None,
        lives_in_two_houses=rng.random() < 0.04,
        **extra,
    )


def load_demo_inspections(superuser: Any) -> int:
    """Create the demo inspection work once; returns the number of inspections recorded."""
    if Campaign.objects.exists() or not House.objects.exists():
        return 0
    ensure_checklist()
    rng = random.Random(2026)
    now = timezone.now()
    year = timezone.localdate().year
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["tl_township", "tl_head", "tl_civil", "ps_luming", "tl_admin"])
    }
    count = 0
    campaigns = {}
    for township_code in ("140405102000", "500243202000"):
        township = Region.objects.get(code=township_code)
        campaign = campaign_create(
            acting_user=superuser,
            title=f"{year} 年{township.name}农村低收入群体等重点对象住房安全常规排查",
            year=year,
            region=township,
            starts_on=datetime.date(year, 3, 1),
            deadline=datetime.date(year, 12, 31),
        )
        campaigns[township_code] = campaign
        houses = list(House.objects.filter(region_code__subtree=township.prefix).select_related("household"))
        start = datetime.datetime(year, 3, 2, 9, tzinfo=datetime.UTC)
        referred = 0
        span = max(1, int((now - start).total_seconds()))
        for i, house in enumerate(houses):
            if rng.random() > 0.68:
                continue  # not yet covered: on the clerks' to-do list
            when = start + datetime.timedelta(seconds=rng.randint(0, span))
            general = not house.household.primary_group
            grade = rng.choices("ABCD", weights=[45, 30, 16, 9])[0]
            referral = general and grade in "CD" and rng.random() < 0.5
            _inspect(
                superuser,
                house,
                rng,
                when,
                grade=grade,
                campaign=campaign,
                photos=[_photo(rng, f"house-{house.pk}-{n}") for n in range(2)] if i % 9 == 0 else [],
                family_poor_not_listed=referral,
                poverty_note=rng.choice(NOTES) if referral else "",
                # The township's first two referrals go to 民政 (one is confirmed below, one waits).
                referral_department="civil_affairs"
                if rng.random() < 0.6 or (referral and referred < 2)
                else "rural_revitalization",
            )
            referred += referral
            count += 1

    # 以房找人: one referral confirmed by 民政 in 屯留区; the rest wait for the liaisons.
    civil = users.get("tl_civil")
    pending = Referral.objects.filter(region_code__subtree="140405", department="civil_affairs").first()
    if civil and pending:
        referral_decide(acting_user=civil, referral=pending, confirm=True, group="dibao_edge")

    # 北渔泽村's village head signs the list; the township receives it.
    head, officer = users.get("tl_head"), users.get("tl_township")
    if head and officer and head.region:
        record = village_list_sign(acting_user=head, campaign=campaigns["140405102000"], village=head.region)
        village_list_receive(acting_user=officer, village_list=record)

    # A landslide in 鹿鸣乡: tasks worst first, the most urgent half inspected.
    luming = Region.objects.get(code="500243202000")
    villages = list(Region.objects.filter(parent=luming).order_by("code")[:3])
    event = emergency_declare(
        acting_user=users.get("ps_county") or superuser,
        kind="landslide",
        title=f"{year} 年鹿鸣乡“8·12”山体滑坡",
        occurred_on=min(timezone.localdate(), datetime.date(year, 8, 12)),
        region=luming,
        villages=villages,
        note="连续强降雨引发山体滑坡，受影响村立即开展应急排查。",
    )
    tasks = list(event.tasks.select_related("house__household").order_by("priority", "pk"))
    for task in tasks[: len(tasks) // 2]:
        _inspect(superuser, task.house, rng, now - datetime.timedelta(hours=rng.randint(1, 48)), event=event)
        count += 1

    # Control measures on occupied C/D houses: some evacuated and verified, some only signposted.
    occupied = list(House.objects.filter(suspected_grade__in=["C", "D"], is_occupied=True).order_by("pk"))
    verifiers = {"140405": users.get("tl_township"), "500243": users.get("ps_luming")}
    today = timezone.localdate()
    for i, house in enumerate(occupied[: max(1, len(occupied) * 2 // 3)]):
        kind = "evacuate" if i % 2 == 0 else "warning"
        measure = measure_record(
            acting_user=superuser,
            house=house,
            kind=kind,
            taken_on=today - datetime.timedelta(days=rng.randint(2, 20)),
            responsible=f"{house.household.head_name[0]}支书",
            note="人员已转移至亲属家安全住房" if kind == "evacuate" else "房屋四周设置警示标志",
        )
        verifier = verifiers.get(house.region_code[:6])
        if kind == "evacuate" and verifier and i % 4 == 0:
            measure_verify(acting_user=verifier, measure=measure, verified_on=today, note="入户核实，人员已撤离")

    # Follow-ups: the first one at each step.
    follow_ups = list(FollowUp.objects.order_by("pk")[:2])
    if follow_ups:
        follow_up_step(
            acting_user=superuser,
            follow_up=follow_ups[0],
            step="moved",
            on=today - datetime.timedelta(days=10),
            photo=_photo(rng, "moved"),
            moved_to="搬入儿子家新建砖混住房",
        )
        follow_up_step(
            acting_user=superuser, follow_up=follow_ups[0], step="demolished", on=today, photo=_photo(rng, "demolished")
        )
    if len(follow_ups) > 1:
        follow_up_step(
            acting_user=superuser,
            follow_up=follow_ups[1],
            step="moved",
            on=today - datetime.timedelta(days=3),
            photo=_photo(rng, "moved2"),
            moved_to="投靠女儿，住女儿家安全住房",
        )

    # The checklist as the county administrator keeps it, after the inspections above: an item
    # added, and one retired that the inspections recorded with it still show.
    admin = users.get("tl_admin") or superuser
    hazard_item_create(
        acting_user=admin, label="房屋紧邻高陡边坡或切坡建房", part="site", serious=True, code="site_steep_cut"
    )
    hazard_item_retire(acting_user=admin, item=HazardItem.objects.get(code="site_drainage"))
    return count
