# Nuri — run `make help` for the list of targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the dependencies

run: $(STAMP) ## Migrate, load demo data and serve on http://127.0.0.1:$(PORT) (SQLite, eager tasks)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Nuri on http://127.0.0.1:$(PORT)/  (GraphQL: /graphql/, admin: /admin/ as admin@nuri.local / nuri-admin)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) ## Run the whole test suite (SQLite by default; DATABASE_URL for PostgreSQL)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check, ruff format --check, makemigrations --check, schema drift
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_schema

format: $(STAMP) ## Apply ruff fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: $(STAMP) ## Extract UI strings and fill/compile the English translation
	$(PY) manage.py makemessages -l en --ignore=".venv/*" --ignore="var/*" --ignore="bench/*" --ignore="tests/*"
	$(PY) manage.py translate_en

schema: $(STAMP) ## Regenerate schema.graphql from the code
	$(PY) manage.py graphql_schema

worker: $(STAMP) ## Run a Celery worker on CELERY_BROKER_URL
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 1; }
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: $(STAMP) ## Run Celery beat (periodic tasks) on CELERY_BROKER_URL
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 1; }
	$(VENV)/bin/celery -A config beat --loglevel=INFO

bench: $(STAMP) ## Measure against DESIGN.md's targets on var/bench.sqlite3 (seeds 100k products once)
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/bundle_builder_bench.py

bench-pg: $(STAMP) ## The same on PostgreSQL: database nuri_bench on 127.0.0.1:5432 (created if missing)
	BENCH_DB=postgres $(PY) bench/run.py $(BENCH_ARGS)
	BENCH_DB=postgres $(PY) bench/bundle_builder_bench.py

bench-checkout: $(STAMP) ## Checkout flow p50/p95 and checkouts/s on PostgreSQL (nuri_bench_checkout)
	$(PY) bench/checkout_bench.py $(BENCH_ARGS)

LOAD_STAMP := $(VENV)/.load-installed

$(LOAD_STAMP): $(STAMP) requirements-load.txt
	$(PY) -m pip install --quiet -r requirements-load.txt
	@touch $(LOAD_STAMP)

load: $(LOAD_STAMP) ## Load test: locust headless against gunicorn on PostgreSQL with the 100k catalog
	$(PY) bench/load/run_load.py

.PHONY: help venv run test lint format messages schema worker beat bench bench-pg bench-checkout load
