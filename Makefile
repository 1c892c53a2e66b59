# qtqms developer commands. `make run` and `make test` are the whole quickstart.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export QTQMS_HOST ?= 127.0.0.1
export QTQMS_PORT ?= 8000

.PHONY: install install-dev run test test-fast test-sqlite test-pg lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[pg,fastscan]"
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,pg,oscal,fastscan]"
	touch $@ $(STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/qtqms init --demo --if-needed
	$(BIN)/qtqms serve --host $(QTQMS_HOST) --port $(QTQMS_PORT)

# Architecture contracts, then every test on SQLite, then again on PostgreSQL when QTQMS_TEST_PG_URL is set; each
# pass runs one pytest-xdist worker per core (each worker its own database).
test: $(DEV_STAMP)
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$QTQMS_TEST_PG_URL" ]; then $(MAKE) --no-print-directory test-pg; \
	else echo "QTQMS_TEST_PG_URL is not set: PostgreSQL pass skipped (.ci/run sets it)"; fi

# The inner loop: every test but the browser ones, on SQLite, one pytest-xdist worker per core.
test-fast: $(DEV_STAMP)
	env -u QTQMS_TEST_PG_URL $(BIN)/pytest -m "not e2e" -n auto $(PYTEST_ARGS)

test-sqlite: $(DEV_STAMP)
	env -u QTQMS_TEST_PG_URL $(BIN)/pytest -n auto $(PYTEST_ARGS)

test-pg: $(DEV_STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/vulture

bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist src/*.egg-info
