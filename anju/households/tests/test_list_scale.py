"""Lists that cost what one page costs (ADR 0031): the same rows, counts and order as before,
a number of queries that does not grow with the list, search by part of a name or phone, and
big exports as background jobs with their download."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.models import House, Household, Member
from anju.jobs.models import Job, JobStatus
from anju.regions.models import Region

from .conftest import make_id

VILLAGE = "140405102201"
SURNAMES = "王李张刘陈杨"


def bulk_households(regions: dict[str, Region], n: int, start: int = 0) -> list[Household]:
    """``n`` households, each with a head and a spouse as members and one house."""
    village = regions[VILLAGE]
    households = Household.objects.bulk_create(
        Household(
            region=village,
            region_code=village.code,
            head_name=f"{SURNAMES[i % 6]}户{i:03d}",
            head_id_number=make_id(i, birth="19600101"),
            head_sex="M",
            head_birth_date=datetime.date(1960, 1, 1),
            phone=f"1390000{i:04d}",
        )
        for i in range(start, start + n)
    )
    Member.objects.bulk_create(
        member
        for i, h in enumerate(households, start=start)
        for member in (
            Member(
                household=h,
                name=h.head_name,
                id_number=h.head_id_number,
                relation="head",
                sex="M",
                birth_date=datetime.date(1960, 1, 1),
            ),
            Member(
                household=h,
                name=f"配偶{i:03d}",
                id_number=make_id(i, birth="19620101"),
                relation="spouse",
                sex="F",
                birth_date=datetime.date(1962, 1, 1),
            ),
        )
    )
    House.objects.bulk_create(
        House(household=h, region=village, region_code=village.code, structure="brick_wood", address=f"{i}号院")
        for i, h in enumerate(households, start=start)
    )
    return households


LISTS = [
    ("households:household_list", {}),
    ("households:household_list", {"q": "王户"}),
    ("households:household_list", {"group": "dibao"}),
    ("households:house_list", {}),
    ("households:house_list", {"q": "号院"}),
]
APIS = ["/api/households/", "/api/houses/"]


def queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_queries_of_a_list_page_do_not_grow_from_10_to_200_households(
    client: Client,
    tl_clerk: User,
    regions: dict[str, Region],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    bulk_households(regions, 10)
    client.force_login(tl_clerk)
    small = {(name, tuple(params.items())): queries(client, reverse(name), params) for name, params in LISTS}
    small_api = {url: queries(client, url, {}) for url in APIS}
    bulk_households(regions, 190, start=10)
    for name, params in LISTS:
        with django_assert_max_num_queries(small[(name, tuple(params.items()))]):
            assert client.get(reverse(name), params).status_code == 200
    for url in APIS:
        with django_assert_max_num_queries(small_api[url]):
            assert client.get(url).status_code == 200


def test_the_household_list_shows_each_households_own_counts_and_the_total(
    client: Client, tl_clerk: User, regions: dict[str, Region]
) -> None:
    households = bulk_households(regions, 30)
    third = households[0]
    Member.objects.create(
        household=third,
        name="孙子",
        id_number=make_id(900, birth="20100101"),
        relation="grandchild",
        sex="M",
        birth_date=datetime.date(2010, 1, 1),
    )
    client.force_login(tl_clerk)
    page = client.get(reverse("households:household_list"), {"q": third.head_name}).content.decode()
    row = page.split(f">{third.head_name}</a>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="text-end">3</td>' in row  # head, spouse and the grandson
    assert '<td class="text-end">1</td>' in row  # one house
    everything = client.get(reverse("households:household_list")).content.decode()
    assert "共 30 条" in everything
    assert "第 1 / 2 页" in everything


def test_the_order_and_the_pages_are_the_same_rows_as_the_whole_list(
    client: Client, tl_clerk: User, regions: dict[str, Region]
) -> None:
    bulk_households(regions, 60)
    client.force_login(tl_clerk)
    ids = []
    for page in (1, 2, 3):
        response = client.get(reverse("households:household_list"), {"sort": "name", "page": page})
        ids += [h.pk for h in response.context["page"]]
    expected = list(Household.objects.order_by("head_name", "pk").values_list("pk", flat=True))
    assert ids == expected


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("户007", ["李户007"]),  # a part of the head's name
        ("00012", ["王户012"]),  # the last digits of a phone
        ("配偶018", ["王户018"]),  # a member's whole name
    ],
)
def test_search_finds_a_part_of_a_name_or_phone_and_a_members_whole_name(
    client: Client, tl_clerk: User, regions: dict[str, Region], query: str, found: list[str]
) -> None:
    bulk_households(regions, 20)
    client.force_login(tl_clerk)
    page = client.get(reverse("households:household_list"), {"q": query})
    assert [h.head_name for h in page.context["page"]] == found
    api = client.get("/api/households/", {"q": query}).json()
    assert [h["head_name"] for h in api["results"]] == found


def test_a_member_id_number_finds_its_household_and_a_part_of_it_finds_nothing(
    client: Client, tl_clerk: User, regions: dict[str, Region]
) -> None:
    bulk_households(regions, 5)
    client.force_login(tl_clerk)
    spouse = make_id(3, birth="19620101")
    assert [h.head_name for h in client.get(reverse("households:household_list"), {"q": spouse}).context["page"]] == [
        "刘户003"
    ]
    assert list(client.get(reverse("households:household_list"), {"q": spouse[:10]}).context["page"]) == []


def test_an_export_over_the_threshold_runs_as_a_job_with_a_download(
    client: Client,
    tl_clerk: User,
    regions: dict[str, Region],
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.ANJU_EXPORT_INLINE_ROWS = 5
    bulk_households(regions, 12)
    client.force_login(tl_clerk)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the job
        response = client.get(reverse("households:household_export"), {"format": "csv", "q": "户"})
    job = Job.objects.get(kind="jobs.export")
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    job.refresh_from_db()
    assert "共 12 行，已转入后台导出" in page
    assert job.status == JobStatus.SUCCEEDED
    assert "下载结果" in page and 'aria-valuenow="100"' in page
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]  # a FileResponse streams
    assert len(rows) == 13 and rows[0][0] == "户主姓名"
    assert rows[1][:2] == ["刘户003", make_id(3, birth="19600101")]  # in the list's order; the clerk sees IDs whole
    assert rows[1][-1] == "2"  # 家庭人口: head and spouse
    made = AuditEvent.objects.filter(action="export", object_type="households.household").get()
    assert made.changes["rows"]["after"] == 12 and made.changes["filters"]["after"]["q"] == "户"
    assert AuditEvent.objects.filter(action="export", object_type="jobs.jobs.export").count() == 1


def test_a_small_export_is_still_immediate(
    client: Client, tl_clerk: User, regions: dict[str, Region], settings: Settings
) -> None:
    settings.ANJU_EXPORT_INLINE_ROWS = 5
    bulk_households(regions, 12)
    client.force_login(tl_clerk)
    response = client.get(reverse("households:house_export"), {"format": "csv", "q": "户001"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not Job.objects.exists()


def test_a_background_export_refuses_a_starter_who_lost_the_role_to_see_id_numbers(
    client: Client,
    tl_clerk: User,
    regions: dict[str, Region],
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.ANJU_EXPORT_INLINE_ROWS = 1
    bulk_households(regions, 3)
    client.force_login(tl_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("households:house_export"))
    job = Job.objects.get(kind="jobs.export")
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 200
    tl_clerk.role_grants.all().delete()
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 403


def test_another_user_cannot_see_or_download_the_export(
    client: Client, tl_clerk: User, tl_county: User, regions: dict[str, Region], settings: Settings
) -> None:
    settings.ANJU_EXPORT_INLINE_ROWS = 1
    bulk_households(regions, 3)
    client.force_login(tl_clerk)
    client.get(reverse("households:household_export"))
    job = Job.objects.get(kind="jobs.export")
    client.force_login(tl_county)
    assert client.get(reverse("jobs:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def _walk(client: Client, url: str, params: dict[str, str]) -> list[str]:
    """Follow the page's own 下一页 link to the end; the detail links of every row, in order."""
    import re

    rows: list[str] = []
    href: str | None = url + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    while href:
        page = client.get(href.replace("&amp;", "&")).content.decode()
        rows += re.findall(r'<td><a href="(/[^"]+/\d+/)">', page)
        nxt = re.search(r'<a class="page-link" href="([^"]+)">下一页</a>', page)
        href = url + nxt.group(1) if nxt else None
    return rows


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("households:household_list", {}),
        ("households:household_list", {"sort": "name"}),
        ("households:household_list", {"sort": "-updated"}),
        ("households:household_list", {"sort": "group"}),
        ("households:house_list", {}),
    ],
)
def test_the_next_page_after_a_tie_shows_no_row_twice_and_skips_none(
    client: Client, tl_clerk: User, regions: dict[str, Region], name: str, params: dict[str, str]
) -> None:
    # 60 households, every one headed by 王芳 and updated at the same moment: the whole list is
    # one tie, so only the key orders it.
    households = bulk_households(regions, 60)
    Household.objects.update(head_name="王芳", updated_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
    client.force_login(tl_clerk)
    first = client.get(reverse(name), params).content.decode()
    assert "第 1 / 3 页，共 60 条" in first
    assert "after=" in first  # 下一页 carries the last row's key
    rows = _walk(client, reverse(name), params)
    assert len(rows) == 60 and len(set(rows)) == 60
    if name == "households:household_list":
        expected = {reverse("households:household_detail", args=[h.pk]) for h in households}
    else:
        expected = {reverse("households:house_detail", args=[pk]) for pk in House.objects.values_list("pk", flat=True)}
    assert set(rows) == expected


def test_a_key_from_elsewhere_or_out_of_scope_gives_the_numbered_page(
    client: Client, tl_clerk: User, regions: dict[str, Region]
) -> None:
    bulk_households(regions, 30)
    client.force_login(tl_clerk)
    url = reverse("households:household_list")
    numbered = [h.pk for h in client.get(url, {"page": 2}).context["page"]]
    for after in ("999999999", "abc", "99999999999999999999999"):
        page = client.get(url, {"page": 2, "after": after}).context["page"]
        assert [h.pk for h in page] == numbered and page.number == 2
