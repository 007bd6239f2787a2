"""The findings board as a township officer reads it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.anomalies.services import checks_run
from anju.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_township_officer_sees_when_the_county_last_checked_its_area(
    regions: dict[str, Region], tl_county: User, tl_township: User, make_user: Callable[..., User]
) -> None:
    ps_county = make_user("ps_county", "500243000000", Role.COUNTY_OFFICER)
    client = Client()
    client.force_login(tl_township)
    assert "尚未运行" in client.get(reverse("anomalies:board")).content.decode()
    checks_run(region=regions["140405000000"], acting_user=tl_county)
    checks_run(region=regions["500243000000"], acting_user=ps_county)
    page = client.get(reverse("anomalies:board")).content.decode()
    assert "尚未运行" not in page
    assert "屯留区（" in page  # the county's run covers the township
    assert "彭水" not in page  # another county's run does not
