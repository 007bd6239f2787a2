"""Benchmark: importing a generated department list (xlsx) of N rows.

    python -m bench.import_list --rows 100000 [--database postgresql://postgres@127.0.0.1:5432/anju_bench]

Prints, in one run: anju's parse, preview and commit (rows/s); the ceiling (python-calamine
reading the file plus PostgreSQL COPY, or SQLite executemany, of the same rows into a bare
table); and django-import-export importing the same file into the same tables, in its default
mode and with use_bulk. The last line is one JSON object. The database named is dropped and
recreated (PostgreSQL) or a temporary SQLite file is used.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import resource
import sys
import tempfile
import time
from typing import Any

from bench.migrated import migrated_database


def _setup(database: str | None) -> str:
    if database:
        migrated_database(database)  # a copy of the migrated template (ADR 0052)
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

    settings.STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    call_command("migrate", verbosity=0)
    return backend


def _world() -> Any:
    from pathlib import Path

    from anju.accounts.models import User, UserRole
    from anju.regions.models import Region
    from anju.regions.services import region_import

    operator = User.objects.create_user(username="bench_operator", password="x", is_superuser=True)
    data = Path("anju/regions/data/demo_regions.csv").read_bytes()
    region_import(data=data, filename="demo_regions.csv", acting_user=operator)
    civil = User.objects.create_user(
        username="bench_civil", password="x", region=Region.objects.get(code="140405000000")
    )
    UserRole.objects.create(user=civil, role="civil_affairs")
    return civil


def _write_xlsx(path: str, rows: int, villages: list[tuple[str, str]]) -> None:
    import xlsxwriter

    from anju.households.idcard import check_digit

    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["屯留区农村低保对象花名册"])
    ws.write_row(1, 0, ["序号", "户主姓名", "身份证号码", "所在村", "区划代码", "认定时间"])
    start = datetime.date(1940, 1, 1)
    for i in range(rows):
        birth = start + datetime.timedelta(days=i // 999)
        first17 = f"140405{birth:%Y%m%d}{i % 999 + 1:03d}"
        name, code = villages[i % len(villages)]
        ws.write_row(i + 2, 0, [i + 1, f"户主{i}", first17 + check_digit(first17), name, code, "2023-03-15"])
    wb.close()


def _make_xlsx(rows: int) -> bytes:
    """The generated list, written by a child process so that its memory is not counted as anju's."""
    import multiprocessing

    from anju.regions.models import Region

    villages = list(Region.objects.filter(code__startswith="140405", level=5).values_list("name", "code"))
    path = os.path.join(tempfile.mkdtemp(prefix="anju-bench-"), "list.xlsx")
    child = multiprocessing.get_context("fork").Process(target=_write_xlsx, args=(path, rows, villages))
    child.start()
    child.join()
    assert child.exitcode == 0, child.exitcode
    with open(path, "rb") as f:
        return f.read()


def _ceiling(data: bytes, backend: str) -> float:
    """calamine read + the fastest bulk write the backend offers, into a bare 15-column table."""
    from django.db import connection
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[2:]
    cols = ", ".join(f"c{i} text" for i in range(15))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_ceiling ({cols})")
        padded = [[str(c) for c in r] + [""] * (15 - len(r)) for r in rows]
        if backend == "postgresql":
            raw = connection.connection
            with raw.cursor().copy("COPY bench_ceiling FROM STDIN") as copy:
                for r in padded:
                    copy.write_row(r)
            raw.commit()
        else:
            marks = ", ".join("?" for _ in range(15))
            connection.connection.executemany(f"INSERT INTO bench_ceiling VALUES ({marks})", padded)
            connection.connection.commit()
    return time.perf_counter() - started


