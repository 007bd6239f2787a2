"""The township's duties beyond houses (issue 22): traditional houses whose renovation follows
their protection requirements, living-environment projects with what is late, trainings with
their attendees, craftsmen with the cases they built, the publicity log beside the cases' public
notices, the village working teams as assignees, and the quarterly summary — each walked through
the services and checked where a user sees it. Bad input is refused in Chinese, writes nothing
and is audited."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from anju.acceptance.services import checklist
from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction, AuditEvent
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, walk
from anju.core.queues import queue_for
from anju.inspections.tests.images import jpeg
from anju.regions.models import Region
from anju.township import services
from anju.township.choices import ProjectStatus
from anju.township.models import Project, TeamMember, TrainingSession

TODAY = datetime.date.today()


def later(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def refusals(what: str) -> int:
    return AuditEvent.objects.filter(action=AuditAction.REFUSED, note__startswith=what).count()


@pytest.fixture
def county(tl_county: User) -> User:
    return tl_county


def test_it_makes_a_traditional_house_case_follow_its_protection_requirements(
    client: Client, case: RenovationCase, officers: Officers, regions: dict[str, Region], tl_township: User
) -> None:
    village = services.village_add(
        acting_user=tl_township, region=regions["140405102201"], name="北渔泽古村", level="municipal", listed_year=2019
    )
    services.traditional_house_add(
        acting_user=tl_township,
        village=village,
        name="甲家老宅",
        owner_name="甲",
        built_era="清代",
        structure="穿斗木构",
        grade="key",
        requirements="保留木雕花窗",
        house=case.house,
        photos=[jpeg("old.jpg")],
    )
    # The case page shows the requirements; the acceptance checklist carries them as required items.
    client.force_login(tl_township)
    page = client.get(reverse("cases:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "传统民居保护要求" in page and "保留木雕花窗" in page and "沿用原有主要材料和传统工艺" in page
    walk(case, officers, Stage.COMPLETED)
    items = {i["name"]: i for i in checklist(case)}
    assert items["保留木雕花窗"]["required"] and items["修缮方案经传统村落保护主管部门同意"]["required"]
    client.force_login(officers["county"])
    form = client.get(reverse("acceptance:record", kwargs={"case_pk": case.pk})).content.decode()
    assert "传统民居保护要求（重点保护）" in form and "保留木雕花窗" in form
    # The house is listed as due for a check until a team member checks it.
    listing = client.get(reverse("township:houses") + "?due=1").content.decode()
    assert "甲家老宅" in listing and "待巡查" in listing


def test_it_lists_late_projects_per_township_and_refuses_acceptance_before_the_start(
    client: Client, tl_township: User, county: User, regions: dict[str, Region]
) -> None:
    late = services.project_create(
        acting_user=tl_township,
        region=regions["140405102201"],
        name="北渔泽村人居环境示范点",
        kind="demo_site",
        year=TODAY.year,
        budget=Decimal("120"),
        responsible_unit="渔泽镇人民政府",
        planned_start=ago(120),
        planned_end=ago(10),
    )
    on_time = services.project_create(
        acting_user=tl_township,
        region=regions["140405102000"],
        name="渔泽镇污水管网",
        kind="improvement",
        year=TODAY.year,
        budget=Decimal("80"),
        responsible_unit="渔泽镇建环办",
        planned_start=ago(30),
        planned_end=later(60),
    )
    services.project_report(
        acting_user=tl_township,
        project=on_time,
        reported_on=ago(5),
        progress=40,
        text="管网铺设过半",
        actual_start=ago(25),
    )
    client.force_login(tl_township)
    page = client.get(reverse("township:projects") + "?late=1").content.decode()
    assert "北渔泽村人居环境示范点" in page and "已逾期 10 天" in page and "渔泽镇污水管网" not in page

    services.project_report(
        acting_user=tl_township, project=late, reported_on=ago(3), progress=100, text="完工", actual_start=ago(60)
    )
    before = refusals("项目验收")
    response = client.post(
        reverse("township:project_accept", kwargs={"pk": late.pk}),
        {"accepted_on": str(ago(1)), "note": "同意"},
        follow=True,
    )
    assert "项目验收由区/县住建部门组织" in response.content.decode()  # the county accepts, not the township
    client.force_login(county)
    response = client.post(
        reverse("township:project_accept", kwargs={"pk": late.pk}), {"accepted_on": str(ago(70)), "note": "同意"}
    )
    assert response.status_code == 200 and "验收日期不能早于项目开工日期" in response.content.decode()
    late.refresh_from_db()
    assert late.status == ProjectStatus.COMPLETED and late.accepted_on is None
    assert refusals("项目验收") == before + 2
    client.post(
        reverse("township:project_accept", kwargs={"pk": late.pk}), {"accepted_on": str(ago(1)), "note": "同意"}
    )
    late.refresh_from_db()
    assert late.status == ProjectStatus.ACCEPTED
    assert "北渔泽村人居环境示范点" not in client.get(reverse("township:projects") + "?late=1").content.decode()


def test_it_refuses_a_training_without_attendees_overlapping_or_with_a_sheet_that_is_no_image(
    client: Client, tl_township: User, tl_clerk: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_township)
    url = reverse("township:training_new")
    base = {
        "region": regions["140405102000"].pk,
        "topic": "农村住房安全排查培训",
        "category": "inspection",
        "trainer": "王工",
        "starts_on": str(ago(3)),
        "ends_on": str(ago(2)),
        "hours": "8",
        "place": "渔泽镇会议室",
    }
    before = refusals("登记培训")
    empty = client.post(url, base).content.decode()
    assert "培训没有参训人员" in empty
    sheet = SimpleUploadedFile("签到表.pdf", b"just text, not a pdf", content_type="application/pdf")
    bad = client.post(url, base | {"attendees": [tl_clerk.pk], "signin_sheet": sheet}).content.decode()
    assert "不是 PDF 文件" in bad
    reversed_dates = client.post(url, base | {"attendees": [tl_clerk.pk], "ends_on": str(ago(5))}).content.decode()
    assert "结束日期不能早于开始日期" in reversed_dates
    assert TrainingSession.objects.count() == 0 and refusals("登记培训") == before + 3

    good = client.post(url, base | {"attendees": [tl_clerk.pk], "signin_sheet": jpeg("签到表.jpg")})
    assert good.status_code == 302
    session = TrainingSession.objects.get()
    detail = client.get(reverse("township:training_detail", kwargs={"pk": session.pk})).content.decode()
    assert "参训人员（1）" in detail and "tl_clerk姓名" in detail
    assert (
        session.signin_type == "image/jpeg"
        and client.get(reverse("township:training_signin", kwargs={"pk": session.pk})).status_code == 200
    )
    overlap = client.post(url, base | {"attendees": [tl_clerk.pk], "starts_on": str(ago(2)), "ends_on": str(ago(1))})
    assert "重叠" in overlap.content.decode() and TrainingSession.objects.count() == 1


def test_it_shows_a_craftsmans_trainings_and_the_cases_he_built(
    client: Client,
    case: RenovationCase,
    officers: Officers,
    tl_township: User,
    make_user: Callable[..., User],
    regions: dict[str, Region],
) -> None:
    walk(case, officers, Stage.UNDER_WAY)  # signed with builder 李师傅, certificate GJ-2023-011
    craftsman = services.craftsman_register(
        acting_user=tl_township,
        region=regions["140405102000"],
        name="李师傅",
        certificate_no="gj-2023-011",
        phone="13912345678",
    )
    services.training_record(
        acting_user=tl_township,
        region=regions["140405102000"],
        topic="建筑工匠培训",
        category="craftsman",
        trainer="张工",
        starts_on=ago(20),
        ends_on=ago(20),
        hours=Decimal("6"),
        place="渔泽镇",
        craftsmen=[craftsman],
    )
    client.force_login(make_user("cz_city", "140400000000", Role.CITY_OFFICER))  # a city officer sees phones masked
    page = client.get(reverse("township:craftsmen")).content.decode()
    assert "GJ-2023-011" in page and "13912345678" not in page and "139****5678" in page
    row = client.get("/api/craftsmen/", HTTP_ACCEPT="application/json").json()["results"][0]
    assert (row["training_count"], row["case_count"], row["phone"]) == (1, 1, "139****5678")


def test_it_keeps_one_publicity_log_with_the_cases_public_notices(
    client: Client, case: RenovationCase, officers: Officers, tl_township: User, regions: dict[str, Region]
) -> None:
    walk(case, officers, Stage.APPROVED)  # the village, township and county notices
    services.publicity_record(
        acting_user=tl_township,
        region=regions["140405102201"],
        held_on=ago(2),
        place="北渔泽村院坝",
        form="meeting",
        audience=86,
        summary="宣讲农村住房安全保障政策",
        photos=[jpeg("meeting.jpg")],
    )
    client.force_login(tl_township)
    page = client.get(reverse("township:publicity")).content.decode()
    assert "宣讲农村住房安全保障政策" in page and "受众 86 人" in page
    assert page.count("改造对象公示") >= 3 and "甲户" in page
    only_meetings = client.get(reverse("township:publicity") + "?form_kind=meeting").content.decode()
    assert "改造对象公示" not in only_meetings.split("</form>")[-1]
    bad = client.post(
        reverse("township:publicity_new"),
        {"region": regions["140405102201"].pk, "held_on": str(ago(1)), "place": "村委会", "form": "banner",
         "audience": "20", "summary": "横幅", "photos": SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")},
    )  # fmt: skip
    assert "不是可识别的图片文件" in bad.content.decode()


def test_it_gives_the_working_teams_tasks_that_reach_the_member_and_refuses_overlapping_terms(
    client: Client, tl_township: User, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    team = services.team_establish(acting_user=tl_township, region=regions["140405102201"], established_on=ago(300))
    clerk = services.team_member_add(
        acting_user=tl_township,
        team=team,
        name="任小军",
        role="grid",
        phone="13800001111",
        user=tl_clerk,
        since=ago(300),
    )
    before = refusals("增加专班成员")
    with pytest.raises(Exception) as refused:
        services.team_member_add(acting_user=tl_township, team=team, name="任小军", role="clerk", since=ago(30))
    assert "任职期间" in " ".join(refused.value.messages)  # type: ignore[attr-defined]  # a ValidationError
    assert TeamMember.objects.count() == 1 and refusals("增加专班成员") == before + 1

    village = services.village_add(
        acting_user=tl_township, region=regions["140405102201"], name="北渔泽古村", level="county"
    )
    house = services.traditional_house_add(
        acting_user=tl_township,
        village=village,
        name="戏台",
        owner_name="村集体",
        built_era="民国",
        structure="木结构",
        grade="general",
    )
    task = services.team_task_assign(
        acting_user=tl_township,
        team=team,
        assignee=clerk,
        kind="house_check",
        title="巡查戏台",
        due_on=later(7),
        traditional_house=house,
    )
    assert [i.count for i in queue_for(tl_clerk, Role.VILLAGE_CLERK) if i.key == "team-tasks-mine"] == [1]
    client.force_login(tl_clerk)
    assert "巡查戏台" in client.get(reverse("township:index")).content.decode()
    services.house_check_record(
        acting_user=tl_clerk, house=house, checked_on=TODAY, checker="任小军", condition="fair", task=task
    )
    task.refresh_from_db()
    assert task.done_on == TODAY
    assert not [i for i in queue_for(tl_clerk, Role.VILLAGE_CLERK) if i.key == "team-tasks-mine"]
    city = make_user("cz_city", "140400000000", Role.CITY_OFFICER)
    client.force_login(city)
    teams = client.get(reverse("township:teams")).content.decode()
    assert "任小军" in teams and "13800001111" not in teams and "138****1111" in teams


def test_it_prints_the_quarterly_summary_beside_the_housing_figures(
    client: Client, case: RenovationCase, officers: Officers, tl_township: User, regions: dict[str, Region]
) -> None:
    services.project_create(
        acting_user=tl_township,
        region=regions["140405102201"],
        name="北渔泽村人居环境示范点",
        kind="demo_site",
        year=TODAY.year,
        budget=Decimal("120"),
        responsible_unit="渔泽镇人民政府",
        planned_start=ago(120),
        planned_end=ago(10),
    )
    year, quarter = TODAY.year, (TODAY.month - 1) // 3 + 1
    client.force_login(tl_township)
    params = {"township": regions["140405102000"].pk, "year": year, "quarter": quarter}
    pdf = client.get(reverse("township:quarterly"), params | {"fmt": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"渔泽镇{year}年第{quarter}季度乡镇职责汇总" in text and "北渔泽村人居环境示范点" in text and "滞后" in text
    xlsx = client.get(reverse("township:quarterly"), params | {"fmt": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    figures = {row[1]: row[2] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    opened_this_quarter = int(ago(60) >= datetime.date(year, 3 * quarter - 2, 1))
    assert figures["本季度发现危房（新建案件）"] == opened_this_quarter
    assert figures["项目（个）"] == 1 and figures["进度滞后（截至今日）"] == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="township.quarterly").count() == 2


def test_it_hides_one_regions_duties_from_another(
    client: Client, tl_township: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    project = services.project_create(
        acting_user=tl_township,
        region=regions["140405102201"],
        name="北渔泽村示范点",
        kind="demo_site",
        year=TODAY.year,
        budget=Decimal("10"),
        responsible_unit="渔泽镇",
        planned_start=ago(10),
        planned_end=later(10),
    )
    luming = make_user("ps_luming", "500243202000", Role.TOWNSHIP_OFFICER)
    client.force_login(luming)
    assert client.get(reverse("township:project_detail", kwargs={"pk": project.pk})).status_code == 404
    assert "北渔泽村示范点" not in client.get(reverse("township:projects")).content.decode()
    assert client.get(f"/api/environment-projects/{project.pk}/").status_code == 404
    with pytest.raises(Exception, match="不在您的管辖范围内"):
        services.project_report(acting_user=luming, project=project, reported_on=TODAY, progress=10, text="越权")
    assert Project.objects.get().progress == 0


def test_it_records_through_the_pages_and_refuses_reversed_dates(
    client: Client, tl_township: User, tl_clerk: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_township)
    before = refusals("登记人居环境项目")
    form = {
        "region": regions["140405102201"].pk,
        "name": "北渔泽村人居环境示范点",
        "kind": "demo_site",
        "year": TODAY.year,
        "budget": "120",
        "responsible_unit": "渔泽镇人民政府",
        "planned_start": str(later(30)),
        "planned_end": str(later(10)),
    }
    refused = client.post(reverse("township:new_project"), form).content.decode()
    assert "计划完工日期不能早于计划开工日期" in refused and "北渔泽村人居环境示范点" in refused  # what was typed stays
    assert Project.objects.count() == 0 and refusals("登记人居环境项目") == before + 1
    assert client.post(reverse("township:new_project"), form | {"planned_end": str(later(90))}).status_code == 302
    assert Project.objects.get().planned_end == later(90)

    client.post(reverse("township:new_team"), {"region": regions["140405102201"].pk, "established_on": str(ago(30))})
    team_id = client.get(reverse("township:teams")).context["teams"][0].pk
    member = {"team": team_id, "name": "任小军", "role": "grid", "user": tl_clerk.pk, "since": str(ago(30))}
    assert client.post(reverse("township:new_member"), member).status_code == 302
    overlap = client.post(reverse("township:new_member"), member | {"role": "clerk", "since": str(ago(5))})
    assert "任职期间" in overlap.content.decode() and TeamMember.objects.count() == 1
    assignee = TeamMember.objects.get()
    task = {"assignee": assignee.pk, "kind": "follow_up", "title": "跟进老人搬离危房", "due_on": str(later(7))}
    assert client.post(reverse("township:new_task"), task).status_code == 302
    # The clerk sees the task on his page and marks it done there.
    client.force_login(tl_clerk)
    mine = client.get(reverse("township:index")).context["my_tasks"]
    assert [t.title for t in mine] == ["跟进老人搬离危房"]
    client.post(
        reverse("township:task_done", kwargs={"pk": mine[0].pk}),
        {"done_on": str(TODAY), "note": "已搬至儿子家", "back": "index"},
    )
    assert client.get(reverse("township:index")).context["my_tasks"] == []
