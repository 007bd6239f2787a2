"""Importing a county's boundary file (ADR 0028): the page, the command, each refusal in
Chinese, all or nothing, audited, and a re-import replaces the county's outlines."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.regions.models import RegionBoundary

pytestmark = pytest.mark.django_db


def square(lng: float, lat: float, size: float = 0.02) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
    }


def feature(code: Any, geometry: Any, key: str = "code") -> dict[str, Any]:
    return {"type": "Feature", "properties": {key: code, "name": "某地"}, "geometry": geometry}


def collection(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


GOOD = collection(
    feature("140405000000", square(112.80, 36.25, 0.2)),
    feature("140405102", square(112.85, 36.30, 0.05), key="区划代码"),  # a 9-digit code is padded
    feature(
        "140405102201",
        {
            "type": "MultiPolygon",
            "coordinates": [square(112.86, 36.31)["coordinates"], square(112.9, 36.3, 0.005)["coordinates"]],
        },
    ),
)


def upload(client: Client, data: bytes, code: str = "140405000000", name: str = "屯留区边界.geojson") -> Any:
    return client.post(
        reverse("regions:boundaries", args=[code]), {"file": SimpleUploadedFile(name, data)}, follow=True
    )


def test_it_imports_a_good_file_and_says_how_many(client: Client, tl_county: User) -> None:
    client.force_login(tl_county)
    response = upload(client, GOOD)
    body = response.content.decode()
    assert "已导入 3 个区划的边界" in body
    assert set(RegionBoundary.objects.values_list("region_code", flat=True)) == {
        "140405000000",
        "140405102000",
        "140405102201",
    }
    village = RegionBoundary.objects.get(region_code="140405102201")
    assert json.loads(village.geometry)["type"] == "MultiPolygon"
    # The name sits in the middle of the larger square.
    assert (village.label_lng, village.label_lat) == pytest.approx((112.87, 36.32))
    event = AuditEvent.objects.get(action="import", object_type="regions.region")
    assert event.changes == {"边界": {"before": 0, "after": 3}} and "屯留区边界.geojson" in event.note


def test_a_reimport_replaces_every_outline_of_the_county(client: Client, tl_county: User) -> None:
    client.force_login(tl_county)
    upload(client, GOOD)
    response = upload(client, collection(feature("140405103200", square(112.7, 36.2))))
    assert "已导入 1 个区划的边界，原有而新文件未含的 3 个边界已删除" in response.content.decode()
    assert list(RegionBoundary.objects.values_list("region_code", flat=True)) == ["140405103200"]


BAD_CASES = [
    (b"{not json", "文件不是有效的 JSON（第 1 行第 2 列附近有误）"),
    (json.dumps({"type": "Feature"}).encode(), "文件须是 GeoJSON 要素集合"),
    (collection(feature("140405999201", square(112.8, 36.3))), "第 1 个要素（140405999201）：系统中没有这个区划代码"),
    (collection(feature("500243202201", square(108.2, 29.3))), "第 1 个要素（500243202201）：不在屯留区范围内"),
    (
        collection(feature("140405102201", {"type": "Point", "coordinates": [112.8, 36.3]})),
        "第 1 个要素（140405102201）：几何类型为 Point，只接受面（Polygon 或 MultiPolygon）",
    ),
    (
        collection(
            feature("140405102201", {"type": "Polygon", "coordinates": [[[36.3, 212.8], [36.4, 212.8], [36.4, 212.9]]]})
        ),
        "超出经纬度范围",
    ),
    (collection({"type": "Feature", "properties": {"name": "无代码"}, "geometry": square(1, 1)}), "属性中没有区划代码"),
    (
        collection(feature("140405102201", square(112.8, 36.3)), feature("140405102201", square(112.9, 36.3))),
        "第 2 个要素（140405102201）：区划代码重复（与第 1 个要素相同）",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_CASES)
def test_each_bad_file_is_refused_in_chinese_and_nothing_is_written(
    client: Client, tl_county: User, data: bytes, message: str
) -> None:
    client.force_login(tl_county)
    upload(client, GOOD)
    response = upload(client, data)
    body = response.content.decode()
    assert "边界文件未导入" in body and "未写入任何数据" in body
    assert message in body
    assert RegionBoundary.objects.count() == 3  # the earlier import is untouched
    assert AuditEvent.objects.filter(action="refused", object_type="regions.region").count() == 1


def test_one_bad_feature_among_good_ones_keeps_them_all_out(client: Client, tl_county: User) -> None:
    client.force_login(tl_county)
    data = collection(feature("140405102000", square(112.85, 36.3)), feature("140405102202", {"type": "LineString"}))
    body = upload(client, data).content.decode()
    assert "第 2 个要素（140405102202）" in body
    assert not RegionBoundary.objects.exists()


@override_settings(ANJU_MAX_BOUNDARY_BYTES=1024 * 1024)
def test_a_file_too_big_is_refused_before_it_is_read(client: Client, tl_county: User) -> None:
    client.force_login(tl_county)
    body = upload(client, b" " * (1024 * 1024 + 1)).content.decode()
    assert "边界文件不能超过 1 MB" in body


def test_only_the_countys_officer_or_an_admin_may_import(
    client: Client, tl_township: User, tl_county: User, ps_admin: User, make_user: Callable[..., User]
) -> None:
    client.force_login(tl_township)  # a township officer: the county is outside their region
    assert client.get(reverse("regions:boundaries", args=["140405000000"])).status_code == 404
    civil = make_user("tl_civil", "140405000000", Role.CIVIL_AFFAIRS)
    client.force_login(civil)
    response = client.get(reverse("regions:boundaries", args=["140405000000"]))
    assert response.status_code == 403
    assert "只有屯留区的区/县住建局人员或系统管理员可以导入它的边界文件" in response.content.decode()
    client.force_login(ps_admin)  # another county's administrator: not found, as if it did not exist
    assert client.get(reverse("regions:boundaries", args=["140405000000"])).status_code == 404
    client.force_login(tl_county)  # a township is not a county
    assert client.get(reverse("regions:boundaries", args=["140405102000"])).status_code == 403
    region_page = client.get(reverse("regions:detail", args=["140405000000"])).content.decode()
    assert "导入边界文件" in region_page


def test_the_region_page_offers_the_upload_only_to_who_may(client: Client, make_user: Callable[..., User]) -> None:
    client.force_login(make_user("tl_civil", "140405000000", Role.CIVIL_AFFAIRS))
    assert "导入边界文件" not in client.get(reverse("regions:detail", args=["140405000000"])).content.decode()


def test_the_command_imports_and_reports_each_error(tmp_path: Path, tl_county: User) -> None:
    good = tmp_path / "tl.geojson"
    good.write_bytes(GOOD)
    out = StringIO()
    call_command("import_boundaries", str(good), "--county", "140405000000", "--as-user", "tl_county", stdout=out)
    assert "屯留区：导入 3 个区划的边界" in out.getvalue()
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(collection(feature("500243202201", square(108.2, 29.3))))
    err = StringIO()
    with pytest.raises(CommandError, match="边界文件未导入"):
        call_command("import_boundaries", str(bad), "--county", "140405000000", "--as-user", "tl_county", stderr=err)
    assert "不在屯留区范围内" in err.getvalue()
    assert RegionBoundary.objects.count() == 3
