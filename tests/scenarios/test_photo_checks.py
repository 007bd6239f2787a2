"""Every stage photo's place and time checked against the house (issue 19 §4, ADRs 0033 and
0047): a patrol photo far from the house, one with no position, one taken before the works
started, the same picture used for two houses (re-encoded and resized too), and a flag explained
by an officer — audited, never deleted, still listed. Bad files are refused in Chinese. Then the
other stages: a far 竣工 photo, a far phone at 开工, an acceptance photo out of its dates, an
archive house photo reused from another house (and a paper scan not checked), the position kept
through the phone's downscale, and ``photo_checks_run`` over every source."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from anju.acceptance.services import acceptance_record
from anju.acceptance.tests.conftest import record_kwargs
from anju.accounts.models import User
from anju.archives.services import document_upload
from anju.audit.models import AuditEvent
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import CasePatrol, RenovationCase
from anju.cases.tests.conftest import Officers, ago, walk
from anju.households.models import House
from anju.households.services import house_create, household_create
from anju.inspections.services import inspection_record
from anju.inspections.tests.conftest import make_id
from anju.kit.photos import PHONE_COPY_MARK
from anju.photochecks.models import PhotoCheck, PhotoFlag
from anju.regions.models import Region

HOUSE = (36.320000, 112.880000)
NEAR = (36.320300, 112.880200)  # about 38 m away
FAR = (36.330000, 112.880000)  # about 1.1 km north


def scene(seed: int, gps: tuple[float, float] | None = None, taken: str | None = None) -> SimpleUploadedFile:
    """A photo with something in it (a blotchy scene drawn from ``seed``), with EXIF if asked."""
    rng = random.Random(seed)
    small = Image.new("RGB", (12, 9))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(12 * 9)])
    image = small.resize((960, 720), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    if gps is not None:
        ifd = exif.get_ifd(0x8825)
        for ref, axis, value in (("N", 1, gps[0]), ("E", 3, gps[1])):
            minutes = (value - int(value)) * 60
            ifd[axis], ifd[axis + 1] = ref, (float(int(value)), float(int(minutes)), round((minutes % 1) * 60, 4))
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return SimpleUploadedFile(f"scene{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def smaller_copy(upload: SimpleUploadedFile) -> SimpleUploadedFile:
    """What a second phone or a chat app makes of the same picture: half the size, re-encoded."""
    upload.seek(0)
    image = Image.open(io.BytesIO(upload.read())).convert("RGB").resize((480, 360))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return SimpleUploadedFile("copy.jpg", out.getvalue(), content_type="image/jpeg")


def exif_day(day: datetime.date) -> str:
    return f"{day:%Y:%m:%d} 10:30:00"


@pytest.fixture
def works(case: RenovationCase, officers: Officers) -> RenovationCase:
    """The case under way (开工 35 days ago) on a house located at HOUSE."""
    House.objects.filter(pk=case.house_id or 0).update(latitude=Decimal("36.320000"), longitude=Decimal("112.880000"))
    walk(case, officers, Stage.UNDER_WAY)
    case.refresh_from_db()
    return case


def patrol(
    works: RenovationCase, officers: Officers, *photos: SimpleUploadedFile, device: tuple[float, float] | None = None
) -> CasePatrol:
    return case_services.patrol_record(
        acting_user=officers["township"],
        case=works,
        on=ago(2),
        findings="墙体砌筑中",
        photos=list(photos),
        device_latitude=device[0] if device else None,
        device_longitude=device[1] if device else None,
    )


def flags_of(works: RenovationCase) -> dict[str, str]:
    return dict(PhotoFlag.objects.filter(check_record__case_id=works.pk).values_list("kind", "detail"))


def test_it_flags_a_patrol_photo_taken_far_from_the_house_on_the_case_page_the_list_and_the_api(
    works: RenovationCase, officers: Officers, client: Client
) -> None:
    patrol(works, officers, scene(1, gps=FAR, taken=exif_day(ago(3))), device=NEAR)

    flags = flags_of(works)
    assert list(flags) == ["far"]
    assert flags["far"] == "照片位置距房屋 1,112 米（允许 200 米内）"
    client.force_login(officers["township"])
    case_page = client.get(reverse("cases:case_detail", args=[works.pk])).content.decode()
    assert "拍摄地点距房屋过远" in case_page and "照片位置距房屋 1,112 米" in case_page
    listing = client.get(reverse("photochecks:flag_list"), {"kind": "far"}).content.decode()
    assert "甲户" in listing and "照片位置距房屋 1,112 米" in listing
    answer = client.get("/api/photo-flags/", {"case": works.pk}).json()
    assert [(f["kind"], f["stage"], f["distance_m"]) for f in answer["results"]] == [("far", "patrol", 1112)]
    assert answer["results"][0]["device_latitude"] == "36.320300"


def test_it_flags_a_photo_with_no_position_and_passes_one_the_phone_located(
    works: RenovationCase, officers: Officers
) -> None:
    patrol(works, officers, scene(2, taken=exif_day(ago(3))), device=NEAR)
    assert flags_of(works) == {}
    assert PhotoCheck.objects.get(case_id=works.pk).distance_m == 38

    patrol(works, officers, scene(3, taken=exif_day(ago(3))))
    assert flags_of(works) == {"no_position": "既无手机定位，照片也不带位置信息"}


def test_it_flags_a_patrol_photo_taken_before_the_works_started(works: RenovationCase, officers: Officers) -> None:
    patrol(works, officers, scene(4, gps=NEAR, taken=exif_day(ago(50))))

    detail = flags_of(works)["out_of_dates"]
    assert detail == f"拍摄于 {ago(50):%Y-%m-%d}，早于施工巡查照片的起始日期 {ago(35):%Y-%m-%d}"
    # One day of grace (policy): a photo from the eve of 开工 passes.
    patrol(works, officers, scene(5, gps=NEAR, taken=exif_day(ago(36))))
    assert PhotoFlag.objects.filter(kind="out_of_dates").count() == 1


def test_it_flags_the_same_picture_used_for_another_house_even_resized_and_re_encoded(
    works: RenovationCase, officers: Officers, tl_clerk: User, regions: dict[str, Region]
) -> None:
    other = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="乙", head_id_number=make_id(12)
    )
    other_house = house_create(acting_user=tl_clerk, household=other, structure="brick_wood", build_year=1990)
    picture = scene(6, gps=NEAR)
    inspection_record(acting_user=tl_clerk, house=other_house, suspected_grade="C", is_occupied=False, photos=[picture])
    patrol(works, officers, scene(7, gps=NEAR, taken=exif_day(ago(3))), smaller_copy(picture), device=NEAR)

    reused = PhotoFlag.objects.get(kind="reused")
    assert reused.check_record.case_id == works.pk
    assert reused.detail.startswith("与乙户的排查照片") and "相同或近似" in reused.detail
    assert reused.other is not None and reused.other.house_id == other_house.pk
    assert PhotoFlag.objects.filter(kind="reused").count() == 1  # the other patrol photo is its own


def test_an_explained_flag_is_audited_kept_and_listed_as_explained(
    works: RenovationCase, officers: Officers, client: Client
) -> None:
    patrol(works, officers, scene(8, taken=exif_day(ago(3))))
    flag = PhotoFlag.objects.get()
    client.force_login(officers["township"])

    answer = client.post(
        reverse("photochecks:flag_explain", args=[flag.pk]), {"explanation": "手机定位未开，已电话核实为该户现场"}
    )
    assert answer.status_code == 302
    flag.refresh_from_db()
    assert flag.explanation == "手机定位未开，已电话核实为该户现场" and flag.explained_by == officers["township"]
    event = AuditEvent.objects.get(object_type="photochecks.photoflag", object_id=str(flag.pk), action="update")
    assert event.changes["explanation"]["after"] == "手机定位未开，已电话核实为该户现场"
    # Nobody deletes a flag: not the API, not the model, not a queryset; a second explanation is refused.
    client.force_login(officers["county"])
    assert client.delete(f"/api/photo-flags/{flag.pk}/").status_code == 405
    with pytest.raises(PermissionDenied):
        flag.delete()
    with pytest.raises(PermissionDenied):
        PhotoFlag.objects.all().delete()
    again = client.post(f"/api/photo-flags/{flag.pk}/explain/", {"explanation": "改一下说明"})
    assert again.status_code == 400 and "说明不能修改" in again.content.decode()
    listing = client.get(reverse("photochecks:flag_list"), {"state": "explained"}).content.decode()
    assert "已说明" in listing and "手机定位未开，已电话核实为该户现场" in listing
    assert PhotoFlag.objects.count() == 1


def test_a_forged_exif_block_counts_as_no_position_and_a_non_image_is_refused_in_chinese(
    works: RenovationCase, officers: Officers, client: Client
) -> None:
    forged = scene(9)
    data = bytearray(forged.read())
    # GPS degrees of 500 and a broken time: the photo is kept, its EXIF ignored.
    image = Image.open(io.BytesIO(bytes(data)))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (500.0, 0.0, 0.0), 3: "E", 4: (112.0, 0.0, 0.0)})
    exif.get_ifd(0x8769)[0x9003] = "not a time"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    patrol(works, officers, SimpleUploadedFile("forged.jpg", out.getvalue(), content_type="image/jpeg"))
    check = PhotoCheck.objects.get()
    assert (check.exif_latitude, check.exif_taken_at) == (None, None)
    assert list(flags_of(works)) == ["no_position"]

    client.force_login(officers["township"])
    page = client.post(
        reverse("cases:patrol_add", args=[works.pk]),
        {
            "on": ago(1).isoformat(),
            "findings": "屋面施工",
            "photos": SimpleUploadedFile("报告.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg"),
            "device_latitude": "36.3203",
            "device_longitude": "112.8802",
        },
    ).content.decode()
    assert "「报告.jpg」不是可识别的图片文件" in page and "屋面施工" in page  # what was typed stays
    assert CasePatrol.objects.filter(findings="屋面施工").count() == 0
    with pytest.raises(ValidationError, match="手机定位不是有效的经纬度"):
        patrol(works, officers, scene(10), device=(float("nan"), 1.0))


# --- 开工/竣工, acceptance and archive photos (ADR 0047) ---------------------------------------------


def completed_with(works: RenovationCase, officers: Officers, *photos: SimpleUploadedFile) -> RenovationCase:
    """竣工 2 days ago after one patrol, with ``photos`` taken by a phone standing near the house."""
    patrol(works, officers, scene(20, gps=NEAR, taken=exif_day(ago(3))), device=NEAR)
    case_services.case_complete(
        acting_user=officers["township"],
        case=works,
        on=ago(2),
        built_area=Decimal("46.5"),
        photos=list(photos),
        device_latitude=NEAR[0],
        device_longitude=NEAR[1],
    )
    works.refresh_from_db()
    return works


def test_it_flags_a_completion_photo_taken_far_from_the_house_on_the_case_page_the_list_and_the_api(
    works: RenovationCase, officers: Officers, client: Client
) -> None:
    completed_with(works, officers, scene(21, gps=FAR, taken=exif_day(ago(2))))

    check = PhotoCheck.objects.get(stage="completion")
    assert (check.window_from, check.window_until) == (ago(2 + 14), ago(2 - 7))  # the policy's days around 竣工
    assert dict(check.flags.values_list("kind", "detail")) == {"far": "照片位置距房屋 1,112 米（允许 200 米内）"}
    client.force_login(officers["township"])
    case_page = client.get(reverse("cases:case_detail", args=[works.pk])).content.decode()
    assert "竣工照片" in case_page and "照片位置距房屋 1,112 米" in case_page
    assert 'data-testid="step-photos"' in case_page  # the photo is shown with the 竣工 step
    listing = client.get(reverse("photochecks:flag_list"), {"stage": "completion"}).content.decode()
    assert "甲户" in listing and "照片位置距房屋 1,112 米" in listing
    assert (
        "照片位置距房屋" not in client.get(reverse("photochecks:flag_list"), {"stage": "acceptance"}).content.decode()
    )
    answer = client.get("/api/photo-flags/", {"case": str(works.pk), "stage": "completion"}).json()
    assert [(f["kind"], f["stage_label"]) for f in answer["results"]] == [("far", "竣工照片")]


def test_a_start_photo_sent_with_the_act_on_the_case_page_is_checked_around_the_start_date(
    case: RenovationCase, officers: Officers, client: Client
) -> None:
    House.objects.filter(pk=case.house_id or 0).update(latitude=Decimal("36.320000"), longitude=Decimal("112.880000"))
    walk(case, officers, Stage.AGREEMENT_SIGNED)
    case.refresh_from_db()
    client.force_login(officers["township"])

    answer = client.post(
        reverse("cases:case_act", args=[case.pk, "start"]),
        {
            "on": ago(1).isoformat(),
            "version": case.version,
            "photos": [scene(22, taken=exif_day(ago(1)))],
            "device_latitude": f"{FAR[0]}",
            "device_longitude": f"{FAR[1]}",
        },
    )

    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.UNDER_WAY
    assert dict(PhotoFlag.objects.filter(check_record__stage="start").values_list("kind", "detail")) == {
        "far": "手机定位距房屋 1,112 米（允许 200 米内）"
    }


def test_it_flags_an_acceptance_photo_taken_outside_the_acceptance_dates(
    works: RenovationCase, officers: Officers
) -> None:
    done = completed_with(works, officers)
    acceptance_record(
        acting_user=officers["township"],
        **record_kwargs(done, on=ago(1)),
        photos=[scene(23, gps=NEAR, taken=exif_day(ago(40))), scene(24, gps=NEAR, taken=exif_day(ago(1)))],
        device=NEAR,
    )

    flags = PhotoFlag.objects.filter(check_record__stage="acceptance")
    assert list(flags.values_list("kind", "detail")) == [
        ("out_of_dates", f"拍摄于 {ago(40):%Y-%m-%d}，早于验收照片的起始日期 {ago(4):%Y-%m-%d}")
    ]
    assert PhotoCheck.objects.filter(stage="acceptance").count() == 2  # the other one passed


def test_it_flags_an_archive_house_photo_that_is_another_houses_picture_but_not_a_paper_scan(
    works: RenovationCase, officers: Officers, tl_clerk: User, regions: dict[str, Region], client: Client
) -> None:
    other = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="乙", head_id_number=make_id(12)
    )
    other_house = house_create(acting_user=tl_clerk, household=other, structure="brick_wood", build_year=1990)
    picture = scene(25, gps=NEAR)
    inspection_record(acting_user=tl_clerk, house=other_house, suspected_grade="C", is_occupied=False, photos=[picture])

    document_upload(acting_user=officers["township"], case=works, code="photos_before", upload=smaller_copy(picture))
    # A signed application scanned in the office: no position, no time, and not checked at all.
    document_upload(acting_user=officers["township"], case=works, code="application", upload=scene(26))

    reused = PhotoFlag.objects.get(kind="reused")
    assert reused.check_record.stage == "archive" and reused.check_record.case_id == works.pk
    assert reused.detail.startswith("与乙户的排查照片")
    assert (
        not PhotoCheck.objects.filter(photo_model="archives.ArchiveDocument", case_id=works.pk)
        .exclude(pk=reused.check_record_id)
        .exists()
    )
    assert set(flags_of(works)) == {"reused", "no_position"}  # the copy lost its EXIF: no position either
    client.force_login(officers["township"])
    listing = client.get(reverse("photochecks:flag_list"), {"stage": "archive"}).content.decode()
    assert "与乙户的排查照片" in listing and "档案照片" in listing


def test_an_archive_house_photo_is_checked_against_its_period_of_the_works(
    works: RenovationCase, officers: Officers
) -> None:
    # 改造前 must be before 开工 (35 days ago); this one was taken during the works.
    document_upload(
        acting_user=officers["township"],
        case=works,
        code="photos_before",
        upload=scene(27, gps=NEAR, taken=exif_day(ago(10))),
    )

    check = PhotoCheck.objects.get(stage="archive")
    assert (check.window_from, check.window_until, check.exif_source) == (None, ago(35), "file")
    assert flags_of(works) == {"out_of_dates": f"拍摄于 {ago(10):%Y-%m-%d}，晚于档案照片的截止日期 {ago(35):%Y-%m-%d}"}


def phone_copy(upload: SimpleUploadedFile) -> SimpleUploadedFile:
    """What the field app sends: downscaled, the original's EXIF block kept, and the mark."""
    upload.seek(0)
    original = Image.open(io.BytesIO(upload.read()))
    out = io.BytesIO()
    original.convert("RGB").resize((480, 360)).save(
        out, "JPEG", quality=82, exif=original.getexif(), comment=PHONE_COPY_MARK
    )
    return SimpleUploadedFile("phone.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_position_kept_through_the_phones_downscale_is_recorded_as_such(
    works: RenovationCase, officers: Officers
) -> None:
    patrol(works, officers, phone_copy(scene(28, gps=FAR, taken=exif_day(ago(2)))), device=NEAR)
    patrol(works, officers, scene(29, gps=NEAR, taken=exif_day(ago(2))))

    sources = dict(PhotoCheck.objects.values_list("exif_latitude", "exif_source"))
    assert sources == {Decimal("36.330000"): "phone_copy", Decimal("36.320300"): "file"}
    assert list(flags_of(works)) == ["far"]


def test_photo_checks_run_checks_every_registered_source_and_keeps_the_phones_position(
    works: RenovationCase, officers: Officers
) -> None:
    completed_with(works, officers, scene(30, taken=exif_day(ago(2))))
    document_upload(acting_user=officers["township"], case=works, code="photos_after", upload=scene(31))
    before = dict(PhotoCheck.objects.values_list("photo_model", "device_latitude"))
    out = io.StringIO()

    call_command("photo_checks_run", stdout=out)

    assert "开工竣工照片：已核验 1 张照片" in out.getvalue() and "档案照片：已核验 1 张照片" in out.getvalue()
    assert "质量巡查照片：已核验" in out.getvalue() and "验收照片：已核验 0 张照片" in out.getvalue()
    assert dict(PhotoCheck.objects.values_list("photo_model", "device_latitude")) == before
    assert before["cases.CaseStepPhoto"] == Decimal("36.320300")
    assert not PhotoFlag.objects.filter(check_record__photo_model="cases.CaseStepPhoto").exists()
