"""Demo township duties (issue 22), from the 鹿鸣乡 notice: 阿依河胡家湾苗寨 with its traditional
houses; the 13 人居环境示范点 of 彭水县 (靛水街道文武社区, 润溪乡樱桃井村, 保家镇三江村, 汉葭街道大树村
and nine others) and the 善感乡 美丽宜居示范乡镇 projects, in every state — accepted, under way,
late, not started; trainings with sign-in sheets and 三师下乡 visits; craftsmen (冉家木工队 built
鹿鸣乡's demo cases); publicity beside the cases' public notices; a 住房保障工作专班 in every
village of 鹿鸣乡 with its members and tasks (one overdue, one for 向家村's clerk).

Every act goes through the services by the demo user whose role it is; acts dated in the past run
with the services' clock set to their day (``_on``), so a task can be overdue today."""

from __future__ import annotations

import contextlib
import datetime
import io
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.regions.choices import RegionLevel
from anju.regions.models import Region
from anju.township import services
from anju.township.models import TraditionalVillage

PENGSHUI = "500243"
LUMING = "500243202"
AYIHE = "500243002005"  # 绍庆街道阿依河社区: 胡家湾苗寨
# The 13 人居环境示范点: the four the notice names, then nine more across the county.
DEMO_SITES: list[tuple[str, str, str]] = [
    ("500243003003", "靛水街道文武社区人居环境示范点", "靛水街道办事处"),
    ("500243226201", "润溪乡樱桃井村人居环境示范点", "润溪乡人民政府"),
    ("500243101205", "保家镇三江村人居环境示范点", "保家镇人民政府"),
    ("500243001203", "汉葭街道大树村人居环境示范点", "汉葭街道办事处"),
    ("500243202201", "鹿鸣乡向家村人居环境示范点", "鹿鸣乡人民政府"),
    ("500243202200", "鹿鸣乡万年村人居环境示范点", "鹿鸣乡人民政府"),
    ("500243002005", "绍庆街道阿依河社区人居环境示范点", "绍庆街道办事处"),
    ("500243002200", "绍庆街道镇南村人居环境示范点", "绍庆街道办事处"),
    ("500243003201", "靛水街道桂花树村人居环境示范点", "靛水街道办事处"),
    ("500243101200", "保家镇溪口村人居环境示范点", "保家镇人民政府"),
    ("500243001205", "汉葭街道长溪村人居环境示范点", "汉葭街道办事处"),
    ("500243222202", "善感乡周家寨村人居环境示范点", "善感乡人民政府"),
    ("500243222200", "善感乡农纲村人居环境示范点", "善感乡人民政府"),
]
LIVABLE_TOWN: list[tuple[str, str, Decimal]] = [
    ("善感乡集镇风貌提升工程", "500243222000", Decimal("380")),
    ("善感乡集镇污水管网延伸工程", "500243222000", Decimal("215.5")),
    ("善感乡周家寨村公厕及垃圾收集点", "500243222202", Decimal("46")),
]


class _Clock:
    def __init__(self, day: datetime.date) -> None:
        self.day = day

    def localdate(self, *args: Any, **kwargs: Any) -> datetime.date:
        return self.day

    def now(self) -> datetime.datetime:
        return timezone.now()


@contextlib.contextmanager
def _on(day: datetime.date) -> Iterator[None]:
    with mock.patch.object(services, "timezone", _Clock(day)):
        yield


