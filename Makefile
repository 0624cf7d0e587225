# AFUS dashboard. Quick start on a fresh machine (python3; root installs what is missing):
#   make run    create .venv, install pinned requirements, create/upgrade and seed the store, serve on :8501
#   make test   install test requirements, axe-core, Chromium and PostgreSQL if missing, run the whole suite on SQLite and on PostgreSQL
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8501
# Three workers, one file each: browser tests spend much of their time waiting on the app.
# Files are handed out in collection order, the longest first (tests/conftest.py, LONG_FILES).
PYTEST_ARGS ?= -q -ra -n 3 --dist loadfile --no-loadscope-reorder
TEST_BACKENDS ?= $(or $(AFUS_TEST_BACKEND),sqlite postgresql)
# Root may install missing system packages; anyone else is told what to install.
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends

.PHONY: run test init bench clean system-python system-test-deps

run: init
	$(PY) -m afus serve --server.port $(PORT)

init: $(VENV)/.installed
	$(PY) -m afus init

# The whole suite once per store backend (tests/stores.py): SQLite files, then
# PostgreSQL databases. AFUS_TEST_BACKEND=postgresql (or TEST_BACKENDS=...) picks one.
test: $(VENV)/.installed-dev node_modules/.installed system-test-deps
	@set -e; status=0; for backend in $(TEST_BACKENDS); do \
		echo "== pytest on $$backend" >&2; \
		AFUS_TEST_BACKEND=$$backend $(PY) -m pytest $(PYTEST_ARGS) || { code=$$?; [ $$status -ne 0 ] || status=$$code; }; \
	done; exit $$status

# Benchmarks print JSON (ratios against a floor measured in the same run); copies go to benchmarks/out/.
bench: $(VENV)/.installed-dev
	mkdir -p benchmarks/out
	@set -e; for bench in benchmarks/bench_*.py; do \
		name=$$(basename $$bench .py); \
		echo "== $$name" >&2; \
		$(PY) $$bench | tee benchmarks/out/$$name.json; \
	done

$(VENV)/.installed: requirements.txt | system-python
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the accessibility tests, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { [ -n "$(IS_ROOT)" ] && apt-get update -q && $(APT_INSTALL) nodejs npm; } \
		|| { echo "npm is missing: install nodejs and npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's python3 needs python3-venv for `python3 -m venv`.
system-python:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null \
		|| { [ -n "$(IS_ROOT)" ] && apt-get update -q && $(APT_INSTALL) python3-venv python3-pip; } \
		|| { echo "python3 cannot create a venv: install python3-venv" >&2; exit 1; }

# The browser tests use Debian's Chromium (never a downloaded browser); the store
# tests start their own PostgreSQL server from Debian's postgresql binaries.
system-test-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium fonts-liberation fonts-dejavu-core"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		if [ -n "$(IS_ROOT)" ]; then apt-get update -q && $(APT_INSTALL) $$missing; \
		else echo "missing system packages:$$missing (their tests will be skipped)" >&2; fi; \
	fi

clean:
	rm -rf $(VENV) node_modules
