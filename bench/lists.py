"""Benchmark: the list pages and the API lists at N households, one user (PostgreSQL).

    python -m bench.lists --households 100000 [--database postgresql://postgres@127.0.0.1:5432/anju_scale_bench]

Builds (or, with the same N, reuses) a synthetic province in its own database: the households,
houses, statuses, cases and payments of ``bench.dashboard``, plus realistic Chinese names, phones
and addresses, two members a household and an inspection for every third house. Then, as one
province officer through Django's test client (the whole view: filters, queries, template), the
p50 and p99 of:

- the household, house, case, inspection and payment list pages: the first page, a deep page
  (the middle of the list), a name search and a filtered list;
- the household and house API lists: the same four.

The database is the benchmark's own: reused when it holds the world for N households, else
dropped, made again and migrated (``--rebuild`` forces it). The last line printed is one JSON object. Without PostgreSQL the
benchmark says why and exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/anju_scale_bench"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文玉兰金凤德明春梅海燕永红"


def _reachable(database: str) -> str | None:
    """Why PostgreSQL cannot be used, or None."""
    if not database.startswith("postgres"):
        return "bench.lists measures PostgreSQL only; give --database postgresql://…"
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(database)
    try:
        psycopg.connect(url._replace(path="/postgres").geturl(), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL does not answer at {url.hostname}:{url.port or 5432}: {str(exc).strip()[:200]}"
    return None


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def _enrich(households: int) -> dict[str, int]:
    """Names, phones and addresses a search can find; members; inspections."""
    from django.db import connection

    from anju.accounts.models import User
    from anju.households.models import Member
    from anju.inspections.models import Inspection
    from bench.dashboard import Copier

    surnames, given = list(SURNAMES), list(GIVEN)
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE households_household SET
                 head_name = (%s::text[])[1 + id %% %s] || (%s::text[])[1 + (id / 7) %% %s]
                             || CASE WHEN id %% 3 = 0 THEN '' ELSE (%s::text[])[1 + (id / 11) %% %s] END,
                 phone = '139' || lpad(((id * 7919) %% 100000000)::text, 8, '0'),
                 address = '第' || (id %% 40 + 1) || '组' || (id %% 97 + 1) || '号'""",
            [surnames, len(surnames), given, len(given), given, len(given)],
        )
        cursor.execute(
            """UPDATE households_house h SET address = hh.address || '（' || hh.head_name || '宅）'
               FROM households_household hh WHERE hh.id = h.household_id"""
        )
        raw = cursor.cursor
        cursor.execute("SELECT id, head_name FROM households_household ORDER BY id")
        heads = cursor.fetchall()
        members = Copier(
            Member,
            ["household_id", "name", "id_number", "relation", "sex", "birth_date"],
        ).load(
            raw,
            (
                row
                for pk, name in heads
                for row in (
                    (pk, name, f"14{pk - 1:016d}", "head", "M", "1960-01-01"),
                    (pk, name[0] + "氏", f"15{pk - 1:016d}", "spouse", "F", "1962-03-01"),
                )
            ),
        )
        inspector = User.objects.get(username="bench_dash_operator")
        cursor.execute("SELECT id, household_id, region_code FROM households_house WHERE id % 3 = 0")
        inspections = Copier(
            Inspection,
            [
                "house_id",
                "household_id",
                "region_code",
                "kind",
                "inspector_id",
                "inspected_at",
                "suspected_grade",
                "is_occupied",
            ],
        ).load(
            raw,
            (
                (
                    house,
                    household,
                    code,
                    "routine",
                    inspector.pk,
                    f"2026-0{1 + house % 9}-{1 + house % 28:02d} 09:00+08",
                    "B",
                    "t",
                )
                for house, household, code in cursor.fetchall()
            ),
        )
        cursor.execute("ANALYZE")
    return {"members": members, "inspections": inspections}


def reusable(database: str, households: int) -> bool:
    """Whether the database already holds the world for N households (built by this benchmark)."""
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(database)
    try:
        with psycopg.connect(database, connect_timeout=3) as conn:
            counts = conn.execute(
                """SELECT (SELECT count(*) FROM households_household), (SELECT count(*) FROM households_member),
                          (SELECT count(*) FROM accounts_user WHERE username = 'bench_dash_province')"""
            ).fetchone()
    except psycopg.Error:
        counts = None
    if counts == (households, 2 * households, 1):
        return True
    from psycopg import sql

    # Its own database, dropped and made again: nothing to clean up in the right order.
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(url.path.lstrip("/"))))
    return False


def build_world(households: int) -> float:
    from bench.dashboard import build

    started = time.perf_counter()
    world = build(households)
    counts = world["counts"] | _enrich(households)
    ensure_summaries()
    from django.db import connection

    # As autovacuum leaves a table nobody is writing: the visibility map set, so that counting a
    # county's households is an index-only scan, as on a server that has been running a while.
    with connection.cursor() as cursor:  # autocommit here: VACUUM cannot run in a transaction
        cursor.execute("VACUUM ANALYZE")
    built_s = time.perf_counter() - started
    print(f"built {counts} in {built_s:.1f} s", file=sys.stderr)
    return built_s


