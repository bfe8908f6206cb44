# Two commands on a fresh machine with Python 3.11: `make report` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv report test test-fast bench clean-venv browser

venv: $(STAMP)

# Rebuilt only when the dependency list changes; otherwise instant.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { command -v $(PYTHON) >/dev/null 2>&1 || PYTHON=python3; $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 --display-name "Python 3 (workbench)" >/dev/null
	@touch $(STAMP)

report: venv
	$(BIN)/workbench report --dataset data/samples/acme_retail --quarter 2026Q3 --out reports/

test: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q tests --nbval-lax notebooks

test-fast: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q tests -m "not browser and not notebook"

# Debian's Chromium for the browser test and PDF export (root on this machine; sudo elsewhere).
browser:
	@command -v chromium >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 || sudo sh -c 'apt-get update -qq && apt-get install -y -qq chromium chromium-driver'; }

bench: venv
	$(BIN)/python benchmarks/run_all.py

clean-venv:
	rm -rf $(VENV)
