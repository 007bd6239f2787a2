"""Demo renovation cases: more key-group houses appraised C/D so that both counties have cases
at every stage — found, in each public notice, filed, signed, under way with patrols, completed,
failed and in rectification, accepted with gaps before 销号, closed with a complete archive and
the subsidy paid, and one ended (moved in with relatives). Every act goes through the services,
done by the demo user whose role it is."""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from anju.accounts.models import User
from anju.cases import services as case_services
from anju.cases.models import RenovationCase
from anju.cases.policy import archive_documents
from anju.core.scoping import in_scope
from anju.demo.appraisals import _appraise
from anju.eligibility import services as eligibility_services
from anju.eligibility.choices import OUTCOME_PROGRAMME
from anju.eligibility.models import Decision
from anju.households.models import House

# The stage each demo case is taken to, most advanced first (the oldest appraisals get these).
TUNLIU_PLAN = [
    "closed",
    "closed",
    "closed",
    "closed",
    "accepted_unpaid",
    "accepted_gaps",
    "accepted_ready",
    "rectifying",
    "rectifying",
    "completed",
    "completed",
    "under_way",
    "under_way",
    "under_way",
    "agreement_signed",
    "filed",
    "filed",
    "approved",
    "township_reviewed",
    "village_reviewed",
    "village_reviewed",
    "applied",
    "applied",
    "found",
    "found",
    "ended",
]
PENGSHUI_PLAN = [
    "closed",
    "closed",
    "accepted_gaps",
    "rectifying",
    "completed",
    "under_way",
    "filed",
    "approved",
    "village_reviewed",
    "applied",
    "found",
]
BUILDERS = [
    ("李建军", "晋工匠-2023-0112"),
    ("渔泽镇建筑工程队", "JZ3-140405-017"),
    ("王师傅", "晋工匠-2022-0451"),
    ("冉家木工队", "渝工匠-2023-0088"),
]
# Days after opening on which each act happens (notices: village 10 in 山西 and 7 in 重庆,
# township 7, county 5).
DAY = {
    "apply": 2,
    "village_review": 5,
    "township_review": 16,
    "approve": 24,
    "file": 30,
    "agreement": 32,
    "start": 35,
    "patrol1": 48,
    "patrol2": 66,
    "complete": 80,
    "accept": 86,
    "rectified": 100,
    "reaccept": 104,
    "close": 118,
}
LAST_DAY = {
    "found": 0,
    "applied": DAY["apply"],
    "village_reviewed": DAY["village_review"],
    "township_reviewed": DAY["township_review"],
    "approved": DAY["approve"],
    "filed": DAY["file"],
    "agreement_signed": DAY["agreement"],
    "under_way": DAY["patrol2"],
    "completed": DAY["complete"],
    "rectifying": DAY["accept"],
    "accepted_unpaid": DAY["accept"] + 14,
    "accepted_gaps": DAY["accept"] + 14,
    "accepted_ready": DAY["accept"] + 14,
    "closed": DAY["close"],
    "ended": DAY["village_review"] + 2,
}
ORDER = [
    "found",
    "applied",
    "village_reviewed",
    "township_reviewed",
    "approved",
    "filed",
    "agreement_signed",
    "under_way",
    "completed",
    "accepted",
    "closed",
]


