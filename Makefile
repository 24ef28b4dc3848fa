# Patchbay: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
PY := $(CURDIR)/.venv/bin/python
TEST_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/patchbay)
TEST_REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/1)
# pytest-xdist workers for `make test` (0: one process). Worker N has its own test
# database, Redis database (REDIS_URL's + N) and var/ folder: tests/xdist_isolation.py.
TEST_WORKERS ?= 4

.PHONY: help setup sdks run test bench lint typecheck check-compose

help:
	@echo "make run    serve the demo at http://127.0.0.1:$(PORT) (PORT=... to change)"
	@echo "make test   run the whole suite on PostgreSQL and Redis"
	@echo "make bench  run the benchmarks in bench/ (NAME=x for one)"
	@echo "make lint   ruff (lint and format check) and mypy"
	@echo "make sdks   build the client libraries into var/sdks/ (the docs page serves them)"

# uv creates the virtual environment from uv.lock; if the machine lacks uv, a
# private copy is installed from PyPI into .tools/.
$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python 3.11
	@touch $@

setup: .venv/.synced

# The client libraries' packages, served by the API docs page. Each file is rebuilt only
# when its library's sources change; a library whose folder or manifest is missing fails
# the build (rule missing-%) rather than leaving a dead download link.
SDK_OUT := var/sdks
sdk_file = $(SDK_OUT)/$(shell python3 -m api.sdk_files $(1))
sdk_sources = $(shell find sdks/$(1) -type f -not -path '*/node_modules/*' -not -path '*/dist/*' \
	-not -path '*/__pycache__/*' -not -path '*/vendor/*' 2>/dev/null)
SDK_FILES := $(call sdk_file,python) $(call sdk_file,typescript) $(call sdk_file,php)

sdks: $(SDK_FILES)

$(SDK_OUT)/missing-%:
	@echo "make sdks: sdks/$* is missing or its manifest has no version, so its package cannot be built." >&2
	@exit 1

$(SDK_OUT)/patchbay_client-%-py3-none-any.whl: $(call sdk_sources,python) | $(UV)
	$(UV) build --wheel --quiet --out-dir $(SDK_OUT) sdks/python

$(SDK_OUT)/patchbay-client-%.tgz: $(call sdk_sources,typescript)
	@scripts/ensure_node.sh
	@mkdir -p $(SDK_OUT)
	# npm pack builds first (the package's prepack script), so build runs once.
	cd sdks/typescript && npm ci --no-audit --no-fund --loglevel=error \
		&& npm pack --quiet --pack-destination $(CURDIR)/$(SDK_OUT)

$(SDK_OUT)/patchbay-client-php-%.zip: $(call sdk_sources,php)
	python3 sdks/php/build.py $(SDK_OUT)

run: setup sdks
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@PORT=$(PORT) PY=$(PY) PATCHBAY_PUBLIC_BASE_URL=$${PATCHBAY_PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
		scripts/serve.sh

test: setup sdks
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/ensure_services.py
	@scripts/ensure_chromium.sh
	@scripts/ensure_wordpress.sh
	PATCHBAY_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: setup
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/ensure_services.py
	PATCHBAY_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) -m bench $(NAME)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	.venv/bin/lint-imports

check-compose:
	@scripts/check_compose.sh
