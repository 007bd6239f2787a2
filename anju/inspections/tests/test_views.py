"""The inspection pages as a clerk, a village head and a township officer use them."""

from django.urls import reverse

from anju.inspections.models import Inspection, VillageList
from anju.inspections.services import inspection_record

from .images import jpeg, not_an_image


def test_a_clerk_records_an_inspection_through_the_form(client, tl_clerk, homes, campaign) -> None:
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


def test_the_signed_list_prints_as_a_pdf(client, tl_clerk, tl_township, homes, campaign, make_user, regions) -> None:
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


def test_the_uncovered_export_opens_as_the_clerks_to_do_list(client, tl_township, homes, campaign) -> None:
    import io

    import openpyxl

    client.force_login(tl_township)
    response = client.get(reverse("inspections:campaign_uncovered_export", args=[campaign.pk]))
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0][:4] == ["村", "村民小组", "户主姓名", "身份证号"]
    by_name = {r[2]: r for r in rows[1:]}
    assert set(by_name) == {"甲", "乙"}  # the two 低保 households; 丙 is a general household
    assert by_name["乙"][6] == "无（须先登记房屋）" and by_name["甲"][6] == "有"
