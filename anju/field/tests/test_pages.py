"""The work list an officer downloads, the manifest and the service worker (ADR 0038)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, case, covered_home, officers, tl_head  # noqa: F401
from tests.scenarios.test_photo_checks import FAR, NEAR, exif_day, patrol, scene, works  # noqa: F401

VILLAGE = "140405102201"


def test_it_downloads_the_villages_houses_and_open_cases_with_what_may_be_recorded(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["township"])

    body = client.get(reverse("field:work_list"), {"village": VILLAGE}).json()

    assert [v["name"] for v in body["villages"]] == ["北渔泽村委会"]
    assert body["downloaded_at"] and body["may_inspect"] == "open"
    (house,) = body["houses"]
    assert (house["head"], house["grade"], house["occupied"]) == ("甲", "D", True)
    (line,) = body["cases"]
    assert (line["stage_label"], line["patrol"], line["awaiting_acceptance"]) == ("改造中", "open", False)
    assert "改造前照片" in [gap["name"] for gap in line["archive_gaps"]]
    assert body["hazards"], "the inspection form offers the hazard checklist offline"


def test_the_work_list_names_a_cases_unexplained_photo_flags(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    patrol(works, officers, scene(11, gps=FAR, taken=exif_day(ago(3))), device=NEAR)
    client.force_login(officers["township"])

    (line,) = client.get(reverse("field:work_list"), {"village": VILLAGE}).json()["cases"]

    assert line["photo_flags"] == ["拍摄地点距房屋过远：照片位置距房屋 1,112 米（允许 200 米内）"]


def test_a_village_clerk_gets_the_reason_instead_of_a_patrol_button(
    client: Client,
    works: RenovationCase,  # noqa: F811
    officers: Officers,  # noqa: F811
) -> None:
    client.force_login(officers["clerk"])

    (line,) = client.get(reverse("field:work_list"), {"village": VILLAGE}).json()["cases"]

    assert line["patrol"].startswith("「质量巡查」须由")


def test_another_regions_village_and_too_many_villages_are_refused_in_chinese_and_none_lists_the_choices(
    client: Client, tl_township: User, ps_admin: User
) -> None:
    client.force_login(tl_township)
    url = reverse("field:work_list")

    other = client.get(url, {"village": "500243102201"})
    many = client.get(url, {"village": [f"14040510220{n}" for n in range(6)]})
    none = client.get(url)

    assert other.status_code == 400 and other.json()["reason"] == "所选的村不存在或不在您的管辖范围内。"
    assert many.json()["reason"] == "一次最多下载 5 个村的工作清单。"
    assert none.json()["reason"] == "请至少选择一个村。"
    assert {c["name"] for c in none.json()["choices"]} == {"北渔泽村委会", "南渔泽村委会"}


def test_a_signed_out_phone_gets_json_not_the_login_page(client: Client) -> None:
    for name in ("field:work_list", "field:session"):
        answer = client.get(reverse(name), {"village": VILLAGE})
        assert answer.status_code == 401 and "重新登录" in answer.json()["reason"]


def test_the_manifest_and_the_service_worker_cover_the_app(client: Client, tl_township: User) -> None:
    manifest = client.get(reverse("field:manifest"))
    worker = client.get(reverse("field:service_worker"))

    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["start_url"] == body["scope"] == "/field/" and body["display"] == "standalone"
    assert {i["sizes"] for i in body["icons"]} == {"192x192", "512x512"}
    script = worker.content.decode()
    assert worker["Content-Type"].startswith("application/javascript") and worker["Cache-Control"] == "no-cache"
    assert "/static/vendor/workbox/workbox-sw.js" in script and "/static/field/sw-main.js" in script
    assert '"url": "/static/field/field.js"' in script and '"url": "/static/vendor/idb/idb.umd.js"' in script
    client.force_login(tl_township)
    page = client.get(reverse("field:app")).content.decode()
    assert 'rel="manifest" href="/field/manifest.webmanifest"' in page and "北渔泽村委会" in page
