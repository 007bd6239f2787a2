#!/usr/bin/env bash
# `make test`: lint, the whole suite on SQLite and, when it answers, on PostgreSQL, and the browser
# tests once (on SQLite). Prints which backends ran and why one was skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=anju.settings_test
PG_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/anju_test}
unset DATABASE_URL
results=()
failed=0

# Two cores, four jobs: the static checks (one core, mostly mypy) and the browser tests (one
# worker, mostly waiting on Chromium and its pages) run beside the SQLite suite and then the
# PostgreSQL suite. Each background job writes its own log, printed whole when it ends, so the
# output reads in order.
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
lint() {
  .venv/bin/ruff check --quiet . && .venv/bin/ruff format --check --quiet . && .venv/bin/mypy --no-error-summary \
    && .venv/bin/lint-imports --no-cache --no-logo && $PY manage.py makemigrations --check --dry-run >/dev/null
}
lint >"$LOGS/lint" 2>&1 &
lint_pid=$!
# The browser tests exercise the pages, not the database: they run once, on SQLite.
.venv/bin/pytest -q -m browser -p no:xdist >"$LOGS/browser" 2>&1 &
browser_pid=$!

echo "== SQLite: the whole suite but the browser tests"
# Two workers, as CI has two cores; each worker has its own test database.
if .venv/bin/pytest -q -p xdist -n 2 -m "not browser"; then
  results+=("SQLite: passed")
else
  results+=("SQLite: FAILED")
  failed=1
fi

echo "== 静态检查: ruff, mypy, import layers, migrations"
if wait $lint_pid; then
  results+=("lint: passed")
else
  results+=("lint: FAILED")
  failed=1
fi
cat "$LOGS/lint"

echo "== PostgreSQL ($PG_URL)"
pg_reason=$(PG_URL="$PG_URL" $PY - <<'PY'
import os
import sys
from urllib.parse import urlparse

try:
    import psycopg
    from psycopg import sql
except ImportError as exc:  # pragma: no cover
    print(f"psycopg is not installed: {exc}")
    sys.exit(0)
url = urlparse(os.environ["PG_URL"])
name = url.path.lstrip("/") or "anju_test"
admin = url._replace(path="/postgres").geturl()
try:
    with psycopg.connect(admin, connect_timeout=3, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
except Exception as exc:
    print(f"no PostgreSQL server answers at {url.hostname}:{url.port or 5432} ({type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''})")
PY
)
if [ -n "$pg_reason" ]; then
  echo "PostgreSQL skipped: $pg_reason"
  results+=("PostgreSQL: skipped — $pg_reason")
else
  # Only the tests that touch a database (conftest.py): the others behave the same on either
  # engine and ran in the SQLite suite (about 200 of them, the benchmarks' smoke runs included).
  echo "(only the tests that touch a database; the others ran in the SQLite suite)"
  if ANJU_TESTS_DB_ONLY=1 DATABASE_URL="$PG_URL" .venv/bin/pytest -q -m "not browser" -p xdist -n 2; then
    results+=("PostgreSQL: passed (the tests that touch a database; browser tests ran on SQLite only)")
  else
    results+=("PostgreSQL: FAILED")
    failed=1
  fi
fi

echo "== SQLite: the browser tests (headless Chromium)"
if wait $browser_pid; then
  results+=("browser (SQLite): passed")
else
  results+=("browser (SQLite): FAILED")
  failed=1
fi
cat "$LOGS/browser"

echo
echo "== 测试结果"
for line in "${results[@]}"; do echo "  $line"; done
exit $failed
