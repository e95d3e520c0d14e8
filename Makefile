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
# checkov (infra/tests/test_checkov.py) has its own venv: its pins must not constrain the app's.
CHECKOV_VENV := .cache/checkov-venv
CHECKOV_LOCK_HASH := $(shell sha256sum requirements/checkov.lock | cut -c1-16)
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_LOCK_HASH)
VENDOR := spendwise/static/vendor
ASSETS_STAMP := $(VENDOR)/.built

PORT ?= 8000
DEBUG ?= true
PYTEST_ARGS ?=

.PHONY: help venv assets run test lint fmt lock messages clean bench lambda bench-suggest bench-import bench-load \
	infra-check cost stack stack-down stack-status stack-reset restore-drill test-resilience \
	test-browser screenshots

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

# The checkov venv: `make .cache/checkov-venv`, then .cache/checkov-venv/bin/checkov.
$(CHECKOV_VENV): $(CHECKOV_STAMP)

$(CHECKOV_STAMP): requirements/checkov.lock
	@[[ -x $(CHECKOV_VENV)/bin/python ]] || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/checkov.lock
	@rm -f $(CHECKOV_VENV)/.installed-*
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

# The local production-like stack (docs/stack.md): PostgreSQL, moto (Cognito, Secrets Manager,
# S3), two gunicorn instances in Cognito mode and nginx as the ALB, as plain processes on
# 127.0.0.1, detached; state and logs in var/stack/. STACK_PORT=… (and the other STACK_*
# variables) choose the ports.
stack: venv assets  ## production-like stack: 2 app instances behind nginx on 127.0.0.1:8080
	@if [[ "$${CI:-}" == true ]]; then scripts/ensure-system-deps; fi
	$(PY) -m spendwise.ops.stack up

stack-down: venv  ## stop exactly the processes `make stack` started (the data stays)
	$(PY) -m spendwise.ops.stack down

stack-status: venv  ## health table of the stack's services (exit 1 unless all are healthy)
	$(PY) -m spendwise.ops.stack status

stack-reset: venv  ## stop the stack and delete var/stack/, its database included
	$(PY) -m spendwise.ops.stack reset

# Fault drills (docs/resilience.md): a stack of its own on free ports, under load, while
# PostgreSQL restarts, an instance is killed, the connections run out and a lock is held; prints
# requests/ok/503/other/lost writes per fault and fails on any lost write, 500 or hang.
# `make test` runs the short form (spendwise/ops/tests/test_resilience.py).
test-resilience: venv assets  ## fault drills against a stack of their own: the table per fault
	@if [[ "$${CI:-}" == true ]]; then scripts/ensure-system-deps; fi
	$(PY) -m spendwise.ops.faults

# Browser end-to-end tests (docs/browser-tests.md): Playwright drives Debian's chromium against
# the app on a throw-away PostgreSQL; screenshots go to var/screenshots/. `make test` runs them too.
test-browser: venv assets  ## the browser journeys, axe-core checks and page tour in Chromium
	@if [[ "$${CI:-}" == true ]]; then scripts/ensure-system-deps; fi
	$(PY) -m pytest spendwise/e2e $(PYTEST_ARGS)

screenshots: venv assets  ## re-take the page tour's screenshots and copy the README's into docs/screenshots/
	SPENDWISE_SCREENSHOTS_TO_DOCS=1 $(PY) -m pytest spendwise/e2e/test_page_tour.py $(PYTEST_ARGS)

test: venv assets $(CHECKOV_VENV)  ## run the whole test suite on a temporary PostgreSQL (CI=true: no skips)
	@if [[ "$${CI:-}" == true ]]; then scripts/ensure-system-deps; fi
	$(PY) -m pytest $(PYTEST_ARGS)

# Offline: terraform from PATH with the local provider mirror (scripts/tf), checkov --skip-download.
infra-check: venv $(CHECKOV_VENV)  ## infra/: fmt, validate, terraform test, checkov, invariants
	$(PY) -m pytest infra/tests -k "not apply" $(PYTEST_ARGS)

# The monthly AWS estimate of infra/envs/$(ENV), per service, beside the proposal's budget table
# (docs/cost.md). USAGE=usage.json overrides the default usage profile.
ENV ?= dev
USAGE ?=
cost: venv  ## monthly AWS estimate of an environment vs the proposal (ENV=dev|prod, USAGE=file)
	scripts/spendwise-cost infra/envs/$(ENV)/terraform.tfvars --compare-proposal $(if $(USAGE),--usage $(USAGE))

