# One command each: `make test` sets everything up and runs the tests; `make run` sets
# everything up and runs the conformance suite against the embedded reference target.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
REPORT_DIR ?= reports/latest

.PHONY: install test run serve lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -n 2

run: $(STAMP)
	$(VENV)/bin/conformance run --detection --report-dir $(REPORT_DIR)

serve: $(STAMP)
	$(VENV)/bin/conformance serve

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP)
	$(PY) benchmarks/throughput.py

clean:
	rm -rf $(VENV) reports/* build *.egg-info
