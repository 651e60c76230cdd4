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

.PHONY: help venv setup run serve nginx benchmark-abuse test test-fast lint format migrations-check messages benchmark benchmark-pages benchmark-load benchmark-admin-import benchmark-plans benchmark-routing restore-check mutation clean chromium

help:
	@echo "make run        set up (virtualenv, migrations, data, translations, static) and serve on http://$(HOST):$(PORT)/ with a task worker"
	@echo "make serve      set up and run the production stack locally: nginx, gunicorn ($(WORKERS) workers) and a task worker, DEBUG off"
	@echo "make test       set up and run the whole test suite (browser tests included)"
	@echo "make lint       ruff check, ruff format --check, missing-migrations check, import layers (lint-imports)"
	@echo "make restore-check  dump a populated PostgreSQL database (DATABASE_URL's server) with pg_dump -Fc, restore it, compare"
	@echo "make benchmark  run benchmarks/import_usage.py on the database DATABASE_URL names"
	@echo "make benchmark-routing  /api/routes, /api/units and the route check on the demo and at national size"
	@echo "make benchmark-load   the production stack under 10 and 50 concurrent clients (JSON lines)"
	@echo "make benchmark-pages  statistics and county pages on a demo-sized and a national table (DATABASE_URL's server)"
	@echo "make benchmark-abuse  the production stack under an export flood, slow clients, a cache flood and an import flood"
	@echo "make mutation   mutation test of the rule modules (mutmut, SQLite): score per module, survivors listed"
	@echo "make benchmark-plans  a plan of 100 tasks: its pages, feed and reschedule, and a county timeline of 20 plans"
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

# The development server and a task worker (the admin's imports run in it), both stopped by one Ctrl-C.
run: setup
	$(PY) -m omaolo_portal.run_site --host $(HOST) --port $(PORT)

# The production stack on loopback (README, "Deploying behind gunicorn with PostgreSQL";
# docs/deployment.md): nginx on HOST:PORT buffers every request and response, so
# slow clients hold nginx's connections, never a worker; behind it 2 x cores + 1 gunicorn
# sync workers on a unix socket, each replaced after about GUNICORN_MAX_REQUESTS requests
# (jittered, so they do not restart together), no control socket (several gunicorns may
# share a host); one task worker for the background imports; DEBUG off with a SECRET_KEY
# made for this run.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
GUNICORN_MAX_REQUESTS ?= 1000
GUNICORN_MAX_REQUESTS_JITTER ?= 100
REQUEST_BODY_MAX_MB ?= 80
SERVE_DIR ?= $(CURDIR)/.serve
NGINX ?= $(shell command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
GUNICORN_FLAGS = --workers $(WORKERS) --no-control-socket --timeout 120 \
	--max-requests $(GUNICORN_MAX_REQUESTS) --max-requests-jitter $(GUNICORN_MAX_REQUESTS_JITTER)
serve: setup nginx
	@mkdir -p $(SERVE_DIR)
	@sed -e 's|@RUN_DIR@|$(SERVE_DIR)|g' -e 's|@LISTEN@|$(HOST):$(PORT)|g' \
		-e 's|@UPSTREAM@|unix:$(SERVE_DIR)/gunicorn.sock|g' -e 's|@MAX_BODY_MB@|$(REQUEST_BODY_MAX_MB)|g' \
		deploy/nginx.conf > $(SERVE_DIR)/nginx.conf
	@export DEBUG=False SECURE_SSL_REDIRECT=False ALLOWED_HOSTS="$(HOST),localhost" TRUSTED_PROXY_COUNT=1 \
		REQUEST_BODY_MAX_MB=$(REQUEST_BODY_MAX_MB) \
		SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')}"; \
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	$(VENV)/bin/gunicorn omaolo_portal.wsgi --bind unix:$(SERVE_DIR)/gunicorn.sock $(GUNICORN_FLAGS) \
		--access-logfile - & gunicorn=$$!; \
	trap 'kill $$worker $$gunicorn 2>/dev/null' EXIT INT TERM; \
	echo "Serving on http://$(HOST):$(PORT)/ (nginx, then gunicorn on $(SERVE_DIR)/gunicorn.sock)"; \
	$(NGINX) -p $(SERVE_DIR) -c $(SERVE_DIR)/nginx.conf -e stderr -g 'daemon off;'

nginx:
	@command -v $(NGINX) >/dev/null 2>&1 || { \
		echo "Installing Debian's nginx for make serve and make benchmark-abuse"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && { DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }; }

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# PYTEST_ARGS narrows a run, e.g. CI's PostgreSQL pass leaves the browser tests to the SQLite pass.
# The suite runs on TEST_WORKERS processes (pytest-xdist; `auto` is one per core), each on its
# own test database; a test file stays on one process, so its module-wide data is built once.
PYTEST_ARGS ?=
TEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadfile
test: venv messages chromium
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-fast: venv messages
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not e2e"

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

# A rollout plan of 100 tasks (its pages, feed and reschedule) and a county of 20 plans, beside a page with no query.
benchmark-plans: venv
	$(PY) benchmarks/plans.py

# Routes at national size: /api/routes, /api/units and the route check, beside a page with no query.
benchmark-routing: venv
	$(PY) benchmarks/routing.py

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

# The stack of make serve on loopback under four bounded attacks (export flood, slow clients,
# cache flood, import flood), each beside the page with no query; ABUSE_CACHE_URL names a
# Redis database of its own for the cache (it is flushed). benchmarks/abuse.py says more.
benchmark-abuse: venv messages nginx
	$(PY) benchmarks/abuse.py

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
	rm -rf $(VENV) staticfiles db.sqlite3 .serve
	find locale -name '*.mo' -delete
