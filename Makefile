# peacesim: `make demo` runs the baseline scenario, `make test` runs the whole suite (ruff, mypy,
# pytest on all cores; what CI runs), `make test-fast` the same without the tests marked slow
# (worksheets, scale, benchmark, crashes, hostile inputs; under a minute on 2 cores), `make bench`
# measures speed and memory (about 8 minutes on 2 cores; writes benchmarks/latest.json), `make
# docs` regenerates every number and figure the README and exercises/ quote (run it after any
# model change). Each target creates .venv and installs what it needs (Python 3.11 and make are enough); a .venv made
# by another Python is refused: `make clean` removes it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNS   ?= 500

.PHONY: demo test test-fast lint install dev bench docs clean check-venv

# The version of Python a command prints, major.minor ("" if it does not run).
VERSION_OF = $(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null

$(BIN)/python: | check-venv
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
	$(BIN)/ruff check sim tests benchmarks docs
	$(BIN)/mypy

# pytest exits with 5 when no test ran: non-zero, so both targets fail then too.
test: lint
	$(BIN)/python -m pytest -n auto

test-fast: lint
	$(BIN)/python -m pytest -n auto -m "not slow"

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py

# Every number and figure the README and the worksheets quote, from the commands they quote.
docs: $(VENV)/.installed
	$(BIN)/python docs/generate.py

# A .venv made by another Python (or whose Python is gone) would fail in confusing ways.
check-venv:
	@if [ -e $(BIN)/python ] || [ -L $(BIN)/python ]; then \
	  have=$$($(call VERSION_OF,$(BIN)/python)); want=$$($(call VERSION_OF,$(PYTHON))); \
	  if [ -z "$$want" ]; then \
	    echo "$(PYTHON) does not run: give another one, e.g. make PYTHON=python3.11" >&2; exit 1; \
	  elif [ "$$have" != "$$want" ]; then \
	    echo "The Python of $(VENV) is $${have:-gone}, but $(PYTHON) is Python $$want:" \
	      "run 'make clean' (it removes $(VENV) and the caches), then make again" >&2; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
