"""The appraisal API: an appraiser records through the same service as the page; the wrong role
is a 403, another region a 404, bad input a 400 with the service's Chinese message, and a refused
request writes nothing. Templates are derived, edited and activated by the province."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.models import Appraisal, AppraisalTemplate
from anju.appraisals.tests.conftest import BRICK_WOOD_ALL_A, DibaoHome
from anju.audit.models import AuditEvent
from anju.inspections.tests.images import jpeg

pytestmark = pytest.mark.django_db

LIST = reverse("api:appraisal-list")
C_GRADES = {**BRICK_WOOD_ALL_A, "walls": "c", "timber_truss": "b"}


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(house: Any, **overrides: Any) -> dict[str, Any]:
    """A multipart form: the component grades travel as a JSON string."""
    return {
        "house": house.pk,
        "component_grades": json.dumps(C_GRADES),
        "appraised_on": "2026-05-10",
        "prevention_level": "partial",
        "damage_cause": "ageing",
        "appraiser_name": "王工",
        "appraiser_org": "屯留区建筑设计院",
        "certificate_no": "JD-2024-0137",
    } | overrides


def test_it_records_an_appraisal_with_photos_and_a_report(appraiser: User, dibao_home: DibaoHome) -> None:
    house = dibao_home["house"]
    client = client_for(appraiser)
    response = client.post(
        LIST,
        body(
            house,
            component_notes=json.dumps({"walls": "西山墙斜裂缝"}),
            photos=[jpeg("a.jpg"), jpeg("b.jpg")],
            report_file=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        ),
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["computed_grade"], data["final_grade"], data["household_name"]) == ("C", "C", "甲")
    assert data["template_label"] == "全国默认鉴定模板（2019 导则）（第 1 版）"
    walls = next(c for c in data["components"] if c["code"] == "walls")
    assert walls == {"code": "walls", "name": "承重墙体", "grade": "c", "note": "西山墙斜裂缝"}
    # The photo and report links open for the user (scoped views, not the bare media directory).
    assert len(data["photos"]) == 2
    for url in data["photos"]:
        photo = client.get(url)
        assert photo.status_code == 200 and photo.getvalue().startswith(b"\xff\xd8")
    report = client.get(data["report_file"])
    assert report.getvalue().startswith(b"%PDF") and len(data["report_sha256"]) == 64
    assert data["prevention_level_label"] == "部分具备" and data["recorded_by"] == "tl_appraiser"
    house.refresh_from_db()
    assert house.appraised_grade == "C"


def test_a_json_body_works_too_and_the_list_filters(appraiser: User, dibao_home: DibaoHome) -> None:
    client = client_for(appraiser)
    house = dibao_home["house"]
    for grades, on in ((BRICK_WOOD_ALL_A, "2026-03-01"), (C_GRADES, "2026-05-10")):
        response = client.post(LIST, body(house, component_grades=grades, appraised_on=on), format="json")
        assert response.status_code == 201, response.json()
    assert [a["final_grade"] for a in client.get(LIST).json()["results"]] == ["C", "A"]
    assert [a["final_grade"] for a in client.get(LIST, {"final_grade": "A"}).json()["results"]] == ["A"]
    assert len(client.get(LIST, {"house": house.pk}).json()["results"]) == 2
    assert len(client.get(LIST, {"household": dibao_home["household"].pk}).json()["results"]) == 2
    assert len(client.get(LIST, {"region": "140405102000"}).json()["results"]) == 2
    assert client.get(LIST, {"region": "140405103000"}).json()["results"] == []
    first = client.get(LIST).json()["results"][0]
    assert client.get(reverse("api:appraisal-detail", args=[first["id"]])).json()["final_grade"] == "C"


def test_a_user_without_the_appraiser_role_is_refused(tl_clerk: User, dibao_home: DibaoHome) -> None:
    response = client_for(tl_clerk).post(LIST, body(dibao_home["house"]), format="multipart")
    assert response.status_code == 403
    assert response.json() == {"detail": "只有具备鉴定人员角色的用户才能录入鉴定结果。"}
    assert not Appraisal.objects.exists()


def test_another_regions_appraiser_neither_sees_nor_appraises_the_house(
    appraiser: User, dibao_home: DibaoHome, make_user: Callable[..., User]
) -> None:
    client_for(appraiser).post(LIST, body(dibao_home["house"]), format="multipart")
    appraisal = Appraisal.objects.get()
    outsider = client_for(make_user("ps_appraiser", "500243000000", Role.APPRAISER))
    response = outsider.post(LIST, body(dibao_home["house"]), format="multipart")
    assert response.status_code == 404 and response.json() == {"detail": "房屋不存在或不在您的管辖范围内。"}
    assert Appraisal.objects.count() == 1
    assert outsider.get(LIST).json()["results"] == []
    assert outsider.get(LIST, {"house": dibao_home["house"].pk}).json()["results"] == []
    assert outsider.get(reverse("api:appraisal-detail", args=[appraisal.pk])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"component_grades": json.dumps({**C_GRADES, "timber_truss": ""})}, "components", "请评定：木屋架。"),
        (
            {"component_grades": json.dumps({**C_GRADES, "walls": "e"})},
            "components",
            "承重墙体的等级只能是 a、b、c、d。",
        ),
        ({"final_grade": "D"}, "override_reason", "计算等级为 C 级，调整为 D 级须填写理由（宏观情况判断）。"),
        ({"site_dangerous": "true"}, "site_note", "场地危险时请说明场地情况（如滑坡、泥石流隐患）。"),
        ({"appraiser_name": " "}, "appraiser_name", "请填写鉴定人。"),
        ({"appraised_on": "2099-01-01"}, "appraised_on", "鉴定日期不能晚于今天。"),
        ({"component_grades": "{not json"}, "component_grades", '应为 JSON 对象，值为文字，如 {"foundation": "a"}。'),
        ({"component_grades": '["a", "b"]'}, "component_grades", '应为 JSON 对象，值为文字，如 {"foundation": "a"}。'),
        (
            {"report_file": SimpleUploadedFile("report.pdf", b"MZ not a pdf")},
            "report_file",
            "鉴定报告须为 PDF 文件。",
        ),
    ],
)
def test_bad_input_is_refused_with_the_message_and_nothing_is_written(
    appraiser: User, dibao_home: DibaoHome, overrides: dict[str, str], field: str, message: str
) -> None:
    response = client_for(appraiser).post(LIST, body(dibao_home["house"], **overrides), format="multipart")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not Appraisal.objects.exists()
    assert not AuditEvent.objects.filter(object_type="appraisals.appraisal").exists()


def test_a_photo_that_is_not_an_image_is_refused(appraiser: User, dibao_home: DibaoHome) -> None:
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client_for(appraiser).post(LIST, body(dibao_home["house"], photos=[bad]), format="multipart")
    assert response.status_code == 400 and "图片" in str(response.json())
    assert not Appraisal.objects.exists()


# --- templates -----------------------------------------------------------------------------------


@pytest.fixture
def sx_province(make_user: Callable[..., User]) -> User:
    return make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)


def test_the_national_template_is_listed_with_its_content_in_the_detail(tl_clerk: User) -> None:
    client = client_for(tl_clerk)
    rows = client.get(reverse("api:appraisaltemplate-list")).json()["results"]
    assert [(r["region_code"], r["version"], r["status"]) for r in rows] == [("", 1, "active")]
    assert "content" not in rows[0]
    detail = client.get(reverse("api:appraisaltemplate-detail", args=[rows[0]["id"]])).json()
    foundation = detail["content"]["components"][0]
    assert foundation["name"] == "地基基础" and foundation["criteria"]["d"] == "地基失稳；基础局部或整体塌陷。"


def test_a_province_derives_edits_and_activates_its_own_version(
    sx_province: User, appraiser: User, dibao_home: DibaoHome
) -> None:
    client = client_for(sx_province)
    national = client.get(reverse("api:appraisaltemplate-list")).json()["results"][0]
    derived = client.post(reverse("api:appraisaltemplate-derive", args=[national["id"]]), {"note": "山西细化"})
    assert derived.status_code == 201, derived.json()
    draft = derived.json()
    assert (draft["region_code"], draft["version"], draft["status"], draft["based_on"]) == (
        "140000000000",
        1,
        "draft",
        national["id"],
    )
    url = reverse("api:appraisaltemplate-detail", args=[draft["id"]])
    content = draft["content"]
    content["components"][0]["criteria"]["b"] = "基础埋深略小；有轻微不均匀沉降（山西：沉降小于 20mm）。"
    edited = client.patch(url, {"content": content, "name": "山西省鉴定模板"}, format="json")
    assert edited.status_code == 200, edited.json()
    assert edited.json()["name"] == "山西省鉴定模板" and edited.json()["note"] == "山西细化"
    activated = client.post(reverse("api:appraisaltemplate-activate", args=[draft["id"]]))
    assert activated.status_code == 200 and activated.json()["status"] == "active"
    # The province's version is now the one an appraisal in Shanxi uses; it no longer changes.
    response = client_for(appraiser).post(LIST, body(dibao_home["house"]), format="multipart")
    assert response.json()["template"] == draft["id"]
    frozen = client.put(url, {"content": content, "name": "改名"}, format="json")
    assert frozen.status_code == 400
    assert frozen.json() == {"non_field_errors": ["已启用或停用的版本不能修改；请基于它建立新版本。"]}


def test_content_that_does_not_check_out_is_refused_and_nothing_changes(sx_province: User) -> None:
    client = client_for(sx_province)
    national = client.get(reverse("api:appraisaltemplate-list")).json()["results"][0]
    draft = client.post(reverse("api:appraisaltemplate-derive", args=[national["id"]])).json()
    content = draft["content"]
    del content["components"][0]["criteria"]["d"]
    response = client.patch(
        reverse("api:appraisaltemplate-detail", args=[draft["id"]]), {"content": content}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["「地基基础」缺少 d 级标准的文字。"]}
    assert AppraisalTemplate.objects.get(pk=draft["id"]).content["components"][0]["criteria"]["d"]


def test_templates_are_kept_by_the_province(sx_province: User, tl_county: User, make_user: Callable[..., User]) -> None:
    national = client_for(tl_county).get(reverse("api:appraisaltemplate-list")).json()["results"][0]
    refused = client_for(tl_county).post(reverse("api:appraisaltemplate-derive", args=[national["id"]]))
    assert refused.status_code == 403 and refused.json() == {"detail": "鉴定模板由省住建厅维护。"}
    national_edit = client_for(sx_province).patch(
        reverse("api:appraisaltemplate-detail", args=[national["id"]]), {"name": "改"}, format="json"
    )
    assert national_edit.status_code == 403
    draft = client_for(sx_province).post(reverse("api:appraisaltemplate-derive", args=[national["id"]])).json()
    cq_province = client_for(make_user("cq_province", "500000000000", Role.PROVINCE_OFFICER))
    assert cq_province.get(reverse("api:appraisaltemplate-detail", args=[draft["id"]])).status_code == 404
    assert cq_province.post(reverse("api:appraisaltemplate-activate", args=[draft["id"]])).status_code == 404
    assert [r["region_code"] for r in cq_province.get(reverse("api:appraisaltemplate-list")).json()["results"]] == [""]
    assert AppraisalTemplate.objects.get(pk=draft["id"]).status == "draft"
