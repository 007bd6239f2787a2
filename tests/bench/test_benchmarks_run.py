"""Every benchmark runs with a tiny N, so it cannot rot unnoticed (issue 23): each is started as
its own process (it sets up Django on its own database) and must end with its JSON line. The
PostgreSQL ones are skipped, with the reason, when PostgreSQL does not answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("ANJU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def postgres_problem() -> str | None:
    import psycopg

    try:
        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL does not answer at {SERVER}: {str(exc).strip()[:120]}"
    return None


def run(*args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return line


def needs_postgres() -> None:
    if problem := postgres_problem():
        print(problem)
        pytest.skip(problem)


def test_the_list_benchmark_measures_every_list_at_a_small_n() -> None:
    needs_postgres()
    line = run(
        "bench.lists",
        "--households",
        "400",
        "--runs",
        "2",
        "--rebuild",
        "--database",
        f"{SERVER}/anju_scale_bench_smoke",
    )
    assert line["households"] == 400
    for what in ("households", "houses", "cases", "inspections", "payments"):
        assert line[f"page_{what}_first_p99_ms"] > 0
        assert line[f"page_{what}_search_p50_ms"] > 0
    assert line["api_households_deep_p99_ms"] > 0 and line["list_p99_ms"] > 0
    # The migrations it ran made the search indexes PostgreSQL answers the lists' search from.
    import psycopg

    with psycopg.connect(f"{SERVER}/anju_scale_bench_smoke") as conn:
        query = "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm' OR indexname LIKE '%%_bigram'"
        names = {row[0] for row in conn.execute(query)}
    assert names == {"household_head_name_bigram", "household_phone_trgm", "house_address_bigram"}  # ADR 0051


def test_the_dashboard_benchmark_measures_the_summaries_and_the_clustered_map() -> None:
    needs_postgres()
    line = run(
        "bench.dashboard",
        "--houses",
        "3000",
        "--runs",
        "3",
        "--slow-runs",
        "1",
        "--ledger-rows",
        "300",
        "--database",
        f"{SERVER}/anju_dashboard_bench_smoke",
    )
    assert (
        line["houses"] == 3000
        and line["dashboard_p95_ms"] > 0
        and line["full_refresh_p95_ms"] > 0
        and line["full_fill_ms"] > 0
    )
    assert line["act_refresh_p95_ms"] > 0 and line["map_province_p95_ms"] > 0
    assert line["map_clusters"] >= 1 and line["ledger_rows"] == 300


def test_the_import_benchmark_runs_its_django_import_export_phase_on_sqlite() -> None:
    line = run("bench.import_list", "--rows", "200")
    assert line["rows"] == 200 and line["backend"] == "sqlite"
    assert line["commit_s"] > 0 and line["import_export_s"] > 0 and line["import_export_bulk_s"] > 0


def test_the_import_benchmark_runs_on_postgresql() -> None:
    needs_postgres()
    line = run("bench.import_list", "--rows", "200", "--database", f"{SERVER}/anju_scale_bench_import")
    assert line["rows"] == 200 and line["backend"] == "postgresql"
    assert line["import_export_s"] > 0 and line["ceiling_s"] > 0


def test_the_list_benchmark_says_why_without_postgresql() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.lists", "--database", "postgresql://postgres@127.0.0.1:1/anju_scale_nowhere"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "PostgreSQL does not answer" in done.stderr


def test_the_anomaly_benchmark_runs_the_nightly_checks_and_finds_what_it_planted() -> None:
    needs_postgres()
    line = run("bench.anomalies", "--households", "3000", "--database", f"{SERVER}/anju_anomalies_bench_smoke")
    assert line["households"] == 3000 and line["nightly_first_s"] > 0
    assert line["findings_first"] > 0 and line["findings_again_new"] == 0
    assert all(n > 0 for n in line["planted_found"].values())
    assert len(line["rules_s"]) == 12  # every rule timed


def test_the_eligibility_benchmark_compares_one_by_one_with_set_based() -> None:
    needs_postgres()
    line = run(
        "bench.eligibility",
        "--households",
        "300",
        "--each",
        "50",
        "--rebuild",
        "--database",
        f"{SERVER}/anju_scale_bench_eligibility_smoke",
    )
    assert line["households"] == 300 and line["each_households"] == 50
    assert line["set_per_s"] > 0 and line["each_per_s"] > 0 and line["copy_s"] > 0
    # A new rule set in force decided every household again, through the job.
    assert line["rule_set_change_decided"] == 300


def test_the_load_benchmark_serves_anju_with_granian_to_logged_in_users() -> None:
    needs_postgres()
    line = run(
        "bench.load",
        "--households",
        "300",
        "--users",
        "8",
        "--duration",
        "6",
        "--think",
        "0.3",
        "--capacity-seconds",
        "3",
        "--requests",
        "160",
        "--trivial-seconds",
        "2",
        "--rebuild",
        "--database",
        f"{SERVER}/anju_scale_bench_load_smoke",
    )
    assert line["households"] == 300 and line["users"] == 8 and line["think_s"] == 0.3
    # Every kind of page answered 200 to users of every role, in the walk with pauses and in the
    # capacity phase without; and the trivial view was measured.
    assert line["errors"] == 0, (line["error_samples"], line["server_errors"])
    assert line["requests"] > 0 and line["dashboard_p50_ms"] > 0 and line["map_points_p50_ms"] > 0
    assert line["list_p50_ms"] > 0 and line["list_p99_ms"] >= line["list_p50_ms"]
    assert line["list_rps"] > 0 and line["capacity_list_p99_ms"] > 0 and line["trivial_rps"] > 0
    # The share is computed before the two rates are rounded to 0.1 req/s for the JSON line.
    low = (line["list_rps"] - 0.05) / (line["trivial_rps"] + 0.05)
    high = (line["list_rps"] + 0.05) / (line["trivial_rps"] - 0.05)
    assert low - 0.0005 <= line["list_share_of_trivial"] <= high + 0.0005


def test_the_sync_benchmark_sends_a_small_queue_once_each_on_sqlite() -> None:
    line = run("bench.sync", "--records", "12")
    assert line["records"] == 12 and line["backend"] == "sqlite"
    assert line["written_inspections"] + line["written_patrols"] == line["written_synced"] == 12
    assert line["repeated_sends"] == 1 and line["per_record_p50_ms"] > 0


def test_the_monthly_list_benchmark_generates_the_provinces_list_and_keeps_its_snapshot() -> None:
    needs_postgres()
    line = run(
        "bench.monthly_list",
        "--households",
        "600",
        "--runs",
        "2",
        "--rebuild",
        "--database",
        f"{SERVER}/anju_scale_bench_monthly_smoke",
    )
    assert line["households"] == 600 and line["decisions"] == 600
    # The province's list holds the covered households, generated, kept and recomputed.
    assert 0 < line["rows"] < 600 and len(line["prepare_runs_s"]) == 2 and line["cities"] >= 1
    assert line["snapshot_mb"] > 0 and line["prepare_s"] >= line["prepare_runs_s"][0] > 0
