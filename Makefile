# coopledger: `make run` opens the app on the demo village; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every dependency pinned with its hashes; pyproject.toml keeps the ranges (make lock).
LOCK   := requirements.lock
DEMO_DIR := $(CURDIR)/.demo
DEMO_DB  := $(DEMO_DIR)/demo.sqlite3

.PHONY: run test venv lock sysdeps demo check lint format types imports pytest bench stress bundle clean

run: sysdeps venv demo
	$(BIN)/coopledger --db $(DEMO_DB)

test: sysdeps venv demo check pytest

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Re-pin after changing a range in pyproject.toml: keeps every pin that still fits and adds
# what is new; `make lock LOCK_ARGS=--upgrade` moves every pin to the newest allowed.
LOCK_VENV := build/lock-venv
lock:
	@test -x $(LOCK_VENV)/bin/pip-compile || \
	  { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q 'pip-tools~=7.6'; }
	$(LOCK_VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	  --extra test --extra dev --extra bundle --no-emit-index-url --no-emit-find-links \
	  $(LOCK_ARGS) -o $(LOCK) pyproject.toml

sysdeps:
	@bash scripts/sysdeps.sh

demo: venv
	@if [ ! -f $(DEMO_DB) ]; then \
	  QT_QPA_PLATFORM=offscreen $(BIN)/coopledger --db $(DEMO_DB) demo --out $(DEMO_DIR)/papers; \
	fi

check: lint types imports

lint:
	$(BIN)/ruff check coopledger tests bench db/env.py
	$(BIN)/ruff format --check coopledger tests bench db/env.py

format:
	$(BIN)/ruff check --fix coopledger tests bench db/env.py
	$(BIN)/ruff format coopledger tests bench db/env.py

types:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

# The window's tests run with the others (ui/collector.py fixed the crash that once made
# them run apart). Tests marked slow run only in CI (CI=true) or with --slow. One worker
# process per core (pytest-xdist), each test file whole in one worker so that its module
# fixtures are made once; each worker starts its own PostgreSQL. PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= auto
pytest:
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

bench: venv
	$(BIN)/python -m bench

stress: venv
	QT_QPA_PLATFORM=offscreen COOPLEDGER_STRESS_RUNS=50 $(BIN)/pytest -s --slow tests/stress

bundle: venv
	bash installer/build.sh

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist .pytest_cache .mypy_cache .ruff_cache
