"""Benchmark: the 动态清零 dashboard on a synthetic province of N houses (PostgreSQL).

    python -m bench.dashboard --houses 200000 [--database postgresql://postgres@127.0.0.1:5432/anju_bench]

Builds one province → cities → counties → townships → villages sized for N (about 350 houses a
village, 15 villages a township, 15 townships a county, 8 counties a city), N households with
one house each (~8 % key groups, ~3 % C/D: key households more often), cases for the appraised
C/D houses at every stage with their steps, a payment for each case past 建档, statuses and a task
per county, all loaded with COPY. Then, in one run, p50/p95 of:

- the dashboard's data read from the summaries (``selectors.dashboard_data`` for the province);
- the naive GROUP BY over the base tables giving the same figures (``services.compute_figures``
  for the province and its cities);
- the monthly roll-up: ``summaries_refresh`` of every village of one county (and, fewer times,
  the full refresh of the province);
- a county ledger of 100,000 rows: ``anju.ledgers.writers.write_xlsx`` on the key-group ledger's
  rows (read from the database, repeated to 100,000 if the province has fewer), next to
  xlsxwriter alone writing the same cells.

The database is created if missing and migrated; the benchmark's tables are emptied first.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from itertools import cycle, islice
from typing import Any

from bench.migrated import migrated_database

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/anju_bench"
HOUSES_PER_VILLAGE = 350
VILLAGES_PER_TOWNSHIP = 15
TOWNSHIPS_PER_COUNTY = 15
COUNTIES_PER_CITY = 8
YEAR = 2026
TODAY = datetime.date(2026, 11, 23)
LEDGER_ROWS = 100_000


def _setup(database: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(database)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        missing = not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if missing:
        migrated_database(database)  # a copy of the migrated template (ADR 0052)
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings_test")
    os.environ["ANJU_TASKS_BACKEND"] = "immediate"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


# --- loading ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


class Copier:
    """COPY rows of a model: the columns given per row, every other column set to its default
    once (the database has no defaults of its own under Django)."""

    def __init__(self, model: Any, columns: list[str]) -> None:
        self.model = model
        self.columns = columns
        rest = [f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key]
        consts = []
        for f in rest:
            value = f.get_default()
            if value is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
                value = datetime.datetime.now(datetime.UTC)
            if value is None and not f.null:
                raise SystemExit(f"{model.__name__}.{f.attname} needs a value")
            consts.append(_text(value))
        self.all_columns = [*columns, *(f.column for f in rest)]
        self.tail = ("\t" + "\t".join(consts)) if consts else ""

    def load(self, cursor: Any, rows: Iterable[Iterable[Any]]) -> int:
        table = self.model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in self.all_columns)
        n = 0
        with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            buf: list[str] = []
            for row in rows:
                buf.append("\t".join(_text(v) for v in row) + self.tail + "\n")
                n += 1
                if len(buf) >= 20000:
                    copy.write("".join(buf))
                    buf = []
            if buf:
                copy.write("".join(buf))
        return n


def build(houses: int, seed: int = 7) -> dict[str, Any]:
    """Load the synthetic province; return what the measurements need."""
    from django.db import connection

    from anju.accounts.models import User, UserRole
    from anju.cases.models import CasePolicy, CaseStep, RenovationCase
    from anju.dashboard.models import RegionSummary
    from anju.households.models import House, Household, HouseholdStatus
    from anju.regions.models import Region
    from anju.subsidies.models import Payment
    from anju.tasks.models import Task

    rnd = random.Random(seed)
    tables = [
        m._meta.db_table
        for m in (RegionSummary, Payment, CaseStep, RenovationCase, Task, HouseholdStatus, House, Household, Region)
    ]
    with connection.cursor() as c:
        c.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")

    villages_n = max(1, houses // HOUSES_PER_VILLAGE)
    townships_n = max(1, -(-villages_n // VILLAGES_PER_TOWNSHIP))
    counties_n = max(1, -(-townships_n // TOWNSHIPS_PER_COUNTY))
    cities_n = max(1, -(-counties_n // COUNTIES_PER_CITY))
    regions: list[tuple[int, str, str, int, int | None]] = [(1, "140000000000", "合成省", 1, None)]
    cities, counties, townships, villages = [], [], [], []
    rid = 1
    for ci in range(cities_n):
        rid += 1
        code = f"14{ci + 1:02d}00000000"
        regions.append((rid, code, f"第{ci + 1}市", 2, 1))
        cities.append((rid, code))
    for k in range(counties_n):
        city_id, city_code = cities[k % cities_n]
        rid += 1
        code = f"{city_code[:4]}{k // cities_n + 1:02d}000000"
        regions.append((rid, code, f"第{k + 1}县", 3, city_id))
        counties.append((rid, code))
    for t in range(townships_n):
        county_id, county_code = counties[t % counties_n]
        rid += 1
        code = f"{county_code[:6]}{t // counties_n + 100:03d}000"
        regions.append((rid, code, f"第{t + 1}镇", 4, county_id))
        townships.append((rid, code))
    for v in range(villages_n):
        town_id, town_code = townships[v % townships_n]
        rid += 1
        code = f"{town_code[:9]}{v // townships_n + 200:03d}"
        regions.append((rid, code, f"第{v + 1}村", 5, town_id))
        villages.append((rid, code))

    operator = User.objects.create_user(username="bench_dash_operator", password="x", is_superuser=True)
    policy = CasePolicy.objects.order_by("pk").first()
    if policy is None:  # emptied with the tables above (TRUNCATE … CASCADE): the national one again
        from django.utils import timezone

        from anju.cases.policy import default_policy

        policy = CasePolicy.objects.create(
            region_code="",
            version=1,
            name="全国",
            status="active",
            content=default_policy(),
            activated_at=timezone.now(),
        )
    now = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Bulk-load as a restore would: no FK triggers while copying (the rows are consistent by
        # construction), secondary indexes dropped and built once at the end.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        )
        indexes = cursor.fetchall()
        for index_name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{index_name}"')
        counts["regions"] = Copier(Region, ["id", "code", "name", "level", "parent_id"]).load(raw, regions)
        rng = rnd.random
        groups = ["dibao", "monitoring", "tekun", "other_exited", "dibao_edge", "hardship"]
        key_of: list[str] = []
        village_of: list[tuple[int, str]] = []

        def household_rows() -> Iterable[tuple[Any, ...]]:
            for i in range(houses):
                vid, vcode = villages[i * villages_n // houses]
                group = groups[i % 6] if rng() < 0.08 else ""
                key_of.append(group)
                village_of.append((vid, vcode))
                yield (i + 1, vid, vcode, f"户主{i}", f"14{i:016d}", "M", "1960-01-01", group, now, now)

        counts["households"] = Copier(
            Household,
            [
                "id",
                "region_id",
                "region_code",
                "head_name",
                "head_id_number",
                "head_sex",
                "head_birth_date",
                "primary_group",
                "created_at",
                "updated_at",
            ],
        ).load(raw, household_rows())

        cd_appraised: list[int] = []

        def house_rows() -> Iterable[tuple[Any, ...]]:
            for i in range(houses):
                vid, vcode = village_of[i]
                key = bool(key_of[i])
                r = rng()
                danger = r < (0.10 if key else 0.024)
                appraised = suspected = ""
                appraised_on = None
                if danger:
                    grade = "D" if rng() < 0.4 else "C"
                    if rng() < 0.7:
                        appraised, appraised_on = grade, TODAY - datetime.timedelta(days=rnd.randint(30, 400))
                        cd_appraised.append(i)
                    else:
                        suspected = grade
                elif r < 0.10:
                    appraised, appraised_on = ("A" if rng() < 0.5 else "B"), TODAY - datetime.timedelta(days=300)
                elif r < 0.4:
                    suspected = "A" if rng() < 0.7 else "B"
                county = int(vcode[4:6])
                lat = 30 + county * 0.3 + rng() * 0.25
                lng = 108 + int(vcode[2:4]) * 0.4 + rng() * 0.35
                # The house's one current state (ADR 0021): the appraisal's grade, else the suspicion.
                current = appraised or suspected
                source = "appraisal" if appraised else ("inspection" if suspected else "")
                current_on = appraised_on or (TODAY - datetime.timedelta(days=60) if suspected else None)
                yield (
                    i + 1,
                    i + 1,
                    vid,
                    vcode,
                    "brick_wood",
                    f"{lat:.6f}",
                    f"{lng:.6f}",
                    suspected,
                    appraised,
                    appraised_on,
                    current,
                    source,
                    current_on,
                    key,
                    now,
                    now,
                )

        counts["houses"] = Copier(
            House,
            [
                "id",
                "household_id",
                "region_id",
                "region_code",
                "structure",
                "latitude",
                "longitude",
                "suspected_grade",
                "appraised_grade",
                "appraised_on",
                "current_grade",
                "grade_source",
                "grade_on",
                "key_household",
                "created_at",
                "updated_at",
            ],
        ).load(raw, house_rows())

        counts["statuses"] = Copier(HouseholdStatus, ["household_id", "group", "department", "certified_on"]).load(
            raw,
            ((i + 1, key_of[i], "civil_affairs", "2023-01-01") for i in range(houses) if key_of[i]),
        )

        stages = [
            ("found", 5),
            ("applied", 4),
            ("village_reviewed", 4),
            ("township_reviewed", 4),
            ("approved", 3),
            ("filed", 8),
            ("agreement_signed", 7),
            ("under_way", 20),
            ("completed", 10),
            ("rectifying", 2),
            ("accepted", 13),
            ("closed", 18),
            ("ended", 2),
        ]
        bag = [s for s, w in stages for _ in range(w)]
        done_stages = {"completed", "rectifying", "accepted", "closed"}
        filed_stages = {"filed", "agreement_signed", "under_way", *done_stages}
        cases: list[tuple[int, str, int, datetime.date, datetime.date | None, datetime.date | None, str]] = []

        def case_rows() -> Iterable[tuple[Any, ...]]:
            for n, i in enumerate(cd_appraised, start=1):
                vid, vcode = village_of[i]
                stage = rnd.choice(bag)
                year = YEAR if rng() < 0.9 else YEAR - 1
                opened = datetime.date(year, rnd.randint(1, 10 if year == YEAR else 12), rnd.randint(1, 28))
                completed = opened + datetime.timedelta(days=rnd.randint(40, 120)) if stage in done_stages else None
                completed = min(completed, TODAY) if completed else None
                closed = (
                    min(completed + datetime.timedelta(days=20), TODAY) if completed and stage == "closed" else None
                )
                since = closed or completed or min(opened + datetime.timedelta(days=rnd.randint(0, 60)), TODAY)
                cases.append((n, stage, year, opened, completed, closed, vcode))
                yield (
                    n,
                    i + 1,
                    i + 1,
                    vid,
                    vcode,
                    "renovation",
                    year,
                    "D",
                    policy.pk,
                    stage,
                    since,
                    opened,
                    opened if stage in filed_stages else None,
                    completed,
                    closed,
                    TODAY if stage == "ended" else None,
                    "rent" if stage == "ended" else "",
                    "21000.00",
                    now,
                    now,
                )

        counts["cases"] = Copier(
            RenovationCase,
            [
                "id",
                "household_id",
                "house_id",
                "region_id",
                "region_code",
                "programme",
                "year",
                "grade",
                "policy_id",
                "stage",
                "stage_since",
                "opened_on",
                "filed_on",
                "completed_on",
                "closed_on",
                "ended_on",
                "end_reason",
                "subsidy_amount",
                "created_at",
                "updated_at",
            ],
        ).load(raw, case_rows())

        def step_rows() -> Iterable[tuple[Any, ...]]:
            for n, _stage, _year, opened, completed, closed, _code in cases:
                yield (n, "open", "", "found", opened, now)
                if completed:
                    yield (n, "complete", "under_way", "completed", completed, now)
                if closed:
                    yield (n, "close", "accepted", "closed", closed, now)

        counts["steps"] = Copier(CaseStep, ["case_id", "kind", "from_stage", "to_stage", "on", "at"]).load(
            raw, step_rows()
        )
        counts["payments"] = Copier(
            Payment,
            [
                "case_id",
                "instalment",
                "amount",
                "paid_on",
                "payee_kind",
                "payee_name",
                "bank_account",
                "voucher_no",
                "region_code",
                "recorded_by_id",
                "recorded_at",
            ],
        ).load(
            raw,
            (
                (
                    n,
                    1,
                    "10500.00",
                    opened + datetime.timedelta(days=30),
                    "household",
                    "户主",
                    "6228480000000000000",
                    f"V{n}",
                    code,
                    operator.pk,
                    now,
                )
                for n, stage, _y, opened, _c, _cl, code in cases
                if stage in filed_stages
            ),
        )
        per_county: dict[str, int] = {}
        for _n, _s, year, *_rest, code in cases:
            if year == YEAR:
                per_county[code[:6]] = per_county.get(code[:6], 0) + 1
        counts["tasks"] = Copier(
            Task, ["year", "programme", "kind", "region_id", "region_code", "count", "issued_by_id", "issued_on"]
        ).load(
            raw,
            (
                (
                    YEAR,
                    "renovation",
                    "annual",
                    cid,
                    code,
                    int(per_county.get(code[:6], 0) * 1.1) + 1,
                    operator.pk,
                    "2026-03-01",
                )
                for cid, code in counties
            ),
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        for _index_name, definition in indexes:
            cursor.execute(definition)
        for model in (Region, Household, House, RenovationCase):
            name = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM \"{name}\"))")
        # As autovacuum leaves tables nobody is writing (hint bits and visibility map set): a
        # server's refresh does not rewrite every page it reads the first time (ADR 0053).
        cursor.execute("VACUUM ANALYZE")

    user = User.objects.create_user(
        username="bench_dash_province", password="x", region=Region.objects.get(code="140000000000")
    )
    UserRole.objects.create(user=user, role="province_officer")
    counts.update(villages=villages_n, townships=townships_n, counties=counties_n, cities=cities_n)
    return {"user": user, "counts": counts, "county": counties[0][1]}


# --- measuring -------------------------------------------------------------------------------


def ledger_rows(count: int = LEDGER_ROWS) -> list[tuple[Any, ...]]:
    """The key-group ledger's rows of the province (the real selector), repeated to ``count``."""
    from anju.ledgers.registry import LEDGERS, Scope

    rows = list(islice(LEDGERS["key_groups"].rows(Scope(prefix="14", year=YEAR)), count))
    return list(islice(cycle(rows), count)) if rows else []


