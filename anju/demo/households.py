"""Demo households and houses: realistic names, valid ID numbers, the six key
groups in realistic shares, houses of the local structure types.

Deterministic (seeded), so every `make run` shows the same village.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from anju.demo.boundaries import village_seats
from anju.households.choices import KEY_GROUP_PRIORITY, KeyGroup, Relation, SeismicIntensity, StructureType
from anju.households.idcard import check_digit
from anju.households.models import Household
from anju.households.services import house_create, household_create, member_add, status_add
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

SURNAMES = {
    "14": "王李张刘郭赵杨牛任申常段郝秦",  # 屯留: common Shanxi surnames
    "50": "冉向田杨张刘任李黄庞蔡何吴罗",  # 彭水: Tujia and Miao surnames among them
}
GIVEN = "建国秀英桂兰保平小军志强玉梅金花福贵德明春生海燕红霞永红晓东树林翠兰满仓长青银凤"
STRUCTURES = {
    "14": [
        StructureType.BRICK_WOOD,
        StructureType.EARTH_WOOD,
        StructureType.CAVE,
        StructureType.BRICK_CONCRETE,
        StructureType.BRICK_EARTH,
    ],
    "50": [
        StructureType.WOOD,
        StructureType.EARTH_WOOD,
        StructureType.BRICK_CONCRETE,
        StructureType.STONE_WOOD,
        StructureType.RAW_EARTH,
    ],
}
INTENSITY = {"14": SeismicIntensity.EIGHT, "50": SeismicIntensity.SIX}
# Townships whose villages get demo households: 渔泽镇 (屯留区) and 鹿鸣乡 (彭水县).
DEMO_TOWNSHIPS = ("140405102000", "500243202000")
PER_VILLAGE = 12
# How far a village's houses stand from its seat, as a share of ±0.08° (about ±400 m).
HOUSE_SPREAD = 0.05


GIVEN_NAMES = [GIVEN[i : i + 2] for i in range(0, len(GIVEN), 2)]


def _name(rng: random.Random, province: str) -> str:
    return rng.choice(SURNAMES[province]) + rng.choice(GIVEN_NAMES)


def _id(county: str, birth: datetime.date, seq: int, female: bool) -> str:
    """A checksum-valid ID number; the sequence's last digit is odd for men, even for women."""
    order = (seq % 500) * 2 + (0 if female else 1)
    first17 = f"{county}{birth:%Y%m%d}{order:03d}"
    return first17 + check_digit(first17)


def load_demo_households(superuser: Any) -> int:
    """Create the demo households once; returns how many were created."""
    if Household.objects.exists():
        return 0
    rng = random.Random(2023)
    created = 0
    seq = 0
    for township_code in DEMO_TOWNSHIPS:
        township = Region.objects.get(code=township_code)
        province, county = township_code[:2], township_code[:6]
        villages = Region.objects.filter(parent=township, level=RegionLevel.VILLAGE).order_by("code")
        seats = village_seats(township_code[:6] + "000000")
        for village in villages:
            for _n in range(PER_VILLAGE):
                seq += 1
                head_birth = datetime.date(rng.randint(1938, 1985), rng.randint(1, 12), rng.randint(1, 28))
                household = household_create(
                    acting_user=superuser,
                    region=village,
                    head_name=_name(rng, province),
                    head_id_number=_id(county, head_birth, seq, female=rng.random() < 0.25),
                    phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                    group_name=f"{rng.randint(1, 6)}组",
                    address=f"{village.name.replace('村民委员会', '村').replace('村委会', '村')}{rng.randint(1, 120)}号",
                    bank_name="农村信用社",
                    bank_account=f"6217{rng.randint(10**11, 10**12 - 1)}",
                )
                if rng.random() < 0.6:
                    seq += 1
                    spouse_birth = head_birth + datetime.timedelta(days=rng.randint(-1500, 1500))
                    member_add(
                        acting_user=superuser,
                        household=household,
                        name=_name(rng, province),
                        id_number=_id(county, spouse_birth, seq, female=True),
                        relation=Relation.SPOUSE,
                    )
                if rng.random() < 0.5:
                    seq += 1
                    child_birth = head_birth + datetime.timedelta(days=365 * rng.randint(20, 32))
                    member_add(
                        acting_user=superuser,
                        household=household,
                        name=_name(rng, province),
                        id_number=_id(county, child_birth, seq, female=rng.random() < 0.5),
                        relation=Relation.CHILD,
                    )
                roll = rng.random()
                if roll < 0.35:  # key-group households, the ones 以人找房 starts from
                    group = rng.choice(KEY_GROUP_PRIORITY)
                    status_add(
                        acting_user=superuser,
                        household=household,
                        group=group,
                        certified_on=datetime.date(
                            rng.choice([2021, 2022, 2023]), rng.randint(1, 12), rng.randint(1, 28)
                        ),
                        source="演示数据",
                    )
                    if rng.random() < 0.2:
                        status_add(
                            acting_user=superuser,
                            household=household,
                            group=KeyGroup.MONITORING if group != KeyGroup.MONITORING else KeyGroup.DIBAO_EDGE,
                            certified_on=datetime.date(2023, 4, 10),
                            source="演示数据",
                        )
                if rng.random() < 0.9:  # some key households have no house on file yet (以人找房 to-dos)
                    occupants = household.members.count()
                    elderly = sum(1 for m in household.members.all() if m.is_elderly)
                    house_create(
                        acting_user=superuser,
                        household=household,
                        structure=rng.choice(STRUCTURES[province]),
                        build_year=rng.randint(1960, 2015),
                        storeys=rng.choice([1, 1, 1, 2, 2, 3]),
                        bays=rng.randint(2, 5),
                        floor_area=rng.randint(40, 180),
                        wall_material=rng.choice(["砖", "土坯", "石", "木板", "混凝土砌块"]),
                        roof_material=rng.choice(["小青瓦", "彩钢瓦", "现浇板", "石板"]),
                        seismic_intensity=INTENSITY[province],
                        is_only_house=True,
                        is_occupied=True,
                        occupants=occupants,
                        elderly_occupants=elderly,
                        lives_in_two_houses=rng.random() < 0.05,
                        is_traditional=province == "50" and rng.random() < 0.15,
                        # Around the village's seat on the demo's made-up map (the same draws
                        # from rng as before, so the rest of the demo is unchanged).
                        latitude=round(seats[village.code][1] + rng.uniform(-0.08, 0.08) * HOUSE_SPREAD, 6),
                        longitude=round(seats[village.code][0] + rng.uniform(-0.08, 0.08) * HOUSE_SPREAD, 6),
                        address=household.address,
                        group_name=household.group_name,
                    )
                created += 1
    return created


