"""The inspection pages as a clerk, a village head and a township officer use them."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.inspections.checklist import ITEMS
from anju.inspections.models import Campaign, HazardItem, Inspection, VillageList
from anju.inspections.services import inspection_record
from anju.inspections.tests.conftest import Homes
from anju.regions.models import Region

from .images import jpeg, not_an_image


def test_a_clerk_records_an_inspection_through_the_form(
    client: Client, tl_clerk: User, homes: Homes, campaign: Campaign
) -> None:
    client.force_login(tl_clerk)
    url = reverse("inspections:inspection_new", args=[homes["house_a"].pk])
    page = client.get(url).content.decode()
    assert "入户排查" in page and "墙体贯通裂缝或交叉裂缝" in page and campaign.title in page
    bad = client.post(
        url, {"suspected_grade": "D", "is_occupied": "1", "occupant_ages": "", "photos": [not_an_image()]}
    )
    text = bad.content.decode()
    assert bad.status_code == 200 and "请填写每位居住人的年龄" in text
    assert not Inspection.objects.exists()
    ok = client.post(
        url,
        {
            "suspected_grade": "D",
            "is_occupied": "1",
            "occupant_ages": "78 75",
            "hazards": ["wall_tilt"],
            "latitude": "36.320300",
            "longitude": "112.890600",
            "gps_accuracy_m": "15",
            "gps_source": "device",
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
    )
    inspection = Inspection.objects.get()
    assert ok.status_code == 302 and inspection.campaign == campaign and inspection.photos.count() == 2
    detail = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert "承重墙体明显倾斜" in detail and "36.320300" in detail
    coverage = client.get(reverse("inspections:campaign_detail", args=[campaign.pk])).content.decode()
    assert "1/2 户（50%）" in coverage
    board = client.get(reverse("inspections:danger_board")).content.decode()
    assert 'data-testid="board-count">1<' in board


def test_the_signed_list_prints_as_a_pdf(
    client: Client,
    tl_clerk: User,
    tl_township: User,
    homes: Homes,
    campaign: Campaign,
    make_user: Callable[..., User],
    regions: dict[str, Region],
) -> None:
    inspection_record(
        acting_user=tl_clerk, house=homes["house_a"], campaign=campaign, suspected_grade="C", is_occupied=False
    )
    head = make_user("beiyuze_head", "140405102201", "village_head")
    client.force_login(head)
    response = client.post(reverse("inspections:village_list_sign", args=[campaign.pk]))
    record = VillageList.objects.get()
    assert response.status_code == 302 and record.signed_by == head
    client.force_login(tl_township)
    pdf = client.get(reverse("inspections:village_list_download", args=[record.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 2000


def test_the_uncovered_export_opens_as_the_clerks_to_do_list(
    client: Client, tl_township: User, homes: Homes, campaign: Campaign
) -> None:
    import io

    import openpyxl

    client.force_login(tl_township)
    response = client.get(reverse("inspections:campaign_uncovered_export", args=[campaign.pk]))
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0][:4] == ["村", "村民小组", "户主姓名", "身份证号"]
    by_name = {r[2]: r for r in rows[1:]}
    assert set(by_name) == {"甲", "乙"}  # the two 低保 households; 丙 is a general household
    assert by_name["乙"][6] == "无（须先登记房屋）" and by_name["甲"][6] == "有"


def _active_codes() -> list[str]:
    return list(HazardItem.objects.filter(is_active=True).values_list("code", flat=True))


def test_a_county_admin_keeps_the_checklist(client: Client, tl_admin: User, tl_clerk: User, homes: Homes) -> None:
    client.force_login(tl_admin)
    assert reverse("inspections:checklist") in client.get(reverse("inspections:hub")).content.decode()
    page = client.get(reverse("inspections:checklist")).content.decode()
    assert "墙体贯通裂缝或交叉裂缝" in page and "没有停用的检查项" in page

    new = reverse("inspections:checklist_new")
    blank = client.post(new, {"label": " ", "part": "wall"})
    assert "请填写隐患描述。" in blank.content.decode()
    twin = client.post(new, {"label": "墙体局部裂缝", "part": "wall"})
    assert "已有启用的检查项「墙体局部裂缝」" in twin.content.decode()
    bad_code = client.post(new, {"label": "外墙贴面砖空鼓、脱落", "part": "wall", "code": "外墙"})
    assert "代码只能用小写英文字母" in bad_code.content.decode()
    taken = client.post(new, {"label": "外墙贴面砖空鼓、脱落", "part": "wall", "code": "wall_tilt"})
    assert "代码「wall_tilt」已被使用" in taken.content.decode()
    assert HazardItem.objects.count() == len(ITEMS)

    added = client.post(new, {"label": "外墙贴面砖空鼓、脱落", "part": "wall", "serious": "on"})
    assert added.status_code == 302
    item = HazardItem.objects.get(label="外墙贴面砖空鼓、脱落")
    assert item.code == "wall_1" and item.serious and _active_codes()[-1] == "wall_1"
    created = AuditEvent.objects.get(object_type="inspections.hazarditem", object_id=str(item.pk), action="create")
    assert created.actor == tl_admin and created.region_code == "140405000000"

    edited = client.post(
        reverse("inspections:checklist_edit", args=[item.pk]), {"label": "外墙面砖空鼓、脱落", "part": "wall"}
    )
    assert edited.status_code == 302
    item.refresh_from_db()
    assert item.label == "外墙面砖空鼓、脱落" and not item.serious and item.code == "wall_1"
    change = AuditEvent.objects.filter(object_id=str(item.pk), action="update").latest("pk").changes
    assert change["label"] == {"before": "外墙贴面砖空鼓、脱落", "after": "外墙面砖空鼓、脱落"}

    move = reverse("inspections:checklist_move", args=[item.pk])
    client.post(move, {"direction": "up"})
    assert _active_codes()[-2:] == ["wall_1", ITEMS[-1][0]]
    first = HazardItem.objects.get(code=ITEMS[0][0])
    top = client.post(reverse("inspections:checklist_move", args=[first.pk]), {"direction": "up"}, follow=True)
    assert "已在最前" in top.content.decode() and _active_codes()[0] == ITEMS[0][0]

    # Retired, not deleted: the form no longer offers it, the recorded inspection still shows it.
    inspection = inspection_record(
        acting_user=tl_clerk, house=homes["house_a"], suspected_grade="B", is_occupied=False, hazards=["wall_1"]
    )
    retired = client.post(reverse("inspections:checklist_retire", args=[item.pk]), follow=True).content.decode()
    assert "已停用「外墙面砖空鼓、脱落」" in retired and 'data-code="wall_1"' in retired.split("checklist-retired")[1]
    assert HazardItem.objects.filter(pk=item.pk, is_active=False).exists()
    client.force_login(tl_clerk)
    form = client.get(reverse("inspections:inspection_new", args=[homes["house_a"].pk])).content.decode()
    assert "外墙面砖空鼓、脱落" not in form
    detail = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert "外墙面砖空鼓、脱落（已停用）" in detail
    late = client.post(
        reverse("inspections:inspection_new", args=[homes["house_a"].pk]),
        {"suspected_grade": "B", "is_occupied": "0", "hazards": ["wall_1"]},
    )
    assert late.status_code == 200 and Inspection.objects.count() == 1

    client.force_login(tl_admin)
    client.post(reverse("inspections:checklist_restore", args=[item.pk]))
    item.refresh_from_db()
    assert item.is_active and item.order == HazardItem.objects.get(code=ITEMS[-1][0]).order - 10


def test_retiring_an_item_is_refused_when_it_is_already_retired_or_the_last(client: Client, tl_admin: User) -> None:
    client.force_login(tl_admin)
    items = list(HazardItem.objects.all())
    for item in items[1:]:
        client.post(reverse("inspections:checklist_retire", args=[item.pk]))
    again = client.post(reverse("inspections:checklist_retire", args=[items[1].pk]), follow=True)
    assert f"「{items[1].label}」已停用" in again.content.decode()
    last = client.post(reverse("inspections:checklist_retire", args=[items[0].pk]), follow=True)
    assert "至少保留一项启用的隐患检查项" in last.content.decode() and _active_codes() == [items[0].code]


def test_only_a_county_or_higher_administrator_touches_the_checklist(
    client: Client, tl_clerk: User, tl_township: User, tl_county: User, make_user: Callable[..., User]
) -> None:
    township_admin = make_user("yz_admin", "140405102000", Role.ADMIN)
    item = HazardItem.objects.get(code="wall_tilt")
    for user in (tl_clerk, tl_township, tl_county, township_admin):
        client.force_login(user)
        assert reverse("inspections:checklist") not in client.get(reverse("inspections:hub")).content.decode()
        for url in (reverse("inspections:checklist"), reverse("inspections:checklist_new")):
            assert client.get(url).status_code == 403
        assert client.post(reverse("inspections:checklist_new"), {"label": "新项", "part": "wall"}).status_code == 403
        edit = client.post(reverse("inspections:checklist_edit", args=[item.pk]), {"label": "改", "part": "wall"})
        assert edit.status_code == 403
        for name in ("checklist_retire", "checklist_move"):
            assert client.post(reverse(f"inspections:{name}", args=[item.pk]), {"direction": "up"}).status_code == 403
    item.refresh_from_db()
    assert item.label == "承重墙体明显倾斜" and item.is_active and HazardItem.objects.count() == len(ITEMS)
    assert not AuditEvent.objects.filter(object_type="inspections.hazarditem").exists()
    response = client.get(reverse("inspections:checklist"))
    assert "只有区县及以上的系统管理员可以维护隐患检查项" in response.content.decode()


def test_the_phone_form_is_answered_in_json_and_a_repeated_submit_saves_once(
    client: Client, tl_clerk: User, homes: Homes
) -> None:
    """The form posts with fetch; on a weak signal the first answer can be lost and the clerk
    submits again with the same submission id: one record, the same answer."""
    client.force_login(tl_clerk)
    url = reverse("inspections:inspection_new", args=[homes["house_a"].pk])
    form = {"suspected_grade": "C", "is_occupied": "0", "submission_id": "phone-1", "photos": [jpeg()]}
    first = client.post(url, form, headers={"X-Requested-With": "XMLHttpRequest"})
    inspection = Inspection.objects.get()
    assert first.status_code == 201
    assert first.json() == {"id": inspection.pk, "url": reverse("inspections:inspection_detail", args=[inspection.pk])}
    again = client.post(url, form | {"photos": [jpeg()]}, headers={"X-Requested-With": "XMLHttpRequest"})
    assert again.status_code == 201 and again.json()["id"] == inspection.pk
    assert Inspection.objects.count() == 1 and inspection.photos.count() == 1
    errors = client.post(
        url, {"suspected_grade": "C", "is_occupied": "1"}, headers={"X-Requested-With": "XMLHttpRequest"}
    )
    assert errors.status_code == 200 and 'id="inspection-form"' in errors.content.decode()
    assert "请填写每位居住人的年龄" in errors.content.decode()
    other_house = client.post(
        reverse("inspections:inspection_new", args=[homes["house_c"].pk]),
        {"suspected_grade": "A", "is_occupied": "0", "submission_id": "phone-1"},
    )
    assert "该提交编号已用于另一处房屋的排查记录" in other_house.content.decode()
    assert Inspection.objects.count() == 1


def test_a_verification_with_a_date_in_the_wrong_form_says_which_form_to_use(
    tl_clerk: User, tl_township: User, homes: Homes
) -> None:
    import datetime

    from django.contrib.messages import get_messages

    from anju.inspections.models import ControlMeasure
    from anju.inspections.services import measure_record

    measure = measure_record(
        acting_user=tl_clerk,
        house=homes["house_a"],
        kind="evacuate",
        taken_on=datetime.date(2026, 12, 1),
        responsible="村支书王某",
    )
    client = Client()
    client.force_login(tl_township)
    url = reverse("inspections:measure_verify", args=[measure.pk])
    response = client.post(url, {"verified_on": "12/05/2026", "in_place": "1", "note": "已搬离"})
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("核查日期：") and "2026-12-05" in m for m in flashed), flashed
    assert ControlMeasure.objects.get(pk=measure.pk).verified_on is None
    client.post(url, {"verified_on": "2026年12月5日", "in_place": "1", "note": "已搬离"})
    assert ControlMeasure.objects.get(pk=measure.pk).verified_on == datetime.date(2026, 12, 5)
