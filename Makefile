# Ladder: `make demo` serves a seeded demo; `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 5000

LOCK := requirements-lock.txt

.PHONY: install lock demo test lint audit browser translations clean

# The venv gets exactly the versions in the lock (hash-checked, pip included), then Ladder
# itself, editable and without dependencies, so nothing unlocked comes in.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Re-resolve the lock after a change to the dependencies in pyproject.toml: pins that still
# fit stay. UPGRADE=1 moves everything to the newest versions pyproject.toml allows.
lock:
	@test -x $(BIN)/uv || $(MAKE) --no-print-directory install
	$(BIN)/python scripts/lock.py $(if $(UPGRADE),--upgrade)
	@$(MAKE) --no-print-directory install

demo: install
	LADDER_ENV=demo $(BIN)/ladder demo --size small
	@echo "Ladder demo on http://$(HOST):$(PORT)  (stop with Ctrl-C)"
	LADDER_ENV=demo $(BIN)/ladder run --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests, and a CJK font so Chinese renders.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python scripts/i18n.py check
	$(BIN)/bandit -q -r app assessments models -lll
	@$(MAKE) --no-print-directory audit

# Known vulnerabilities in the installed dependencies when PyPI's advisory data can be
# reached; offline the script says it skipped the audit and passes.
audit: install
	$(BIN)/python scripts/audit_dependencies.py

test: install browser lint
	$(BIN)/pytest -m api_coverage
	$(BIN)/pytest -n auto -m "not api_coverage"

# pybabel extract (babel.cfg) -> update the .po -> compile the .mo (committed), then the check.
translations: install
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .mypy_cache
