"""Supervision pages: forms save through the services and show refusals in Chinese; lists
filter and page; another region's visit, order or photo is a 404."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.inspections.tests.images import jpeg
from anju.regions.models import Region
from anju.supervision import services
from anju.supervision.models import Finding, FindingPhoto, RectificationOrder, SupervisionVisit
from anju.supervision.tests.conftest import days

pytestmark = pytest.mark.django_db


def test_it_records_a_visit_from_the_form(client: Client, tl_county: User, regions: dict[str, Region]) -> None:
    client.force_login(tl_county)
    url = reverse("supervision:visit_new")
    assert "渔泽镇" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "region": regions["140405102000"].pk,
            "visited_on": days(-1).isoformat(),
            "topic": "quality",
            "inspectors": "张卫东",
        },
        follow=True,
    )
    assert "已录入督导检查" in response.content.decode()
    assert SupervisionVisit.objects.get().inspectors == "张卫东"


def test_the_visit_form_shows_errors_in_chinese(client: Client, tl_county: User, regions: dict[str, Region]) -> None:
    client.force_login(tl_county)
    response = client.post(
        reverse("supervision:visit_new"),
        {"region": regions["140405102000"].pk, "visited_on": days(3).isoformat(), "topic": "quality", "inspectors": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写督导人员。" in body
    assert not SupervisionVisit.objects.exists()
    response = client.post(
        reverse("supervision:visit_new"),
        {
            "region": regions["140405102000"].pk,
            "visited_on": days(3).isoformat(),
            "topic": "quality",
            "inspectors": "x",
        },
    )
    assert "督导日期不能晚于今天。" in response.content.decode()


def test_a_township_officer_cannot_open_the_visit_form(client: Client, tl_township: User) -> None:
    client.force_login(tl_township)
    assert client.get(reverse("supervision:visit_new")).status_code == 403


def test_findings_with_photos_are_added_on_the_visit_page_and_an_order_issued(
    client: Client, tl_county: User, visit: SupervisionVisit, case: RenovationCase
) -> None:
    client.force_login(tl_county)
    url = reverse("supervision:finding_add", args=[visit.pk])
    response = client.post(
        url,
        {"category": "quality", "description": "构造柱缺失", "case": case.pk, "photos": [jpeg("a.jpg"), jpeg("b.jpg")]},
        follow=True,
    )
    body = response.content.decode()
    assert "已添加发现的问题" in body and "构造柱缺失" in body and "甲户" in body
    finding = Finding.objects.get()
    assert finding.photos.count() == 2
    first = finding.photos.first()
    assert first is not None
    assert reverse("supervision:photo", args=["finding", first.pk]) in body
    client.post(url, {"category": "archives", "description": "缺验收表"})
    response = client.post(
        reverse("supervision:order_issue", args=[visit.pk]),
        {
            "findings": list(Finding.objects.values_list("pk", flat=True)),
            "requirements": "补设构造柱",
            "due_on": days(10).isoformat(),
        },
        follow=True,
    )
    order = RectificationOrder.objects.get()
    assert f"已下发整改通知 {order.number}" in response.content.decode()
    assert order.findings.count() == 2


def test_the_order_form_refuses_a_past_due_date_beside_the_field(
    client: Client, tl_county: User, visit: SupervisionVisit, findings: list[Finding]
) -> None:
    client.force_login(tl_county)
    response = client.post(
        reverse("supervision:order_issue", args=[visit.pk]),
        {"findings": [findings[0].pk], "requirements": "x", "due_on": days(-1).isoformat()},
    )
    assert "整改期限应晚于今天。" in response.content.decode()
    assert not RectificationOrder.objects.exists()


def test_a_finding_without_description_is_refused_on_the_page(
    client: Client, tl_county: User, visit: SupervisionVisit
) -> None:
    client.force_login(tl_county)
    response = client.post(reverse("supervision:finding_add", args=[visit.pk]), {"category": "quality"})
    assert "请描述发现的问题。" in response.content.decode()


def test_the_township_responds_and_the_county_returns_then_closes_on_the_order_page(
    client: Client, tl_county: User, tl_township: User, order: RectificationOrder
) -> None:
    url = reverse("supervision:order_detail", args=[order.pk])
    client.force_login(tl_township)
    page = client.get(url).content.decode()
    assert 'data-testid="respond-form"' in page and 'data-testid="close-form"' not in page
    response = client.post(reverse("supervision:order_respond", args=[order.pk]), {"text": "已整改"})
    assert "请上传整改后的照片，或说明无法提供照片的原因。" in response.content.decode()
    response = client.post(
        reverse("supervision:order_respond", args=[order.pk]),
        {"text": "已补设圈梁", "responded_on": timezone.localdate().isoformat(), "photos": [jpeg("after.jpg")]},
        follow=True,
    )
    assert "已反馈整改情况" in response.content.decode()
    client.force_login(tl_county)
    page = client.get(url).content.decode()
    assert 'data-testid="close-form"' in page and 'data-testid="respond-form"' not in page
    response = client.post(reverse("supervision:order_return", args=[order.pk]), {"reason": ""})
    assert "请说明退回的理由" in response.content.decode()
    client.post(reverse("supervision:order_return", args=[order.pk]), {"reason": "仍缺两处", "new_due_on": days(9)})
    order.refresh_from_db()
    assert order.status == "issued" and order.due_on == days(9)
    client.force_login(tl_township)
    client.post(
        reverse("supervision:order_respond", args=[order.pk]), {"text": "全部补设", "no_photo_reason": "相机故障"}
    )
    client.force_login(tl_county)
    response = client.post(reverse("supervision:order_close", args=[order.pk]), {"note": "整改到位"}, follow=True)
    body = response.content.decode()
    assert "整改通知已销号" in body
    for step in ("下发整改通知", "乡镇反馈整改情况", "退回重新整改", "复核销号", "仍缺两处", "相机故障"):
        assert step in body


def test_a_county_officer_posting_a_response_sees_the_refusal(
    client: Client, tl_county: User, order: RectificationOrder
) -> None:
    client.force_login(tl_county)
    response = client.post(
        reverse("supervision:order_respond", args=[order.pk]), {"text": "x", "no_photo_reason": "y"}, follow=True
    )
    assert "只有被通知乡镇的乡镇建环办才能反馈整改情况。" in response.content.decode()


def test_the_visit_list_filters_by_township_date_and_topic(
    client: Client, tl_county: User, regions: dict[str, Region], visit: SupervisionVisit
) -> None:
    services.visit_record(
        acting_user=tl_county, region=regions["140405103200"], visited_on=days(-40), topic="funds", inspectors="王五"
    )
    client.force_login(tl_county)
    url = reverse("supervision:visit_list")
    assert client.get(url).context["page"].paginator.count == 2
    by_township = client.get(url, {"township": regions["140405103000"].pk})
    assert [v.inspectors for v in by_township.context["page"]] == ["王五"]
    by_topic = client.get(url, {"topic": "quality"})
    assert [v.inspectors for v in by_topic.context["page"]] == ["张卫东、李强"]
    by_date = client.get(url, {"date_from": days(-10).isoformat(), "date_to": days(0).isoformat()})
    assert by_date.context["page"].paginator.count == 1
    wrong = client.get(url, {"date_from": days(0).isoformat(), "date_to": days(-10).isoformat()})
    assert "开始日期不能晚于结束日期。" in wrong.content.decode()


def test_the_order_list_shows_overdue_in_red_with_days_and_filters(
    client: Client, tl_county: User, tl_township: User, visit: SupervisionVisit, order: RectificationOrder
) -> None:
    late_finding = services.finding_add(acting_user=tl_county, visit=visit, category="delay", description="x")
    late = services.order_issue(acting_user=tl_county, findings=[late_finding], requirements="x", due_on=days(5))
    RectificationOrder.objects.filter(pk=late.pk).update(due_on=days(-4))
    client.force_login(tl_township)
    url = reverse("supervision:order_list")
    response = client.get(url)
    body = response.content.decode()
    assert [o.number for o in response.context["page"]] == [late.number, order.number]  # overdue first
    assert 'class="table-danger"' in body and "逾期 4 天" in body
    assert [o.number for o in client.get(url, {"overdue": "on"}).context["page"]] == [late.number]
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    assert [o.number for o in client.get(url, {"status": "responded"}).context["page"]] == [order.number]
    assert client.get(url, {"status": "closed"}).context["page"].paginator.count == 0


def test_the_lists_page(client: Client, tl_county: User, regions: dict[str, Region]) -> None:
    for i in range(27):
        services.visit_record(
            acting_user=tl_county,
            region=regions["140405102000"],
            visited_on=days(-i),
            topic="quality",
            inspectors=f"{i}",
        )
    client.force_login(tl_county)
    response = client.get(reverse("supervision:visit_list"), {"page": 2})
    assert len(response.context["page"]) == 2
    assert "第 2 / 2 页，共 27 条" in response.content.decode()


def test_another_region_sees_404_for_visit_order_pdf_and_photos(
    client: Client,
    ps_county: User,
    ps_luming: User,
    tl_township: User,
    order: RectificationOrder,
    visit: SupervisionVisit,
) -> None:
    photo = FindingPhoto.objects.get()
    response = services.order_respond(acting_user=tl_township, order=order, text="x", photos=[jpeg()])
    response_photo = response.follow_ups.get(kind="response").photos.get()
    for user in (ps_county, ps_luming):
        client.force_login(user)
        for url in (
            reverse("supervision:visit_detail", args=[visit.pk]),
            reverse("supervision:order_detail", args=[order.pk]),
            reverse("supervision:order_pdf", args=[order.pk]),
            reverse("supervision:photo", args=["finding", photo.pk]),
            reverse("supervision:photo", args=["response", response_photo.pk]),
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("supervision:order_close", args=[order.pk]), {"note": "x"}).status_code == 404
        assert client.get(reverse("supervision:order_list")).context["page"].paginator.count == 0


def test_the_township_sees_its_photos(client: Client, tl_township: User, order: RectificationOrder) -> None:
    client.force_login(tl_township)
    photo = FindingPhoto.objects.get()
    response = client.get(reverse("supervision:photo", args=["finding", photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("supervision:photo", args=["other", photo.pk])).status_code == 404


def test_the_notice_pdf_carries_the_order_number(client: Client, tl_township: User, order: RectificationOrder) -> None:
    client.force_login(tl_township)
    response = client.get(reverse("supervision:order_pdf", args=[order.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert order.number in compact
    assert "渔泽镇人民政府" in compact and "圈梁未按图纸设置" in compact and "（盖章）" in compact


def test_the_home_panel_template_renders(client: Client, tl_township: User, order: RectificationOrder) -> None:
    from django.template.loader import render_to_string

    from anju.supervision.selectors import home_panel

    html = render_to_string("supervision/_home_panel.html", {"supervision_panel": home_panel(tl_township)})
    assert "待反馈整改情况（1）" in html and order.number in html


def test_the_lists_and_the_order_page_cost_the_same_queries_for_more_rows(
    client: Client, tl_county: User, tl_township: User, visit: SupervisionVisit, order: RectificationOrder
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(tl_county)
    urls = [
        reverse("supervision:visit_list"),
        reverse("supervision:order_list"),
        reverse("supervision:visit_detail", args=[visit.pk]),
        reverse("supervision:order_detail", args=[order.pk]),
    ]

    def cost() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx))
        return counts

    before = cost()
    for i in range(3):
        services.visit_record(
            acting_user=tl_county, region=visit.region, visited_on=days(-i), topic="quality", inspectors=f"{i}"
        )
        extra = services.finding_add(
            acting_user=tl_county, visit=visit, category="delay", description=f"问题{i}", photos=[jpeg()]
        )
        services.order_issue(acting_user=tl_county, findings=[extra], requirements="x", due_on=days(5 + i))
    services.order_respond(acting_user=tl_township, order=order, text="x", photos=[jpeg(), jpeg("b.jpg")])
    assert cost() == before
