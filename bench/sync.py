"""Benchmark: a phone's queue of N records made offline, synced when the signal returns.

    python -m bench.sync --records 200 [--database postgresql://postgres@127.0.0.1:5432/anju_bench_sync]

Builds 屯留区's divisions, a township officer, one house per record in 渔泽镇's villages and, for
a quarter of the records, a case under way on that house. The queue holds inspections (three in
four) and patrols (one in four), each with one photo as the phone sends it (1600 px JPEG, a
different picture each); one record in ten is sent twice, as after a dropped connection. The
records are posted one at a time, in order, to /field/sync/ through Django's test client (the
whole request: session, CSRF, multipart parsing, the app's service with its photo checks and
audit rows, the idempotency row). Prints per-record p50/p95, the whole queue's time, the repeated
sends' p50, and the rows written (each record exactly once). The last line is one JSON object. The
database named is dropped and recreated (PostgreSQL) or a temporary SQLite file is used.
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
import uuid
from typing import Any

from bench.migrated import migrated_database

VILLAGES = ("140405102201", "140405102202")


def _setup(database: str | None) -> str:
    if database:
        import psycopg

        try:
            migrated_database(database)  # a copy of the migrated template (ADR 0052)
        except psycopg.OperationalError as exc:
            print(f"PostgreSQL does not answer at {database}: {str(exc).strip()[:120]}", file=sys.stderr)
            sys.exit(2)
        os.environ["DATABASE_URL"] = database
        backend = "postgresql"
    else:
        path = os.path.join(tempfile.mkdtemp(prefix="anju-bench-"), "bench.sqlite3")
        os.environ["DATABASE_URL"] = migrated_database(f"sqlite:///{path}")
        backend = "sqlite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings_test")
    os.environ["ANJU_TASKS_BACKEND"] = "immediate"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    settings.STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    setup_test_environment()
    call_command("migrate", verbosity=0)
    return backend


def _world(records: int) -> tuple[Any, list[Any], list[Any]]:
    """The officer, one house per record (located), and the cases under way for the patrols."""
    from decimal import Decimal
    from pathlib import Path

    from anju.accounts.models import User, UserRole
    from anju.appraisals.services import ensure_national_template
    from anju.cases.choices import Stage
    from anju.cases.models import RenovationCase
    from anju.cases.services import ensure_national_policy
    from anju.eligibility.services import ensure_national_rule_set
    from anju.households.idcard import check_digit
    from anju.households.services import house_create, household_create
    from anju.regions.models import Region
    from anju.regions.services import region_import

    operator = User.objects.create_user(username="bench_operator", password="x", is_superuser=True)
    data = Path("anju/regions/data/demo_regions.csv").read_bytes()
    region_import(data=data, filename="demo_regions.csv", acting_user=operator)
    ensure_national_template()
    ensure_national_rule_set()
    policy = ensure_national_policy()
    officer = User.objects.create_user(
        username="bench_township", password="x", region=Region.objects.get(code="140405102000")
    )
    UserRole.objects.create(user=officer, role="township_officer")
    villages = [Region.objects.get(code=c) for c in VILLAGES]
    houses, cases = [], []
    today = datetime.date.today()
    for i in range(records):
        first17 = f"140405{datetime.date(1950, 1, 1) + datetime.timedelta(days=i):%Y%m%d}{i % 999 + 1:03d}"
        village = villages[i % len(villages)]
        household = household_create(
            acting_user=operator, region=village, head_name=f"户主{i}", head_id_number=first17 + check_digit(first17)
        )
        house = house_create(
            acting_user=operator,
            household=household,
            structure="brick_wood",
            build_year=1980,
            seismic_intensity=7,
            latitude=Decimal("36.320000") + Decimal(i) / 10000,
            longitude=Decimal("112.880000"),
        )
        houses.append(house)
        if i % 4 == 3:
            cases.append(
                RenovationCase.objects.create(
                    household=household,
                    house=house,
                    region=village,
                    region_code=village.code,
                    programme="renovation",
                    year=today.year,
                    grade="D",
                    policy=policy,
                    stage=Stage.UNDER_WAY,
                    opened_on=today - datetime.timedelta(days=60),
                    started_on=today - datetime.timedelta(days=30),
                )
            )
    return officer, houses, cases


def _photo(seed: int) -> bytes:
    """A 1600×1200 JPEG as the phone sends it after downscaling, a different scene each time."""
    from PIL import Image

    rng = random.Random(seed)
    small = Image.new("RGB", (16, 12))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(16 * 12)])
    out = io.BytesIO()
    small.resize((1600, 1200), Image.Resampling.BICUBIC).save(out, "JPEG", quality=82)
    return out.getvalue()


def _queue(houses: list[Any], cases: list[Any]) -> list[dict[str, Any]]:
    """The records in the order they were made: each case's patrol follows its house's inspection."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    by_house = {c.house_id: c for c in cases}
    queue: list[dict[str, Any]] = []
    made = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=6)
    for n, house in enumerate(houses):
        case = by_house.get(house.pk)
        photo = SimpleUploadedFile(f"p{n}.jpg", _photo(n), content_type="image/jpeg")
        near = {"latitude": f"{house.latitude + 0:.6f}", "longitude": f"{house.longitude:.6f}"}
        if case is None:
            fields = {"house": house.pk, "suspected_grade": "BCD"[n % 3], "is_occupied": "1", "occupant_ages": "70 45"}
            fields |= near | {"gps_source": "device", "kind": "inspection"}
        else:
            fields = {"case": case.pk, "on": datetime.date.today().isoformat(), "findings": "墙体砌筑中，质量良好"}
            fields |= {"device_latitude": near["latitude"], "device_longitude": near["longitude"], "kind": "patrol"}
        fields |= {"key": str(uuid.uuid4()), "captured_at": (made + datetime.timedelta(minutes=n)).isoformat()}
        queue.append({"fields": fields, "photo": photo})
    return queue


