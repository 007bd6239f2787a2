"""Benchmark: the nightly anomaly run (ADR 0032) on a synthetic province of N households
(PostgreSQL, its own database).

    python -m bench.anomalies --households 1000000 [--database postgresql://postgres@127.0.0.1:5432/anju_bench_anomalies]

Loads the province of ``bench.dashboard`` (households with one house each, key groups, C/D
houses, cases at every stage with steps and payments), adds every head as a member and a support
record per person of each case (as ``case_open`` writes them), plants a few anomalies of several
rules with SQL (as an import would write them), then measures:

- each rule's query alone over the whole province (``checks.CHECKS[rule](prefix, …)``, hits
  consumed), so the slow rule is named;
- the nightly run as ``manage.py run_anomaly_checks`` runs it: ``checks_run`` county by county,
  the first time (every finding new: inserts and audit rows) and again (nothing new: refresh);
- that every planted anomaly was found.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench.dashboard import _setup, build

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/anju_bench_anomalies"
PLANTS = 20  # of each planted rule


def add_people_and_plants() -> dict[str, int]:
    """Members, support records and the planted anomalies, set-based; returns what was planted."""
    from django.db import connection

    from anju.anomalies.models import CheckRun, Finding

    with connection.cursor() as c:
        c.execute(f'TRUNCATE "{Finding._meta.db_table}", "{CheckRun._meta.db_table}" RESTART IDENTITY CASCADE')
        c.execute("TRUNCATE households_supportrecord, households_member RESTART IDENTITY CASCADE")
        c.execute(
            """INSERT INTO households_member (household_id, name, id_number, relation, sex, birth_date)
               SELECT id, head_name, head_id_number, 'head', head_sex, head_birth_date FROM households_household"""
        )
        c.execute(
            """INSERT INTO households_supportrecord
                 (id_number, name, household_id, house_id, case_id, case_label, programme, year, completed_on)
               SELECT m.id_number, m.name, k.household_id, k.house_id, k.id, 'bench', 'renovation', k.year,
                      k.closed_on
               FROM cases_renovationcase k JOIN households_member m ON m.household_id = k.household_id"""
        )
        planted: dict[str, int] = {}
        # A03: a live case opened on a house graded B.
        c.execute(
            """UPDATE cases_renovationcase SET grade = 'B' WHERE id IN (
                 SELECT id FROM cases_renovationcase WHERE stage NOT IN ('ended') AND programme <> 'seismic'
                 ORDER BY id LIMIT %s)""",
            [PLANTS],
        )
        planted["A03-safe-house-opened"] = c.rowcount
        # A04: paid above the standard.
        c.execute(
            """UPDATE cases_renovationcase k SET subsidy_amount = 1 WHERE k.id IN (
                 SELECT case_id FROM subsidies_payment GROUP BY case_id ORDER BY case_id DESC LIMIT %s)""",
            [PLANTS],
        )
        planted["A04-paid-above-standard"] = c.rowcount
        # A10: a member registered again in another household with a lower-case x (the synthetic
        # numbers end in a digit: these heads get an X first).
        for table, column in (("households_household", "head_id_number"), ("households_member", "id_number")):
            key = "id" if table == "households_household" else "household_id"
            c.execute(f"UPDATE {table} SET {column} = left({column}, 17) || 'X' WHERE mod({key}, 50000) = 7")
        c.execute(
            """INSERT INTO households_member (household_id, name, id_number, relation, sex, birth_date)
               SELECT h.id + 1, h.head_name, left(h.head_id_number, 17) || 'x', 'other', h.head_sex,
                      h.head_birth_date
               FROM households_household h WHERE mod(h.id, 50000) = 7"""
        )
        planted["A10-member-two-households"] = c.rowcount
        c.execute("ANALYZE")
    return planted


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--database", default=DEFAULT_DB)
    args = parser.parse_args(argv)
    if not args.database.startswith("postgres"):
        print("bench.anomalies measures PostgreSQL only; give --database postgresql://…", file=sys.stderr)
        raise SystemExit(2)
    _setup(args.database)

    from django.utils import timezone

    from anju.anomalies.checks import CHECKS
    from anju.anomalies.choices import FindingStatus, RunTrigger
    from anju.anomalies.models import Finding
    from anju.anomalies.rules import rules_of
    from anju.anomalies.services import checks_for, checks_run
    from anju.regions.choices import RegionLevel
    from anju.regions.models import Region

    started = time.perf_counter()
    world = build(args.households)
    planted = add_people_and_plants()
    load_s = time.perf_counter() - started
    print(f"loaded {world['counts']} and planted {planted} in {load_s:.1f} s")

    province = Region.objects.get(code="140000000000")
    rules = [r for r in rules_of(checks_for(province.code).content) if r.enabled and r.id in CHECKS]
    per_rule: dict[str, tuple[float, int]] = {}
    for rule in rules:
        t = time.perf_counter()
        hits = sum(1 for _ in CHECKS[rule.id](province.prefix, rule.params, timezone.localdate()))
        per_rule[rule.id] = (time.perf_counter() - t, hits)

    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))

    def nightly() -> tuple[float, int]:
        t = time.perf_counter()
        found = sum(checks_run(region=c, acting_user=None, trigger=RunTrigger.NIGHTLY).found for c in counties)
        return time.perf_counter() - t, found

    first_s, first_found = nightly()
    again_s, again_found = nightly()
    open_by_rule = {rule: Finding.objects.filter(rule_id=rule, status=FindingStatus.OPEN).count() for rule in planted}
    missed = {rule: n for rule, n in planted.items() if open_by_rule[rule] < n}
    assert not missed, f"planted anomalies not found: {missed} (found {open_by_rule})"

    print(f"\n{'rule (whole province, query alone)':<40}{'s':>9}{'hits':>9}")
    for rule_id, (seconds, hits) in per_rule.items():
        print(f"{rule_id:<40}{seconds:>9.2f}{hits:>9}")
    print(f"\nnightly run, {len(counties)} counties: first {first_s:.1f} s ({first_found} new), again {again_s:.1f} s")
    print(
        json.dumps(
            {
                "households": args.households,
                "counties": len(counties),
                "nightly_first_s": round(first_s, 2),
                "nightly_again_s": round(again_s, 2),
                "findings_first": first_found,
                "findings_again_new": again_found,
                "slowest_rule": max(per_rule, key=lambda r: per_rule[r][0]),
                "rules_s": {r: round(s, 2) for r, (s, _) in per_rule.items()},
                "planted_found": open_by_rule,
                "load_s": round(load_s, 1),
                **{f"n_{k}": v for k, v in world["counts"].items()},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