def _photo(label: str, seed: int, kind: str = "house") -> SimpleUploadedFile:
    """A JPEG that looks a little like a wooden house, a site or a meeting, different per seed."""
    rng = random.Random(seed)
    sky = (rng.randint(150, 190), rng.randint(190, 215), rng.randint(215, 240))
    image = Image.new("RGB", (960, 720), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 960, 720), fill=(rng.randint(80, 110), rng.randint(120, 150), rng.randint(60, 90)))
    if kind == "meeting":
        for _ in range(rng.randint(14, 24)):
            x, y = rng.randint(40, 900), rng.randint(430, 660)
            draw.ellipse((x, y, x + 26, y + 26), fill=(rng.randint(20, 60),) * 3)
            draw.rectangle((x - 4, y + 26, x + 30, y + 70), fill=(rng.randint(30, 200), rng.randint(30, 120), 60))
        draw.rectangle((300, 120, 660, 200), fill=(190, 20, 30))
    else:
        wood = (rng.randint(110, 140), rng.randint(70, 90), rng.randint(40, 60))
        left = rng.randint(120, 260)
        draw.rectangle((left, 300, left + 520, 560), fill=wood, outline=(60, 40, 20), width=4)
        draw.polygon([(left - 60, 310), (left + 260, 150), (left + 580, 310)], fill=(60, 60, 70))
        for col in range(left + 40, left + 520, 90):
            draw.rectangle((col, 360, col + 50, 440), fill=(230, 220, 190), outline=(60, 40, 20), width=3)
        if kind == "site":
            draw.rectangle((0, 560, 960, 600), fill=(150, 150, 150))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{label}.jpg", out.getvalue(), content_type="image/jpeg")


def _regions(*codes: str) -> dict[str, Region]:
    return {r.code: r for r in Region.objects.filter(code__in=codes)}


def load_demo_township(superuser: User) -> int:
    """Load the demo duties once; return how many records were made (0 when already there)."""
    if TraditionalVillage.objects.filter(name="胡家湾苗寨").exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["ps_county", "ps_luming", "ps_clerk"])}
    county = users.get("ps_county", superuser)
    luming = users.get("ps_luming", superuser)
    clerk = users.get("ps_clerk")
    today = timezone.localdate()
    made = 0
    made += _heritage(county, luming, today)
    made += _projects(county, luming, today)
    made += _training(county, luming, clerk, today)
    made += _publicity(luming, today)
    made += _teams(luming, clerk, today)
    return made


def _heritage(county: User, luming: User, today: datetime.date) -> int:
    ayihe = Region.objects.get(code=AYIHE)
    with _on(today - datetime.timedelta(days=400)):
        village = services.village_add(
            acting_user=county,
            region=ayihe,
            name="胡家湾苗寨",
            level="municipal",
            listed_year=2019,
            protection_plan=(
                "依据《重庆市“十四五”期间传统村落保护发展行动方案》（渝建村镇〔2020〕43号），建成阿依河胡家湾苗寨"
                "传统村落保护发展市级示范点：保护苗寨吊脚楼群和石板古道的整体格局，修缮传统民居，"
                "整治寨内环境，新建建筑限高两层、坡屋顶小青瓦。"
            ),
            plan_approved_on=datetime.date(2023, 5, 18),
        )
    houses = [
        ("胡家大院", "胡德全", "清代晚期", "穿斗式木结构", "key", "保留正堂木雕花窗和石柱础\n禁止改为砖混结构", 1),
        ("胡家湾吊脚楼（一）", "胡国富", "民国", "木结构吊脚楼", "key", "保留吊脚柱和挑廊", 2),
        ("胡家湾吊脚楼（二）", "胡国强", "1950年代", "木结构吊脚楼", "general", "", 3),
        ("石板巷老屋", "王秀兰", "1960年代", "石木结构", "general", "保留石墙原貌，不得抹灰", 4),
        ("寨口新居", "胡小平", "2008年", "砖混结构", "harmony", "外墙改为木色，加小青瓦坡屋顶", 5),
    ]
    made = 1
    for name, owner, era, structure, grade, req, seed in houses:
        th = services.traditional_house_add(
            acting_user=county,
            village=village,
            name=name,
            owner_name=owner,
            built_era=era,
            structure=structure,
            grade=grade,
            requirements=req,
            photos=[_photo(f"th-{seed}", seed)],
        )
        made += 1
        if seed <= 3:  # the others are due a check
            with _on(today - datetime.timedelta(days=10 * seed)):
                services.house_check_record(
                    acting_user=county,
                    house=th,
                    checked_on=today - datetime.timedelta(days=10 * seed),
                    checker="胡家湾苗寨专班 胡德明",
                    condition="poor" if seed == 2 else "fair",
                    note="挑廊木板局部腐朽，已告知户主雨季前更换" if seed == 2 else "",
                )
    # A traditional house in 鹿鸣乡 with a renovation case under way: its case shows the
    # protection requirements and its acceptance checklist adds them.
    case = (
        RenovationCase.objects.filter(region_code__subtree=LUMING, house__isnull=False)
        .filter(stage__in=["agreement_signed", "under_way", "completed", "filed"])
        .select_related("region", "household", "house")
        .order_by("pk")
        .first()
    )
    if case is not None and case.house is not None:
        old = services.village_add(
            acting_user=luming,
            region=case.region,
            name=f"{case.region.name.replace('村民委员会', '')}老院子",
            level="county",
            listed_year=2022,
            protection_plan="县级传统风貌院落：保持木构穿斗房和院坝格局。",
        )
        services.traditional_house_add(
            acting_user=luming,
            village=old,
            name=f"{case.household.head_name}家木屋",
            owner_name=case.household.head_name,
            built_era="1970年代",
            structure="穿斗式木结构",
            grade="key",
            requirements="维修加固保留木构架，只换腐朽构件",
            house=case.house,
            photos=[_photo("th-case", 9)],
        )
        made += 2
    return made


