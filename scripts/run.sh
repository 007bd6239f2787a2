#!/usr/bin/env bash
# Serve the demo: the job worker in the background, Django's server in front.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-8000}
export DJANGO_DEBUG=1
.venv/bin/python manage.py demo_logins --url "http://$host:$port/"
.venv/bin/python manage.py worker --queue-name default >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "后台任务进程已启动 (pid $worker, 日志 var/worker.log)"
.venv/bin/python manage.py runserver "$host:$port" --noreload