def _ceiling_tables(data: bytes, backend: str, user: Any) -> float:
    """calamine + COPY (SQLite: executemany) of the same rows into anju's own tables, with their
    indexes and foreign keys: households, head members, statuses and one audit row per household.
    No validation, no comparison with the database: the floor for any importer of this model.
    ID numbers are moved to another county code so that they do not collide with anju's rows."""
    import json as json_

    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from anju.audit.models import AuditEvent
    from anju.households.idcard import check_digit
    from anju.households.models import Household, HouseholdStatus, Member
    from anju.regions.models import Region

    started = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[2:]
    villages = dict(Region.objects.filter(level=5).values_list("code", "pk"))
    now = timezone.now().isoformat()
    pg = backend == "postgresql"

    def ids(model: Any, n: int) -> list[int]:
        with connection.cursor() as cursor:
            if pg:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, n],
                )
                return [r[0] for r in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + n))

    def write(model: Any, columns: list[str], records: list[tuple[Any, ...]]) -> None:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if pg:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for r in records:
                        copy.write_row(r)
            else:
                marks = ", ".join("?" for _ in columns)
                connection.connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", records
                )

    with transaction.atomic():
        household_ids = ids(Household, len(rows))
        status_ids = ids(HouseholdStatus, len(rows))
        households, members, statuses, audits = [], [], [], []
        for pk, sid, (_, name, number, _village, code, certified) in zip(household_ids, status_ids, rows, strict=True):
            first17 = "140406" + str(number)[6:17]
            number = first17 + check_digit(first17)
            birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            sex = "M" if int(number[16]) % 2 else "F"
            households.append(
                (pk, villages[str(code)], code, "", "", name, number, sex, birth, "", "", "", "dibao", now, now)
            )
            members.append((pk, name, number, "head", sex, birth))
            statuses.append((sid, pk, "dibao", "civil_affairs", "", str(certified), "ceiling", now))
            changes = json_.dumps({"head_name": {"before": None, "after": name}}, ensure_ascii=False)
            audits.append(
                (
                    now,
                    user.pk,
                    user.username,
                    "",
                    "",
                    "create",
                    "households.household",
                    str(pk),
                    name,
                    code,
                    changes,
                    "",
                )
            )
        write(
            Household,
            [
                "id",
                "region_id",
                "region_code",
                "group_name",
                "address",
                "head_name",
                "head_id_number",
                "head_sex",
                "head_birth_date",
                "phone",
                "bank_name",
                "bank_account",
                "primary_group",
                "created_at",
                "updated_at",
            ],
            households,
        )
        write(Member, ["household_id", "name", "id_number", "relation", "sex", "birth_date"], members)
        write(
            HouseholdStatus,
            ["id", "household_id", '"group"', "department", "certifying_body", "certified_on", "source", "created_at"],
            statuses,
        )
        write(
            AuditEvent,
            [
                "at",
                "actor_id",
                "actor_username",
                "channel",
                "request_id",
                "action",
                "object_type",
                "object_id",
                "object_repr",
                "region_code",
                "changes",
                "note",
            ],
            audits,
        )
    return time.perf_counter() - started


def _import_export(data: bytes, use_bulk: bool, limit: int | None) -> tuple[float, int]:
    """django-import-export importing the same rows into Household (default mode or use_bulk)."""
    import tablib
    from import_export import fields, resources, widgets

    from anju.households.idcard import parse_id_number
    from anju.households.models import Household
    from anju.regions.models import Region

    villages = {r.code: r for r in Region.objects.filter(level=5)}

    class HouseholdResource(resources.ModelResource):
        head_name = fields.Field(attribute="head_name", column_name="户主姓名")
        head_id_number = fields.Field(attribute="head_id_number", column_name="身份证号码")
        village = fields.Field(column_name="所在村", widget=widgets.CharWidget())

        class Meta:
            model = Household
            import_id_fields = ("head_id_number",)
            fields = ("head_name", "head_id_number")
            use_bulk = False
            batch_size = 1000

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            info = parse_id_number(instance.head_id_number)
            village = villages[row["区划代码"]]
            instance.region = village
            instance.region_code = village.code
            instance.head_sex = info.sex
            instance.head_birth_date = info.birth_date

        def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            super().import_instance(instance, row, **kwargs)
            if use_bulk:
                self.before_save_instance(instance, row)

    HouseholdResource._meta.use_bulk = use_bulk
    _empty_households()
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[1:]
    body = [[str(c) for c in r] for r in rows[1:]]
    if limit:
        body = body[:limit]
    dataset = tablib.Dataset(*body, headers=[str(h) for h in rows[0]])
    result = HouseholdResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors()
    return elapsed, len(body)


