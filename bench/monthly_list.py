"""Benchmark: the province's monthly named list (每月名单) generated and kept as a snapshot (PostgreSQL).

    python -m bench.monthly_list --households 1000000 [--runs 2] \
        [--database postgresql://postgres@127.0.0.1:5432/anju_scale_monthly]

Builds (or, with the same N, reuses) the synthetic province of ``bench.lists`` in its own
database and, when it holds no eligibility decisions yet, decides every household set-based
(``eligibility.services.decisions_refresh_set``, timed: the list is made of current decisions).
The highest level that submits is the city (the province reviews its cities, ``reporting.acts``),
so the province's monthly list is its cities' lists: as each city officer does with 「生成」 on
the reports page, it runs ``reporting.services.submission_prepare`` for every city's monthly list
of this month, ``--runs`` rounds (the first prepares the drafts, each next one recomputes them).
A snapshot holds every eligible household of the city with its appraisal, masked ID number and
the rule that decided it, and the children's submission statuses. ``snapshots.monthly_list_rows``
for the whole province in one call is timed as well.

Issue 23 asks for the province's generation and snapshot ≤ 60 s at 10⁷ houses. The last line is
one JSON object: households, rows (the province's list), decisions_s, list_rows_s (the province
in one call), prepare_s (the slowest round over all cities), snapshot_mb (all cities'). Without
PostgreSQL it says why and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/anju_scale_monthly"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2, help="times the draft is prepared (then recomputed)")
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    from bench.lists import open_world

    open_world(args.database, args.households, rebuild=args.rebuild)

    from django.db import connection
    from django.utils import timezone

    from anju.accounts.models import User, UserRole
    from anju.eligibility import services as eligibility
    from anju.eligibility.models import Decision
    from anju.households.models import Household
    from anju.regions.choices import RegionLevel
    from anju.regions.models import Region
    from anju.reporting import services, snapshots
    from anju.reporting.choices import ReportKind
    from anju.reporting.models import Submission

    officer = User.objects.get(username="bench_dash_province")
    province = Region.objects.get(level=RegionLevel.PROVINCE)
    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    city_officers = {}
    for city in cities:
        user, _ = User.objects.get_or_create(username=f"bench_city_{city.code[:4]}", defaults={"region": city})
        UserRole.objects.get_or_create(user=user, role="city_officer")
        city_officers[city.pk] = user
    decisions_s = 0.0
    if not Decision.objects.filter(is_current=True).exists():
        ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        eligibility.decisions_refresh_set(household_ids=ids, trigger="基准：首次认定", acting_user=officer)
        decisions_s = time.perf_counter() - started
        with connection.cursor() as cursor:  # as autovacuum would leave it; autocommit here
            cursor.execute("VACUUM ANALYZE eligibility_decision")
        print(f"decided {len(ids):,} households in {decisions_s:.1f} s", file=sys.stderr)
    today = timezone.localdate()
    Submission.objects.filter(kind=ReportKind.MONTHLY_LIST).delete()  # an earlier run's drafts

    started = time.perf_counter()
    rows = snapshots.monthly_list_rows(province, today)
    list_rows_s = time.perf_counter() - started
    rounds: list[float] = []
    slowest_city = 0.0
    for _ in range(max(1, args.runs)):
        round_started = time.perf_counter()
        for city in cities:
            started = time.perf_counter()
            services.submission_prepare(
                acting_user=city_officers[city.pk],
                kind=ReportKind.MONTHLY_LIST,
                year=today.year,
                month=today.month,
                region=city,
                on=today,
            )
            slowest_city = max(slowest_city, time.perf_counter() - started)
        rounds.append(time.perf_counter() - round_started)
    kept = list(Submission.objects.filter(kind=ReportKind.MONTHLY_LIST, year=today.year, month=today.month))
    listed = sum(int(s.snapshot["count"]) for s in kept)
    assert len(kept) == len(cities) and listed == len(rows), (len(kept), listed, len(rows))
    snapshot_mb = sum(len(json.dumps(s.snapshot, ensure_ascii=False).encode()) for s in kept) / 1e6
    decided = Decision.objects.filter(is_current=True).count()
    print(f"{args.households:,} households, {decided:,} current decisions, {len(rows):,} households on the list")
    print(f"monthly_list_rows, the whole province in one call: {list_rows_s:.2f} s")
    print(
        f"submission_prepare for {len(cities)} cities (generate + snapshot), by round: "
        + ", ".join(f"{s:.2f} s" for s in rounds)
        + f"; slowest city {slowest_city:.2f} s"
    )
    print(f"snapshots: {snapshot_mb:.1f} MB of JSON")
    prepare = rounds
    line = {
        "households": args.households,
        "decisions": decided,
        "rows": len(rows),
        "decisions_s": round(decisions_s, 1),
        "list_rows_s": round(list_rows_s, 2),
        "prepare_s": round(max(prepare), 2),
        "prepare_runs_s": [round(s, 2) for s in prepare],
        "cities": len(cities),
        "slowest_city_s": round(slowest_city, 2),
        "snapshot_mb": round(snapshot_mb, 3),
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