def open_world(database: str, households: int, *, rebuild: bool = False) -> float:
    """The benchmarks' common start: say why and exit 2 without PostgreSQL; reuse the world of
    N households in ``database`` (dropped first with ``rebuild``) or build it, and connect Django
    to it. Returns the build's seconds (0 when reused); a reused world gets its summaries if an
    older run left it without."""
    if problem := _reachable(database):
        print(problem, file=sys.stderr)
        raise SystemExit(2)
    from bench.dashboard import _setup

    reuse = not rebuild and reusable(database, households)
    if rebuild:
        reusable(database, -1)  # drops it
    _setup(database)
    if reuse:
        ensure_summaries()
        return 0.0
    return build_world(households)


def ensure_summaries() -> None:
    """The dashboard's summaries and the map's cells, as the nightly refresh leaves them on a
    running server: without them the dashboard shows zeros and the map, not knowing how many
    houses there are, answers every user with 5,000 single houses."""
    from anju.dashboard.models import RegionSummary
    from anju.dashboard.services import summaries_refresh

    if not RegionSummary.objects.exists():
        started = time.perf_counter()
        rows = summaries_refresh()
        print(f"summaries refreshed: {rows:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def measure(client: Any, url: str, runs: int) -> list[float]:
    client.get(url)  # warm: the first request compiles templates and fills caches
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return out


def scenarios(households: int) -> dict[str, str]:
    """What is measured: name → URL. A deep page is the middle of the unfiltered list, asked for
    by number; "next" is the same page reached by the 下一页 link of the page before it."""
    from django.db import connection
    from django.urls import reverse

    with connection.cursor() as cursor:
        cursor.execute("SELECT head_name FROM households_household WHERE id = %s", [max(1, households // 2)])
        row = cursor.fetchone()
    name = row[0] if row else "王"
    deep_page = max(1, households // 25 // 2)
    deep_api = max(1, households // 50 // 2)
    pages = {
        "households": reverse("households:household_list"),
        "houses": reverse("households:house_list"),
        "cases": reverse("cases:case_list"),
        "inspections": reverse("inspections:inspection_list"),
        "payments": reverse("subsidies:payment_list"),
    }
    filters = {
        "households": "group=key&structure=brick_wood",
        "houses": "grade=CD&is_occupied=false",
        "cases": "stage=under_way",
        "inspections": "grade=B",
        "payments": "programme=renovation",
    }
    # The deep page reached by its predecessor's 下一页 link (the last row's key, ADR 0048).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM households_household ORDER BY region_code, head_name, id OFFSET %s LIMIT 1",
            [max(0, (deep_page - 1) * 25 - 1)],
        )
        household_after = (cursor.fetchone() or [0])[0]
        cursor.execute(
            """SELECT h.id FROM households_house h JOIN households_household hh ON hh.id = h.household_id
               ORDER BY h.region_code, hh.head_name, h.id OFFSET %s LIMIT 1""",
            [max(0, (deep_page - 1) * 25 - 1)],
        )
        house_after = (cursor.fetchone() or [0])[0]
    out: dict[str, str] = {
        "page households next": f"{pages['households']}?page={deep_page}&after={household_after}",
        "page houses next": f"{pages['houses']}?page={deep_page}&after={house_after}",
    }
    for what, url in pages.items():
        out[f"page {what} first"] = url
        out[f"page {what} deep"] = f"{url}?page={deep_page // (4 if what in ('cases', 'payments') else 1) or 1}"
        out[f"page {what} search"] = f"{url}?q={name}"
        out[f"page {what} filtered"] = f"{url}?{filters[what]}"
    for what in ("households", "houses"):
        url = f"/api/{what}/"
        out[f"api {what} first"] = url
        out[f"api {what} deep"] = f"{url}?page={deep_api}"
        out[f"api {what} search"] = f"{url}?q={name}"
        out[f"api {what} filtered"] = f"{url}?{filters[what]}"
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=20, help="requests per measurement")
    parser.add_argument("--only", default="", help="measure only the labels containing this text (e.g. 'households')")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even when the database has N households")
    args = parser.parse_args(argv)
    built_s = open_world(args.database, args.households, rebuild=args.rebuild)
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    from anju.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench_dash_province"))
    results: dict[str, tuple[float, float]] = {}
    print(f"{'measure':<32}{'p50 ms':>10}{'p99 ms':>10}")
    for label, url in scenarios(args.households).items():
        if args.only not in label:
            continue
        p50, p99 = percentiles(measure(client, url, args.runs))
        results[label] = (p50, p99)
        print(f"{label:<32}{p50:>10.1f}{p99:>10.1f}", flush=True)

    def key(label: str) -> str:
        return label.replace(" ", "_")

    line: dict[str, Any] = {"households": args.households, "runs": args.runs, "built_s": round(built_s, 1)}
    for label, (p50, p99) in results.items():
        line[f"{key(label)}_p50_ms"] = round(p50, 1)
        line[f"{key(label)}_p99_ms"] = round(p99, 1)
    pages = [p99 for label, (_, p99) in results.items() if label.startswith("page")]
    line["list_p99_ms"] = round(max(pages), 1) if pages else None
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
