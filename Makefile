# The two commands of the README: `make run` and `make test`. Everything else is their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
# The first Python >= 3.12 on this machine: the default python3 may be older.
PYTHON := $(shell for p in python3.13 python3.12 python3.14 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
PG_URL ?= postgres://postgres@127.0.0.1:5432/mile_ci

.PHONY: run test setup check lint pytest test-postgres browser-deps pdf-deps messages vendor clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "MILE needs Python 3.12 or newer; none was found (tried python3.13, python3.12, pyenv, python3)." >&2; exit 1; }
	@echo "Using $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(VENV)/.installed pdf-deps
	@if command -v msgfmt >/dev/null 2>&1; then $(BIN)/mile compilemessages --ignore '.venv/*' -v0; fi

run: setup
	$(BIN)/mile migrate --no-input -v0
	$(BIN)/mile esco import --bundled --if-empty
	$(BIN)/mile demo
	$(BIN)/mile serve 127.0.0.1:8000

# WeasyPrint (profile and certificate PDFs) needs Pango, and fonts with Latin, Greek and Cyrillic.
pdf-deps:
	@{ /sbin/ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1\.0\.so\.0' && fc-list 2>/dev/null | grep -qi 'DejaVu Sans'; } || { \
		echo "Installing Pango and the DejaVu fonts for the PDF documents"; \
		pkgs="libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core"; \
		(apt-get install -y -q $$pkgs >/dev/null || (apt-get update -q && apt-get install -y -q $$pkgs >/dev/null)); }

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for the browser tests"; \
		(apt-get install -y -q chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium >/dev/null)); }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --loglevel=error

lint: setup
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src
	$(BIN)/mypy src/mile
	$(BIN)/djlint src/mile --lint
	$(BIN)/lint-imports
	MILE_ENV=test $(BIN)/mile makemigrations --check --dry-run -v0
	MILE_ENV=production SECRET_KEY=check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEF \
		ALLOWED_HOSTS=mile.example DATABASE_URL=sqlite:///:memory: EMAIL_URL=smtp://localhost:25 \
		MILE_ENCRYPTION_SALT=check-deploy-only-salt \
		$(BIN)/mile check --deploy --fail-level WARNING

pytest: setup browser-deps
	$(BIN)/pytest -n 2

test: lint pytest

test-postgres: setup
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -m "not browser" --create-db

# The ignores match MESSAGES_IGNORE in src/mile/core/tests/test_i18n.py.
# The ignores match MESSAGES_IGNORE in src/mile/core/tests/test_i18n.py.
messages: setup
	cd src/mile && ../../$(BIN)/mile makemessages --all --no-obsolete --ignore 'esco/*' --ignore 'tests/*' \
		--ignore '*/tests/*' --ignore conftest.py --ignore testing.py
	cd src/mile && ../../$(BIN)/mile compilemessages

vendor:
	npm ci --no-audit --no-fund
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.rtl.min.css \
		node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/LICENSE src/mile/core/static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE src/mile/core/static/vendor/htmx/
	mkdir -p src/mile/core/static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md src/mile/core/static/vendor/chartjs/

clean:
	rm -rf $(VENV) var node_modules
