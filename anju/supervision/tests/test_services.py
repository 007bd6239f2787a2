"""Supervision services: who may record, issue, respond, return and close; the state machine;
order numbering; overdue maths. A refusal changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditAction, AuditEvent
from anju.cases.models import RenovationCase
from anju.inspections.tests.images import jpeg, not_an_image
from anju.regions.models import Region
from anju.supervision import selectors, services
from anju.supervision.models import Finding, OrderFollowUp, RectificationOrder, SupervisionVisit
from anju.supervision.tests.conftest import days

pytestmark = pytest.mark.django_db


# --- visits ----------------------------------------------------------------------------------------


def test_it_records_a_county_visit_to_a_village_under_its_township(tl_county: User, regions: dict[str, Region]) -> None:
    visit = services.visit_record(
        acting_user=tl_county, region=regions["140405102201"], visited_on=days(-1), topic="progress", inspectors="张三"
    )
    assert visit.township.name == "渔泽镇"
    assert visit.office.name == "屯留区"
    assert AuditEvent.objects.filter(object_type="supervision.supervisionvisit", action=AuditAction.CREATE).exists()


def test_a_city_officer_may_record_a_visit_in_its_counties(cz_city: User, regions: dict[str, Region]) -> None:
    visit = services.visit_record(
        acting_user=cz_city, region=regions["140405103000"], visited_on=days(0), topic="funds", inspectors="李明"
    )
    assert visit.office.name == "长治市"


def test_a_township_officer_may_not_record_a_visit(tl_township: User, regions: dict[str, Region]) -> None:
    with pytest.raises(PermissionDenied, match="只有区/县、市、省住建部门"):
        services.visit_record(
            acting_user=tl_township, region=regions["140405102000"], visited_on=days(0), topic="quality", inspectors="x"
        )
    assert not SupervisionVisit.objects.exists()


def test_a_county_may_not_visit_another_county(ps_county: User, regions: dict[str, Region]) -> None:
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.visit_record(
            acting_user=ps_county, region=regions["140405102000"], visited_on=days(0), topic="quality", inspectors="x"
        )


def test_a_visit_needs_a_township_or_village_a_past_date_and_inspectors(
    tl_county: User, regions: dict[str, Region]
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.visit_record(
            acting_user=tl_county, region=regions["140405000000"], visited_on=days(1), topic="nonsense", inspectors=" "
        )
    assert exc.value.message_dict == {
        "region": ["督导地点应为乡镇或村。"],
        "visited_on": ["督导日期不能晚于今天。"],
        "topic": ["请选择督导内容。"],
        "inspectors": ["请填写督导人员。"],
    }


# --- findings --------------------------------------------------------------------------------------


def test_it_adds_a_finding_with_photos_and_a_case_of_the_township(
    tl_county: User, visit: SupervisionVisit, case: RenovationCase
) -> None:
    finding = services.finding_add(
        acting_user=tl_county,
        visit=visit,
        category="quality",
        description="墙体砂浆不饱满",
        case=case,
        photos=[jpeg("1.jpg"), jpeg("2.jpg", size=(4000, 3000))],
    )
    assert finding.case == case
    assert finding.photos.count() == 2
    last = finding.photos.last()
    assert last is not None
    assert max(last.width, last.height) < 4000


def test_a_finding_refuses_a_case_of_another_township(
    tl_county: User, regions: dict[str, Region], case: RenovationCase
) -> None:
    other = services.visit_record(
        acting_user=tl_county, region=regions["140405103000"], visited_on=days(0), topic="quality", inspectors="x"
    )
    with pytest.raises(ValidationError, match="所选改造案件不在余吾镇"):
        services.finding_add(acting_user=tl_county, visit=other, category="quality", description="x", case=case)
    assert not Finding.objects.exists()


def test_a_finding_refuses_a_file_that_is_not_a_photo(tl_county: User, visit: SupervisionVisit) -> None:
    with pytest.raises(ValidationError, match="不是可识别的图片文件"):
        services.finding_add(
            acting_user=tl_county, visit=visit, category="quality", description="x", photos=[not_an_image()]
        )
    assert not Finding.objects.exists()


def test_a_township_officer_may_not_add_findings(tl_township: User, visit: SupervisionVisit) -> None:
    with pytest.raises(PermissionDenied):
        services.finding_add(acting_user=tl_township, visit=visit, category="quality", description="x")


def test_another_county_may_not_add_findings(ps_county: User, visit: SupervisionVisit) -> None:
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.finding_add(acting_user=ps_county, visit=visit, category="quality", description="x")


# --- issuing and numbering -------------------------------------------------------------------------


def test_an_order_is_numbered_per_office_and_year(
    tl_county: User, order: RectificationOrder, visit: SupervisionVisit
) -> None:
    year = timezone.localdate().year
    assert order.number == f"屯住建督〔{year}〕1号"
    assert order.office_name == "屯留区住房和城乡建设局"
    assert order.township.name == "渔泽镇"
    assert sorted(order.findings.values_list("description", flat=True)) == ["公示照片缺失", "圈梁未按图纸设置"]
    third = services.finding_add(acting_user=tl_county, visit=visit, category="delay", description="进度滞后")
    second = services.order_issue(acting_user=tl_county, findings=[third], requirements="加快进度", due_on=days(7))
    assert second.number == f"屯住建督〔{year}〕2号"
    assert order.follow_ups.get().kind == "issued"


def test_the_numbering_starts_again_for_another_office(
    tl_county: User, order: RectificationOrder, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    city = make_user("cz_city", "140400000000", Role.CITY_OFFICER)
    visit = services.visit_record(
        acting_user=city, region=regions["140405103000"], visited_on=days(0), topic="quality", inspectors="李明"
    )
    finding = services.finding_add(acting_user=city, visit=visit, category="quality", description="x")
    from_city = services.order_issue(acting_user=city, findings=[finding], requirements="整改", due_on=days(10))
    assert from_city.number.startswith("长住建督〔") and from_city.number.endswith("〕1号")


def test_an_order_needs_a_finding_a_future_due_date_and_requirements(tl_county: User, findings: list[Finding]) -> None:
    with pytest.raises(ValidationError, match="请至少选择一个发现的问题"):
        services.order_issue(acting_user=tl_county, findings=[], requirements="x", due_on=days(5))
    with pytest.raises(ValidationError) as exc:
        services.order_issue(acting_user=tl_county, findings=findings, requirements=" ", due_on=days(0))
    assert exc.value.message_dict == {"requirements": ["请填写整改要求。"], "due_on": ["整改期限应晚于今天。"]}
    assert not RectificationOrder.objects.exists()


def test_an_order_refuses_findings_of_two_townships(
    tl_county: User, findings: list[Finding], regions: dict[str, Region]
) -> None:
    other = services.visit_record(
        acting_user=tl_county, region=regions["140405103200"], visited_on=days(0), topic="quality", inspectors="x"
    )
    elsewhere = services.finding_add(acting_user=tl_county, visit=other, category="quality", description="y")
    with pytest.raises(ValidationError, match="所选问题分属不同乡镇"):
        services.order_issue(acting_user=tl_county, findings=[*findings, elsewhere], requirements="x", due_on=days(5))


def test_a_finding_is_ordered_only_once(tl_county: User, order: RectificationOrder, findings: list[Finding]) -> None:
    with pytest.raises(ValidationError, match="已下发过整改通知的问题不能再次下发"):
        services.order_issue(acting_user=tl_county, findings=findings[:1], requirements="x", due_on=days(5))
    assert RectificationOrder.objects.count() == 1


def test_a_township_officer_may_not_issue_an_order(tl_township: User, findings: list[Finding]) -> None:
    with pytest.raises(PermissionDenied, match="区/县级及以上"):
        services.order_issue(acting_user=tl_township, findings=findings, requirements="x", due_on=days(5))


def test_another_county_may_not_issue_an_order(ps_county: User, findings: list[Finding]) -> None:
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.order_issue(acting_user=ps_county, findings=findings, requirements="x", due_on=days(5))


# --- respond, return, close ----------------------------------------------------------------------------


def test_the_township_responds_with_photos(tl_township: User, order: RectificationOrder) -> None:
    services.order_respond(acting_user=tl_township, order=order, text="已补设圈梁", photos=[jpeg("after.jpg")])
    order.refresh_from_db()
    assert order.status == "responded"
    assert order.response_text == "已补设圈梁" and order.responded_on == timezone.localdate()
    response = order.follow_ups.get(kind="response")
    assert response.photos.count() == 1


def test_a_response_without_photos_needs_a_reason(tl_township: User, order: RectificationOrder) -> None:
    with pytest.raises(ValidationError) as exc:
        services.order_respond(acting_user=tl_township, order=order, text=" ")
    assert exc.value.message_dict == {
        "text": ["请说明整改情况（做了什么、整改到什么程度）。"],
        "photos": ["请上传整改后的照片，或说明无法提供照片的原因。"],
    }
    services.order_respond(acting_user=tl_township, order=order, text="已补齐", no_photo_reason="档案类问题")
    assert order.follow_ups.get(kind="response").no_photo_reason == "档案类问题"


def test_only_the_township_of_the_order_may_respond(
    tl_county: User, make_user: Callable[..., User], order: RectificationOrder
) -> None:
    other = make_user("yuwu", "140405103000", Role.TOWNSHIP_OFFICER)
    for user in (tl_county, other):
        with pytest.raises(PermissionDenied, match="只有被通知乡镇的乡镇建环办"):
            services.order_respond(acting_user=user, order=order, text="x", no_photo_reason="y")
    order.refresh_from_db()
    assert order.status == "issued"
    assert AuditEvent.objects.filter(object_id=str(order.pk), action=AuditAction.REFUSED).count() == 2


def test_a_response_is_not_accepted_twice(tl_township: User, order: RectificationOrder) -> None:
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    with pytest.raises(ValidationError, match="正在等待下发单位复核"):
        services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    assert order.follow_ups.filter(kind="response").count() == 1


def test_the_county_returns_a_response_with_a_new_due_date(
    tl_county: User, tl_township: User, order: RectificationOrder
) -> None:
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    with pytest.raises(ValidationError) as exc:
        services.order_return(acting_user=tl_county, order=order, reason="", new_due_on=days(0))
    assert set(exc.value.message_dict) == {"reason", "new_due_on"}
    services.order_return(acting_user=tl_county, order=order, reason="圈梁仍缺两处", new_due_on=days(20))
    order.refresh_from_db()
    assert (order.status, order.due_on, order.times_returned) == ("issued", days(20), 1)
    assert order.status_label == "退回重新整改（第 1 次）"
    assert list(order.follow_ups.values_list("kind", flat=True)) == ["issued", "response", "returned"]
    # The township may answer again.
    services.order_respond(acting_user=tl_township, order=order, text="已全部补设", photos=[jpeg()])
    order.refresh_from_db()
    assert order.status == "responded"


def test_the_county_closes_only_after_a_response(tl_county: User, tl_township: User, order: RectificationOrder) -> None:
    with pytest.raises(ValidationError, match="乡镇尚未反馈整改情况"):
        services.order_close(acting_user=tl_county, order=order, note="同意")
    with pytest.raises(ValidationError, match="乡镇尚未反馈整改情况"):
        services.order_return(acting_user=tl_county, order=order, reason="x")
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    services.order_close(acting_user=tl_county, order=order, note="整改到位")
    order.refresh_from_db()
    assert (order.status, order.closed_on, order.closing_note) == ("closed", timezone.localdate(), "整改到位")
    with pytest.raises(ValidationError, match="已销号"):
        services.order_return(acting_user=tl_county, order=order, reason="x")
    with pytest.raises(ValidationError, match="已销号"):
        services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")


def test_only_the_issuing_office_reviews(
    tl_township: User, make_user: Callable[..., User], cz_city: User, order: RectificationOrder
) -> None:
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    for user in (tl_township, cz_city, make_user("ps_county", "500243000000", Role.COUNTY_OFFICER)):
        with pytest.raises(PermissionDenied, match="只有下发单位（屯留区住房和城乡建设局）"):
            services.order_close(acting_user=user, order=order, note="同意")
    order.refresh_from_db()
    assert order.status == "responded"
    colleague = make_user("tl_county2", "140405000000", Role.COUNTY_OFFICER)
    services.order_close(acting_user=colleague, order=order, note="同意")
    assert OrderFollowUp.objects.filter(order=order, kind="closed").exists()


def test_a_close_needs_a_note(tl_county: User, tl_township: User, order: RectificationOrder) -> None:
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    with pytest.raises(ValidationError, match="请填写复核意见"):
        services.order_close(acting_user=tl_county, order=order, note=" ")


# --- overdue -------------------------------------------------------------------------------------


def test_overdue_is_a_past_due_date_on_an_order_not_closed(
    tl_county: User, tl_township: User, order: RectificationOrder
) -> None:
    today = timezone.localdate()
    RectificationOrder.objects.filter(pk=order.pk).update(due_on=today - datetime.timedelta(days=5))
    order.refresh_from_db()
    assert order.is_overdue and order.days_overdue == 5
    assert selectors.order_counts(tl_county) == {"open": 1, "overdue": 1, "closed": 0}
    # Still overdue while the county has not reviewed a response (the brief's rule: not closed).
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    assert selectors.order_counts(tl_county)["overdue"] == 1
    services.order_close(acting_user=tl_county, order=order, note="同意")
    order.refresh_from_db()
    assert not order.is_overdue and order.days_overdue == 0
    assert selectors.order_counts(tl_county) == {"open": 0, "overdue": 0, "closed": 1}


def test_an_order_due_today_is_not_overdue(order: RectificationOrder) -> None:
    RectificationOrder.objects.filter(pk=order.pk).update(due_on=timezone.localdate())
    order.refresh_from_db()
    assert not order.is_overdue and order.days_left == 0
    assert RectificationOrder.objects.overdue().count() == 0


def test_the_counts_are_scoped(ps_county: User, tl_township: User, order: RectificationOrder) -> None:
    assert selectors.order_counts(ps_county) == {"open": 0, "overdue": 0, "closed": 0}
    assert selectors.order_counts(tl_township)["open"] == 1


def test_the_home_panel_lists_what_each_user_must_do_overdue_first(
    tl_county: User, tl_township: User, visit: SupervisionVisit, order: RectificationOrder
) -> None:
    late_finding = services.finding_add(acting_user=tl_county, visit=visit, category="delay", description="x")
    late = services.order_issue(acting_user=tl_county, findings=[late_finding], requirements="x", due_on=days(30))
    RectificationOrder.objects.filter(pk=late.pk).update(due_on=days(-2))
    panel = selectors.home_panel(tl_township)
    assert [o.number for o in panel["to_respond"]] == [late.number, order.number]
    assert panel["overdue_to_respond"] == 1 and panel["to_review"] == []
    services.order_respond(acting_user=tl_township, order=order, text="x", no_photo_reason="y")
    county = selectors.home_panel(tl_county)
    assert [o.number for o in county["to_review"]] == [order.number]
    assert county["counts"] == {"open": 2, "overdue": 1, "closed": 0}


def test_the_home_panel_is_empty_for_a_village_clerk(tl_clerk: User, order: RectificationOrder) -> None:
    assert selectors.home_panel(tl_clerk) == {}


def test_the_case_panel_lists_findings_about_the_case(
    tl_county: User, visit: SupervisionVisit, case: RenovationCase
) -> None:
    services.finding_add(acting_user=tl_county, visit=visit, category="quality", description="墙体开裂", case=case)
    panel = selectors.case_panel(case=case, user=tl_county)
    assert [f.description for f in panel["findings"]] == ["墙体开裂"]