bench: venv assets  ## page latency at 10k/100k/1M transactions vs the raw-SQL floor (BENCH_SIZES=…)
	$(PY) -m spendwise.testing.postgres -- $(PY) bench/run.py

bench-import: venv  ## a 10k-row CSV through detect, parse, preview, commit, undo: rows/s
	$(PY) -m spendwise.testing.postgres -- $(PY) bench/import_bench.py

bench-load: venv assets  ## month-start load + step test (Locust) against `make stack`: the knee, one instance's capacity
	$(PY) bench/load/run.py

bench-suggest: venv  ## category suggestion accuracy on held-out demo data (last 20 % by date)
	$(PY) -m spendwise.testing.postgres -- $(PY) bench/suggest_accuracy.py

# A restore drill on a throw-away PostgreSQL with the demo data: pg_dump, pg_restore into a fresh
# database, exact row counts and balance checksums compared, RTO/RPO printed
# (docs/runbooks/restore-drill.md). The AWS drill is `scripts/restore-drill aws …`.
restore-drill: venv  ## pg_dump -> pg_restore -> verify, on a throw-away PostgreSQL with demo data
	$(PY) -m spendwise.testing.postgres -- bash -c 'set -euo pipefail; \
		DEBUG=true $(PY) manage.py migrate --noinput >/dev/null; \
		DEBUG=true $(PY) manage.py seed_demo >/dev/null; \
		scripts/restore-drill local --database-url "$$DATABASE_URL"'

lambda: venv  ## build dist/post_confirmation.zip (the PostConfirmation Lambda), reproducibly
	$(PY) lambdas/build.py --output dist/post_confirmation.zip

lint: venv  ## ruff (lint + format check), mypy, hadolint (Dockerfile), actionlint (.github/workflows)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/hadolint Dockerfile
	scripts/actionlint

fmt: venv  ## format the code and apply safe lint fixes (and terraform fmt infra/)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	@if command -v terraform >/dev/null; then scripts/tf fmt -recursive infra; \
	else echo "terraform is not on PATH: infra/ not formatted" >&2; fi

# uv lives in a throw-away venv; the lock files are generated from inside requirements/ so that
# dev.in's `-c base.lock` resolves and the command recorded in each file's header is short.
UV_VENV := $(or $(TMPDIR),/tmp)/spendwise-uv
lock:  ## re-resolve requirements/*.in into hash-pinned requirements/*.lock with uv
	@[[ -x $(UV_VENV)/bin/uv ]] || { $(PYTHON) -m venv $(UV_VENV) && $(UV_VENV)/bin/pip install --quiet uv; }
	cd requirements && $(UV_VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes base.in -o base.lock
	cd requirements && $(UV_VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes dev.in -o dev.lock
	cd requirements && $(UV_VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes checkov.in -o checkov.lock
	cd requirements && $(UV_VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes actionlint.in -o actionlint.lock
	cd requirements && $(UV_VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes actionlint-fallback.in -o actionlint-fallback.lock

# The Vietnamese catalogue (docs/i18n.md): extract every marked string into django.po (existing
# translations are kept), then compile django.mo, which is committed so that `make run`, the tests
# and the image need no gettext. Translate the new empty msgstr lines, then run it again.
MESSAGES_IGNORE := --ignore "*/tests/*" --ignore "testing/*" --ignore "e2e/*" --ignore "static/*" \
	--ignore "*/migrations/*" --ignore conftest.py
messages: venv  ## update spendwise/locale/vi/LC_MESSAGES/django.po from the code and compile django.mo
	cd spendwise && DEBUG=true ../$(PY) ../manage.py makemessages --locale vi --no-obsolete \
		--add-location file $(MESSAGES_IGNORE)
	cd spendwise && DEBUG=true ../$(PY) ../manage.py compilemessages --locale vi

clean:  ## remove caches, built assets and node_modules (keeps .venv and db.sqlite3)
	rm -rf node_modules $(VENDOR) staticfiles .pytest_cache .mypy_cache .ruff_cache test-artifacts
	find . \( -path ./$(VENV) -o -path ./.git \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
