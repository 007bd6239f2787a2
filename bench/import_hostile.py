"""Benchmark: the bounded reader (ADR 0022) on a real list and on a zip bomb.

    python -m bench.import_hostile --rows 300000 --bomb-mb 1500 [--unguarded-mb 200]
        [--database postgresql://postgres@127.0.0.1:5432/anju_bench]

Each case runs in its own forked process, so that its peak memory is its own:

- **list**: a generated xlsx list of N rows (bench.import_list's file) previewed and committed
  under the job's memory limit, as the worker runs it; the pre-parse scan alone is timed too;
- **bomb**: an xlsx whose sheet is one inline-string cell of M MB of "A" (the probe's 1.5 GB
  cell in a 1.5 MB file), given to the list preview;
- **unguarded** (optional): calamine opening a smaller bomb directly, without the scan: what
  the worker did before (the 1.5 GB one took it past 12 GB; do not run that on a shared host).

Prints time, peak RSS growth (``ru_maxrss``), peak address-space growth (``VmPeak``) and the
Python heap peak (``tracemalloc``) for each; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import resource
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any


def _vm_peak_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmPeak:"):
                return int(line.split()[1])
    return 0


def _measure(fn: Callable[[], dict[str, Any]], *, trace: bool = True) -> dict[str, Any]:
    """Run ``fn`` in a forked child; its time and memory growth over what it started with.
    ``trace`` adds the Python heap peak (tracemalloc slows Python code several times)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()

    def run() -> None:
        rss0, vm0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, _vm_peak_kb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            out = fn()
        except Exception as exc:  # reported, not raised: the figure is what matters
            out = {"error": f"{type(exc).__name__}: {exc}"}
        out["seconds"] = round(time.perf_counter() - started, 2)
        if trace:
            out["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        out["rss_growth_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024, 1)
        out["vm_growth_mb"] = round((_vm_peak_kb() - vm0) / 1024, 1)
        child.send(out)

    process = ctx.Process(target=run)
    process.start()
    result: dict[str, Any] = parent.recv() if parent.poll(3600) else {"error": "no answer"}
    process.join()
    if process.exitcode:
        result["exitcode"] = process.exitcode
    return result


def _bomb(megabytes: int) -> bytes:
    """A workbook whose sheet is one inline-string cell of ``megabytes`` MB, built as a stream."""
    import xlsxwriter

    base = io.BytesIO()
    workbook = xlsxwriter.Workbook(base, {"in_memory": True})
    workbook.add_worksheet("名单").write_row(0, 0, ["户主姓名", "身份证号"])
    workbook.close()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            )
            block = b"A" * (1 << 20)
            for _ in range(megabytes):
                sheet.write(block)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--bomb-mb", type=int, default=1500)
    parser.add_argument("--unguarded-mb", type=int, default=0, help="also let calamine open a bomb of this size")
    parser.add_argument("--database", help="PostgreSQL URL of a scratch database (dropped and recreated)")
    args = parser.parse_args()

    from bench.import_list import _make_xlsx, _setup, _world

    backend = _setup(args.database)
    import anju.households.listimport as listimport
    from anju.core.memlimit import memory_limit
    from anju.core.tabular import _scan_zip, limits
    from anju.households.handlers import import_memory_limit_mb
    from anju.households.listimport import list_import_commit, list_import_preview

    # The eligibility refresh a commit triggers is a job of its own in production (the
    # benchmark's tasks run immediately, in-process): it is not the import's cost.
    listimport.facts_changed = lambda **kwargs: None  # type: ignore[attr-defined]  # patched where listimport looks it up (it is imported there, not re-exported)
    civil = _world()
    data = _make_xlsx(args.rows)
    bomb = _bomb(args.bomb_mb)
    print(
        f"{backend}: list {args.rows} rows, {len(data) / 1e6:.1f} MB; bomb {args.bomb_mb} MB cell in "
        f"{len(bomb) / 1e6:.2f} MB; memory limit {import_memory_limit_mb()} MB",
        file=sys.stderr,
    )

    def scan() -> dict[str, Any]:
        _scan_zip(data, limits())
        return {}

    def import_list() -> dict[str, Any]:
        with memory_limit(import_memory_limit_mb()):
            t = time.perf_counter()
            record = list_import_preview(
                acting_user=civil, data=data, filename="bench.xlsx", department="civil_affairs", group="dibao"
            )
            preview_s = time.perf_counter() - t
            assert record.counts["new_households"] == args.rows, (record.error, record.counts)
            list_import_commit(acting_user=civil, list_import=record)
        return {"preview_s": round(preview_s, 2)}

    def import_bomb() -> dict[str, Any]:
        with memory_limit(import_memory_limit_mb()):
            record = list_import_preview(
                acting_user=civil, data=bomb, filename="bomb.xlsx", department="civil_affairs", group="dibao"
            )
        return {"status": record.status, "error": record.error}

    results = {
        "scan": _measure(scan, trace=False),
        "list": _measure(import_list, trace=False),
        "bomb": _measure(import_bomb),
    }
    if args.unguarded_mb:
        small = _bomb(args.unguarded_mb)

        def unguarded() -> dict[str, Any]:
            from python_calamine import CalamineWorkbook

            rows = CalamineWorkbook.from_filelike(io.BytesIO(small)).get_sheet_by_index(0).to_python()
            return {"cell_mb": round(len(str(rows[0][0])) / 2**20)}

        results["unguarded"] = _measure(unguarded)

    for name, r in results.items():
        print(
            f"{name:10} {r.get('seconds', float('nan')):8.2f} s  RSS +{r.get('rss_growth_mb', 0):7.1f} MB  "
            f"VM +{r.get('vm_growth_mb', 0):7.1f} MB  Python peak {r.get('python_peak_mb', float('nan')):7.1f} MB  "
            f"{r.get('error') or r.get('preview_s') or ''}"
        )
    print(
        json.dumps(
            {"rows": args.rows, "bomb_mb": args.bomb_mb, "bomb_file_mb": round(len(bomb) / 1e6, 2), "backend": backend}
            | results,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