def _post(client: Any, record: dict[str, Any], cpu: list[float] | None = None) -> tuple[float, int]:
    """Wall time of one send (ms); its CPU time too (the test client serves in this process), which
    a machine shared with other work does not inflate."""
    record["photo"].seek(0)
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.post("/field/sync/", {**record["fields"], "photos": [record["photo"]]})
    if cpu is not None:
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (time.perf_counter() - started) * 1000, response.status_code


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--database", default=None, help="a PostgreSQL URL; SQLite in a temporary file if omitted")
    args = parser.parse_args(argv)
    backend = _setup(args.database)
    from django.test import Client

    from anju.cases.models import CasePatrol
    from anju.field.models import SyncedRecord
    from anju.inspections.models import Inspection

    officer, houses, cases = _world(args.records)
    queue = _queue(houses, cases)
    client = Client()
    client.force_login(officer)
    latencies: list[float] = []
    cpu: list[float] = []
    repeats: list[float] = []
    started = time.perf_counter()
    for n, record in enumerate(queue):
        ms, status = _post(client, record, cpu)
        assert status == 201, (status, record["fields"])
        latencies.append(ms)
        if n % 10 == 9:  # the answer was lost: the phone sends the same record again
            ms, status = _post(client, record)
            assert status == 200, status
            repeats.append(ms)
    total = time.perf_counter() - started
    written = {
        "inspections": Inspection.objects.count(),
        "patrols": CasePatrol.objects.count(),
        "synced": SyncedRecord.objects.count(),
    }
    assert written["inspections"] + written["patrols"] == written["synced"] == args.records, written
    line = {
        "records": args.records,
        "backend": backend,
        "repeated_sends": len(repeats),
        "total_s": round(total, 2),
        "per_record_p50_ms": round(statistics.median(latencies), 1),
        "per_record_p95_ms": round(_p95(latencies), 1),
        "per_record_cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p50_first_quarter_ms": round(statistics.median(cpu[: max(1, len(cpu) // 4)]), 1),
        "cpu_p50_last_quarter_ms": round(statistics.median(cpu[-max(1, len(cpu) // 4) :]), 1),
        "repeat_p50_ms": round(statistics.median(repeats), 1) if repeats else 0.0,
        "records_per_s": round(args.records / total, 1),
        **{f"written_{k}": v for k, v in written.items()},
    }
    print(
        f"{args.records} records ({written['inspections']} inspections, {written['patrols']} patrols) on "
        f"{backend}: {total:.1f} s, p50 {line['per_record_p50_ms']} ms, p95 {line['per_record_p95_ms']} ms "
        f"(CPU p50 {line['per_record_cpu_p50_ms']} ms); "
        f"{len(repeats)} repeated sends answered in p50 {line['repeat_p50_ms']} ms, nothing written twice"
    )
    print(json.dumps(line))
    return line


if __name__ == "__main__":
    main()
