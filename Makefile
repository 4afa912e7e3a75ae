# peacesim: `make demo` runs the baseline scenario, `make test` runs the whole suite (ruff, mypy,
# pytest on all cores; what CI runs), `make test-fast` the same without the tests marked slow
# (worksheets, scale, benchmark, crashes, hostile inputs; under a minute on 2 cores), `make bench`
# measures speed and memory (about 8 minutes on 2 cores; writes benchmarks/latest.json), `make
# docs` regenerates every number and figure the README and exercises/ quote (run it after any
# model change; `make forecast` only the README's 2023 forecast), `make mutation` mutates
# sim/model/ and reports which mutants the model's tests kill (slow: an hour or more on 2 cores;
# MUTANTS="sim.model.outflow*" narrows it; not part of `make test`), `make notebooks` opens the
# exercise notebooks in JupyterLab. Each target creates .venv and installs what it needs (Python
# 3.11 and make are enough; `make test` also apt-gets Debian's chromium for the browser test); a
# .venv made by another Python is refused: `make clean` removes it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNS   ?= 500

.PHONY: chromium screenshots demo test test-fast lint install dev bench docs docs-check forecast mutation notebooks clean \
	check-venv

# The version of Python a command prints, major.minor ("" if it does not run).
VERSION_OF = $(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null

$(BIN)/python: | check-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,dask,analysis,app,scores]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/sim run scenarios/baseline.toml --runs $(RUNS) --out results/baseline/demo --force

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check sim tests benchmarks docs
	$(BIN)/mypy

# tests/test_browser.py drives Debian's chromium (playwright cannot download browsers here):
# installed with apt-get when missing and this runs as root, otherwise a note (the test says why).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the page's browser test (apt-get)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: /usr/bin/chromium is missing and cannot be installed here (not root):" \
	      "tests/test_browser.py fails on CI without it (apt-get install chromium)" >&2; \
	  fi; \
	fi

# The README's screenshots of the classroom page, from the browser test (which otherwise keeps
# them in its own temporary folder).
screenshots: $(VENV)/.installed-dev chromium
	PEACESIM_SCREENSHOTS=$(CURDIR)/docs/img $(BIN)/python -m pytest -p no:xdist tests/test_browser.py

# pytest exits with 5 when no test ran: non-zero, so both targets fail then too.
test: lint chromium
	$(BIN)/python -m pytest -n auto

test-fast: lint
	$(BIN)/python -m pytest -n auto -m "not slow"

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py

# Every number and figure the README and the worksheets quote, from the commands they quote.
docs: $(VENV)/.installed
	$(BIN)/python docs/generate.py

# The README's 2023 forecast, renewed by one command (the calibrated road, its validation, both
# backtests with the null models, prior against posterior, what makes the forecast wide, the
# forecast itself): minutes on 2 cores, the calibration itself not redone (see the scenario).
FORECAST = readme-2023-posterior readme-2023-validation readme-2023-backtest \
	readme-2023-backtest-six readme-2023-backtest-verdict readme-2023-prior-posterior \
	readme-2023-width readme-2023-forecast
forecast: $(VENV)/.installed
	$(BIN)/python docs/generate.py $(addprefix --only ,$(FORECAST))

# Every generated block compared with what the model gives today (writes nothing; minutes).
docs-check: $(VENV)/.installed
	$(BIN)/python docs/generate.py --check

$(VENV)/.installed-notebooks: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[notebooks]"
	touch $@

# The exercise notebooks in JupyterLab, in the browser (Ctrl-C in the terminal stops it).
notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab exercises

$(VENV)/.installed-mutation: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -e ".[dev,dask,analysis,app,scores,mutation]"
	touch $@

# Settings in pyproject [tool.mutmut]; hypothesis replays fixed examples so a mutant's verdict
# does not depend on luck. The score is killed / (all mutants but those skipped or not checked).
MUTANTS ?=
mutation: $(VENV)/.installed-mutation
	HYPOTHESIS_PROFILE=ci $(BIN)/mutmut run $(MUTANTS) || true
	@$(BIN)/mutmut results --all true > mutants/results.txt 2>/dev/null || true
	@awk -F': ' '/__mutmut_/ { n[$$2]++ } END { t = 0; for (s in n) { print "  " s ": " n[s]; \
	  if (s != "skipped" && s != "not checked") t += n[s] }; \
	  printf "mutation score: %d killed / %d checked\n", n["killed"], t }' mutants/results.txt
	@echo "survivors (mutmut show NAME shows the change):"; \
	  grep -v -e ': killed' -e ': not checked' -e ': skipped' mutants/results.txt || true

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
