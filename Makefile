# Two commands: `make run` sets everything up and serves the site on SQLite;
# `make test` sets everything up and runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The development server runs with DEBUG on unless the environment says otherwise.
export DEBUG ?= True

# Django 6.1 needs Python 3.12 or newer: look on PATH, then in pyenv's versions folder.
# A pyenv shim on PATH may exist without working (version not selected), so each
# candidate must actually run.
PYTHON_FOR_VENV := $(shell for candidate in $$(command -v python3.13 python3.12 2>/dev/null) \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[3-9]*/bin/python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 2>/dev/null | sort -rV); do \
	"$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo "$$candidate" && break; \
	done)

.PHONY: help venv setup run serve test test-fast lint format migrations-check messages benchmark benchmark-pages benchmark-load benchmark-admin-import restore-check mutation clean chromium

help:
	@echo "make run        set up (virtualenv, migrations, data, translations, static) and serve on http://$(HOST):$(PORT)/"
	@echo "make serve      set up and run the production stack locally: gunicorn ($(WORKERS) workers) and a task worker, DEBUG off"
	@echo "make test       set up and run the whole test suite (browser tests included)"
	@echo "make lint       ruff check, ruff format --check, missing-migrations check, import layers (lint-imports)"
	@echo "make restore-check  dump a populated PostgreSQL database (DATABASE_URL's server) with pg_dump -Fc, restore it, compare"
	@echo "make benchmark  run benchmarks/import_usage.py on the database DATABASE_URL names"
	@echo "make benchmark-load   the production stack under 10 and 50 concurrent clients (JSON lines)"
	@echo "make benchmark-pages  statistics and county pages on a demo-sized and a national table (DATABASE_URL's server)"
	@echo "make mutation   mutation test of the rule modules (mutmut, SQLite): score per module, survivors listed"
	@echo "make benchmark-admin-import  a million-row file through the admin: upload, background check, confirm, import (PostgreSQL)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "error: Python 3.12 or 3.13 is needed (Django 6.1 requires it) and neither was found."; \
		echo "Install one, e.g. 'pyenv install 3.13' or 'apt-get install python3.13 python3.13-venv', and run make again."; \
		exit 1; fi
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); fi
	@[ -x $(PY) ] || "$(PYTHON_FOR_VENV)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

messages: venv
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0

setup: venv messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo
	$(MANAGE) collectstatic --noinput --verbosity 0

run: setup
	$(MANAGE) runserver $(HOST):$(PORT)

# The production stack on loopback (README, "Deploying behind gunicorn with PostgreSQL"):
# 2 x cores + 1 sync workers, no control socket (several gunicorns may share a host), one
# task worker for the background imports, DEBUG off with a SECRET_KEY made for this run.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
serve: setup
	@export DEBUG=False SECURE_SSL_REDIRECT=False ALLOWED_HOSTS="$(HOST),localhost" \
		SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')}"; \
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn omaolo_portal.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--no-control-socket --timeout 120 --access-logfile -

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# PYTEST_ARGS narrows a run, e.g. CI's PostgreSQL pass leaves the browser tests to the SQLite pass.
PYTEST_ARGS ?=
test: venv messages chromium
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: venv messages
	$(PY) -m pytest -m "not e2e"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	PYTHONPATH=. $(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

benchmark: venv
	$(PY) benchmarks/import_usage.py

# Statistics, county, comparison, adoption, declining and export pages and the API on a demo-sized and a national table (1.9 million rows).
benchmark-pages: venv
	$(PY) benchmarks/statistics_pages.py

# The production stack on loopback under 10 and 50 concurrent clients for 60 s each.
benchmark-load: venv
	$(PY) benchmarks/load.py

# A million-row file through the admin over HTTP: gunicorn and one task worker on a throwaway
# PostgreSQL database (DATABASE_URL's server), next to import_usage and the COPY limit.
benchmark-admin-import: venv messages
	$(PY) benchmarks/admin_import.py

# docs/operations.md's backup and restore, proven: a populated database dumped with pg_dump's custom
# format, restored with pg_restore into a fresh one, every table compared. Needs DATABASE_URL=postgres://…
restore-check: venv messages
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) echo "error: set DATABASE_URL=postgres://… (the check runs on PostgreSQL)"; exit 1;; esac
	$(PY) -m pytest tests/test_backup_restore.py -q -rs

# A bounded mutation test of the rule modules (pyproject.toml [tool.mutmut], docs/mutation.md):
# a fresh mutants/ each run, MUTATION_CHILDREN forked children, SQLite, then the score per module.
MUTATION_CHILDREN ?= 2
mutation: venv messages
	rm -rf mutants
	@start=$$(date +%s); \
	env -u DATABASE_URL $(VENV)/bin/mutmut run --max-children $(MUTATION_CHILDREN) > mutation.log 2>&1; status=$$?; \
	rm -f mutants/.test-db-*.sqlite3*; \
	if [ $$status -ne 0 ]; then tail -40 mutation.log; exit $$status; fi; \
	$(PY) tests/mutation_report.py; \
	echo "run time: $$(( $$(date +%s) - start )) s (log in mutation.log)"

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
	find locale -name '*.mo' -delete
