"""The bulk helpers of ``anju.core.dbops`` (ADR 0048): the ``__any`` lookup finds exactly the rows
whose keys or texts are given, on SQLite and PostgreSQL alike, and ``insert_rows`` writes rows
that read back as the model would have written them, with their keys in order."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.core.dbops import Keys, batch_settings, fetch_rows, insert_rows, next_prefix, rows_replace
from anju.dashboard.models import MapVillage
from anju.households.models import Household, Member
from anju.households.tests.corpus import make_id
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

AWKWARD = ['王"大"', "李\\小", "张,三", "{赵}", "钱 四", "NULL", "孙'五"]


def _household(village: Region, name: str) -> Household:
    return Household.objects.create(
        region=village,
        region_code=village.code,
        head_name=name,
        head_id_number=make_id(Household.objects.count() + 1),
        head_sex="M",
        head_birth_date=datetime.date(1960, 1, 1),
    )


def test_any_finds_the_households_asked_for_and_no_other(regions: dict[str, Region]) -> None:
    village = regions["140405102201"]
    households = [_household(village, name) for name in AWKWARD]
    asked = [h.pk for h in households[::2]]
    assert sorted(Household.objects.filter(pk__any=asked).values_list("pk", flat=True)) == sorted(asked)
    # A foreign key, and the same keys reused by a second query.
    for h in households:
        Member.objects.create(
            household=h,
            name=h.head_name,
            relation="self",
            id_number=h.head_id_number,
            sex="M",
            birth_date=datetime.date(1960, 1, 1),
        )
    keys = Keys(asked)
    assert sorted(Member.objects.filter(household_id__any=keys).values_list("household_id", flat=True)) == asked
    assert Household.objects.filter(pk__any=keys).count() == len(asked)
    assert not Household.objects.filter(pk__any=[]).exists()


def test_any_matches_texts_with_quotes_commas_braces_and_backslashes(regions: dict[str, Region]) -> None:
    village = regions["140405102201"]
    for name in [*AWKWARD, "周六"]:
        _household(village, name)
    found = Household.objects.filter(head_name__any=AWKWARD).values_list("head_name", flat=True)
    assert sorted(found) == sorted(AWKWARD)


def test_insert_rows_writes_what_the_model_reads_back_with_keys_in_order(regions: dict[str, Region]) -> None:
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    head = (at, None, "", None, "", "", "create", "households.household")
    rows = [
        (*head, str(n), f"户{n}", "140405102201", '{"outcome": {"before": null, "after": "待核实"}}', "说明\t含制表符")
        for n in range(3)
    ]
    columns = ["at", "actor_id", "actor_username", "ip", "channel", "request_id", "action", "object_type"]
    keys = insert_rows(AuditEvent, [*columns, "object_id", "object_repr", "region_code", "changes", "note"], rows)
    events = AuditEvent.objects.in_bulk(keys)
    assert [events[k].object_repr for k in keys] == ["户0", "户1", "户2"]
    assert events[keys[0]].changes == {"outcome": {"before": None, "after": "待核实"}}
    assert events[keys[0]].note == "说明\t含制表符"


def test_next_prefix_is_the_first_digit_string_past_a_subtree() -> None:
    assert next_prefix("140102") == "140103"
    assert next_prefix("14019") == "1402"
    assert next_prefix("1409999") == "141"
    assert next_prefix("99") is None and next_prefix("") is None


def test_subtree_finds_exactly_what_a_prefix_match_finds(regions: dict[str, Region]) -> None:
    """A county, a township, a village, the province, a prefix ending in 9, one that matches
    nothing, a wildcard typed into a filter and a non-digit one: the same rows as LIKE."""
    for code in ("140405102201", "140405101200", "140405102200"):
        if code in regions:
            _household(regions[code], code[-3:])
    for prefix in ("14", "140405", "140405102", "140405102201", "1404051029", "140499", "1404%", "abc", "", "9"):
        by_range = set(Household.objects.filter(region_code__subtree=prefix).values_list("pk", flat=True))
        by_like = set(Household.objects.filter(region_code__startswith=prefix).values_list("pk", flat=True))
        assert by_range == by_like, prefix
        # The same through a relation (the region's own code).
        assert set(Household.objects.filter(region__code__subtree=prefix).values_list("pk", flat=True)) == by_like
    assert Household.objects.filter(region_code__subtree="140405").exists()
    assert not Household.objects.filter(region_code__subtree="1404%").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's B-tree index")
def test_subtree_lets_postgresql_read_a_region_through_the_index(regions: dict[str, Region]) -> None:
    sql, params = Household.objects.filter(region_code__subtree="140405").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Cond" in plan and ">= '140405'" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row estimate")
def test_postgresql_estimates_a_subtree_as_the_rows_it_holds(regions: dict[str, Region]) -> None:
    """Half the households in one township: PostgreSQL must expect about half of them. With the
    LIKE kept beside the range it counted the condition twice and expected a quarter, and chose
    to sort a county's whole list for a page instead of reading the list's index (ADR 0051)."""
    for code in ("140405102201", "140405103200"):
        village = regions[code]
        Household.objects.bulk_create(
            Household(
                region=village,
                region_code=code,
                head_name=f"户{i}",
                head_id_number=make_id(i, birth="1960010" + code[-1]),
                head_sex="M",
                head_birth_date=datetime.date(1960, 1, 1),
            )
            for i in range(400)
        )
    sql, params = Household.objects.filter(region_code__subtree="140405102").values("pk").query.sql_with_params()
    assert "LIKE" not in sql
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        estimate = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
    assert 300 <= estimate <= 600, estimate  # 400 hold the prefix


def test_fetch_rows_reads_what_values_list_reads(regions: dict[str, Region]) -> None:
    village = regions["140405102201"]
    for name in AWKWARD:
        _household(village, name)
    qs = Household.objects.filter(region_code=village.code).values_list("head_name", "pk", "region_code").order_by("pk")
    assert fetch_rows(qs) == list(qs)


def test_rows_replace_writes_only_what_changed() -> None:
    """The map's villages made equal to a new set: the unchanged row (its float sum off in the
    last bits, as a sum in another order is) is kept under its key, the changed one rewritten,
    the gone one deleted, the new one inserted."""
    columns = ("houses", "cd", "worst", "lat_sum", "lon_sum")
    keys = insert_rows(
        MapVillage,
        ("village_code", *columns),
        [("140405102201", 10, 1, "C", 361.0, 1131.0), ("140405102202", 5, 0, "A", 180.5, 565.5),
         ("140405102203", 3, 0, "B", 108.3, 339.3)],
    )  # fmt: skip
    written = rows_replace(
        MapVillage.objects.all(),
        ("village_code",),
        columns,
        {
            ("140405102201",): (10, 1, "C", 361.0 * (1 + 1e-15), 1131.0),
            ("140405102202",): (6, 0, "A", 216.6, 678.6),
            ("140405102204",): (1, 1, "D", 36.1, 113.1),
        },
    )
    assert written == 4  # 02 and 03 deleted, 02 and 04 inserted
    rows = {v.village_code: v for v in MapVillage.objects.all()}
    assert set(rows) == {"140405102201", "140405102202", "140405102204"}
    assert rows["140405102201"].pk == keys[0] and rows["140405102201"].lat_sum == 361.0
    assert (rows["140405102202"].houses, rows["140405102204"].worst) == (6, "D")
    assert rows_replace(MapVillage.objects.all(), ("village_code",), columns, {}) == 3
    assert not MapVillage.objects.exists()


@pytest.mark.django_db(transaction=True)  # a real transaction: inside another it is a savepoint
def test_batch_settings_last_only_for_their_transaction() -> None:
    """The refresh's and the monthly list's memory and JIT settings (ADR 0053) end with their
    transaction: the next request on the same connection plans as the server is configured."""
    if connection.vendor != "postgresql":
        pytest.skip("SET LOCAL is PostgreSQL's")

    def show(name: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return str(cursor.fetchone()[0])

    # A web request's queries run without parallel workers (ADR 0054); a batch asks for them.
    before = (show("work_mem"), show("jit"), show("max_parallel_workers_per_gather"))
    assert before[2] == str(settings.ANJU_DB_PARALLEL_WORKERS)
    with transaction.atomic():
        batch_settings()
        assert (show("work_mem"), show("jit")) == ("64MB", "off")
        assert show("max_parallel_workers_per_gather") == str(settings.ANJU_BATCH_PARALLEL_WORKERS)
    assert (show("work_mem"), show("jit"), show("max_parallel_workers_per_gather")) == before
