# SpendWise developer commands. `make run` starts the app, `make test` runs the whole suite.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The stamp's name carries the lock's hash, so a changed lock (even with an old mtime, as after
# a checkout) reinstalls, and an unchanged one never does.
LOCK_HASH := $(shell sha256sum requirements/dev.lock | cut -c1-16)
VENV_STAMP := $(VENV)/.installed-$(LOCK_HASH)
VENDOR := spendwise/static/vendor
ASSETS_STAMP := $(VENDOR)/.built

PORT ?= 8000
DEBUG ?= true
PYTEST_ARGS ?=

.PHONY: help venv assets run test lint fmt lock clean bench lambda bench-suggest bench-import

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

venv: $(VENV_STAMP)  ## create .venv and install requirements/dev.lock

$(VENV_STAMP): requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "$(PYTHON) is older than 3.11; set PYTHON=python3.11" >&2; exit 1; }
	@[[ -x $(PY) ]] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

assets: $(ASSETS_STAMP)  ## install the pinned npm packages and copy them into static/vendor

$(ASSETS_STAMP): package.json package-lock.json scripts/build-assets
	scripts/build-assets
	@touch $@

run: venv assets  ## run the app on http://127.0.0.1:$PORT with demo data (SQLite by default)
	DEBUG=$(DEBUG) $(PY) manage.py migrate --noinput
	DEBUG=$(DEBUG) $(PY) manage.py seed_demo
	@echo
	@echo "SpendWise is starting on http://127.0.0.1:$(PORT)/ (sign in with the demo account above)"
	DEBUG=$(DEBUG) exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv assets  ## run the whole test suite on a temporary PostgreSQL (CI=true: no skips)
	@if [[ "$${CI:-}" == true ]]; then scripts/ensure-system-deps; fi
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv assets  ## page latency at 10k/100k/1M transactions vs the raw-SQL floor (BENCH_SIZES=…)
	$(PY) -m spendwise.testing.postgres -- $(PY) bench/run.py

bench-import: venv  ## a 10k-row CSV through detect, parse, preview, commit, undo: rows/s
	$(PY) -m spendwise.testing.postgres -- $(PY) bench/import_bench.py

bench-suggest: venv  ## category suggestion accuracy on held-out demo data (last 20 % by date)
	$(PY) -m spendwise.testing.postgres -- $(PY) bench/suggest_accuracy.py

lambda: venv  ## build dist/post_confirmation.zip (the PostConfirmation Lambda), reproducibly
	$(PY) lambdas/build.py --output dist/post_confirmation.zip

lint: venv  ## ruff (lint + format check), mypy and hadolint (Dockerfile)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/hadolint Dockerfile

fmt: venv  ## format the code and apply safe lint fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# uv lives in a throw-away venv; the lock files are generated from inside requirements/ so that
# dev.in's `-c base.lock` resolves and the command recorded in each file's header is short.
UV_VENV := $(or $(TMPDIR),/tmp)/spendwise-uv
lock:  ## re-resolve requirements/*.in into hash-pinned requirements/*.lock with uv
	@[[ -x $(UV_VENV)/bin/uv ]] || { $(PYTHON) -m venv $(UV_VENV) && $(UV_VENV)/bin/pip install --quiet uv; }
	cd requirements && $(UV_VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes base.in -o base.lock
	cd requirements && $(UV_VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes dev.in -o dev.lock

clean:  ## remove caches, built assets and node_modules (keeps .venv and db.sqlite3)
	rm -rf node_modules $(VENDOR) staticfiles .pytest_cache .mypy_cache .ruff_cache test-artifacts
	find . \( -path ./$(VENV) -o -path ./.git \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
