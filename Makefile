# anju — the two commands a newcomer types: `make run` and `make test`.
# Everything is installed from its registry into this directory (.venv, node_modules).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint fmt check migrate demo serve clean bench-import help

help:
	@echo "make run   — set up, load demo data (屯留区, 彭水县) and serve http://$(HOST):$(PORT)"
	@echo "make test  — set up and run the whole suite on SQLite and, if it answers, PostgreSQL"
	@echo "make lint  — ruff and mypy"
	@echo "make serve — production: granian + job worker, DEBUG off (needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS)"

$(VENV)/.stamp-deps: requirements/lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "anju needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	touch $@

node_modules/.stamp-npm: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

anju/static/vendor/.stamp-assets: node_modules/.stamp-npm scripts/vendor_assets.sh
	bash scripts/vendor_assets.sh
	touch $@

setup: $(VENV)/.stamp-deps anju/static/vendor/.stamp-assets

migrate: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v 0

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py load_demo

run: demo
	@bash scripts/run.sh $(HOST) $(PORT)

# Production on this machine (issue 21, docs/operations.md): needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS (DATABASE_URL for PostgreSQL); refuses to start without them.
serve: setup
	@bash scripts/serve.sh $(HOST) $(PORT)

test: setup
	@bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache --no-logo

fmt: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-import: setup  # by hand; see docs/performance.md
	$(PY) -m bench.import_list --rows 100000

clean:
	rm -rf $(VENV) node_modules anju/static/vendor static_root var