def load_demo_exports() -> int:
    """A finished background export of the household list for each county's officer (ADR 0031):
    「后台任务」 shows it with its download, as a list above ``ANJU_EXPORT_INLINE_ROWS`` would."""
    from anju.accounts.models import User
    from anju.jobs.exports import export_start
    from anju.jobs.models import Job
    from anju.jobs.services import job_execute

    made = 0
    for username in ("tl_county", "ps_county"):
        user = User.objects.get(username=username)
        if Job.objects.filter(kind="jobs.export", created_by=user).exists():
            continue
        job = export_start(acting_user=user, source="households.household", params={}, fmt="xlsx", title="农户名单")
        job_execute(str(job.pk))  # now, so the demo does not wait for the worker
        made += 1
    return made


def load_demo_list_import() -> int:
    """A 民政 低保 list for 渔泽镇 waiting in preview, so a newcomer can confirm it."""
    import io

    from openpyxl import Workbook

    from anju.accounts.models import User
    from anju.households.listimport import list_import_preview
    from anju.households.models import ListImport

    if ListImport.objects.exists():
        return 0
    civil = User.objects.get(username="tl_civil")
    general = list(Household.objects.filter(region_code__subtree="140405102", primary_group="").order_by("pk")[:6])
    wb = Workbook()
    ws = wb.active
    ws.append(["屯留区2023年3月农村低保对象花名册（渔泽镇）"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "乡镇", "户主姓名", "身份证号码", "所在村", "家庭人口", "认定部门", "认定时间"])
    office = "屯留区民政局"
    for i, h in enumerate(general, start=1):
        ws.append([i, "渔泽镇", h.head_name, h.head_id_number, h.region.name, 2 + i % 4, office, "2023-03-15"])
    first17 = "140405194805050" + "91"
    ws.append(
        [
            len(general) + 1,
            "渔泽镇",
            "新认定户",
            first17 + check_digit(first17),
            "北渔泽村委会",
            3,
            office,
            "2023-03-20",
        ]
    )
    ws.append([len(general) + 2, "渔泽镇", "号码有误", "14040519500101001X", "北渔泽村委会", 2, office, "2023-03-20"])
    buf = io.BytesIO()
    wb.save(buf)
    list_import_preview(
        acting_user=civil,
        data=buf.getvalue(),
        filename="渔泽镇低保花名册2023年3月.xlsx",
        department="civil_affairs",
        group=KeyGroup.DIBAO,
        list_date=datetime.date(2023, 3, 31),
    )
    _demo_list_with_names_as_written()
    return 1


def _demo_list_with_names_as_written() -> None:
    """A 乡村振兴 monitoring list as offices write it (ADR 0022): a 乡镇 column, villages named
    without 村委会/居委会, every monitoring household of 渔泽镇 on it, and one newly identified
    household in 「渔泽村」 — which could be 北渔泽 or 南渔泽 — so its preview waits on the mapping
    step, where the user chooses the division once for that name."""
    import io

    from openpyxl import Workbook

    from anju.accounts.models import User
    from anju.households.listimport import list_import_preview

    rural = User.objects.filter(username="tl_rural").first()
    listed = list(
        Household.objects.filter(
            region_code__subtree="140405102", statuses__group=KeyGroup.MONITORING, statuses__ended_on__isnull=True
        )
        .select_related("region")
        .order_by("region_code", "pk")
    )
    if rural is None or not listed:
        return
    wb = Workbook()
    ws = wb.active
    ws.title = "监测对象"
    ws.append(["乡镇", "村", "户主", "身份证号", "纳入时间"])
    for h in listed:
        written = h.region.name.removesuffix("村委会").removesuffix("社区居委会")
        ws.append(["渔泽镇", written, h.head_name, h.head_id_number, "2022-06-30"])
    first17 = "140405197207150" + "63"
    ws.append(["渔泽镇", "渔泽村", "新监测户", first17 + check_digit(first17), "2023-04-02"])
    buf = io.BytesIO()
    wb.save(buf)
    list_import_preview(
        acting_user=rural,
        data=buf.getvalue(),
        filename="渔泽镇防返贫监测对象2023年4月.xlsx",
        department="rural_revitalization",
        group=KeyGroup.MONITORING,
        list_date=datetime.date(2023, 4, 5),
    )
