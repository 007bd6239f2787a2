"""Records made offline arrive once through their app's service; a refusal answers the Chinese
reason and writes nothing (ADR 0038)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from anju.acceptance.models import Acceptance
from anju.acceptance.services import checklist
from anju.accounts.models import User
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.archives.models import ArchiveDocument
from anju.audit.models import AuditAction, AuditEvent
from anju.cases import services as case_services
from anju.cases.models import CasePatrol, CaseStep, CaseStepPhoto, RenovationCase
from anju.cases.tests.conftest import Officers, ago, case, covered_home, officers, tl_head, walk  # noqa: F401
from anju.field.models import SyncedRecord
from anju.field.tests.conftest import sender
from anju.households.services import house_create, household_create
from anju.inspections.models import Inspection, Referral
from anju.inspections.tests.conftest import make_id
from anju.photochecks.models import PhotoCheck, PhotoFlag
from anju.regions.models import Region
from tests.scenarios.test_photo_checks import FAR, NEAR, exif_day, scene, works  # noqa: F401

MOVED_ON = "案件当前为「已竣工待验收」，只有施工期间和整改期间才记录质量巡查。"
PATROL = {"on": "", "findings": "圈梁浇筑完成", "device_latitude": NEAR[0], "device_longitude": NEAR[1]}


def key() -> str:
    return str(uuid.uuid4())


def patrol_fields(works: RenovationCase) -> dict[str, object]:  # noqa: F811
    return {**PATROL, "on": ago(1).isoformat(), "case": works.pk}


def test_it_records_a_patrol_once_when_the_phone_sends_it_twice(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["township"])
    send = sender(client)
    same = key()
    photo = scene(1, gps=NEAR, taken=exif_day(ago(1)))

    first = send("patrol", same, [photo], **patrol_fields(works))
    again = send("patrol", same, [photo], **patrol_fields(works))  # the first answer was lost

    assert first.status_code == 201 and first.json()["status"] == "recorded"
    assert again.status_code == 200 and again.json()["message"] == "此前已送达，未重复保存。"
    assert CasePatrol.objects.filter(case=works).count() == 1
    assert again.json()["object_id"] == first.json()["object_id"]
    assert SyncedRecord.objects.get(key=same).object_type == "cases.casepatrol"


def test_a_patrol_for_a_case_that_moved_on_is_refused_with_its_reason_and_nothing_is_written(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    case_services.patrol_record(
        acting_user=officers["township"], case=works, on=ago(3), findings="基础完成", photos=[scene(2)]
    )
    case_services.case_complete(acting_user=officers["township"], case=works, on=ago(1), built_area=45)  # type: ignore[arg-type]  # an int is a valid Decimal amount here
    client.force_login(officers["township"])
    refused_key = key()

    answer = sender(client)("patrol", refused_key, [scene(3)], **patrol_fields(works))

    assert answer.status_code == 422
    assert answer.json() == {"status": "refused", "reason": MOVED_ON}
    assert CasePatrol.objects.filter(case=works).count() == 1
    assert not SyncedRecord.objects.filter(key=refused_key).exists()
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSED, object_id=refused_key)
    assert refusal.note == f"离线同步被拒（质量巡查）：{MOVED_ON}"


def test_a_non_image_and_a_too_large_photo_are_refused_in_chinese(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["township"])
    send = sender(client)
    text = SimpleUploadedFile("记录.jpg", "这不是照片".encode(), content_type="image/jpeg")
    big = SimpleUploadedFile("大图.jpg", b"\xff\xd8" + b"0" * (30 * 1024 * 1024), content_type="image/jpeg")

    not_image = send("patrol", key(), [text], **patrol_fields(works))
    too_large = send("patrol", key(), [big], **patrol_fields(works))

    assert not_image.status_code == 422 and "记录.jpg" in not_image.json()["reason"]
    assert too_large.status_code == 422 and "过大（30.0 MB）" in too_large.json()["reason"]
    assert not CasePatrol.objects.filter(case=works).exists()


def test_a_photo_with_a_forged_or_missing_exif_block_is_kept_and_flagged(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["township"])
    fields = {**patrol_fields(works), "device_latitude": "", "device_longitude": ""}

    answer = sender(client)("patrol", key(), [scene(4, gps=FAR, taken=exif_day(ago(1))), scene(5)], **fields)

    assert answer.status_code == 201
    kinds = set(PhotoFlag.objects.filter(check_record__case_id=works.pk).values_list("kind", flat=True))
    assert kinds == {"far", "no_position"}


def test_an_inspection_arrives_once_under_its_submission_id_dated_when_it_was_made(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["township"])
    same = key()
    made = timezone.now() - datetime.timedelta(hours=5)
    fields: dict[str, object] = {
        "house": works.house_id,
        "suspected_grade": "C",
        "is_occupied": "1",
        "occupant_ages": "71 69",
    }
    fields |= {"captured_at": made.isoformat(), "latitude": NEAR[0], "longitude": NEAR[1], "gps_source": "device"}

    answers = [sender(client)("inspection", same, **fields) for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 200]
    inspection = Inspection.objects.get(house=works.house)
    assert inspection.submission_id == same and inspection.elderly_occupants == 2
    assert abs((inspection.inspected_at - made).total_seconds()) < 1


def test_a_house_outside_the_officers_region_and_a_bad_key_are_refused(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    ps_admin: object,
) -> None:
    client.force_login(officers["township"])
    send = sender(client)
    fields = {"suspected_grade": "C", "is_occupied": "0"}

    nowhere = send("inspection", key(), house=999999, **fields)
    bad_key = send("inspection", "1; drop", house=works.house_id, **fields)

    assert nowhere.json()["reason"] == "该房屋不存在或不在您的管辖范围内。"
    assert bad_key.json()["reason"] == "同步编号无效，请删除这条记录后重新录入。"
    assert not Inspection.objects.exists()


def test_an_archive_photo_is_filed_under_its_item(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["township"])
    code = works.policy.content["archive_documents"][0]["code"]

    answer = sender(client)("archive_photo", key(), [scene(6)], case=works.pk, code=code)

    assert answer.status_code == 201, answer.content
    assert ArchiveDocument.objects.filter(case=works, code=code).count() == 1


def test_a_signed_out_phone_is_told_to_sign_in_and_nothing_is_written(
    client: Client,
    works: RenovationCase,  # noqa: F811
) -> None:
    answer = sender(client)("patrol", key(), [scene(7)], **patrol_fields(works))

    assert answer.status_code == 401
    assert answer.json()["reason"] == "登录已过期，请重新登录后再下载或同步；本机的记录不会丢失。"
    assert not CasePatrol.objects.exists()


def completed(works: RenovationCase, officers: Officers) -> RenovationCase:  # noqa: F811
    case_services.patrol_record(
        acting_user=officers["township"], case=works, on=ago(3), findings="主体完工", photos=[scene(8)]
    )
    case_services.case_complete(acting_user=officers["township"], case=works, on=ago(1), built_area=45)  # type: ignore[arg-type]  # an int is a valid Decimal amount here
    works.refresh_from_db()
    return works


def acceptance_fields(completed_case: RenovationCase, version: int) -> dict[str, object]:
    results = {f"result_{item['code']}": "pass" for item in checklist(completed_case)}
    return results | {
        "case": completed_case.pk,
        "version": version,
        "on": ago(0).isoformat(),
        "post_grade": "A",
        "household_agrees": "1",
        "builder_name": "李师傅",
        "officer_names": "郭晓燕、张卫东",
    }


def test_an_acceptance_checklist_made_offline_arrives_once_and_a_stale_one_is_refused(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    done = completed(works, officers)
    seen = done.version  # the version in the work list the officers downloaded
    client.force_login(officers["township"])
    send = sender(client)
    same = key()

    answers = [send("acceptance", same, **acceptance_fields(done, seen)) for _ in range(2)]
    client.force_login(officers["county"])
    late = sender(client)("acceptance", key(), **acceptance_fields(done, seen))  # another officer, same list

    assert [a.status_code for a in answers] == [201, 200]
    assert Acceptance.objects.filter(case=done, passed=True).count() == 1
    assert late.status_code == 422 and "刚被tl_township" in late.json()["reason"]
    assert "现为「验收通过」。您的操作未保存" in late.json()["reason"]


def test_a_completion_made_offline_arrives_once_with_its_photo_checked(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    case_services.patrol_record(
        acting_user=officers["township"], case=works, on=ago(3), findings="主体完工", photos=[scene(10)]
    )
    works.refresh_from_db()
    client.force_login(officers["township"])
    same = key()
    fields = {"case": works.pk, "version": works.version, "on": ago(1).isoformat(), "built_area": "46.5"}
    fields |= {"device_latitude": NEAR[0], "device_longitude": NEAR[1]}
    photo = scene(11, gps=FAR, taken=exif_day(ago(1)))

    answers = [sender(client)("complete", same, [photo], **fields) for _ in range(2)]  # the first answer was lost

    assert [a.status_code for a in answers] == [201, 200]
    works.refresh_from_db()
    assert works.stage == "completed" and works.completed_on == ago(1)
    assert CaseStep.objects.filter(case=works, kind="complete").count() == 1
    assert CaseStepPhoto.objects.filter(step__case=works).count() == 1
    assert list(PhotoFlag.objects.filter(check_record__stage="completion").values_list("kind", flat=True)) == ["far"]


def test_a_start_for_a_case_that_was_ended_meanwhile_is_refused_naming_who_acted(
    client: Client,
    case: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    signed = walk(case, officers, "agreement_signed")
    seen = signed.version  # the version in the work list the officer downloaded
    case_services.case_end(
        acting_user=officers["county"], case=signed, on=ago(0), reason="relocation", note="随子女搬迁"
    )
    client.force_login(officers["township"])
    refused_key = key()

    answer = sender(client)("start", refused_key, [scene(12)], case=signed.pk, version=seen, on=ago(0).isoformat())

    assert answer.status_code == 422
    assert "刚被" in answer.json()["reason"] and "您的操作未保存" in answer.json()["reason"]
    assert not CaseStep.objects.filter(case=signed, kind="start").exists()
    assert not CaseStepPhoto.objects.exists() and not SyncedRecord.objects.filter(key=refused_key).exists()


def test_a_referral_made_offline_opens_once_and_one_for_a_key_group_family_is_refused_with_its_reason(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
    tl_clerk: User,
    regions: dict[str, Region],
) -> None:
    poor = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="丙", head_id_number=make_id(31)
    )
    poor_house = house_create(acting_user=tl_clerk, household=poor, structure="earth_wood", build_year=1978)
    referral = {"suspected_grade": "C", "is_occupied": "1", "occupant_ages": "81"}
    referral |= {"family_poor_not_listed": "on", "referral_department": "civil_affairs", "poverty_note": "独居老人"}
    client.force_login(officers["township"])
    send = sender(client)
    same = key()

    answers = [send("inspection", same, house=poor_house.pk, **referral) for _ in range(2)]
    listed = send("inspection", key(), house=works.house_id, **referral)  # a 低保 household

    assert [a.status_code for a in answers] == [201, 200]
    assert Referral.objects.get(household=poor).reason == "独居老人"
    assert listed.status_code == 422
    assert listed.json()["reason"] == "该户已是农村低保户，无需转交核实。"
    assert not Inspection.objects.filter(household=works.household).exists()


def test_an_archive_photo_taken_on_the_spot_is_checked_with_the_phones_position(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["township"])

    answer = sender(client)(
        "archive_photo",
        key(),
        [scene(13)],
        case=works.pk,
        code="photos_during",
        device_latitude=FAR[0],
        device_longitude=FAR[1],
    )

    assert answer.status_code == 201
    check = PhotoCheck.objects.get(stage="archive")
    assert (check.device_latitude, check.distance_m) == (Decimal("36.330000"), 1112)
    assert list(check.flags.values_list("kind", flat=True)) == ["far"]
