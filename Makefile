# peacesim: `make demo` runs the baseline scenario, `make test` runs the whole suite,
# `make bench` measures speed and memory (about 8 minutes on 2 cores; writes benchmarks/latest.json).
# Each target creates .venv and installs what it needs (Python 3.11 and make are enough).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNS   ?= 500

.PHONY: demo test lint install dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,dask]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/sim run scenarios/baseline.toml --runs $(RUNS) --out results/baseline/demo --force

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n auto

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
