# One command to run the portal, one to test it. Both set up whatever a fresh machine lacks.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

# Debian packages: WeasyPrint's text stack and fonts; the test services. The fonts print whatever
# is typed (templates/pdf/base.html names them): Liberation and DejaVu for Latin, Greek and Cyrillic,
# Noto core for Arabic and the other scripts (42 MB), WenQuanYi Micro Hei for Chinese, Japanese and
# Korean (5 MB, where Noto CJK is 91 MB), Noto Color Emoji (11 MB).
FONT_PACKAGES := fonts-liberation fonts-dejavu-core fonts-noto-core fonts-wqy-microhei fonts-noto-color-emoji
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 $(FONT_PACKAGES)
# Chromium from Debian for the browser tests (Playwright drives it; never `playwright install`).
TEST_PACKAGES := $(RUNTIME_PACKAGES) postgresql redis-server chromium

# The demo's settings for collectstatic (scripts/run-dev.sh sets them for the demo itself).
RUN_ENV := PORTAL_ENV=development DEBUG=true DEMO=true
# The tests: the real PostgreSQL and Redis on 127.0.0.1.
TEST_ENV := PORTAL_ENV=development \
	DATABASE_URL=postgres://cmr_portal:cmr_portal@127.0.0.1:5432/cmr_portal \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/1

.PHONY: help setup run test pytest services lint format lock clean benchmark loadtest uploadtest \
	dependencies

help:
	@echo "make run     set up and serve the demo portal on http://127.0.0.1:8000 (PORT=8010 make run)"
	@echo "make test    set up and run ruff, mypy and every test on PostgreSQL and Redis"
	@echo "make pytest ARGS='tests/test_health.py -k broker'   run some tests (after one make test)"
	@echo "make benchmark   fictional national-scale data and the benchmark (docs/performance.md)"
	@echo "make loadtest    100 signed-in people on gunicorn for 5 minutes (LOADTEST_ARGS='20s 100')"
	@echo "make uploadtest  the worst chronology files three at once on gunicorn, /healthz alongside"
	@echo "make dependencies   which part imports which, as the Mermaid diagram in docs/architecture.md"
	@echo "make format  format the code with ruff"
	@echo "make lock    re-pin requirements/*.txt from pyproject.toml"

# The first set-up takes minutes: each step says what it does in one line (errors still show).
$(BIN)/python:
	@echo "Creating the Python environment in $(VENV)/ ($(PYTHON))..."
	@$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	@echo "Installing the Python packages from requirements/dev.txt (a few minutes the first time)..."
	@$(BIN)/python -m pip install --quiet --quiet --require-hashes -r requirements/dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || scripts/system-packages.sh nodejs npm
	@echo "Installing GOV.UK Frontend and the stylesheet's tools from npm..."
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/portal.css: node_modules/.installed $(wildcard static/scss/*.scss)
	@echo "Compiling the stylesheet..."
	@npm run --silent build

var/staticfiles/staticfiles.json: static/build/portal.css $(shell find static -type f -not -path 'static/build/*') | $(VENV)/.installed
	@echo "Collecting the static files into var/staticfiles/..."
	@$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0

setup: $(VENV)/.installed var/staticfiles/staticfiles.json

# PORT=8010 make run serves on another port.
run: setup
	@scripts/system-packages.sh $(RUNTIME_PACKAGES)
	@scripts/run-dev.sh

services:
	@scripts/system-packages.sh $(TEST_PACKAGES)
	@scripts/test-services.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .
	$(BIN)/lint-imports --no-cache

# The tests, then the benchmark's one command at a tiny scale, so that it cannot rot.
test: services setup lint
	$(TEST_ENV) $(BIN)/pytest
	BENCH_REPEAT=4 BENCH_ROUNDS=2 BENCH_SWEEP_OPEN=2000 BENCH_PDF_ROWS=50 BENCH_PDF_PARAGRAPHS=2 \
		scripts/benchmark.sh 0.002 0.02

pytest: $(VENV)/.installed
	$(TEST_ENV) $(BIN)/pytest $(ARGS)

# Scales 0.1 and 1 by default: BENCH_SCALES="0.01" make benchmark for a quick look.
BENCH_SCALES ?= 0.1 1
benchmark: services setup
	scripts/benchmark.sh $(BENCH_SCALES)

# The load test, on a database of its own filled at scale 0.1: 100 different people signed in.
LOADTEST_DB := postgres://cmr_portal:cmr_portal@127.0.0.1:5432/cmr_loadtest
loadtest: services setup
	PGPASSWORD=cmr_portal dropdb -h 127.0.0.1 -U cmr_portal --if-exists cmr_loadtest
	PGPASSWORD=cmr_portal createdb -h 127.0.0.1 -U cmr_portal cmr_loadtest
	$(TEST_ENV) DATABASE_URL=$(LOADTEST_DB) $(BIN)/python manage.py migrate --verbosity 0
	$(TEST_ENV) DATABASE_URL=$(LOADTEST_DB) $(BIN)/python manage.py generate_scale_data --scale 0.1 >/dev/null
	$(TEST_ENV) DATABASE_URL=$(LOADTEST_DB) scripts/loadtest.sh $(LOADTEST_ARGS)

# The upload test, apart from make benchmark: it needs no scale data, takes about a minute and
# answers one question (does an upload hold a worker?) that a change to the import should re-ask.
uploadtest: services setup
	$(TEST_ENV) scripts/uploadtest.sh $(UPLOADTEST_SCALE)

# The picture of docs/architecture.md, from the code (tests/test_dependencies.py compares them).
dependencies: $(VENV)/.installed
	@$(BIN)/python scripts/dependencies.py

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(VENV)/.installed
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml

clean:
	rm -rf var static/build node_modules $(VENV) .mypy_cache .pytest_cache .ruff_cache
