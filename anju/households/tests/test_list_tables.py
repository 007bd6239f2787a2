"""The household and house lists' tables, written in Python (ADR 0054): what a user reads in
each cell, escaped, masked as the viewer may see it, and in a fixed number of queries."""

import re
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.models import User
from anju.core.tables import object_url
from anju.households.choices import Relation, StructureType
from anju.households.services import house_create, household_create, member_add
from anju.regions.models import Region

from .conftest import make_id


def _cells(html: str, testid: str) -> list[list[str]]:
    table = html[html.index(f'data-testid="{testid}"') : html.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]


def test_a_row_shows_the_household_as_registered_with_its_own_counts(
    client: Client, tl_clerk: User, regions: dict[str, Region]
) -> None:
    village = regions["140405102201"]
    household = household_create(
        acting_user=tl_clerk,
        region=village,
        head_name="王<b>大</b>",
        head_id_number=make_id(301),
        phone="13811112222",
        group_name="3组",
    )
    member_add(acting_user=tl_clerk, household=household, name="王小", id_number=make_id(302), relation=Relation.CHILD)
    house_create(acting_user=tl_clerk, household=household, structure=StructureType.BRICK_WOOD)
    client.force_login(tl_clerk)

    html = client.get(reverse("households:household_list")).content.decode()

    assert "王<b>大</b>" not in html  # a name is text, never markup
    link = f'<a href="{reverse("households:household_detail", args=[household.pk])}">王&lt;b&gt;大&lt;/b&gt;</a>'
    # Head (a link to the household), ID whole for the village clerk, village · group, category,
    # members (head and child), houses, phone.
    assert _cells(html, "household-table") == [
        [
            link,
            make_id(301),
            f"{village.name} · 3组",
            '<span class="badge text-bg-light">一般农户</span>',
            "2",
            "1",
            "13811112222",
        ]
    ]


def test_a_viewer_who_may_not_see_id_numbers_reads_them_masked(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    household_create(
        acting_user=tl_clerk,
        region=regions["140405102201"],
        head_name="赵一",
        head_id_number=make_id(303),
        phone="13811113333",
    )
    city = make_user("city_list", "140400000000", "city_officer")
    client.force_login(city)

    row = _cells(client.get(reverse("households:household_list")).content.decode(), "household-table")[0]

    assert make_id(303) not in row and "13811113333" not in row
    assert row[1] == make_id(303)[:4] + "*" * 10 + make_id(303)[-4:]
    assert row[6].startswith("138") and row[6].endswith("3333") and "*" in row[6]


def test_an_empty_list_says_so_in_one_row(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)

    html = client.get(reverse("households:house_list"), {"q": "没有这个人"}).content.decode()

    assert '<td colspan="9" class="text-muted stack-row">没有符合条件的房屋。</td>' in html


def test_only_an_appraiser_is_offered_to_appraise_a_house_awaiting_appraisal(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    from anju.households.choices import GradeSource
    from anju.households.models import House

    household = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="孙二", head_id_number=make_id(304)
    )
    house = house_create(acting_user=tl_clerk, household=household, structure=StructureType.EARTH_WOOD, storeys=3)
    # Suspected C by an inspection (what an inspection's service writes), not yet appraised.
    House.objects.filter(pk=house.pk).update(current_grade="C", grade_source=GradeSource.INSPECTION)
    appraiser = make_user("appraiser_list", "140405000000", "appraiser")
    url = reverse("households:house_list")
    appraise = f'href="{reverse("appraisals:appraisal_new", args=[house.pk])}"'

    client.force_login(tl_clerk)
    clerk_row = _cells(client.get(url).content.decode(), "house-table")[0]
    client.force_login(appraiser)
    appraiser_row = _cells(client.get(url).content.decode(), "house-table")[0]

    assert "待鉴定" in clerk_row[8] and appraise not in clerk_row[8]
    assert "待鉴定" in appraiser_row[8] and appraise in appraiser_row[8]
    assert "GB 50292" in appraiser_row[3]  # three storeys: outside the 2019 guideline


def test_the_household_list_reads_a_page_in_a_fixed_number_of_queries(
    client: Client, tl_clerk: User, regions: dict[str, Region], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(30):
        household_create(
            acting_user=tl_clerk, region=regions["140405102201"], head_name=f"户{i}", head_id_number=make_id(400 + i)
        )
    client.force_login(tl_clerk)
    # Session, user with region (and roles on PostgreSQL), roles elsewhere, the capped count,
    # the page, the region picker, the page's members and houses (ADR 0054).
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):
        response = client.get(reverse("households:household_list"))
    assert len(_cells(response.content.decode(), "household-table")) == 25


def test_an_objects_address_is_the_one_the_urlconf_gives() -> None:
    assert object_url("households:household_detail", 7) == reverse("households:household_detail", args=[7])
    assert object_url("appraisals:appraisal_new", 12345678) == reverse("appraisals:appraisal_new", args=[12345678])


def test_the_house_list_reads_a_page_in_a_fixed_number_of_queries(
    client: Client, tl_clerk: User, regions: dict[str, Region], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from anju.households.choices import GradeSource
    from anju.households.models import House

    for i in range(30):
        household = household_create(
            acting_user=tl_clerk, region=regions["140405102201"], head_name=f"房{i}", head_id_number=make_id(500 + i)
        )
        house_create(acting_user=tl_clerk, household=household, structure=StructureType.BRICK_WOOD, storeys=1 + i % 3)
    House.objects.filter(storeys=2).update(current_grade="D", grade_source=GradeSource.INSPECTION, renovated_year=2019)
    client.force_login(tl_clerk)
    # Every cell reads the columns the page fetched (tables.HOUSE_FIELDS): no query per row; the
    # household list's queries less the page's member and house counts.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 6):
        response = client.get(reverse("households:house_list"))
    rows = _cells(response.content.decode(), "house-table")
    assert len(rows) == 25 and any("D 级" in row[8] and "2019 已改造" in row[8] for row in rows)


def test_the_chosen_filter_stays_selected_and_the_others_show_all(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)

    html = client.get(
        reverse("households:household_list"), {"structure": "brick_wood", "group": "key"}
    ).content.decode()

    start = html.index('data-testid="filters"')
    form = html[start : html.index("</form>", start)]
    assert '<option value="brick_wood" selected>' in form and '<option value="key" selected>' in form
    assert '<option value="" selected>有无老人：全部</option>' in form  # a filter left alone
    # group and structure as chosen; only-house, elderly and sort at their 全部 / default.
    assert form.count(" selected>") == 5