def _projects(county: User, luming: User, today: datetime.date) -> int:
    regions = _regions(*[code for code, _, _ in DEMO_SITES], *[code for _, code, _ in LIVABLE_TOWN])
    year = today.year
    jan = datetime.date(year, 1, 10)
    made = 0
    for n, (code, name, unit) in enumerate(DEMO_SITES):
        region = regions.get(code)
        if region is None:
            continue
        actor = luming if code.startswith(LUMING) else county
        planned_start = jan + datetime.timedelta(days=20 * (n % 6))
        planned_end = min(planned_start + datetime.timedelta(days=240 + 15 * n), datetime.date(year, 12, 31))
        with _on(planned_start - datetime.timedelta(days=30)):
            project = services.project_create(
                acting_user=actor,
                region=region,
                name=name,
                kind="demo_site",
                year=year,
                budget=Decimal(80 + 10 * n),
                responsible_unit=unit,
                planned_start=planned_start,
                planned_end=planned_end,
            )
        made += 1
        state = n % 5  # 0 accepted, 1 completed, 2 under way, 3 late, 4 not started (late start)
        if state == 4:
            continue
        start = planned_start + datetime.timedelta(days=7)
        steps = {0: (35, 70, 100), 1: (40, 80, 100), 2: (30, 55), 3: (20, 35)}[state]
        for i, progress in enumerate(steps):
            day = min(start + datetime.timedelta(days=60 * i), today - datetime.timedelta(days=3 * (len(steps) - i)))
            with _on(day):
                services.project_report(
                    acting_user=actor,
                    project=project,
                    reported_on=day,
                    progress=progress,
                    text={35: "场地平整、房前屋后清理完成", 40: "改厕、污水收集管道施工", 20: "材料进场"}.get(
                        progress, f"完成 {progress}%：院坝硬化、风貌改造推进中" if progress < 100 else "全部完工"
                    ),
                    actual_start=start if i == 0 else None,
                    photos=[_photo(f"site-{n}-{i}", 100 + 10 * n + i, "site")],
                )
        if state == 0:
            with _on(today):
                services.project_accept(
                    acting_user=county,
                    project=project,
                    accepted_on=today - datetime.timedelta(days=1),
                    note="经验收，示范点建设内容完成，同意通过。",
                )
    for n, (name, code, budget) in enumerate(LIVABLE_TOWN):
        region = regions.get(code)
        if region is None:
            continue
        with _on(datetime.date(2023, 3, 1)):
            project = services.project_create(
                acting_user=county,
                region=region,
                name=name,
                kind="livable_town",
                year=2023,
                budget=budget,
                responsible_unit="善感乡人民政府",
                planned_start=datetime.date(2023, 4, 1),
                planned_end=datetime.date(2023, 11, 30),
            )
        made += 1
        for i, (day, progress) in enumerate(
            [(datetime.date(2023, 5, 10), 30), (datetime.date(2023, 8, 20), 70), (datetime.date(2023, 11, 15 + n), 100)]
        ):
            with _on(day):
                services.project_report(
                    acting_user=county,
                    project=project,
                    reported_on=day,
                    progress=progress,
                    text="一深化三提升：按计划推进" if progress < 100 else "全部完工，待验收",
                    actual_start=datetime.date(2023, 4, 6) if i == 0 else None,
                )
        if n < 2:
            with _on(datetime.date(2023, 12, 28)):
                services.project_accept(
                    acting_user=county, project=project, accepted_on=datetime.date(2023, 12, 20 + n), note="同意验收。"
                )
    return made


