"""One of each township-duties record in 彭水县 (鹿鸣乡 向家村), for the URL walk of
``anju.core.tests.test_scoping_url_walk``: each carries a marker the other county must not see."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from anju.accounts.models import User
from anju.inspections.tests.images import jpeg
from anju.regions.models import Region
from anju.township import services


def sibling_duties(ps_admin: User, regions: dict[str, Region]) -> dict[str, Any]:
    today = datetime.date.today()
    village_region = regions["500243202201"]
    village = services.village_add(acting_user=ps_admin, region=village_region, name="向标记苗寨", level="municipal")
    house = services.traditional_house_add(
        acting_user=ps_admin,
        village=village,
        name="向标记吊脚楼",
        owner_name="向标记",
        built_era="清代",
        structure="木结构",
        grade="key",
        photos=[jpeg("ps-th.jpg")],
    )
    project = services.project_create(
        acting_user=ps_admin,
        region=village_region,
        name="向标记示范点",
        kind="demo_site",
        year=today.year,
        budget=Decimal("50"),
        responsible_unit="鹿鸣乡人民政府",
        planned_start=today - datetime.timedelta(days=30),
        planned_end=today + datetime.timedelta(days=30),
    )
    report = services.project_report(
        acting_user=ps_admin, project=project, reported_on=today, progress=30, text="向标记进度", photos=[jpeg("p.jpg")]
    )
    training = services.training_record(
        acting_user=ps_admin,
        region=regions["500243202000"],
        topic="向标记培训",
        category="craftsman",
        trainer="向标记讲师",
        starts_on=today,
        ends_on=today,
        hours=Decimal("4"),
        place="鹿鸣乡",
        attendees=[ps_admin],
        signin_sheet=jpeg("sign.jpg"),
    )
    check = services.house_check_record(
        acting_user=ps_admin, house=house, checked_on=today, checker="向标记巡查员", condition="good"
    )
    craftsman = services.craftsman_register(
        acting_user=ps_admin, region=regions["500243202000"], name="向标记工匠", certificate_no="渔工匠-向标记-1"
    )
    visit = services.expert_visit_record(
        acting_user=ps_admin,
        region=village_region,
        visited_on=today,
        expert_name="向标记",
        expert_kind="architect",
        advice="向标记：保留吊脚楼形制",
    )
    publicity = services.publicity_record(
        acting_user=ps_admin,
        region=village_region,
        held_on=today,
        place="向家村院坝",
        form="meeting",
        audience=40,
        summary="向标记宣传",
    )
    team = services.team_establish(acting_user=ps_admin, region=village_region, established_on=today)
    member = services.team_member_add(
        acting_user=ps_admin, team=team, name="向标记网格员", role="grid", since=today, phone="13900000000"
    )
    task = services.team_task_assign(
        acting_user=ps_admin,
        team=team,
        assignee=member,
        kind="house_check",
        title="向标记巡查",
        due_on=today + datetime.timedelta(days=7),
        traditional_house=house,
    )
    return {
        "house_check": check,
        "craftsman": craftsman,
        "expert_visit": visit,
        "publicity": publicity,
        "team": team,
        "team_member": member,
        "team_task": task,
        "traditional_house": house,
        "house_photo": house.photos.get(),
        "project": project,
        "project_photo": report.photos.get(),
        "training": training,
    }
