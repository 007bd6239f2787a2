"""A worker killed with -9 in the middle of a department-list import (issue 21).

Real processes on one SQLite file, as `make serve` runs them: a worker previews a generated list
of several thousand households, the civil-affairs officer confirms it, and the worker is killed
with SIGKILL while it writes. What a user then finds: nothing half-written (no household of the
list, the list still 待确认), the job not left "running" for ever but failed by the next worker
with the reason, and the same list imported again to the end, each household once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.migrated import migrated_database

ROOT = Path(__file__).resolve().parents[2]
ROWS = 40000

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="kill -9 of a child process is tested on Linux")

SETUP = f"""
import datetime, io
import xlsxwriter
from pathlib import Path
from anju.accounts.models import User, UserRole
from anju.households.idcard import check_digit
from anju.households.importjobs import start_list_preview
from anju.regions.models import Region
from anju.regions.services import region_import

operator = User.objects.create_user(username="operator", password="x", is_superuser=True)
region_import(data=Path("anju/regions/data/demo_regions.csv").read_bytes(), filename="r.csv", acting_user=operator)
civil = User.objects.create_user(username="civil", password="x", region=Region.objects.get(code="140405000000"))
UserRole.objects.create(user=civil, role="civil_affairs")
villages = list(Region.objects.filter(code__startswith="140405", level=5).values_list("name", "code"))
out = io.BytesIO()
wb = xlsxwriter.Workbook(out, {{"in_memory": True}})
ws = wb.add_worksheet()
ws.write_row(0, 0, ["序号", "户主姓名", "身份证号码", "所在村", "区划代码", "认定时间"])
for i in range({ROWS}):
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=i // 999)
    first17 = f"140405{{birth:%Y%m%d}}{{i % 999 + 1:03d}}"
    name, code = villages[i % len(villages)]
    ws.write_row(i + 1, 0, [i + 1, f"户主{{i}}", first17 + check_digit(first17), name, code, "2023-03-15"])
wb.close()
start_list_preview(acting_user=civil, filename="低保名单.xlsx", data=out.getvalue(), department="civil_affairs",
                   group="dibao", list_date=datetime.date(2026, 11, 30))
"""

CONFIRM = """
from anju.accounts.models import User
from anju.households.importjobs import start_list_commit
from anju.households.models import ListImport
start_list_commit(acting_user=User.objects.get(username="civil"), record=ListImport.objects.get())
"""


def _poll(db: Path, sql: str, until: Callable[[Any], bool], seconds: float = 120, params: tuple[Any, ...] = ()) -> Any:
    deadline = time.monotonic() + seconds
    value = None
    while time.monotonic() < deadline:
        with sqlite3.connect(db, timeout=20) as conn:
            value = conn.execute(sql, params).fetchone()
        if value is not None and until(value):
            return value
        time.sleep(0.05)
    return value


def _writing(db: Path) -> bool:
    """Whether another connection holds the database's write lock (a write transaction is open)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _one(db: Path, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql, params).fetchone()


def test_a_worker_killed_during_a_list_import_leaves_nothing_half_written_and_the_import_re_runs(
    tmp_path: Path,
) -> None:
    db = tmp_path / "anju.sqlite3"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_ALLOW_INSECURE_KEY": "1",
        "ANJU_TASKS_BACKEND": "database",
        "ANJU_JOB_HEARTBEAT_SECONDS": "1",
        "ANJU_VAR_DIR": str(tmp_path),
        "ANJU_MEDIA_ROOT": str(tmp_path / "media"),
        "ANJU_LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]

    def shell(code: str) -> None:
        subprocess.run(
            [*manage, "shell", "--no-imports", "-c", code], env=env, cwd=ROOT, check=True, capture_output=True
        )

    def worker() -> subprocess.Popen[bytes]:
        log = (tmp_path / "worker.log").open("ab")
        return subprocess.Popen(
            [*manage, "worker", "-v0", "--interval", "0.1"], env=env, cwd=ROOT, stdout=log, stderr=log
        )

    migrated_database(f"sqlite:///{db}")
    shell(SETUP)
    first = worker()
    try:
        previewed = _poll(db, "SELECT status FROM households_listimport", lambda row: row[0] == "previewed")
        assert previewed == ("previewed",), "the preview never finished"
        shell(CONFIRM)
        running = _poll(
            db,
            "SELECT status, id FROM jobs_job WHERE kind = 'households.list_commit'",
            lambda row: row[0] == "running",
        )
        assert running is not None and running[0] == "running", running
        # Killed inside the commit's one transaction: while the worker holds the write lock.
        deadline = time.monotonic() + 30
        while not _writing(db) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    commit_job = running[1]

    # Nothing of the list is written and the list can still be confirmed.
    assert _one(db, "SELECT status FROM households_listimport") == ("previewed",)
    assert _one(db, "SELECT COUNT(*) FROM households_household") == (0,)
    assert _one(db, "SELECT status FROM jobs_job WHERE id = ?", (commit_job,)) == ("running",)

    second = worker()
    try:
        failed = _poll(
            db,
            "SELECT status, message FROM jobs_job WHERE id = ?",
            lambda row: row[0] == "failed",
            params=(commit_job,),
        )
        assert failed is not None and failed[0] == "failed" and "意外退出" in failed[1], failed
        # The officer confirms the same list again: it runs to the end, each household once.
        shell(CONFIRM)
        done = _poll(db, "SELECT status FROM households_listimport", lambda row: row[0] == "committed", seconds=300)
        assert done == ("committed",)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    assert _one(db, "SELECT COUNT(*), COUNT(DISTINCT head_id_number) FROM households_household") == (ROWS, ROWS)
