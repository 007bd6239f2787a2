"""The routes' API as a phone uses it: open a 自行整改, complete it with a photo (multipart), and
the township's 核验销号 — refused without its photos (400, Chinese, nothing changed), then done."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.dynamic.models import HousingRoute
from anju.households.services import house_create, household_create
from anju.inspections.tests.conftest import make_id
from anju.inspections.tests.images import jpeg
from anju.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_route_is_opened_completed_and_closed_through_the_api(
    client: Client, make_user: Callable[..., User], regions: dict[str, Region], tl_clerk: User
) -> None:
    township = make_user("township", "140405102000", Role.TOWNSHIP_OFFICER)
    household = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="戊", head_id_number=make_id(62)
    )
    house_create(acting_user=tl_clerk, household=household, structure="brick_wood")
    client.force_login(tl_clerk)
    opened = client.post("/api/self-repair/", {"household": household.pk, "option": "rebuild"})
    assert opened.status_code == 201, opened.content
    route = opened.json()
    assert route["kind_label"] == "自行整改" and route["due_on"] and route["stage_label"] == "办理中"
    done = client.post(f"/api/self-repair/{route['id']}/complete/", {"note": "已自行拆除重建", "photos": [jpeg()]})
    assert done.status_code == 200, done.content
    assert done.json()["stage"] == "done" and len(done.json()["photos"]) == 1

    client.force_login(township)
    refused = client.post(f"/api/self-repair/{route['id']}/close/", {"note": "现场核验"})
    assert refused.status_code == 400 and "核验销号须上传乡镇现场核验照片" in refused.content.decode()
    assert HousingRoute.objects.get().stage == "done"
    closed = client.post(f"/api/housing-routes/{route['id']}/close/", {"note": "现场核验", "photos": [jpeg()]})
    assert closed.status_code == 200 and closed.json()["stage_label"] == "已核验销号"
    assert [a["allowed"] for a in closed.json()["acts"]] == [False, False, False]
    outsider = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    client.force_login(outsider)
    assert client.get(f"/api/self-repair/{route['id']}/").status_code == 404
