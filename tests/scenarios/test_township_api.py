"""The township duties written through the API (issue 22, ADR 0046): the same services as the
pages, so what an app records shows on the page; the acts table decides who may act; another
county's object is not there (404); a refusal is in Chinese and writes nothing. And the duties'
versioned settings (``DutyPolicy``): a province derives a draft from the national version, edits
it and puts it in force — audited, and the numbers it changes are the ones the pages use."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction, AuditEvent
from anju.inspections.tests.images import jpeg
from anju.regions.models import Region
from anju.township import services
from anju.township.choices import ProjectStatus
from anju.township.models import (
    DutyPolicy,
    HouseCheck,
    Project,
    PublicityActivity,
    TeamMember,
    TeamTask,
    TrainingSession,
)
from anju.township.policy import duties_for, ensure_national_policy

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
VILLAGE = "140405102201"  # 北渔泽村, 渔泽镇, 屯留区
TOWNSHIP = "140405102000"


def ago(days: int) -> str:
    return str(TODAY - datetime.timedelta(days=days))


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def refusals(what: str) -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED, note__startswith=what).count()


def project_body(**extra: Any) -> dict[str, Any]:
    return {
        "region_code": VILLAGE,
        "name": "北渔泽村人居环境示范点",
        "kind": "demo_site",
        "year": TODAY.year,
        "budget": "120.50",
        "responsible_unit": "渔泽镇人民政府",
        "planned_start": ago(60),
        "planned_end": ago(-60),
    } | extra


def test_a_project_recorded_reported_and_accepted_through_the_api_shows_on_the_page(
    client: Client, tl_township: User, tl_county: User
) -> None:
    township = api(tl_township)
    created = township.post(reverse("api:environment-project-list"), project_body(), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == ProjectStatus.PLANNED and created.json()["township_name"] == "渔泽镇"

    report = township.post(
        reverse("api:environment-project-report", args=[pk]),
        {
            "reported_on": ago(2),
            "progress": 100,
            "text": "绿化和道路硬化完工",
            "actual_start": ago(50),
            "photos": [jpeg()],
        },
        format="multipart",
    )
    assert report.status_code == 201, report.json()
    assert report.json()["status"] == ProjectStatus.COMPLETED and len(report.json()["reports"][0]["photos"]) == 1
    accepted = api(tl_county).post(
        reverse("api:environment-project-accept", args=[pk]), {"accepted_on": ago(1), "note": "同意验收"}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status_label"] == "已验收"

    # The page lists it as the API left it, and the audit trail holds each step by its actor.
    client.force_login(tl_township)
    page = client.get(reverse("township:project_detail", kwargs={"pk": pk})).content.decode()
    assert "北渔泽村人居环境示范点" in page and "绿化和道路硬化完工" in page and "同意验收" in page
    actions = list(
        AuditEvent.objects.filter(object_id=str(pk), object_type__endswith="project")
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        (AuditAction.CREATE, "tl_township"),
        (AuditAction.UPDATE, "tl_township"),
        (AuditAction.TRANSITION, "tl_county"),
    ]


def test_the_teams_day_through_the_api_training_visit_publicity_member_task_check(
    client: Client, tl_township: User, tl_clerk: User, regions: dict[str, Region]
) -> None:
    township = api(tl_township)
    village = township.post(
        reverse("api:traditional-village-list"),
        {"region_code": VILLAGE, "name": "北渔泽古村", "level": "municipal", "listed_year": 2019},
        format="json",
    )
    assert village.status_code == 201, village.json()
    house = township.post(
        reverse("api:traditional-house-list"),
        {
            "village": village.json()["id"],
            "name": "甲家老宅",
            "owner_name": "甲",
            "built_era": "清代",
            "structure": "穿斗木构",
            "grade": "key",
            "photos": [jpeg("old.jpg")],
        },
        format="multipart",
    )
    assert house.status_code == 201 and house.json()["check_due"] is True, house.json()
    team = township.post(
        reverse("api:working-team-list"), {"region_code": VILLAGE, "established_on": ago(30)}, format="json"
    )
    member = township.post(
        reverse("api:team-member-list"),
        {"team": team.json()["id"], "name": "乙网格员", "role": "grid", "since": ago(30), "phone": "13900001111",
         "user": "tl_clerk"},
        format="json",
    )  # fmt: skip
    assert member.status_code == 201 and member.json()["role_label"] == "网格员", member.json()
    task = township.post(
        reverse("api:team-task-list"),
        {"team": team.json()["id"], "assignee": member.json()["id"], "kind": "house_check", "title": "巡查甲家老宅",
         "due_on": ago(-7), "traditional_house": house.json()["id"]},
        format="json",
    )  # fmt: skip
    assert task.status_code == 201, task.json()
    # The member's own account (a village clerk, no RECORD role) records the check that answers it.
    check = api(tl_clerk).post(
        reverse("api:traditional-house-check-list"),
        {"house": house.json()["id"], "checked_on": ago(0), "checker": "乙网格员", "condition": "fair",
         "task": task.json()["id"]},
        format="json",
    )  # fmt: skip
    assert check.status_code == 201, check.json()
    assert TeamTask.objects.get(pk=task.json()["id"]).done_on == TODAY

    training = township.post(
        reverse("api:training-list"),
        {"region_code": TOWNSHIP, "topic": "农房安全排查培训", "category": "inspection", "trainer": "丙老师",
         "starts_on": ago(3), "ends_on": ago(3), "hours": "4", "place": "渔泽镇会议室", "attendees": ["tl_clerk"],
         "signin_sheet": jpeg("sign.jpg"), "photos": [jpeg("t.jpg")]},
        format="multipart",
    )  # fmt: skip
    assert training.status_code == 201, training.json()
    assert training.json()["attendees"] == [tl_clerk.display_name()] and training.json()["has_signin_sheet"]
    visit = township.post(
        reverse("api:expert-visit-list"),
        {"region_code": VILLAGE, "visited_on": ago(5), "expert_name": "丁工", "expert_kind": "engineer",
         "advice": "木柱根部防腐"},
        format="json",
    )  # fmt: skip
    followed = township.post(
        reverse("api:expert-visit-follow-up", args=[visit.json()["id"]]),
        {"follow_up": "已请工匠处理", "followed_up_on": ago(1)},
        format="json",
    )
    assert followed.status_code == 200 and followed.json()["follow_up"] == "已请工匠处理"
    publicity = township.post(
        reverse("api:publicity-activity-list"),
        {"region_code": VILLAGE, "held_on": ago(2), "place": "北渔泽村院坝", "form": "meeting", "audience": 60,
         "summary": "宣讲农村危房改造政策", "photos": [jpeg("m.jpg")]},
        format="multipart",
    )  # fmt: skip
    assert publicity.status_code == 201 and len(publicity.json()["photos"]) == 1

    client.force_login(tl_township)
    assert "农房安全排查培训" in client.get(reverse("township:trainings")).content.decode()
    assert "宣讲农村危房改造政策" in client.get(reverse("township:publicity")).content.decode()
    assert "已请工匠处理" in client.get(reverse("township:expert_visits")).content.decode()
    assert "乙网格员" in client.get(reverse("township:teams")).content.decode()


def test_a_refused_write_answers_in_chinese_and_writes_nothing(tl_township: User) -> None:
    township = api(tl_township)
    before = (Project.objects.count(), TrainingSession.objects.count(), refusals("登记人居环境项目"))
    reversed_dates = township.post(
        reverse("api:environment-project-list"),
        project_body(planned_start=ago(10), planned_end=ago(20)),
        format="json",
    )
    assert reversed_dates.status_code == 400
    assert reversed_dates.json() == {"planned_end": ["计划完工日期不能早于计划开工日期。"]}
    nobody = township.post(
        reverse("api:training-list"),
        {"region_code": TOWNSHIP, "topic": "培训", "category": "inspection", "trainer": "丙老师",
         "starts_on": ago(3), "ends_on": ago(3), "hours": "4", "place": "镇会议室", "photos": [jpeg()]},
        format="multipart",
    )  # fmt: skip
    assert nobody.status_code == 400
    assert nobody.json()["attendees"] == ["培训没有参训人员：请至少选择一名参训人员或工匠。"]
    bad_type = township.post(reverse("api:publicity-activity-list"), {"region_code": VILLAGE, "audience": "很多"})
    assert bad_type.status_code == 400 and "held_on" in bad_type.json()
    assert (Project.objects.count(), TrainingSession.objects.count()) == before[:2]
    assert PublicityActivity.objects.count() == 0
    assert refusals("登记人居环境项目") == before[2] + 1  # the service's refusal is audited


def test_another_countys_objects_are_not_there(tl_township: User, ps_admin: User, regions: dict[str, Region]) -> None:
    theirs = services.project_create(
        acting_user=ps_admin,
        region=regions["500243202201"],
        name="向家村示范点",
        kind="demo_site",
        year=TODAY.year,
        budget=Decimal("50"),
        responsible_unit="鹿鸣乡人民政府",
        planned_start=TODAY - datetime.timedelta(days=30),
        planned_end=TODAY + datetime.timedelta(days=30),
    )
    team = services.team_establish(acting_user=ps_admin, region=regions["500243202201"], established_on=TODAY)
    township = api(tl_township)
    report = township.post(
        reverse("api:environment-project-report", args=[theirs.pk]),
        {"reported_on": ago(0), "progress": 10, "text": "开工"},
        format="json",
    )
    assert report.status_code == 404 and report.json()["detail"] == "对象不存在或不在您的管辖范围内。"
    # A body naming their place is a 404 whatever else it says — before its own mistakes are listed.
    elsewhere = township.post(reverse("api:environment-project-list"), {"region_code": "500243202201"}, format="json")
    assert elsewhere.status_code == 404 and "区划不存在或不在您的管辖范围内" in elsewhere.json()["detail"]
    member = township.post(reverse("api:team-member-list"), {"team": team.pk, "name": "某"}, format="json")
    assert member.status_code == 404 and "专班不存在" in member.json()["detail"]
    theirs.refresh_from_db()
    assert theirs.progress == 0 and not TeamMember.objects.exists()
    assert township.get(reverse("api:environment-project-detail", args=[theirs.pk])).status_code == 404


def test_an_act_the_table_refuses_is_refused(
    tl_township: User, tl_county: User, tl_clerk: User, make_user: Any, regions: dict[str, Region]
) -> None:
    project = services.project_create(
        acting_user=tl_township,
        region=regions[VILLAGE],
        name="渔泽镇污水管网",
        kind="improvement",
        year=TODAY.year,
        budget=Decimal("80"),
        responsible_unit="渔泽镇建环办",
        planned_start=TODAY - datetime.timedelta(days=30),
        planned_end=TODAY + datetime.timedelta(days=60),
    )
    accept = reverse("api:environment-project-accept", args=[project.pk])
    body = {"accepted_on": ago(0), "note": "同意"}
    by_township = api(tl_township).post(accept, body, format="json")
    assert by_township.status_code == 403 and by_township.json()["detail"] == "项目验收由区/县住建部门组织。"
    not_complete = api(tl_county).post(accept, body, format="json")
    assert not_complete.status_code == 400
    assert "项目尚未完工（形象进度未到 100%），不能验收。" in json.dumps(not_complete.json(), ensure_ascii=False)
    clerk = api(tl_clerk).post(
        reverse("api:publicity-activity-list"),
        {"region_code": VILLAGE, "held_on": ago(0), "place": "院坝", "form": "meeting", "audience": 1, "summary": "x"},
        format="json",
    )
    assert clerk.status_code == 403 and clerk.json()["detail"] == "只有乡镇建环办或区/县住建部门才能登记。"

    # A task is completed by its assignee's own account, once; another clerk may not.
    team = services.team_establish(acting_user=tl_township, region=regions[VILLAGE], established_on=TODAY)
    member = services.team_member_add(
        acting_user=tl_township, team=team, name="乙", role="grid", since=TODAY, user=tl_clerk
    )
    task = services.team_task_assign(
        acting_user=tl_township, team=team, assignee=member, kind="follow_up", title="督促开工", due_on=TODAY
    )
    complete = reverse("api:team-task-complete", args=[task.pk])
    other = make_user("tl_clerk2", VILLAGE, Role.VILLAGE_CLERK)
    refused = api(other).post(complete, {"done_on": ago(0), "note": "已督促"}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有任务责任人或乡镇建环办才能登记任务完成。"
    done = api(tl_clerk).post(complete, {"done_on": ago(0), "note": "已督促"}, format="json")
    assert done.status_code == 200 and done.json()["done_on"] == ago(0)
    again = api(tl_clerk).post(complete, {"done_on": ago(0), "note": "再次"}, format="json")
    assert again.status_code == 400 and "任务已完成。" in json.dumps(again.json(), ensure_ascii=False)
    assert project.reports.count() == 0 and HouseCheck.objects.count() == 0


def test_a_province_derives_edits_and_activates_the_duty_policy_and_the_lists_follow(
    client: Client, tl_township: User, tl_county: User, make_user: Any, regions: dict[str, Region]
) -> None:
    village = services.village_add(acting_user=tl_township, region=regions[VILLAGE], name="北渔泽古村", level="county")
    house = services.traditional_house_add(
        acting_user=tl_township,
        village=village,
        name="甲家老宅",
        owner_name="甲",
        built_era="清代",
        structure="穿斗木构",
        grade="key",
    )
    services.house_check_record(
        acting_user=tl_township,
        house=house,
        checked_on=TODAY - datetime.timedelta(days=70),
        checker="乙",
        condition="good",
    )
    house_url = reverse("api:traditional-house-detail", args=[house.pk])
    assert api(tl_township).get(house_url).json()["check_due"] is False  # national: every 90 days

    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    national = ensure_national_policy()
    client.force_login(province)
    assert "全国默认乡镇职责规则" in client.get(reverse("township:policy_list")).content.decode()
    derived = client.post(reverse("township:policy_derive", args=[national.pk]))
    draft = DutyPolicy.objects.get(region_code="140000000000")
    assert derived.status_code == 302 and derived["Location"] == reverse("township:policy_edit", args=[draft.pk])
    assert draft.status == "draft" and draft.content == national.content

    edit = reverse("township:policy_edit", args=[draft.pk])
    bad = {**draft.content, "house_check_every_days": 0, "protection_items": {"key": [{"name": "无编号"}]}}
    refused = client.post(edit, {"name": "山西省乡镇职责规则", "note": "", "text": json.dumps(bad)})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "house_check_every_days 应为正整数。" in page and "重点保护的第 1 项应有编号（code）和名称（name）" in page
    draft.refresh_from_db()
    assert draft.content == national.content  # nothing saved
    good = {**draft.content, "house_check_every_days": 60, "report_every_days": 15}
    saved = client.post(edit, {"name": "山西省乡镇职责规则", "note": "巡查加密", "text": json.dumps(good)})
    assert saved.status_code == 302
    assert duties_for(VILLAGE).house_check_every_days == 90  # a draft is not in force

    # A county may not put it in force (the page says so; the API answers 403); the province may.
    client.force_login(tl_county)
    assert (
        "由省住建厅维护"
        in client.post(reverse("township:policy_activate", args=[draft.pk]), follow=True).content.decode()
    )
    assert api(tl_county).post(reverse("api:dutypolicy-activate", args=[draft.pk])).status_code == 403
    client.force_login(province)
    activated = client.post(reverse("township:policy_activate", args=[draft.pk]), follow=True).content.decode()
    assert "已启用" in activated and "60 天未巡查即列为待巡查" in activated
    assert duties_for(VILLAGE).house_check_every_days == 60 and duties_for("500243202201").house_check_every_days == 90
    assert api(tl_township).get(house_url).json()["check_due"] is True  # 70 days > 60

    trail = list(
        AuditEvent.objects.filter(object_type__endswith="dutypolicy", object_id=str(draft.pk))
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert trail == [
        (AuditAction.CREATE, "sx_province"),
        (AuditAction.UPDATE, "sx_province"),
        (AuditAction.UPDATE, "sx_province"),
    ]