def _training(county: User, luming: User, clerk: User | None, today: datetime.date) -> int:
    regions = _regions("500243000000", "500243202000", "500243202201", "500243002005", "500243226201")
    township = regions["500243202000"]
    craftsmen = []
    for n, (name, number, skills, phone) in enumerate(
        [
            ("冉家木工队", "渝工匠-2023-0088", "木工、穿斗木构修缮", "13896120088"),
            ("向德明", "渝工匠-2022-0317", "泥瓦工、砌体", "13594310317"),
            ("胡德明", "渝工匠-2021-0146", "吊脚楼木作", "15823460146"),
        ]
    ):
        with _on(datetime.date(2023, 6, 1)):
            craftsmen.append(
                services.craftsman_register(
                    acting_user=luming if n < 2 else county,
                    region=township if n < 2 else regions["500243000000"],
                    name=name,
                    certificate_no=number,
                    phone=phone,
                    certified_on=datetime.date(2021 + (n == 0) * 2, 5, 20),
                    skills=skills,
                )
            )
    office = [u for u in (luming, clerk) if u is not None]
    sessions = [
        (
            "农村住房安全排查与鉴定培训",
            "inspection",
            "冉工（县房屋安全鉴定中心）",
            75,
            1,
            Decimal("6"),
            office,
            craftsmen[:2],
        ),
        ("建筑工匠培训：穿斗木构维修加固", "craftsman", "胡德明", 40, 2, Decimal("12"), office[:1], craftsmen),
        ("传统村落保护发展培训", "heritage", "市传统村落专家组 刘规划师", 20, 1, Decimal("4"), office, craftsmen[2:]),
    ]
    made = 3
    for n, (topic, category, trainer, days_ago, length, hours, people, men) in enumerate(sessions):
        start = today - datetime.timedelta(days=days_ago)
        with _on(start + datetime.timedelta(days=length)):
            services.training_record(
                acting_user=luming if n == 0 else county,  # the county's trainings bring its craftsmen
                region=township,
                topic=topic,
                category=category,
                trainer=trainer,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=length - 1),
                hours=hours,
                place="鹿鸣乡便民服务中心会议室",
                attendees=people,
                craftsmen=men,
                signin_sheet=_photo(f"signin-{n}", 300 + n, "meeting"),
                photos=[_photo(f"training-{n}", 310 + n, "meeting")],
            )
        made += 1
    visits = [
        (
            AYIHE,
            "刘蓉",
            "planner",
            "市三师下乡工作室",
            "苗寨入口停车场移出核心保护区；石板古道按原材料修复",
            30,
            "已调整停车场选址，古道修复列入下季度",
        ),
        ("500243202201", "陈建", "architect", "县规划设计院", "新建农房采用坡屋顶、木色外墙，提供三套通用图", 50, ""),
        ("500243226201", "王志刚", "engineer", "县住建委", "樱桃井村示范点排水沟断面偏小，建议加大至 40 cm", 15, ""),
    ]
    for code, name, kind, org, advice, days_ago, follow in visits:
        day = today - datetime.timedelta(days=days_ago)
        with _on(day):
            visit = services.expert_visit_record(
                acting_user=county,
                region=regions[code],
                visited_on=day,
                expert_name=name,
                expert_kind=kind,
                organisation=org,
                advice=advice,
            )
        if follow:
            services.expert_visit_follow_up(
                acting_user=county, visit=visit, follow_up=follow, followed_up_on=day + datetime.timedelta(days=12)
            )
        made += 1
    return made


