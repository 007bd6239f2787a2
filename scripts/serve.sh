#!/usr/bin/env bash
# `make serve`: anju in production on this machine — checks the settings, collects the static
# files, migrates, then runs the web server (granian, one worker per CPU) and the job worker
# under one supervisor (honcho). Ctrl+C or SIGTERM stops both. docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export HOST=${1:-${HOST:-127.0.0.1}} PORT=${2:-${PORT:-8000}}
unset DJANGO_DEBUG
PY=.venv/bin/python
$PY manage.py preflight
$PY manage.py collectstatic --noinput -v 0
$PY manage.py migrate --noinput -v 0
# Metrics from every web process add up at /metrics (prometheus_client's multiprocess mode).
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-${ANJU_VAR_DIR:-var}/prometheus}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
export ANJU_WEB_WORKERS=${ANJU_WEB_WORKERS:-$(nproc 2>/dev/null || echo 2)}
echo "anju 生产模式: http://$HOST:$PORT/ (web 进程 $ANJU_WEB_WORKERS 个 + 后台任务进程 1 个; 就绪检查 /readyz)"
exec .venv/bin/honcho --no-colour -f Procfile start
