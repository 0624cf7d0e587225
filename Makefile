# Quick start: `make run` serves the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8501

.PHONY: run test init bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

init: $(VENV)/.installed
	$(PY) -m afus init

run: init
	$(PY) -m streamlit run dashboard.py --server.port $(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest

clean:
	rm -rf $(VENV)
