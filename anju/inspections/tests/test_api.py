"""The inspection API: scoped, validated and audited like the pages."""

import datetime
from collections.abc import Callable

from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.inspections.models import (
    Campaign,
    ControlMeasure,
    EmergencyEvent,
    FollowUp,
    Inspection,
    Referral,
    VillageList,
)
from anju.inspections.services import inspection_record
from anju.inspections.tests.conftest import Homes

from .images import jpeg, not_an_image


def test_an_inspection_is_recorded_and_referred_through_the_api(
    tl_clerk: User, homes: Homes, civil: User, ps_admin: User
) -> None:
    client = APIClient()
    client.force_authenticate(tl_clerk)
    bad = client.post(
        reverse("api:inspection-list"),
        {
            "house": homes["house_c"].pk,
            "suspected_grade": "C",
            "is_occupied": True,
            "occupant_ages": [70],
            "photos": [not_an_image()],
        },
        format="multipart",
    )
    assert bad.status_code == 400 and "不是可识别的图片文件" in str(bad.json())
    ok = client.post(
        reverse("api:inspection-list"),
        {
            "house": homes["house_c"].pk,
            "suspected_grade": "C",
            "is_occupied": True,
            "occupant_ages": [70],
            "family_poor_not_listed": True,
            "poverty_note": "独居老人",
            "photos": [jpeg()],
        },
        format="multipart",
    )
    assert ok.status_code == 201, ok.json()
    assert len(ok.json()["photos"]) == 1 and ok.json()["suspected_grade"] == "C"
    replay = client.post(
        reverse("api:inspection-list"),
        {"house": homes["house_c"].pk, "suspected_grade": "B", "is_occupied": False, "submission_id": "app-7"},
        format="multipart",
    )
    same = client.post(
        reverse("api:inspection-list"),
        {"house": homes["house_c"].pk, "suspected_grade": "B", "is_occupied": False, "submission_id": "app-7"},
        format="multipart",
    )
    assert same.json()["id"] == replay.json()["id"] and Inspection.objects.count() == 2
    referral = Referral.objects.get(inspection_id=ok.json()["id"])
    denied = client.post(reverse("api:referral-decide", args=[referral.pk]), {"confirm": True, "group": "dibao"})
    assert denied.status_code == 403
    client.force_authenticate(civil)
    done = client.post(reverse("api:referral-decide", args=[referral.pk]), {"confirm": True, "group": "dibao"})
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    client.force_authenticate(ps_admin)
    assert client.get(reverse("api:inspection-list")).json()["results"] == []
    outside = client.post(
        reverse("api:inspection-list"), {"house": homes["house_c"].pk, "suspected_grade": "A", "is_occupied": False}
    )
    assert outside.status_code == 404 and Inspection.objects.count() == 2


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_deploys_a_campaign_for_the_township_and_refuses_others(
    tl_township: User, tl_clerk: User, ps_admin: User, homes: Homes
) -> None:
    url = reverse("api:campaign-list")
    body = {
        "title": "2026 年渔泽镇常规排查",
        "year": 2026,
        "region_code": "140405102000",
        "starts_on": "2026-03-01",
        "deadline": "2026-06-30",
        "villages": ["140405102201"],
        "inspectors": ["tl_clerk"],
    }
    clerk = _client(tl_clerk).post(url, body, format="json")
    assert clerk.status_code == 403 and "只有乡镇或区县住建部门可以部署排查" in str(clerk.json())
    outsider = _client(ps_admin).post(url, body, format="json")
    assert outsider.status_code == 404 and "不在您的管辖范围内" in str(outsider.json())
    foreign_village = _client(tl_township).post(url, body | {"villages": ["500243202201"]}, format="json")
    assert foreign_village.status_code == 404 and "500243202201" in str(foreign_village.json())
    backwards = _client(tl_township).post(url, body | {"deadline": "2026-02-01"}, format="json")
    assert backwards.status_code == 400 and backwards.json()["deadline"] == ["完成期限不能早于开始日期。"]
    not_a_year = _client(tl_township).post(url, body | {"year": "二〇二六"}, format="json")
    assert not_a_year.status_code == 400 and "year" in not_a_year.json()
    assert not Campaign.objects.exists()

    ok = _client(tl_township).post(url, body, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["villages"] == ["140405102201"] and ok.json()["list_due"] == "2026-03-30"
    campaign = Campaign.objects.get()
    assert list(campaign.inspectors.all()) == [tl_clerk]
    assert AuditEvent.objects.filter(object_type="inspections.campaign", object_id=str(campaign.pk)).exists()


def test_it_declares_an_emergency_with_tasks_worst_first(
    tl_township: User, tl_clerk: User, ps_admin: User, homes: Homes
) -> None:
    url = reverse("api:emergencyevent-list")
    today = datetime.date.today().isoformat()
    body = {
        "kind": "rainstorm",
        "title": "7·20 暴雨",
        "occurred_on": today,
        "region_code": "140405102000",
        "villages": ["140405102201"],
    }
    assert _client(tl_clerk).post(url, body, format="json").status_code == 403
    assert _client(ps_admin).post(url, body, format="json").status_code == 404
    unknown = _client(tl_township).post(url, body | {"kind": "meteor"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["kind"] == ["请选择灾害或事件类型。"]
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    tomorrow = _client(tl_township).post(url, body | {"occurred_on": future}, format="json")
    assert tomorrow.status_code == 400 and tomorrow.json()["occurred_on"] == ["发生日期不能晚于今天。"]
    assert not EmergencyEvent.objects.exists()

    ok = _client(tl_township).post(url, body, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["villages"] == ["140405102201"] and ok.json()["kind"] == "rainstorm"
    tasks = _client(tl_clerk).get(reverse("api:emergencytask-list")).json()["results"]
    assert {t["house"] for t in tasks} == {homes["house_a"].pk, homes["house_c"].pk}
    # 甲's house has an elderly occupant: it comes before 丙's.
    assert min(tasks, key=lambda t: t["priority"])["house"] == homes["house_a"].pk


def test_it_records_a_measure_and_another_person_verifies_it(
    tl_clerk: User, tl_township: User, ps_admin: User, homes: Homes
) -> None:
    house = homes["house_a"]
    today = datetime.date.today().isoformat()
    body = {"house": house.pk, "kind": "evacuate", "taken_on": today, "responsible": "李支书"}
    url = reverse("api:controlmeasure-list")
    assert _client(ps_admin).post(url, body, format="json").status_code == 404
    blank = _client(tl_clerk).post(url, body | {"responsible": " "}, format="json")
    assert blank.status_code == 400 and blank.json()["responsible"] == ["请填写责任人。"]
    assert not ControlMeasure.objects.exists()
    recorded = _client(tl_clerk).post(url, body, format="json")
    assert recorded.status_code == 201, recorded.json()
    measure = ControlMeasure.objects.get(pk=recorded.json()["id"])

    verify = reverse("api:controlmeasure-verify", args=[measure.pk])
    by_clerk = _client(tl_clerk).post(verify, {"note": "已撤离"}, format="json")
    assert by_clerk.status_code == 403 and "乡镇或区县住建部门核查" in str(by_clerk.json())
    assert _client(ps_admin).post(verify, {"note": "已撤离"}, format="json").status_code == 404
    no_note = _client(tl_township).post(verify, {"note": ""}, format="json")
    assert no_note.status_code == 400 and no_note.json()["verification_note"] == ["请填写核查情况。"]
    measure.refresh_from_db()
    assert measure.verified_on is None

    done = _client(tl_township).post(verify, {"note": "入户核实，人员已撤离"}, format="json")
    assert done.status_code == 200 and done.json()["verified_on"] == today
    house.refresh_from_db()
    assert house.is_occupied is False  # a verified evacuation: nobody lives there now
    again = _client(tl_township).post(verify, {"note": "再次核查"}, format="json")
    assert again.status_code == 400 and "已于" in str(again.json())

    own = _client(tl_township).post(url, body | {"kind": "warning"}, format="json").json()
    by_recorder = _client(tl_township).post(
        reverse("api:controlmeasure-verify", args=[own["id"]]), {"note": "已设置"}, format="json"
    )
    assert by_recorder.status_code == 400 and "核查须由登记人以外的人员进行" in str(by_recorder.json())


def test_only_the_village_head_signs_once_and_the_township_receives(
    tl_clerk: User, tl_township: User, ps_admin: User, homes: Homes, campaign: Campaign, make_user: Callable[..., User]
) -> None:
    inspection_record(
        acting_user=tl_clerk, house=homes["house_a"], campaign=campaign, suspected_grade="D", is_occupied=False
    )
    head = make_user("beiyuze_head", "140405102201", "village_head")
    other_head = make_user("nanyuze_head", "140405102202", "village_head")
    url = reverse("api:villagelist-list")
    body = {"campaign": campaign.pk, "village": "140405102201"}
    by_clerk = _client(tl_clerk).post(url, body, format="json")
    assert by_clerk.status_code == 403 and "北渔泽村委会的村主要负责人本人可以签字" in str(by_clerk.json())
    assert _client(other_head).post(url, body, format="json").status_code == 404
    assert _client(ps_admin).post(url, body, format="json").status_code == 404
    assert not VillageList.objects.exists()

    signed = _client(head).post(url, body, format="json")
    assert signed.status_code == 201, signed.json()
    assert signed.json()["village"] == "140405102201" and len(signed.json()["houses"]) == 1
    second = _client(head).post(url, body, format="json")
    assert second.status_code == 400 and "不能重复签字" in str(second.json())
    assert VillageList.objects.count() == 1

    receive = reverse("api:villagelist-receive", args=[signed.json()["id"]])
    assert _client(tl_clerk).post(receive).status_code == 403
    assert _client(ps_admin).post(receive).status_code == 404
    received = _client(tl_township).post(receive)
    assert received.status_code == 200 and received.json()["status"] == "received"
    twice = _client(tl_township).post(receive)
    assert twice.status_code == 400 and "该清单已接收" in str(twice.json())


def test_follow_up_steps_need_a_real_photo(tl_clerk: User, civil: User, ps_admin: User, homes: Homes) -> None:
    inspection_record(
        acting_user=tl_clerk, house=homes["house_a"], suspected_grade="D", is_occupied=True, occupant_ages=[78]
    )
    follow_up = FollowUp.objects.get(house=homes["house_a"])
    url = reverse("api:followup-step", args=[follow_up.pk])
    today = datetime.date.today().isoformat()
    moved = {"step": "moved", "on": today, "moved_to": "搬入儿子家新房"}
    not_image = _client(tl_clerk).post(url, moved | {"photo": not_an_image()}, format="multipart")
    assert not_image.status_code == 400 and "不是可识别的图片文件" in str(not_image.json())
    no_photo = _client(tl_clerk).post(url, moved, format="multipart")
    assert no_photo.status_code == 400 and no_photo.json()["photo"] == ["请上传现场照片。"]
    bad_step = _client(tl_clerk).post(url, moved | {"step": "rebuilt", "photo": jpeg()}, format="multipart")
    assert bad_step.status_code == 400 and "step" in bad_step.json()
    too_early = _client(tl_clerk).post(url, {"step": "demolished", "on": today, "photo": jpeg()}, format="multipart")
    assert too_early.status_code == 400 and "请先登记人员搬入安全住房" in str(too_early.json())
    assert _client(civil).post(url, moved | {"photo": jpeg()}, format="multipart").status_code == 403
    assert _client(ps_admin).post(url, moved | {"photo": jpeg()}, format="multipart").status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.moved_on is None and not follow_up.moved_photo

    ok = _client(tl_clerk).post(url, moved | {"photo": jpeg()}, format="multipart")
    assert ok.status_code == 200 and ok.json()["moved_on"] == today
    done = _client(tl_clerk).post(url, {"step": "demolished", "on": today, "photo": jpeg()}, format="multipart")
    assert done.status_code == 200 and done.json()["demolished_on"] == today
    follow_up.refresh_from_db()
    assert follow_up.moved_photo and follow_up.demolished_photo


def test_a_household_living_elsewhere_is_recorded_and_covered_through_the_api(
    tl_clerk: User, ps_admin: User, homes: Homes, campaign: Campaign
) -> None:
    client = APIClient()
    client.force_authenticate(tl_clerk)
    body = {
        "campaign": campaign.pk,
        "household": homes["b"].pk,
        "kind": "borrowed",
        "host_house": homes["house_c"].pk,
        "evidence": "村委会证明：借住丙家",
        "recorded_on": datetime.date.today().isoformat(),
    }
    missing = client.post(reverse("api:housingcheck-list"), body | {"evidence": ""}, format="json")
    assert missing.status_code == 400 and "请填写核实依据" in str(missing.json())
    made = client.post(reverse("api:housingcheck-list"), body, format="json")
    assert made.status_code == 201 and made.json()["kind"] == "borrowed"
    assert made.json()["host_house"] == homes["house_c"].pk
    assert AuditEvent.objects.filter(object_type="inspections.housingcheck", action="create").exists()
    # Another county: the household answers like one that does not exist, and nothing is written.
    other = APIClient()
    other.force_authenticate(ps_admin)
    foreign = other.post(reverse("api:housingcheck-list"), body, format="json")
    absent = other.post(reverse("api:housingcheck-list"), body | {"household": 999999}, format="json")
    assert foreign.status_code == absent.status_code == 404 and foreign.json() == absent.json()
    assert other.get(reverse("api:housingcheck-list")).json()["count"] == 0


def test_the_writes_are_in_the_schema_without_warnings(db: None) -> None:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in (
        "/api/campaigns/",
        "/api/emergency-events/",
        "/api/control-measures/",
        "/api/control-measures/{id}/verify/",
        "/api/housing-checks/",
        "/api/village-lists/",
        "/api/village-lists/{id}/receive/",
        "/api/follow-ups/{id}/step/",
    ):
        assert "post" in paths[path], path
    step_body = paths["/api/follow-ups/{id}/step/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in step_body
    ours = [w for w in GENERATOR_STATS._warn_cache if "inspections" in w or "kind" in w]
    assert not ours and not GENERATOR_STATS._error_cache