def xlsxwriter_alone(rows: list[tuple[Any, ...]], path: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet()
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                ws.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date_format)
            elif value is None:
                continue
            else:
                ws.write(r, c, value)
    wb.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--houses", type=int, default=200_000)
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=30, help="runs of the dashboard read")
    parser.add_argument("--slow-runs", type=int, default=5, help="runs of the naive query and the roll-ups")
    parser.add_argument("--ledger-rows", type=int, default=LEDGER_ROWS, help="rows of the ledger written")
    args = parser.parse_args(argv)
    if not args.database.startswith("postgres"):
        print("bench.dashboard measures PostgreSQL only (COPY); give --database postgresql://…", file=sys.stderr)
        raise SystemExit(2)
    _setup(args.database)

    from anju.dashboard import selectors
    from anju.dashboard.services import compute_figures, summaries_refresh, summary_years
    from anju.regions.choices import RegionLevel
    from anju.regions.models import Region

    started = time.perf_counter()
    world = build(args.houses)
    load_s = time.perf_counter() - started
    counts = world["counts"]
    print(
        f"loaded {counts} in {load_s:.1f} s ({sum(v for k, v in counts.items() if k in ('regions', 'households', 'houses', 'statuses', 'cases', 'steps', 'payments')) / load_s:,.0f} rows/s)"
    )

    # The first full refresh fills the empty summaries and map cells; the next ones find them (the
    # nightly case) and write only what changed (ADR 0053).
    fill = timed(lambda: summaries_refresh(), 1)
    full = timed(lambda: summaries_refresh(), max(1, args.slow_runs // 2))
    user = world["user"]
    province = Region.objects.get(code="140000000000")
    county = world["county"]

    dashboard = timed(lambda: selectors.dashboard_data(user=user, region=province, year=YEAR), args.runs)
    county_region = Region.objects.get(code=county)
    dashboard_county = timed(lambda: selectors.dashboard_data(user=user, region=county_region, year=YEAR), args.runs)
    years = summary_years()

    def naive() -> None:
        compute_figures(["14"], 2, years)
        compute_figures(["14"], 4, years)

    naive_ms = timed(naive, args.slow_runs)
    rollup = timed(lambda: summaries_refresh(region_codes=[county]), args.slow_runs)
    # One act: the receivers refresh its village after the commit (what "visible within 1 s" costs).
    village = (
        Region.objects.filter(code__startswith=county[:6], level=RegionLevel.VILLAGE)
        .values_list("code", flat=True)
        .first()
    )
    act = timed(lambda: summaries_refresh(region_codes=[village]), args.runs) if village else [0.0]
    # The map at province level: houses clustered by the database from the maintained cells
    # (ADR 0049), the whole province at zoom 6, and one county at zoom 9.
    from anju.dashboard.selectors import MapFilter, map_points

    map_province = timed(lambda: map_points(user=user, flt=MapFilter(zoom=6)), args.runs)
    map_county = timed(lambda: map_points(user=user, flt=MapFilter(zoom=9, region_prefix=county[:6])), args.runs)
    map_clusters = len(map_points(user=user, flt=MapFilter(zoom=6))["features"])

    # Check: the summaries equal the naive figures for the province.
    from anju.dashboard.models import RegionSummary

    row = RegionSummary.objects.get(region_code="140000000000", year=YEAR)
    naive_total = compute_figures(["14"], 2, [YEAR])[("140000000000", YEAR)]
    assert (row.key_in_cd, row.cases, row.closed, row.amount_paid) == (
        naive_total["key_in_cd"],
        naive_total["cases"],
        naive_total["closed"],
        naive_total["amount_paid"],
    ), "summaries differ from the naive GROUP BY"

    # The ledger: anju's writer and xlsxwriter alone on the same cells.
    from anju.ledgers.registry import LEDGERS, Scope

    try:
        from anju.ledgers.writers import write_xlsx
    except ImportError:  # the ledgers app is not there yet: time xlsxwriter alone
        write_xlsx = None  # type: ignore[assignment]  # None marks "ledgers app absent": time xlsxwriter alone
    ledger_s = xlsx_s = export_s = None
    rows = ledger_rows(args.ledger_rows)
    source_rows = len(set(rows))
    tmp = tempfile.mkdtemp(prefix="anju-bench-")
    if rows:
        xlsx_s = timed(lambda: xlsxwriter_alone(rows, os.path.join(tmp, "plain.xlsx")), 1)[0] / 1000
        if write_xlsx is not None:
            path = os.path.join(tmp, "ledger.xlsx")
            ledger_s = timed(lambda: write_xlsx("key_groups", rows, path, title="合成省 重点对象台账"), 1)[0] / 1000
            # A real county's export end to end: the selector's query and the writer.
            county_rows = LEDGERS["key_groups"].rows(Scope(prefix=county[:6], year=YEAR))
            export_s = timed(lambda: write_xlsx("key_groups", county_rows, io.BytesIO(), title="县 台账"), 1)[0] / 1000

    table = [
        ("dashboard read, province (summaries)", *percentiles(dashboard)),
        ("dashboard read, one county (summaries)", *percentiles(dashboard_county)),
        ("naive GROUP BY, province + cities", *percentiles(naive_ms)),
        ("roll-up: refresh one county's villages", *percentiles(rollup)),
        ("roll-up: full refresh, empty tables", *percentiles(fill)),
        ("roll-up: full refresh", *percentiles(full)),
        ("roll-up: one act's village", *percentiles(act)),
        (f"map, province at zoom 6 ({map_clusters} clusters)", *percentiles(map_province)),
        ("map, one county at zoom 9", *percentiles(map_county)),
    ]
    print(f"\n{'measure':<44}{'p50 ms':>12}{'p95 ms':>12}")
    for name, p50, p95 in table:
        print(f"{name:<44}{p50:>12.1f}{p95:>12.1f}")
    if rows:
        print(f"\nledger: {len(rows):,} rows ({source_rows:,} distinct from the database)")
        print(f"  anju write_xlsx      {ledger_s if ledger_s is not None else float('nan'):8.2f} s")
        print(f"  xlsxwriter alone     {xlsx_s:8.2f} s")
        if export_s is not None:
            print(f"  one county's key-group ledger, query + write ({county[:6]}): {export_s:.2f} s")
    dash_p95 = percentiles(dashboard)[1]
    naive_p95 = percentiles(naive_ms)[1]
    print(
        json.dumps(
            {
                "houses": args.houses,
                "dashboard_p50_ms": round(percentiles(dashboard)[0], 2),
                "dashboard_p95_ms": round(dash_p95, 2),
                "dashboard_county_p95_ms": round(percentiles(dashboard_county)[1], 2),
                "naive_p50_ms": round(percentiles(naive_ms)[0], 1),
                "naive_p95_ms": round(naive_p95, 1),
                "speedup": round(naive_p95 / dash_p95, 1) if dash_p95 else None,
                "rollup": "summaries_refresh of one county's villages",
                "rollup_p95_ms": round(percentiles(rollup)[1], 1),
                "full_refresh_p95_ms": round(percentiles(full)[1], 1),
                "full_fill_ms": round(fill[0], 1),
                "act_refresh_p95_ms": round(percentiles(act)[1], 1),
                "map_province_p95_ms": round(percentiles(map_province)[1], 1),
                "map_county_p95_ms": round(percentiles(map_county)[1], 1),
                "map_clusters": map_clusters,
                "ledger_rows": len(rows),
                "ledger_s": round(ledger_s, 2) if ledger_s is not None else None,
                "xlsxwriter_s": round(xlsx_s, 2) if xlsx_s is not None else None,
                "load_s": round(load_s, 1),
                **{f"n_{k}": v for k, v in counts.items()},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
