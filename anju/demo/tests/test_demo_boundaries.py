"""The demo's made-up boundary files (ADR 0028): every division of both counties has an outline,
imported through the service as the county officer, and the demo's houses stand inside their
village's outline, so the map filtered to a township shows its houses inside its outline."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from anju.audit.models import AuditEvent
from anju.demo.boundaries import _contains
from anju.households.models import House
from anju.regions.models import Region, RegionBoundary


@pytest.mark.django_db
def test_the_demo_draws_every_division_and_puts_the_houses_inside_their_village() -> None:
    with override_settings(DEBUG=True):
        call_command("load_demo", upto="households", stdout=StringIO())
    for county in ("140405", "500243"):
        divisions = Region.objects.filter(code__startswith=county).count()
        assert RegionBoundary.objects.filter(region_code__startswith=county).count() == divisions
    assert AuditEvent.objects.filter(
        action="import", object_type="regions.region", actor__username="tl_county"
    ).exists()
    outlines = {b.region_code: json.loads(b.geometry)["coordinates"][0] for b in RegionBoundary.objects.all()}
    houses = list(House.objects.exclude(latitude=None).values_list("region_code", "longitude", "latitude"))
    inside = [
        _contains([(x, y) for x, y in outlines[code[:12]]], (float(lng or 0), float(lat or 0)))
        for code, lng, lat in houses
    ]
    assert len(houses) > 200 and sum(inside) / len(inside) > 0.97
    # A second load changes nothing.
    with override_settings(DEBUG=True):
        call_command("load_demo", upto="households", stdout=StringIO())
    assert AuditEvent.objects.filter(action="import", note__startswith="导入边界文件").count() == 2