def _publicity(luming: User, today: datetime.date) -> int:
    regions = _regions("500243202000", "500243202201", "500243202205")
    items = [
        (
            "500243202201",
            "向家村院坝",
            "meeting",
            86,
            "宣讲“人不住危房、危房不住人”和动态新增危房申报",
            "政策明白卡 120 份",
            12,
        ),
        ("500243202000", "鹿鸣乡场镇", "banner", 300, "悬挂农村住房安全保障宣传横幅", "横幅 6 条", 40),
        ("500243202205", "红岩村便民服务点", "leaflet", 54, "发放老人住危房搬离动员资料", "宣传折页 80 份", 70),
        ("500243202000", "鹿鸣乡微信工作群", "online", 420, "推送住房保障政策解读和典型案例", "", 95),
    ]
    for n, (code, place, form, audience, summary, materials, days_ago) in enumerate(items):
        day = today - datetime.timedelta(days=days_ago)
        with _on(day):
            services.publicity_record(
                acting_user=luming,
                region=regions[code],
                held_on=day,
                place=place,
                form=form,
                audience=audience,
                summary=summary,
                materials=materials,
                photos=[_photo(f"pub-{n}", 400 + n, "meeting")] if form in ("meeting", "leaflet") else [],
            )
    return len(items)


SURNAMES = "向冉田何胡龚张王李陈"


def _teams(luming: User, clerk: User | None, today: datetime.date) -> int:
    villages = list(Region.objects.filter(code__subtree=LUMING, level=RegionLevel.VILLAGE).order_by("code"))
    made = 0
    established = datetime.date(2023, 3, 28)  # before the 30 March report the notice asks for
    for n, village in enumerate(villages):
        with _on(established):
            team = services.team_establish(
                acting_user=luming,
                region=village,
                established_on=established,
                duties="定期排查农户房屋安全隐患；疑似 C、D 级危房经村主要负责人审核签字后上报乡建环办；跟进整改和销号。",
            )
        surname = SURNAMES[n % len(SURNAMES)]
        members: list[tuple[str, str, str, User | None]] = [
            (f"{surname}国华", "head", f"1390243{n:02d}01", None),
            (f"{surname}小梅", "grid", f"1390243{n:02d}02", None),
            (f"{SURNAMES[(n + 3) % 10]}志强", "resident_team", f"1390243{n:02d}03", None),
        ]
        if clerk is not None and clerk.region_id == village.pk:
            members.append((clerk.full_name or clerk.username, "clerk", clerk.phone or "13902430000", clerk))
        made_members = []
        for name, role, phone, user in members:
            with _on(established):
                made_members.append(
                    services.team_member_add(
                        acting_user=luming, team=team, name=name, role=role, phone=phone, user=user, since=established
                    )
                )
        made += 1 + len(made_members)
        if n == 0:  # an overdue check
            with _on(today - datetime.timedelta(days=20)):
                services.team_task_assign(
                    acting_user=luming,
                    team=team,
                    assignee=made_members[1],
                    kind="inspection",
                    title="排查本村独居老人住房，上报疑似 C、D 级危房",
                    due_on=today - datetime.timedelta(days=5),
                )
            made += 1
        if made_members[-1].user_id is not None:  # the clerk's own task, on his home page
            services.team_task_assign(
                acting_user=luming,
                team=team,
                assignee=made_members[-1],
                kind="follow_up",
                title="跟进老人搬离危房，确认旧房已拆除",
                due_on=today + datetime.timedelta(days=10),
            )
            made += 1
    return made
