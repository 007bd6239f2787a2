"""With a read replica configured (ADR 0043), the dashboard and the map read their figures from it
and show the same numbers; logins, sessions and every write stay on the primary; a read inside a
write transaction stays on the primary. The ``replica`` alias of the test settings is a mirror of
``default``, so both hold the same rows and the queries each connection ran tell where a read went."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anju.accounts.models import User
from anju.core.replica import ReplicaRouter, replica_reads
from anju.dashboard.models import RegionSummary
from anju.dashboard.services import summaries_refresh
from anju.dashboard.tests.conftest import World
from anju.households.models import Household

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _tables(queries: list[dict[str, Any]]) -> str:
    return " ".join(q["sql"] for q in queries)


def test_the_dashboard_reads_its_figures_from_the_replica_and_shows_the_same_numbers(
    world: World, tl_county: User, settings: Any
) -> None:
    summaries_refresh()
    client = Client()
    client.force_login(tl_county)
    url = reverse("dashboard:data")
    on_primary = client.get(url, {"region": "140405102000"}).json()

    settings.ANJU_REPLICA_READS = True
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        from_replica = client.get(url, {"region": "140405102000"}).json()
        points = client.get(reverse("dashboard:map_points"))
    assert from_replica == on_primary and from_replica["headline"]["key_in_cd"] == 2
    assert points.status_code == 200 and points.json()["features"]
    assert "dashboard_regionsummary" in _tables(replica.captured_queries)
    assert "households_house" in _tables(replica.captured_queries)
    assert "dashboard_regionsummary" not in _tables(primary.captured_queries)
    # Who is logged in is read where logins are written.
    assert "django_session" in _tables(primary.captured_queries)
    assert "django_session" not in _tables(replica.captured_queries)


def test_without_the_setting_everything_stays_on_the_primary(world: World, tl_county: User) -> None:
    summaries_refresh()
    client = Client()
    client.force_login(tl_county)
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(reverse("dashboard:data")).status_code == 200
    assert replica.captured_queries == []


def test_writes_and_reads_inside_a_write_transaction_stay_on_the_primary(settings: Any) -> None:
    settings.ANJU_REPLICA_READS = True
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(RegionSummary) == "replica"
        assert router.db_for_read(User) is None  # users and sessions: the primary
        assert router.db_for_write(RegionSummary) == "default"
        with transaction.atomic():
            assert router.db_for_read(Household) is None
    assert router.db_for_read(RegionSummary) is None  # outside replica_reads()
    assert router.allow_migrate("replica", "households") is False
    assert router.allow_migrate("default", "households") is True