def _empty_households() -> None:
    """Remove the households anju's run imported, with what refers to them first: eligibility
    decisions and circumstances protect their household (a plain delete of the households
    stopped here with a ProtectedError listing every one of them)."""
    from django.db import transaction

    from anju.eligibility.models import Circumstance, Decision
    from anju.households.models import Household, HouseholdStatus, Member, SupportRecord

    with transaction.atomic():
        for model in (Decision, Circumstance, SupportRecord, HouseholdStatus, Member, Household):
            model.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", help="PostgreSQL URL of a scratch database (dropped and recreated)")
    parser.add_argument(
        "--import-export-rows",
        type=int,
        default=None,
        help="rows for django-import-export's default mode (default: all; it is slow)",
    )
    parser.add_argument("--anju-only", action="store_true", help="skip django-import-export (quick runs while tuning)")
    args = parser.parse_args()
    backend = _setup(args.database)
    from anju.households.listimport import list_import_commit, list_import_preview
    from anju.households.listparse import ListReader

    civil = _world()
    data = _make_xlsx(args.rows)
    # The commit's eligibility refresh runs in its job at once (immediate backend); time it apart.
    from anju.eligibility import services as eligibility

    eligibility_s = [0.0]
    refresh_set = eligibility.decisions_refresh_set

    def timed_refresh(**kwargs: Any) -> int:
        t0 = time.perf_counter()
        try:
            return refresh_set(**kwargs)
        finally:
            eligibility_s[0] += time.perf_counter() - t0

    eligibility.decisions_refresh_set = timed_refresh
    print(f"{backend}: {args.rows} rows, {len(data) / 1e6:.1f} MB xlsx", file=sys.stderr)

    t = time.perf_counter()
    parsed_rows = sum(1 for _ in ListReader(data, "bench.xlsx"))  # streamed, as the preview reads it
    assert parsed_rows == args.rows, parsed_rows
    parse_s = time.perf_counter() - t
    t = time.perf_counter()
    record = list_import_preview(
        acting_user=civil, data=data, filename="bench.xlsx", department="civil_affairs", group="dibao"
    )
    preview_s = time.perf_counter() - t
    assert record.counts["new_households"] == args.rows, record.counts
    t = time.perf_counter()
    if os.environ.get("ANJU_BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(list_import_commit, acting_user=civil, list_import=record)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    elif os.environ.get("ANJU_BENCH_SQL"):
        from django.db import connection

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                print(f"  {time.perf_counter() - t0:7.3f} s  {sql[:110]}", file=sys.stderr)

        with connection.execute_wrapper(timed):
            list_import_commit(acting_user=civil, list_import=record)
    else:
        list_import_commit(acting_user=civil, list_import=record)
    commit_s = time.perf_counter() - t
    anju_s = preview_s + commit_s
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # anju's peak, before the ceilings run
    ceiling_s = _ceiling(data, backend)
    tables_s = _ceiling_tables(data, backend, civil)

    if args.anju_only:
        ie_s, ie_rows, ie_full_s, ie_bulk_s = float("nan"), args.rows, float("nan"), float("nan")
    else:
        ie_s, ie_rows = _import_export(data, use_bulk=False, limit=args.import_export_rows)
        ie_full_s = ie_s * args.rows / ie_rows
        ie_bulk_s, _ = _import_export(data, use_bulk=True, limit=None)

    def rate(seconds: float, rows: int = args.rows) -> str:
        return f"{rows / seconds:,.0f} rows/s"

    print(f"parse            {parse_s:8.2f} s  {rate(parse_s)}")
    print(f"preview          {preview_s:8.2f} s  {rate(preview_s)}  (parse + diff against the database)")
    print(
        f"commit           {commit_s:8.2f} s  {rate(commit_s)}  (eligibility of the new households {eligibility_s[0]:.2f} s)"
    )
    print(f"anju end-to-end  {anju_s:8.2f} s  {rate(anju_s)}")
    print(
        f"ceiling          {ceiling_s:8.2f} s  {rate(ceiling_s)}  (calamine + {'COPY' if backend == 'postgresql' else 'executemany'})"
    )
    print(f"ceiling, anju's tables {tables_s:5.2f} s  {rate(tables_s)}  (calamine + bulk write into the real tables)")
    print(
        f"import-export    {ie_full_s:8.2f} s  {rate(ie_s, ie_rows)}  (default mode{'' if ie_rows == args.rows else f', {ie_rows} rows measured, time scaled'})"
    )
    print(f"import-export bulk {ie_bulk_s:6.2f} s  {rate(ie_bulk_s)}")
    print(
        f"anju / ceiling {anju_s / ceiling_s:.1f}× (anju's tables {anju_s / tables_s:.1f}×); import-export / anju {ie_full_s / anju_s:.1f}×; bulk / anju {ie_bulk_s / anju_s:.1f}×; peak RSS {peak_mb:.0f} MB"
    )
    print(
        f"import with eligibility / bare COPY {anju_s / ceiling_s:.1f}× (eligibility alone {eligibility_s[0] / ceiling_s:.1f}×)"
    )
    print(
        json.dumps(
            {
                "rows": args.rows,
                "eligibility_s": round(eligibility_s[0], 3),
                "anju_over_copy": round(anju_s / ceiling_s, 2),
                "backend": backend,
                "parse_s": round(parse_s, 3),
                "preview_s": round(preview_s, 3),
                "commit_s": round(commit_s, 3),
                "anju_s": round(anju_s, 3),
                "ceiling_s": round(ceiling_s, 3),
                "ceiling_tables_s": round(tables_s, 3),
                "import_export_s": round(ie_full_s, 3),
                "import_export_rows_measured": ie_rows,
                "import_export_bulk_s": round(ie_bulk_s, 3),
                "peak_rss_mb": round(peak_mb, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
