"""A province's lists (ADR 0051): a count that stops at the cap and pages on with 下一页, a region
filter a province officer can use, and a search by two characters that PostgreSQL answers from
an index."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.core.pages import paginate
from anju.households.models import House, Household
from anju.regions import selectors as region_selectors
from anju.regions.models import Region

from .conftest import make_id
from .test_list_scale import bulk_households

NEXT = re.compile(r'<a class="page-link" href="([^"]+)">下一页</a>')


def _walk(client: Client, url: str, params: dict[str, str]) -> tuple[list[str], list[str]]:
    """Follow 下一页 from the first page as a user would: the rows' links, and each page's pager text."""
    rows: list[str] = []
    pagers: list[str] = []
    page = client.get(url, params).content.decode()
    while True:
        rows += re.findall(r'<td><a href="(/[^"]+/\d+/)">', page)
        pagers += re.findall(r'<span class="page-link">([^<]+)</span>', page)
        nxt = NEXT.search(page)
        if not nxt:
            return rows, pagers
        page = client.get(url + nxt.group(1).replace("&amp;", "&")).content.decode()


@pytest.mark.parametrize("name", ["households:household_list", "households:house_list"])
def test_a_list_longer_than_the_cap_says_so_and_pages_on_to_its_last_row(
    client: Client, tl_clerk: User, regions: dict[str, Region], settings: Settings, name: str
) -> None:
    settings.ANJU_LIST_COUNT_CAP = 30
    bulk_households(regions, 30)
    client.force_login(tl_clerk)
    # At the cap the count is still exact.
    assert "第 1 / 2 页，共 30 条" in client.get(reverse(name)).content.decode()
    bulk_households(regions, 32, start=30)
    rows, pagers = _walk(client, reverse(name), {})
    assert pagers == ["第 1 页，共 30+ 条", "第 2 页，共 30+ 条", "第 3 页，共 30+ 条"]
    assert len(rows) == 62 and len(set(rows)) == 62  # every row once, the last page has no 下一页
    # A numbered page past the cap (typed into the address) is read too, and knows it is the last.
    third = client.get(reverse(name), {"page": 3}).content.decode()
    assert len(re.findall(r'<td><a href="(/[^"]+/\d+/)">', third)) == 12 and not NEXT.search(third)
    # Past the last row: the first page, not an empty one.
    assert client.get(reverse(name), {"page": 40}).context["page"].number == 1


def test_a_count_that_is_the_figure_itself_is_never_capped(regions: dict[str, Region], settings: Settings) -> None:
    settings.ANJU_LIST_COUNT_CAP = 3
    bulk_households(regions, 8)
    request = RequestFactory().get("/")
    capped, _ = paginate(request, Household.objects.order_by("pk"))
    exact, _ = paginate(request, Household.objects.order_by("pk"), exact=True)
    assert (capped.paginator.count, capped.paginator.capped) == (3, True)  # type: ignore[attr-defined]  # CountedPaginator's own attribute
    assert exact.paginator.count == 8


def _options(page: str) -> list[str]:
    select = page.split('name="region"', 1)[1].split("</select>", 1)[0]
    return [name.strip("\u3000") for name in re.findall(r"<option[^>]*>([^<]+)</option>", select)]


def test_a_region_filter_with_too_many_villages_offers_the_chosen_townships_villages(
    client: Client,
    make_user: Callable[..., User],
    regions: dict[str, Region],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    officer = make_user("sx_officer", "140000000000", Role.PROVINCE_OFFICER)
    client.force_login(officer)
    url = reverse("households:household_list")
    everything = ["全部区划", "屯留区", "渔泽镇", "北渔泽村委会", "南渔泽村委会", "余吾镇", "余吾村委会", "潞城区"]
    assert _options(client.get(url).content.decode()) == everything
    monkeypatch.setattr(region_selectors, "REGION_PICKER_CAP", 5)
    region_selectors.picker_forget()  # pickers are kept per process (ADR 0054); the cap changed
    assert _options(client.get(url).content.decode()) == ["全部区划", "屯留区", "渔泽镇", "余吾镇", "潞城区"]
    # Pick a township and filter: its villages are offered; a village keeps its siblings offered.
    township = _options(client.get(url, {"region": "140405102000"}).content.decode())
    assert township == ["全部区划", "屯留区", "渔泽镇", "北渔泽村委会", "南渔泽村委会", "余吾镇", "潞城区"]
    village = client.get(url, {"region": "140405102202"}).content.decode()
    assert _options(village) == township
    assert '<option value="140405102202" selected>' in village
    # A code that is no region: no villages, and the list is empty.
    assert _options(client.get(url, {"region": "14040510"}).content.decode())[-1] == "潞城区"


def test_a_division_renamed_or_added_is_offered_on_the_next_page(
    client: Client,
    make_user: Callable[..., User],
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = make_user("ps_officer2", "140405000000", Role.COUNTY_OFFICER)
    client.force_login(officer)
    url = reverse("households:household_list")
    assert "北渔泽村委会" in _options(client.get(url).content.decode())

    village = regions["140405102201"]
    with django_capture_on_commit_callbacks(execute=True):  # the pickers are forgotten on commit
        village.name = "北渔泽村"
        village.save(update_fields=["name"])
        Region.objects.create(code="140405102203", name="新村委会", level=5, parent=regions["140405102000"])

    offered = _options(client.get(url).content.decode())
    assert "北渔泽村" in offered and "北渔泽村委会" not in offered and "新村委会" in offered


def test_two_counties_officers_never_share_a_region_picker(
    client: Client, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    url = reverse("households:household_list")
    client.force_login(make_user("tl_picker", "140405000000", Role.COUNTY_OFFICER))
    assert _options(client.get(url).content.decode())[1] == "屯留区"

    client.force_login(make_user("lc_picker", "140406000000", Role.COUNTY_OFFICER))
    offered = _options(client.get(url).content.decode())

    assert offered == ["全部区划", "潞城区"]  # kept per scope: none of 屯留区's divisions


def _named(regions: dict[str, Region], names: list[str]) -> None:
    village = regions["140405102201"]
    for i, name in enumerate(names):
        household = Household.objects.create(
            region=village,
            region_code=village.code,
            head_name=name,
            head_id_number=make_id(500 + i),
            head_sex="F",
            head_birth_date=datetime.date(1956, 3, 12),
        )
        House.objects.create(
            household=household,
            region=village,
            region_code=village.code,
            structure="brick_wood",
            address=f"渔泽村{'东' if i % 2 else '西'}街{i}号",
        )


@pytest.mark.parametrize(
    ("query", "households", "houses"),
    [
        ("秀英", ["李秀英", "王秀英"], ["李秀英", "王秀英"]),  # two characters in the middle and the end
        ("王秀", ["王秀", "王秀英"], ["王秀", "王秀英"]),  # two characters at the start
        ("秀", ["李秀英", "王秀", "王秀英"], ["李秀英", "王秀", "王秀英"]),  # one character: no bigram
        ("王秀英", ["王秀英"], ["王秀英"]),  # three characters
        ("东街", [], ["王秀英", "张英"]),  # a part of an address (the house list searches it)
        ("英秀", [], []),
    ],
)
def test_a_search_by_part_of_a_name_or_address_finds_exactly_what_contains_it(
    client: Client,
    tl_clerk: User,
    regions: dict[str, Region],
    query: str,
    households: list[str],
    houses: list[str],
) -> None:
    _named(regions, ["王秀", "王秀英", "李秀英", "张英"])
    client.force_login(tl_clerk)
    found = client.get(reverse("households:household_list"), {"q": query}).context["page"]
    assert sorted(h.head_name for h in found) == sorted(households)
    found_houses = client.get(reverse("households:house_list"), {"q": query}).context["page"]
    assert sorted(h.household.head_name for h in found_houses) == sorted(houses)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's bigram index")
def test_a_two_character_search_is_read_from_the_bigram_index(regions: dict[str, Region]) -> None:
    _named(regions, ["王秀", "王秀英", "李秀英", "张英"])
    qs = Household.objects.filter(head_name__grams="秀英").values("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "household_head_name_bigram" in plan, plan
    assert sorted(Household.objects.filter(head_name__grams="秀英").values_list("head_name", flat=True)) == [
        "李秀英",
        "王秀英",
    ]