def _image(text: str, seed: int) -> SimpleUploadedFile:
    """A small JPEG whose pixels differ per document (the archive refuses a duplicate file)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (800, 600), (rng.randint(150, 220), rng.randint(140, 200), rng.randint(110, 180)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 700), rng.randint(0, 500)
        draw.rectangle((x, y, x + rng.randint(40, 200), y + rng.randint(30, 120)), outline=(60, 60, 60), width=3)
    draw.text((20, 20), text, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return SimpleUploadedFile(f"{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def _pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from anju.inspections.pdf import chinese_font

    font = chinese_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont(font, 18)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 80, title)
    canvas.setFont(font, 11)
    for i, line in enumerate(lines):
        canvas.drawString(70, A4[1] - 130 - i * 22, line)
    canvas.drawString(70, 120, "（演示数据：扫描件以此代替）")
    canvas.showPage()
    canvas.save()
    return SimpleUploadedFile(f"{title}.pdf", out.getvalue(), content_type="application/pdf")


class Actors:
    """The demo user who does each act in a county (the superuser where a county has none)."""

    def __init__(self, superuser: Any) -> None:
        users = {u.username: u for u in User.objects.all()}
        self.by_county = {
            "140405": {
                "clerk": users.get("tl_clerk"),
                "head": users.get("tl_head"),
                "township": users.get("tl_township"),
                "county": users.get("tl_county"),
                "civil": users.get("tl_civil"),
                "rural": users.get("tl_rural"),
            },
            "500243": {
                "clerk": users.get("ps_clerk"),
                "head": users.get("ps_luming"),
                "township": users.get("ps_luming"),
                "county": users.get("ps_county"),
                "civil": users.get("ps_civil"),
                "rural": users.get("ps_rural"),
            },
        }
        self.superuser = superuser

    def __call__(self, case: RenovationCase, role: str) -> Any:
        user = self.by_county[case.region_code[:6]].get(role)
        if user is not None and in_scope(user, case.region_code):
            return user
        # Village roles elsewhere in the township: the township officer records for the village.
        township = self.by_county[case.region_code[:6]]["township"]
        if role in ("clerk", "head") and township is not None and in_scope(township, case.region_code):
            return township
        return self.superuser


def _more_covered_households(superuser: Any, today: datetime.date, rng: random.Random) -> None:
    """Appraise further key-group only houses C/D, months ago, so both counties have enough cases."""
    appraisers = {
        "14": User.objects.filter(username="tl_appraiser").first() or superuser,
        "50": User.objects.filter(username="ps_appraiser").first() or superuser,
    }
    for prefix, wanted in (("140405", 18), ("500243", 9)):
        houses = list(
            House.objects.filter(
                region_code__subtree=prefix,
                is_only_house=True,
                appraised_grade="",
                household__primary_group__gt="",
            ).order_by("pk")[:wanted]
        )
        for index, house in enumerate(houses):
            _appraise(
                appraisers[prefix[:2]],
                house,
                rng,
                today - datetime.timedelta(days=rng.randint(150, 230)),
                "D" if index % 3 == 0 else "C",
            )
    eligibility_services.decisions_refresh(
        household_ids=eligibility_services.households_that_matter(""), trigger="演示数据：补充鉴定"
    )


def _run_to(case: RenovationCase, plan: str, opened: datetime.date, who: Actors, rng: random.Random, n: int) -> None:
    def on(key: str) -> datetime.date:
        return opened + datetime.timedelta(days=DAY[key])

    reach = ORDER.index("village_reviewed") if plan == "ended" else _reach(plan)
    acts: list[tuple[str, Callable[[], Any]]] = [
        (
            "applied",
            lambda: case_services.case_apply(
                acting_user=who(case, "clerk"), case=case, on=on("apply"), note="农户书面申请已收"
            ),
        ),
        (
            "village_reviewed",
            lambda: case_services.case_village_review(
                acting_user=who(case, "head"),
                case=case,
                on=on("village_review"),
                note=f"村民代表到会 {rng.randint(15, 31)} 人，全部同意",
            ),
        ),
        (
            "township_reviewed",
            lambda: case_services.case_township_review(
                acting_user=who(case, "township"), case=case, on=on("township_review"), note="经入户核查，符合改造条件"
            ),
        ),
        (
            "approved",
            lambda: case_services.case_approve(
                acting_user=who(case, "county"), case=case, on=on("approve"), note="同意纳入本年度改造计划"
            ),
        ),
        (
            "filed",
            lambda: case_services.case_file(
                acting_user=who(case, "county"), case=case, on=on("file"), note="公示期内无异议"
            ),
        ),
        (
            "agreement_signed",
            lambda: case_services.case_sign_agreement(
                acting_user=who(case, "township"),
                case=case,
                on=on("agreement"),
                method=case.method,
                construction_mode="unified" if n % 3 == 1 else "self",
                builder_name=BUILDERS[n % len(BUILDERS)][0],
                builder_cert_no=BUILDERS[n % len(BUILDERS)][1],
                planned_area=Decimal(str(case.household_size * 16 + rng.choice([0, 6, 12]) if n % 7 else 14)),
                energy_tags=["walls", "roof"] if n % 2 else (["doors_windows"] if n % 5 == 0 else []),
            ),
        ),
        ("under_way", lambda: _works(case, on, who, rng)),
        (
            "completed",
            lambda: case_services.case_complete(
                acting_user=who(case, "township"),
                case=case,
                on=on("complete"),
                built_area=case.planned_area or Decimal(40),
                **_completion_photo(case, on("complete")),
            ),
        ),
    ]
    for stage, act in acts:
        if ORDER.index(stage) > reach:
            break
        act()
        case.refresh_from_db()
    if plan == "ended":
        case_services.case_end(
            acting_user=who(case, "township"),
            case=case,
            on=opened + datetime.timedelta(days=LAST_DAY["ended"]),
            reason="relatives",
            note="农户随子女到县城居住，原住房不再居住，经村组核实",
        )
        return
    _after_completion(case, plan, on, who, n)


# Photo checks (issue 19 §4, ADR 0033): the first case under way in each county keeps its first
# patrol photo; the second one's first patrol photo was taken 1.5 km from the house (flagged far)
# and its second is the first case's picture again, resized (flagged reused).
_FIRST_PATROL_PHOTO: dict[str, tuple[int, bytes]] = {}
_STAGED: set[str] = set()


def _with_exif(data: bytes, *, gps: tuple[float, float] | None, day: datetime.date, size: int = 800) -> bytes:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    if size != image.width:
        image = image.resize((size, size * image.height // image.width))
    exif = Image.Exif()
    if gps is not None:
        ifd = exif.get_ifd(0x8825)
        for ref, tag, value in (("N", 1, gps[0]), ("E", 3, gps[1])):
            minutes = (value - int(value)) * 60
            ifd[tag], ifd[tag + 1] = ref, (float(int(value)), float(int(minutes)), round((minutes % 1) * 60, 4))
    exif.get_ifd(0x8769)[0x9003] = f"{day:%Y:%m:%d} 10:20:00"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75, exif=exif)
    return out.getvalue()


def _patrol_photo(case: RenovationCase, key: str, day: datetime.date) -> tuple[SimpleUploadedFile, Any, Any]:
    """The patrol's photo and the phone's position (the house's, a few metres off)."""
    house = case.house
    base = _image(f"patrol {case.pk} {key}", case.pk * 100 + len(key)).read()
    if house is None or house.latitude is None or house.longitude is None:
        return SimpleUploadedFile(f"{key}.jpg", base, content_type="image/jpeg"), None, None
    lat, lon = float(house.latitude), float(house.longitude)
    county = case.region_code[:6]
    gps: tuple[float, float] | None = (lat + 0.0001, lon + 0.0001)
    first = _FIRST_PATROL_PHOTO.setdefault(county, (case.pk, base))
    if first[0] != case.pk and county not in _STAGED:
        if key == "patrol1":
            gps = (lat + 0.0135, lon)  # about 1.5 km north: the photo was taken elsewhere
        else:
            base = _with_exif(first[1], gps=None, day=day, size=640)  # the first case's picture again
            _STAGED.add(county)
    data = _with_exif(base, gps=gps, day=day)
    return SimpleUploadedFile(f"{key}.jpg", data, content_type="image/jpeg"), f"{lat + 0.0001:.6f}", f"{lon:.6f}"


# 竣工 photos (ADR 0047): each completed case has one, taken at the house on the day; the first in
# each county was taken 1.5 km east (flagged far). Archive house photos carry their EXIF place and
# day; the second case in each county to file 改造后照片 files the first one's picture again,
# resized (flagged reused).
_FAR_COMPLETION: set[str] = set()
_FIRST_AFTER_PHOTO: dict[str, tuple[int, bytes]] = {}
_REUSED_AFTER: set[str] = set()


def _near(case: RenovationCase) -> tuple[float, float] | None:
    house = case.house
    if house is None or house.latitude is None or house.longitude is None:
        return None
    return float(house.latitude) + 0.0001, float(house.longitude) + 0.0001


def _completion_photo(case: RenovationCase, day: datetime.date) -> dict[str, Any]:
    near = _near(case)
    if near is None:
        return {}
    county = case.region_code[:6]
    gps = near
    if county not in _FAR_COMPLETION:
        _FAR_COMPLETION.add(county)
        gps = (near[0], near[1] + 0.0167)  # about 1.5 km east: not this house
    data = _with_exif(_image(f"竣工 {case.pk}", case.pk * 31).read(), gps=gps, day=day)
    photo = SimpleUploadedFile("竣工.jpg", data, content_type="image/jpeg")
    return {"photos": [photo], "device_latitude": f"{near[0]:.6f}", "device_longitude": f"{near[1]:.6f}"}


def _archive_house_photo(case: RenovationCase, code: str, seed: int) -> SimpleUploadedFile:
    """An archive house photo with the place and day the camera wrote (ADR 0047)."""
    base = _image(f"{case.archive_no} {code}", seed).read()
    today = timezone.localdate()
    day = {
        "photos_before": case.agreement_on or case.filed_on or today,
        "photos_during": (case.started_on or today) + datetime.timedelta(days=10),
        "photos_after": case.completed_on or today,
    }.get(code, today)
    county = case.region_code[:6]
    if code == "photos_after":
        first = _FIRST_AFTER_PHOTO.setdefault(county, (case.pk, base))
        if first[0] != case.pk and county not in _REUSED_AFTER:
            _REUSED_AFTER.add(county)
            base = _with_exif(first[1], gps=None, day=day, size=640)  # another house's picture
    data = _with_exif(base, gps=_near(case), day=min(day, today))
    return SimpleUploadedFile(f"{seed}.jpg", data, content_type="image/jpeg")


def _works(case: RenovationCase, on: Callable[[str], datetime.date], who: Actors, rng: random.Random) -> None:
    case_services.case_start(acting_user=who(case, "township"), case=case, on=on("start"))
    case.refresh_from_db()
    for key, findings in (
        ("patrol1", "基础开挖到位，砂浆强度符合要求"),
        ("patrol2", "圈梁、构造柱已浇筑，墙体砌筑平整"),
    ):
        photo, device_lat, device_lon = _patrol_photo(case, key, on(key))
        case_services.patrol_record(
            acting_user=who(case, "township" if key == "patrol1" else "county"),
            case=case,
            on=on(key),
            findings=findings,
            photos=[photo],
            device_latitude=device_lat,
            device_longitude=device_lon,
        )


def _after_completion(case: RenovationCase, plan: str, on: Callable[[str], datetime.date], who: Actors, n: int) -> None:
    """Acceptance, rectification, payments, the archive and 销号 (anju.acceptance, subsidies,
    archives)."""
    from anju.acceptance import services as acceptance_services
    from anju.acceptance.models import Rectification
    from anju.archives import services as archive_services
    from anju.subsidies import services as subsidy_services

    reach = _reach(plan)
    if reach >= ORDER.index("under_way") and case.subsidy_amount:
        subsidy_services.payment_record(
            acting_user=who(case, "county"),
            case=case,
            amount=(case.subsidy_amount * Decimal("0.5")).quantize(Decimal("1")),
            paid_on=on("start"),
            payee_kind="household",
            voucher_no=f"BZ{case.year}-{case.pk:04d}-1",
            note="开工后拨付首笔",
        )
    if plan not in ("rectifying", "closed", "accepted_unpaid", "accepted_gaps", "accepted_ready"):
        upto = (
            "agreement"
            if reach >= ORDER.index("agreement_signed")
            else "early"
            if reach >= ORDER.index("filed")
            else ""
        )
        _archive(case, who, archive_services, upto=upto)
        return
    items = acceptance_services.checklist(case)
    all_pass = {i["code"]: "pass" for i in items}
    signed: dict[str, Any] = {
        "builder_name": case.builder_name,
        "officer_names": "郭晓燕、张卫东" if case.region_code.startswith("14") else "向秀英、冉光明",
        "household_opinion": "同意",
        "notes": None,
    }
    first_fails = plan == "rectifying" or (plan == "closed" and n % 2 == 1)
    if first_fails:
        failed = dict(all_pass)
        failed["roof"] = "fail"
        failed["light"] = "na"
        acceptance_services.acceptance_record(
            acting_user=who(case, "township"),
            case=case,
            on=on("accept"),
            results=failed,
            post_grade="B",
            household_agrees=False,
            rectification_due=on("accept") + datetime.timedelta(days=20 if plan == "rectifying" else 30),
            rectification_requirements="屋面局部渗漏，重新铺设防水层并更换破损瓦片",
            **(signed | {"household_opinion": "屋面漏雨，不同意验收"}),
        )
        case.refresh_from_db()
        if plan == "rectifying":
            _archive(case, who, archive_services, upto="agreement")
            return
        rectification = Rectification.objects.filter(case=case).latest("pk")
        acceptance_services.rectification_complete(
            acting_user=who(case, "township"),
            rectification=rectification,
            on=on("rectified"),
            note="防水层已重做，淋水试验无渗漏",
        )
        case.refresh_from_db()
        accept_on = on("reaccept")
    else:
        accept_on = on("accept")
    acceptance_services.acceptance_record(
        acting_user=who(case, "township"),
        case=case,
        on=accept_on,
        results=all_pass,
        post_grade="A" if n % 2 else "B",
        household_agrees=True,
        **signed,
    )
    case.refresh_from_db()
    complete_archive = plan in ("closed", "accepted_unpaid", "accepted_ready")
    _archive(case, who, archive_services, upto="all" if complete_archive else "most")
    if plan in ("closed", "accepted_gaps", "accepted_ready"):
        rest = (case.subsidy_amount or Decimal(0)) - _paid(case)
        subsidy_services.payment_record(
            acting_user=who(case, "county"),
            case=case,
            amount=rest,
            paid_on=accept_on + datetime.timedelta(days=12),
            payee_kind="household",
            voucher_no=f"BZ{case.year}-{case.pk:04d}-2",
            note="验收合格后拨付尾款",
        )
        file_generated(case, "payment_voucher", who(case, "county"))  # the voucher now lists both
    # The unpaid case's complete archive still waits for both departments' 共同审定 (their
    # home-page queues show it).
    if complete_archive and plan != "accepted_unpaid":
        for role in ("civil", "rural"):
            archive_services.archive_review(
                acting_user=who(case, role),
                case=case,
                agreed=True,
                opinion="材料齐全，同意",
                on=accept_on + datetime.timedelta(days=14),
                role="civil_affairs" if role == "civil" else "rural_revitalization",
            )
    case.refresh_from_db()
    if plan == "closed":
        case_services.case_close(acting_user=who(case, "county"), case=case, on=on("close"), note="四到位，销号")


def _paid(case: RenovationCase) -> Decimal:
    from anju.subsidies.selectors import paid_total

    return paid_total(case)


def _reach(plan: str) -> int:
    target = "accepted" if plan.startswith("accepted") or plan == "rectifying" else plan
    return ORDER.index(target) if target in ORDER else 0


# The documents that exist by each point of the case (the rest come later).
EARLY = ("id_register", "application", "status_certificate", "appraisal_form", "village_review", "approval")
AT_AGREEMENT = (*EARLY, "agreement", "repair_plan", "site_approval", "lease_contract", "photos_before")


def file_generated(case: RenovationCase, code: str, acting_user: Any) -> None:
    """File the form anju prints for ``code`` from its latest source, as the act's receiver does
    after its commit (ADR 0029): the demo loads in one transaction, so the receivers would run only
    when every case is already where it ends (and a closed archive takes nothing)."""
    from anju.acceptance.documents import acceptance_form
    from anju.acceptance.models import Acceptance
    from anju.appraisals.documents import appraisal_form, latest_appraisal
    from anju.archives.services import generated_document_file
    from anju.subsidies.documents import payment_voucher
    from anju.subsidies.models import Payment

    document = None
    if code == "appraisal_form" and case.house_id is not None:
        appraisal = latest_appraisal(case.house_id)
        document = appraisal_form(appraisal) if appraisal else None
    elif code == "acceptance_form":
        acceptance = Acceptance.objects.filter(case=case).order_by("-attempt").first()
        document = acceptance_form(acceptance) if acceptance else None
    elif code == "payment_voucher":
        payment = Payment.objects.filter(case=case).order_by("-instalment").first()
        document = payment_voucher(payment) if payment else None
    if document is not None:
        generated_document_file(acting_user=acting_user, case=case, document=document)


GENERATED = ("appraisal_form", "acceptance_form", "payment_voucher")


def _archive(case: RenovationCase, who: Actors, archive_services: Any, upto: str) -> None:
    if not upto:
        return
    docs = archive_documents(case.policy.content, method=case.method, no_house=case.no_house)
    for index, doc in enumerate(docs):
        code = doc["code"]
        if (upto == "agreement" and code not in AT_AGREEMENT) or (upto == "early" and code not in EARLY):
            continue
        if code in GENERATED:
            file_generated(case, code, who(case, "township"))  # 系统生成, from the act if it happened
            continue
        if upto == "most" and code == "pledge":
            continue  # 销号前仍缺：承诺书
        seed = case.pk * 1000 + index
        if code.startswith("photos_"):
            upload = _archive_house_photo(case, code, seed)
        elif code in ("id_register", "village_review"):
            upload = _image(f"{case.archive_no} {code}", seed)
        else:
            upload = _pdf(
                doc["name"],
                [
                    f"档案编号：{case.archive_no}",
                    f"户主：{case.household.head_name}",
                    f"所在村：{case.region.name}",
                    f"编号 {seed}",
                ],
            )
        archive_services.document_upload(acting_user=who(case, "township"), case=case, code=code, upload=upload)


def _tasks(superuser: Any, year: int) -> None:
    """The province's annual and dynamic tasks for both counties, allocated to their townships:
    屯留区 gives 渔泽镇 more than its dynamic task (over-allocated, shown as 超分), 彭水县 has not
    yet allocated all of its annual task (未分完)."""
    from anju.regions.choices import RegionLevel
    from anju.regions.models import Region
    from anju.tasks import services as task_services

    users = {
        u.username: u
        for u in User.objects.filter(username__in=["sx_province", "cq_province", "tl_county", "ps_county"])
    }
    plan = (
        (
            "140405000000",
            "sx_province",
            "tl_county",
            {"annual": 22, "dynamic": 4},
            "140405102000",
            {"annual": 18, "dynamic": 6},
        ),
        (
            "500243000000",
            "cq_province",
            "ps_county",
            {"annual": 12, "dynamic": 2},
            "500243202000",
            {"annual": 6, "dynamic": 2},
        ),
    )
    for county_code, province, county_user, counts, main_township, main_counts in plan:
        county = Region.objects.get(code=county_code)
        townships = list(Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code")[:3])
        for kind, count in counts.items():
            task = task_services.task_issue(
                acting_user=users.get(province, superuser),
                county=county,
                year=year,
                programme="renovation",
                kind=kind,
                count=count,
                note="省下达年度计划" if kind == "annual" else "年中动态新增",
            )
            allocation = {main_township: main_counts[kind]}
            for other in townships:
                if other.code != main_township and kind == "annual" and county_code.startswith("14"):
                    allocation[other.code] = 2
            task_services.task_allocate_many(
                acting_user=users.get(county_user, superuser), task=task, counts=allocation
            )
        task_services.task_issue(
            acting_user=users.get(province, superuser),
            county=county,
            year=year,
            programme="seismic",
            kind="annual",
            count=6 if county_code.startswith("14") else 2,
            note="农房抗震改造",
        )


def _shanxi_policy(year: int) -> None:
    """山西省's own renovation policy, put in force before the demo cases open: 屯留区's standards
    from its 2023 notice (C 0.75 万元、D 或无房 2.1 万元) as region entries, 10 days of village notice."""
    officer = User.objects.filter(username="sx_province").first()
    if officer is None:
        return
    draft = case_services.policy_derive(
        acting_user=officer, source=case_services.ensure_national_policy(), note="按屯留区 2023 年实施方案细化"
    )
    content = draft.content
    content["notice_days"]["village"] = 10
    content["subsidy_standards"] += [
        {
            "code": "TL-C",
            "label": "屯留区 C 级维修加固",
            "year": year,
            "regions": ["140405"],
            "programme": "renovation",
            "grades": ["C"],
            "methods": [],
            "amount": 7500,
        },
        {
            "code": "TL-D",
            "label": "屯留区 D 级或无房户",
            "year": year,
            "regions": ["140405"],
            "programme": "renovation",
            "grades": ["D", "N"],
            "methods": [],
            "amount": 21000,
        },
    ]
    case_services.policy_update(
        acting_user=officer, policy=draft, content=content, name="山西省农村危房改造政策", note=draft.note
    )
    case_services.policy_activate(acting_user=officer, policy=draft)


def load_demo_cases(superuser: Any) -> int:
    """Create the demo cases once; returns how many."""
    if RenovationCase.objects.exists() or not Decision.objects.exists():
        return 0
    rng = random.Random(2023_07)
    today = timezone.localdate()
    for kept in (_FIRST_PATROL_PHOTO, _STAGED, _FAR_COMPLETION, _FIRST_AFTER_PHOTO, _REUSED_AFTER):
        kept.clear()
    _shanxi_policy(today.year)
    _tasks(superuser, today.year)
    _more_covered_households(superuser, today, rng)
    who = Actors(superuser)
    made = 0
    for prefix, plans in (("140405", TUNLIU_PLAN), ("500243", PENGSHUI_PLAN)):
        covered = list(
            Decision.objects.filter(
                is_current=True, region_code__subtree=prefix, outcome__in=list(OUTCOME_PROGRAMME)
            ).select_related("household")
        )
        # The longest-known dangerous houses have come furthest.
        appraised = dict(
            House.objects.filter(household__in=[d.household for d in covered], is_only_house=True).values_list(
                "household_id", "appraised_on"
            )
        )
        covered.sort(key=lambda d: (appraised.get(d.household_id) or today, d.household_id))
        for n, (decision, plan) in enumerate(zip(covered, plans, strict=False)):
            appraised_on = appraised.get(decision.household_id) or today
            latest_start = today - datetime.timedelta(days=LAST_DAY[plan])
            # Cases in a notice started it two days ago, so the notice is still running; the accepted
            # case still unpaid was accepted long enough ago for its final payment to be overdue.
            if plan.endswith("reviewed") or plan == "approved":
                slack = 2
            else:
                slack = 30 if plan == "accepted_unpaid" else rng.randint(3, 20)
            opened = min(latest_start - datetime.timedelta(days=slack), today)
            if plan in ("found", "applied"):  # recently found: opened after the appraisal
                opened = min(max(opened, appraised_on), latest_start)
            clerk = who.by_county[prefix]["clerk"]
            township = who.by_county[prefix]["township"]
            opener = clerk if clerk is not None and in_scope(clerk, decision.region_code) else township
            case = case_services.case_open(
                acting_user=opener or superuser,
                household=decision.household,
                on=opened,
                note=f"资格认定：{decision.get_outcome_display()}（规则「{decision.rule_name}」）",
            )
            _run_to(case, plan, opened, who, rng, n)
            made += 1
    if _safety_loop_story(superuser, who, rng, today):
        made += 2
    _housing_check_story(superuser, today)
    return made


def _safety_loop_story(superuser: Any, who: Actors, rng: random.Random, today: datetime.date) -> str:
    """A 鹿鸣乡 低保 family renovated last year whose house a storm made dangerous again: D by
    its appraisal 500 days ago, case opened 480 days ago and closed about a year ago (the house
    then A/B, renovated), found C by the clerk 20 days ago, appraised D (small natural disaster)
    12 days ago, so the rules re-enter it and a new case links the old one (ADR 0021)."""
    from anju.inspections.services import inspection_record

    house = (
        House.objects.filter(
            region_code__subtree="500243202",
            is_only_house=True,
            appraised_grade="",
            household__primary_group="dibao",
        )
        .order_by("pk")
        .first()
    )
    appraiser = User.objects.filter(username="ps_appraiser").first() or superuser
    if house is None:
        return ""
    _appraise(appraiser, house, rng, today - datetime.timedelta(days=500), "D")
    eligibility_services.decisions_refresh(household_ids=[house.household_id], trigger="演示数据：改造后再次成为危房")
    opened = today - datetime.timedelta(days=480)
    first = case_services.case_open(
        acting_user=who.by_county["500243"]["township"] or superuser, household=house.household, on=opened
    )
    _run_to(first, "closed", opened, who, rng, 0)
    inspection_record(
        acting_user=who.by_county["500243"]["township"] or superuser,
        house=house,
        suspected_grade="C",
        is_occupied=True,
        occupant_ages="74, 70",
        hazards=HAZARDS_AFTER_STORM,
        inspected_at=timezone.now() - datetime.timedelta(days=20),
        note="暴雨后回访：改造房屋后墙被山洪冲刷，墙体开裂",
    )
    _appraise(appraiser, house, rng, today - datetime.timedelta(days=12), "D", damage_cause="small_disaster")
    eligibility_services.decisions_refresh(household_ids=[house.household_id], trigger="演示数据：再次鉴定")
    case_services.case_open(
        acting_user=who.by_county["500243"]["township"] or superuser,
        household=house.household,
        on=today - datetime.timedelta(days=5),
    )
    return house.household.head_name


HAZARDS_AFTER_STORM = ["wall_through_crack", "wall_crack"]


def _housing_check_story(superuser: Any, today: datetime.date) -> str:
    """北渔泽村: a 特困 elder with no house of their own, living with a child's family (与子女同住):
    以人找房 records it with the child's house, and the campaign counts the elder as covered."""
    from anju.households.services import household_create, status_add
    from anju.inspections.models import Campaign
    from anju.inspections.services import housing_check_record
    from anju.regions.models import Region

    village = Region.objects.filter(code="140405102201").first()
    campaign = Campaign.objects.filter(region_code="140405102000").order_by("-year").first()
    clerk = User.objects.filter(username="tl_clerk").first()
    civil = User.objects.filter(username="tl_civil").first()
    host = House.objects.filter(region=village, household__primary_group="").order_by("pk").first()
    if None in (village, campaign, clerk, civil, host):
        return ""
    assert village is not None and campaign is not None and host is not None
    assert clerk is not None and civil is not None
    elder = household_create(acting_user=clerk, region=village, head_name="郭秀兰", head_id_number="140405193903120029")
    status_add(acting_user=civil, household=elder, group="tekun", certified_on=datetime.date(2021, 4, 1))
    housing_check_record(
        acting_user=clerk,
        campaign=campaign,
        household=elder,
        kind="with_children",
        host_house=host,
        recorded_on=max(campaign.starts_on, today - datetime.timedelta(days=9)),
        evidence=f"走访核实：随子女{host.household.head_name}一家居住，村委会出具证明",
    )
    # 一脱了之: two monitoring households of the village left the group about 14 months ago; they
    # stay under watch (3 years by default) and the campaign's 以人找房 must still reach them.
    from anju.households.models import HouseholdStatus
    from anju.households.services import status_end

    leaving = (
        HouseholdStatus.objects.filter(
            household__region_code__subtree="140405102", group="monitoring", ended_on__isnull=True
        )
        .exclude(household__cases__isnull=False)
        .order_by("pk")[:2]
    )
    for status in list(leaving):
        if status.household.statuses.filter(ended_on__isnull=True).count() == 1:
            status_end(
                acting_user=civil,
                status=status,
                ended_on=today - datetime.timedelta(days=420),
                note="收入稳定，风险消除",
            )
    return elder.head_name
