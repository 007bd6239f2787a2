"""Photos are served through a scoped view: the owner's region sees them, another region gets a 404."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.inspections.models import InspectionPhoto
from anju.inspections.services import inspection_record
from anju.inspections.tests.conftest import Homes, civil, homes  # noqa: F401  (fixtures)
from anju.inspections.tests.images import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(tl_clerk: User, homes: Homes) -> InspectionPhoto:  # noqa: F811
    inspection = inspection_record(
        acting_user=tl_clerk,
        house=homes["house_a"],
        suspected_grade="C",
        is_occupied=False,
        photos=[jpeg("wall.jpg")],
    )
    return inspection.photos.get()


def test_the_inspection_page_shows_photos_that_open(client: Client, tl_clerk: User, photo: InspectionPhoto) -> None:
    client.force_login(tl_clerk)
    page = client.get(reverse("inspections:inspection_detail", args=[photo.inspection_id])).content.decode()
    assert f'src="{photo.view_url}"' in page and "/media/" not in page
    response = client.get(photo.view_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.getvalue().startswith(b"\xff\xd8")  # a JPEG
    assert "private" in response["Cache-Control"]


def test_another_regions_user_gets_a_404(
    client: Client, make_user: Callable[..., User], photo: InspectionPhoto
) -> None:
    client.force_login(make_user("ps_clerk", "500243202201", Role.VILLAGE_CLERK))
    assert client.get(photo.view_url).status_code == 404


def test_an_unknown_kind_or_anonymous_user_gets_nothing(client: Client, tl_clerk: User, photo: InspectionPhoto) -> None:
    assert client.get(photo.view_url).status_code == 403
    client.force_login(tl_clerk)
    assert client.get(reverse("core:file", args=["household-id-card", photo.pk])).status_code == 404
