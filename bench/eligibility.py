"""Benchmark: eligibility decisions for N households, one by one against set-based (PostgreSQL).

    python -m bench.eligibility --households 100000 [--each 5000] \
        [--database postgresql://postgres@127.0.0.1:5432/anju_scale_eligibility]

Builds (or, with the same N, reuses) the synthetic province of ``bench.lists`` in its own
database, removes every decision, then in one run:

- **set-based, first**: ``decisions_refresh_set`` decides all N households (ADR 0042);
- **set-based, unchanged**: the same again — every household's facts and rule set are unchanged,
  so nothing is written (what a refresh costs when little changed);
- **rule-set change**: a province version is put in force with ``rule_set_activate``, which
  re-evaluates the province through its job (the households that matter, found and decided
  again, the old decisions retired) — end to end, as a province officer would wait for it;
- **per household**: ``decisions_refresh`` (one INSERT, UPDATE and audit INSERT per household)
  on the first ``--each`` households after their decisions are removed;
- **bare COPY**: the floor — the same number of decision rows (outcome, reason, checks, facts)
  copied into an unindexed table.

The last line is one JSON object. Without PostgreSQL it says why and exits 2.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from typing import Any

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/anju_scale_eligibility"


def _clear_decisions(ids: list[int] | None = None) -> None:
    """Remove decisions (the benchmark's own act: anju never deletes one) and vacuum, so that the
    next phase does not wade through the dead rows of the last one — an earlier version left
    them, and the refresh's lookups of current decisions read 300,000 dead index entries."""
    from django.db import connection

    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute("DELETE FROM eligibility_decision")
        else:
            cursor.execute("DELETE FROM eligibility_decision WHERE household_id = ANY(%s)", [ids])
    with connection.cursor() as cursor:  # VACUUM cannot run in a transaction; autocommit here
        cursor.execute("VACUUM ANALYZE eligibility_decision")


def _bare_copy(rows: int) -> float:
    """COPY ``rows`` decision-shaped rows (taken from the decisions just written) into a bare table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT household_id, outcome, reason, checks::text, facts::text FROM eligibility_decision LIMIT %s",
            [rows],
        )
        sample = cursor.fetchall()
        buffer = io.StringIO()
        for i in range(rows):
            household, outcome, reason, checks, facts = sample[i % len(sample)]
            cells = (str(household), outcome, reason, checks, facts)
            buffer.write("\t".join(c.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") for c in cells))
            buffer.write("\n")
        data = buffer.getvalue()
        cursor.execute("DROP TABLE IF EXISTS bench_bare_decision")
        cursor.execute(
            "CREATE TABLE bench_bare_decision (household_id bigint, outcome text, reason text, checks jsonb, facts jsonb)"
        )
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bench_bare_decision FROM STDIN") as copy:
            copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bare_decision")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--each", type=int, default=5_000, help="households decided one by one (it is slow)")
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    from bench.lists import open_world

    open_world(args.database, args.households, rebuild=args.rebuild)
    from django.db.models import Count

    from anju.accounts.models import User
    from anju.eligibility import services
    from anju.eligibility.models import Decision, RuleSet
    from anju.households.models import Household

    province = User.objects.get(username="bench_dash_province")
    _clear_decisions()
    RuleSet.objects.exclude(region_code="").delete()  # a province version an earlier run left
    ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    n = len(ids)

    started = time.perf_counter()
    written = services.decisions_refresh_set(household_ids=ids, trigger="基准：首次认定", acting_user=province)
    set_s = time.perf_counter() - started
    assert written == n, (written, n)
    outcomes = dict(Decision.objects.filter(is_current=True).values_list("outcome").annotate(n=Count("pk")))
    started = time.perf_counter()
    unchanged = services.decisions_refresh_set(household_ids=ids, trigger="基准：未变", acting_user=province)
    unchanged_s = time.perf_counter() - started
    assert unchanged == 0, unchanged

    draft = services.rule_set_derive(acting_user=province, source=services.ensure_national_rule_set())
    started = time.perf_counter()
    services.rule_set_activate(acting_user=province, rule_set=draft)  # its job runs at once (immediate backend)
    activate_s = time.perf_counter() - started
    redecided = Decision.objects.filter(is_current=True, rule_set=draft).count()

    sample = ids[: args.each]
    _clear_decisions(sample)
    started = time.perf_counter()
    each_written = services.decisions_refresh(household_ids=sample, trigger="基准：逐户认定", acting_user=province)
    each_s = time.perf_counter() - started
    assert each_written == len(sample), (each_written, len(sample))
    copy_s = _bare_copy(n)

    each_rate, set_rate = len(sample) / each_s, n / set_s
    activate_rate = redecided / activate_s if activate_s else 0.0
    print(f"households                 {n:>10,}   outcomes {outcomes}")
    print(f"per household ({len(sample):,})     {each_s:8.2f} s  {each_rate:>10,.0f} households/s")
    print(f"set-based, first           {set_s:8.2f} s  {set_rate:>10,.0f} households/s  ({set_rate / each_rate:.1f}×)")
    print(f"set-based, unchanged       {unchanged_s:8.2f} s  {n / unchanged_s:>10,.0f} households/s (nothing written)")
    print(
        f"rule-set change (job)      {activate_s:8.2f} s  {activate_rate:>10,.0f} households/s ({redecided:,} decided again)"
    )
    print(f"bare COPY of {n:,} decision rows {copy_s:5.2f} s  → set-based / COPY {set_s / copy_s:.1f}×")
    print(
        f"10^6 households: per household ≈ {1e6 / each_rate / 60:.0f} min, set-based ≈ {1e6 / set_rate / 60:.1f} min, "
        f"rule-set change ≈ {1e6 / activate_rate / 60 if activate_rate else float('nan'):.1f} min (linear extrapolation)"
    )
    line: dict[str, Any] = {
        "households": n,
        "each_households": len(sample),
        "each_s": round(each_s, 3),
        "each_per_s": round(each_rate, 1),
        "set_s": round(set_s, 3),
        "set_per_s": round(set_rate, 1),
        "speedup": round(set_rate / each_rate, 2),
        "unchanged_s": round(unchanged_s, 3),
        "rule_set_change_s": round(activate_s, 3),
        "rule_set_change_decided": redecided,
        "copy_s": round(copy_s, 3),
        "set_over_copy": round(set_s / copy_s, 2),
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
