"""The demo loader: real divisions, one login per role, idempotent, never in production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.demo.data import DEMO_PASSWORD
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


@override_settings(DEBUG=True)
def test_it_loads_both_counties_and_a_login_per_role(db) -> None:
    call_command("load_demo", stdout=StringIO())
    tunliu = Region.objects.get(code="140405000000")
    pengshui = Region.objects.get(code="500243000000")
    assert Region.objects.subtree_of(tunliu).filter(level=RegionLevel.VILLAGE).count() == 216
    assert Region.objects.subtree_of(pengshui).filter(level=RegionLevel.VILLAGE).count() == 296
    assert Region.objects.filter(name="鹿鸣乡", parent=pengshui).exists()
    held = {role for user in User.objects.all() for role in user.role_codes}
    assert held == set(Role.values)
    assert User.objects.get(username="tl_clerk").check_password(DEMO_PASSWORD)
    # Households in every village of 渔泽镇 and 鹿鸣乡, key groups and general ones, most with a house.
    from anju.households.models import House, Household

    assert Household.objects.filter(region_code__startswith="140405102").count() == 11 * 12  # 11 villages
    assert Household.objects.filter(region_code__startswith="500243202").count() == 10 * 12  # 10 villages
    assert set(Household.objects.values_list("primary_group", flat=True)) >= {"", "dibao", "tekun", "monitoring"}
    assert House.objects.count() > 0.8 * Household.objects.count()
    from anju.households.models import ListImport

    pending = ListImport.objects.get()
    assert pending.status == "previewed" and pending.counts["status_added"] == 6
    assert pending.counts["new_households"] == 1 and pending.counts["invalid"] == 1

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "区划新增 0" in out.getvalue() and "账号新增 0" in out.getvalue()

    logins = StringIO()
    call_command("demo_logins", stdout=logins)
    assert "tl_clerk" in logins.getvalue() and DEMO_PASSWORD in logins.getvalue()


@override_settings(DEBUG=False)
def test_it_refuses_to_plant_known_passwords_outside_debug(db) -> None:
    with pytest.raises(CommandError, match="只能在 DJANGO_DEBUG=1 时载入"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()
