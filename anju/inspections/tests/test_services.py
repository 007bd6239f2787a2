"""The inspection rules as a user meets them: what is recorded, what is refused and why."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image
from pytest_django import Settings

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.models import House
from anju.households.services import house_create, household_create
from anju.inspections import selectors
from anju.inspections.models import Campaign, EmergencyTask, FollowUp, Referral, VillageList
from anju.inspections.services import (
    campaign_create,
    emergency_declare,
    follow_up_step,
    inspection_record,
    measure_record,
    measure_verify,
    referral_decide,
    village_list_receive,
    village_list_sign,
)
from anju.inspections.tests.conftest import Homes
from anju.regions.models import Region

from .conftest import make_id
from .images import jpeg, not_an_image

TODAY = datetime.date.today()


def test_an_inspection_with_a_photo_and_gps_updates_the_house(tl_clerk: User, homes: Homes, campaign: Campaign) -> None:
    inspection = inspection_record(
        acting_user=tl_clerk,
        house=homes["house_a"],
        campaign=campaign,
        suspected_grade="D",
        is_occupied=True,
        occupant_ages="72, 68",
        hazards=["wall_through_crack", "roof_leak"],
        latitude="36.3204",
        longitude="112.8901",
        gps_accuracy_m=12,
        photos=[jpeg(size=(4000, 3000))],
    )
    assert inspection.region_code == "140405102201" and inspection.gps_source == "device"
    assert inspection.elderly_occupants == 2 and inspection.occupants == 2
    photo = inspection.photos.get()
    assert max(photo.width, photo.height) == 2048  # downscaled on the server too
    assert Image.open(photo.image).format == "JPEG"
    house = House.objects.get(pk=homes["house_a"].pk)
    assert house.suspected_grade == "D" and house.is_occupied and house.elderly_occupants == 2
    assert AuditEvent.objects.filter(object_type="inspections.inspection", object_id=str(inspection.pk)).exists()
    assert AuditEvent.objects.filter(object_type="households.house", object_id=str(house.pk), action="update").exists()
    # elderly people in a D house: a follow-up opens, once
    assert FollowUp.objects.filter(house=house, reason="elderly").count() == 1


def test_the_photo_position_is_used_when_the_phone_gave_none(tl_clerk: User, homes: Homes) -> None:
    inspection = inspection_record(
        acting_user=tl_clerk,
        house=homes["house_a"],
        suspected_grade="B",
        is_occupied=False,
        photos=[jpeg(gps=(36.3199, 112.8910))],
    )
    assert inspection.gps_source == "photo"
    assert inspection.latitude is not None
    assert float(inspection.latitude) == pytest.approx(36.3199, abs=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"photos": [not_an_image("现场.jpg")]}, None, "「现场.jpg」不是可识别的图片文件"),
        ({"latitude": "36.60", "longitude": "112.89"}, "latitude", "定位点距该房屋登记位置 31.1 公里"),
        ({"latitude": "36.32"}, "latitude", "经纬度须同时填写"),
        ({"suspected_grade": "E"}, "suspected_grade", "请选择初判等级"),
        ({"occupant_ages": "七十"}, "occupant_ages", "年龄「七十」不是整数"),
        ({"occupant_ages": ""}, "occupant_ages", "请填写每位居住人的年龄"),
        ({"hazards": ["made_up"]}, "hazards", "未知的隐患项：made_up"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_reason_and_nothing_is_written(
    tl_clerk: User, homes: Homes, kwargs: dict[str, Any], field: str | None, message: str
) -> None:
    values: dict[str, Any] = {"suspected_grade": "C", "is_occupied": True, "occupant_ages": "70"} | kwargs
    with pytest.raises(ValidationError) as info:
        inspection_record(acting_user=tl_clerk, house=homes["house_a"], **values)
    text = str(info.value.message_dict[field] if field else info.value.messages)
    assert message in text
    assert not homes["house_a"].inspections.exists()
    assert House.objects.get(pk=homes["house_a"].pk).suspected_grade == ""


def test_a_photo_that_is_too_large_is_refused(tl_clerk: User, homes: Homes, settings: Settings) -> None:
    settings.ANJU_RULES = {"inspections": {"photo_max_bytes": 1000}}
    with pytest.raises(ValidationError, match="过大"):
        inspection_record(
            acting_user=tl_clerk, house=homes["house_a"], suspected_grade="A", is_occupied=False, photos=[jpeg()]
        )


def test_a_house_outside_the_clerks_village_cannot_be_inspected(
    make_user: Callable[..., User], homes: Homes, ps_admin: User, regions: dict[str, Region]
) -> None:
    other_clerk = make_user("other_clerk", "140405102202", "village_clerk")
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        inspection_record(acting_user=other_clerk, house=homes["house_a"], suspected_grade="A", is_occupied=False)
    with pytest.raises(PermissionDenied):
        inspection_record(acting_user=ps_admin, house=homes["house_a"], suspected_grade="A", is_occupied=False)


def test_coverage_counts_key_households_inspected_in_the_campaign(
    tl_clerk: User, tl_township: User, homes: Homes, campaign: Campaign
) -> None:
    coverage = selectors.campaign_coverage(campaign, tl_township)
    village = next(v for t in coverage.children for v in t.children if v.region.code == "140405102201")
    assert (village.total, village.covered) == (2, 0)  # 甲 and 乙 (低保); 丙 is a general household
    inspection_record(
        acting_user=tl_clerk, house=homes["house_a"], campaign=campaign, suspected_grade="B", is_occupied=False
    )
    # an inspection outside the campaign does not count for it
    inspection_record(acting_user=tl_clerk, house=homes["house_c"], suspected_grade="B", is_occupied=False)
    coverage = selectors.campaign_coverage(campaign, tl_township)
    village = next(v for t in coverage.children for v in t.children if v.region.code == "140405102201")
    assert (village.total, village.covered, village.uncovered) == (2, 1, 1)
    assert (coverage.total, coverage.covered, coverage.percent) == (2, 1, 50)
    uncovered = selectors.campaign_households(campaign, tl_township).filter(covered=False)  # type: ignore[misc]  # django-stubs: "covered" is annotated by campaign_households, whose return type names only Household
    assert [h.head_name for h in uncovered] == ["乙"]  # no house on file: the clerk's 以人找房 to-do


def test_a_poor_family_found_by_inspection_is_referred_and_confirmed(
    tl_clerk: User, homes: Homes, civil: User, make_user: Callable[..., User]
) -> None:
    inspection = inspection_record(
        acting_user=tl_clerk,
        house=homes["house_c"],
        suspected_grade="C",
        is_occupied=True,
        occupant_ages=[75],
        family_poor_not_listed=True,
        poverty_note="独居老人，无固定收入",
    )
    referral = Referral.objects.get(inspection=inspection)
    assert referral.department == "civil_affairs" and referral.status == "pending"
    rural = make_user("rural", "140405000000", "rural_revitalization")
    with pytest.raises(PermissionDenied, match="民政联络员"):
        referral_decide(acting_user=rural, referral=referral, confirm=True, group="dibao")
    with pytest.raises(ValidationError, match="请选择重点对象类别"):
        referral_decide(acting_user=civil, referral=referral, confirm=True)
    referral_decide(acting_user=civil, referral=referral, confirm=True, group="tekun")
    homes["c"].refresh_from_db()
    assert homes["c"].primary_group == "tekun"
    assert homes["c"].statuses.get().department == "civil_affairs"
    with pytest.raises(ValidationError, match="不能重复核实"):
        referral_decide(acting_user=civil, referral=referral, confirm=False, note="重复")


def test_a_declined_referral_needs_a_reason_and_a_key_household_is_not_referred(
    tl_clerk: User, homes: Homes, civil: User, make_user: Callable[..., User]
) -> None:
    with pytest.raises(ValidationError, match="已是农村低保户"):
        inspection_record(
            acting_user=tl_clerk,
            house=homes["house_a"],
            suspected_grade="C",
            is_occupied=False,
            family_poor_not_listed=True,
            poverty_note="困难",
        )
    inspection = inspection_record(
        acting_user=tl_clerk,
        house=homes["house_c"],
        suspected_grade="C",
        is_occupied=False,
        family_poor_not_listed=True,
        poverty_note="因病致贫",
        referral_department="rural_revitalization",
    )
    referral = inspection.referral
    with pytest.raises(PermissionDenied):
        referral_decide(acting_user=civil, referral=referral, confirm=False, note="x")
    rural = make_user("rural", "140405000000", "rural_revitalization")
    with pytest.raises(ValidationError, match="不予认定时请写明理由"):
        referral_decide(acting_user=rural, referral=referral, confirm=False)
    referral_decide(acting_user=rural, referral=referral, confirm=False, note="家庭收入高于监测标准")
    referral.refresh_from_db()
    homes["c"].refresh_from_db()
    assert referral.status == "declined" and homes["c"].primary_group == ""


def test_emergency_tasks_come_worst_first_and_close_with_their_inspection(
    tl_clerk: User, tl_township: User, homes: Homes, regions: dict[str, Region]
) -> None:
    village = regions["140405102201"]
    # a third house: previously renovated, nobody old
    d = household_create(acting_user=tl_clerk, region=village, head_name="丁", head_id_number=make_id(4))
    house_d = house_create(acting_user=tl_clerk, household=d, structure="brick_concrete", renovated_year=2015)
    inspection_record(acting_user=tl_clerk, house=homes["house_c"], suspected_grade="C", is_occupied=False)
    event = emergency_declare(
        acting_user=tl_township,
        kind="rainstorm",
        title="7·20 暴雨",
        occurred_on=TODAY,
        region=regions["140405102000"],
        villages=[village],
    )
    order = [(t.house_id, t.priority) for t in event.tasks.order_by("priority", "pk")]
    # 甲 is a key household: first (issue 18), then the suspected C house, then the renovated one.
    assert order == [(homes["house_a"].pk, 0), (homes["house_c"].pk, 1), (house_d.pk, 3)]
    inspection_record(acting_user=tl_clerk, house=homes["house_c"], event=event, suspected_grade="D", is_occupied=False)
    board = selectors.event_board(event, tl_township)
    assert [(r["total"], r["done"]) for r in board] == [(3, 1)]
    done = EmergencyTask.objects.get(event=event, house=homes["house_c"]).inspection
    assert done is not None and done.kind == "emergency"
    with pytest.raises(ValidationError, match="不在「7·20 暴雨」的受影响村中"):
        other = household_create(
            acting_user=tl_township, region=regions["140405102202"], head_name="戊", head_id_number=make_id(5)
        )
        house_e = house_create(acting_user=tl_township, household=other, structure="wood")
        inspection_record(acting_user=tl_township, house=house_e, event=event, suspected_grade="A", is_occupied=False)


def test_the_occupied_dangerous_board_empties_when_evacuation_is_verified(
    tl_clerk: User, tl_township: User, tl_county: User, homes: Homes
) -> None:
    inspection_record(
        acting_user=tl_clerk, house=homes["house_a"], suspected_grade="D", is_occupied=True, occupant_ages=[80]
    )
    assert [h.pk for h in selectors.occupied_dangerous_houses(tl_county)] == [homes["house_a"].pk]
    measure = measure_record(
        acting_user=tl_clerk, house=homes["house_a"], kind="evacuate", taken_on=TODAY, responsible="村支书王某"
    )
    assert selectors.occupied_dangerous_houses(tl_county).count() == 1  # not yet verified
    with pytest.raises(ValidationError, match="请填写核查情况"):
        measure_verify(acting_user=tl_township, measure=measure, verified_on=TODAY, note="")
    measure_verify(acting_user=tl_township, measure=measure, verified_on=TODAY, note="已搬至儿子家")
    assert selectors.occupied_dangerous_houses(tl_county).count() == 0
    with pytest.raises(ValidationError, match="已于"):
        measure_verify(acting_user=tl_county, measure=measure, verified_on=TODAY, note="再次")


def test_the_recorder_cannot_verify_their_own_measure(tl_township: User, homes: Homes) -> None:
    measure = measure_record(
        acting_user=tl_township, house=homes["house_a"], kind="warning", taken_on=TODAY, responsible="张三"
    )
    with pytest.raises(ValidationError, match="登记人以外"):
        measure_verify(acting_user=tl_township, measure=measure, verified_on=TODAY, note="已设置")


def test_only_that_villages_head_signs_once_and_the_township_receives(
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
    village = regions["140405102201"]
    other_head = make_user("nanyuze_head", "140405102202", "village_head")
    with pytest.raises(PermissionDenied, match="北渔泽村委会的村主要负责人本人"):
        village_list_sign(acting_user=other_head, campaign=campaign, village=village)
    with pytest.raises(PermissionDenied):
        village_list_sign(acting_user=tl_clerk, campaign=campaign, village=village)
    head = make_user("beiyuze_head", "140405102201", "village_head")
    record = village_list_sign(acting_user=head, campaign=campaign, village=village)
    assert [h["head_name"] for h in record.houses] == ["甲"] and len(record.digest) == 64
    assert record.houses[0]["id_number"].count("*") == 10  # the printed list does not carry full ID numbers
    with pytest.raises(ValidationError, match="不能重复签字"):
        village_list_sign(acting_user=head, campaign=campaign, village=village)
    village_list_receive(acting_user=tl_township, village_list=record)
    assert VillageList.objects.get(pk=record.pk).status == "received"
    with pytest.raises(ValidationError, match="已接收"):
        village_list_receive(acting_user=tl_township, village_list=record)


def test_late_and_missing_villages_are_shown(
    tl_township: User, homes: Homes, regions: dict[str, Region], make_user: Callable[..., User]
) -> None:
    campaign = campaign_create(
        acting_user=tl_township,
        title="往年排查",
        year=2025,
        region=regions["140405102000"],
        starts_on=datetime.date(2025, 3, 1),
        deadline=datetime.date(2025, 6, 30),
    )
    assert campaign.list_due == datetime.date(2025, 3, 30)  # the Luming rule, by default
    head = make_user("beiyuze_head", "140405102201", "village_head")
    village_list_sign(acting_user=head, campaign=campaign, village=regions["140405102201"])
    rows = {r.village.code: r.label for r in selectors.sign_off_status(campaign, tl_township)}
    assert rows == {"140405102201": "已签字（逾期）", "140405102202": "逾期未报"}


def test_a_follow_up_is_closed_step_by_step_with_photos(tl_clerk: User, homes: Homes) -> None:
    inspection_record(
        acting_user=tl_clerk,
        house=homes["house_c"],
        suspected_grade="B",
        is_occupied=True,
        occupant_ages=[40, 38],
        lives_in_two_houses=True,
    )
    follow_up = FollowUp.objects.get(house=homes["house_c"], reason="two_houses")
    with pytest.raises(ValidationError, match="请先登记人员搬入"):
        follow_up_step(acting_user=tl_clerk, follow_up=follow_up, step="demolished", on=TODAY, photo=jpeg())
    with pytest.raises(ValidationError, match="请上传现场照片"):
        follow_up_step(acting_user=tl_clerk, follow_up=follow_up, step="moved", on=TODAY, photo=None, moved_to="新房")
    with pytest.raises(ValidationError, match="不是可识别的图片"):
        follow_up_step(
            acting_user=tl_clerk, follow_up=follow_up, step="moved", on=TODAY, photo=not_an_image(), moved_to="新房"
        )
    follow_up_step(acting_user=tl_clerk, follow_up=follow_up, step="moved", on=TODAY, photo=jpeg(), moved_to="新房")
    follow_up_step(acting_user=tl_clerk, follow_up=follow_up, step="demolished", on=TODAY, photo=jpeg())
    follow_up.refresh_from_db()
    assert follow_up.is_done and follow_up.demolished_photo.name.endswith(".jpg")
    assert not House.objects.get(pk=homes["house_c"].pk).is_occupied


def test_campaigns_are_deployed_by_the_township_inside_its_region(
    tl_clerk: User, tl_township: User, regions: dict[str, Region]
) -> None:
    with pytest.raises(PermissionDenied, match="只有乡镇或区县"):
        campaign_create(
            acting_user=tl_clerk,
            title="x",
            year=2026,
            region=regions["140405102000"],
            starts_on=TODAY,
            deadline=TODAY,
        )
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        campaign_create(
            acting_user=tl_township,
            title="x",
            year=2026,
            region=regions["140405103000"],
            starts_on=TODAY,
            deadline=TODAY,
        )
    with pytest.raises(ValidationError, match="完成期限不能早于开始日期"):
        campaign_create(
            acting_user=tl_township,
            title="x",
            year=2026,
            region=regions["140405102000"],
            starts_on=TODAY,
            deadline=TODAY - datetime.timedelta(days=1),
        )
