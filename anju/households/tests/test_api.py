from collections.abc import Callable

from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.models import Household
from anju.regions.models import Region

from .conftest import make_id


def test_households_are_listed_scoped_and_masked_for_supervisors(
    household: Household, make_user: Callable[..., User], ps_admin: User
) -> None:
    client = APIClient()
    city = make_user("city", "140400000000", "city_officer")
    client.force_authenticate(city)
    rows = client.get(reverse("api:household-list")).json()["results"]
    assert [r["head_name"] for r in rows] == ["牛二旦"]
    assert rows[0]["head_id_number"] == mask_like(household.head_id_number)
    assert rows[0]["members"][0]["id_number"] == mask_like(household.head_id_number)
    client.force_authenticate(ps_admin)
    assert client.get(reverse("api:household-list")).json()["results"] == []
    assert client.get(reverse("api:household-detail", args=[household.pk])).status_code == 404


def mask_like(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def test_creating_a_household_through_the_api_is_validated_and_audited(tl_clerk: User) -> None:
    client = APIClient()
    client.force_authenticate(tl_clerk)
    bad = client.post(
        reverse("api:household-list"), {"region_code": "140405102201", "head_name": "甲", "head_id_number": "123"}
    )
    assert bad.status_code == 400 and "应为 18 位" in bad.json()["head_id_number"][0]
    other = client.post(
        reverse("api:household-list"), {"region_code": "500243202201", "head_name": "甲", "head_id_number": make_id(50)}
    )
    assert other.status_code == 400 and "不在您的管辖范围内" in other.json()["region_code"]
    ok = client.post(
        reverse("api:household-list"), {"region_code": "140405102201", "head_name": "甲", "head_id_number": make_id(50)}
    )
    assert ok.status_code == 201 and ok.json()["head_sex"] == "F"  # sequence 050: even, female
    household = Household.objects.get()
    assert AuditEvent.objects.filter(
        object_type="households.household", object_id=str(household.pk), channel="api"
    ).exists()


def test_creating_a_house_through_the_api(household: Household, tl_clerk: User) -> None:
    client = APIClient()
    client.force_authenticate(tl_clerk)
    bad = client.post(
        reverse("api:house-list"),
        {"household": household.pk, "structure": "wood", "occupants": 1, "elderly_occupants": 2},
    )
    assert bad.status_code == 400 and "不能多于居住人数" in str(bad.json())
    ok = client.post(
        reverse("api:house-list"),
        {"household": household.pk, "structure": "wood", "latitude": "36.312345", "longitude": "112.891234"},
    )
    assert ok.status_code == 201 and ok.json()["region_code"] == "140405102201"
    assert client.get(reverse("api:house-list"), {"structure": "wood"}).json()["count"] == 1


def test_a_list_is_uploaded_previewed_and_committed_through_the_api(
    make_user: Callable[..., User],
    regions: dict[str, Region],
    household: Household,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.households.models import ListImport

    from .corpus import dibao_list_xlsx_merged_header

    civil = make_user("civil", "140405000000", "civil_affairs")
    client = APIClient()
    client.force_authenticate(civil)
    data, name = dibao_list_xlsx_merged_header(
        [("牛二旦", make_id(1), "北渔泽村委会", "三组", "2023-01-05"), ("新户", make_id(9), "南渔泽村委会", "一组", "")]
    )
    missing = client.post(reverse("api:listimport-list"), {"department": "civil_affairs"}, format="multipart")
    assert missing.status_code == 400 and {"file", "list_date"} <= set(missing.json())
    upload = SimpleUploadedFile(name, data)
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post(
            reverse("api:listimport-list"),
            {"file": upload, "department": "civil_affairs", "group": "dibao", "list_date": "2023-03-31"},
            format="multipart",
        )
    assert job.status_code == 202
    job = client.get(reverse("api:job-detail", args=[job.json()["id"]])).json()
    assert job["status"] == "succeeded", job
    record_id = job["result"]["list_import"]
    detail = client.get(reverse("api:listimport-detail", args=[record_id])).json()
    assert detail["status"] == "previewed"
    assert detail["counts"]["new_households"] == 1 and detail["counts"]["status_added"] == 1
    assert detail["preview"]["new_households"][0]["id"] == make_id(9)  # 民政 sees the numbers it certifies

    city = make_user("city", "140400000000", "city_officer")
    client.force_authenticate(city)
    masked = client.get(reverse("api:listimport-detail", args=[record_id])).json()
    assert masked["preview"]["new_households"][0]["id"] == mask_like(make_id(9))
    assert client.post(reverse("api:listimport-commit", args=[record_id])).status_code == 403  # not the uploader

    client.force_authenticate(civil)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("api:listimport-commit", args=[record_id]))
    assert done.status_code == 202
    assert ListImport.objects.get(pk=record_id).status == "committed"
    assert Household.objects.filter(head_id_number=make_id(9)).exists()
    again = client.post(reverse("api:listimport-commit", args=[record_id]))
    assert again.status_code == 400 and "已导入" in str(again.json())
    assert client.post(reverse("api:listimport-cancel", args=[record_id])).status_code == 400
