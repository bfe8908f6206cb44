# Two commands on a fresh machine with Python 3.11: `make report` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv report test test-fast bench clean-venv browser spark

venv: $(STAMP)

# Rebuilt only when the dependency list, the tested pins or this recipe change; otherwise instant.
# constraints.txt: the exact versions tested together (tests/test_constraints.py checks them).
$(STAMP): pyproject.toml constraints.txt Makefile
	@test -x $(BIN)/python || { command -v $(PYTHON) >/dev/null 2>&1 || PYTHON=python3; $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	# jupyter-events asks for jsonschema[format-nongpl], which brings rfc3987-syntax: it builds an
	# Earley parser (lark) when imported, 1.4-2 s in every kernel, papermill and Voila process
	# (plotly -> nbformat -> jsonschema). Nothing here validates the "iri" formats it checks, and
	# jsonschema skips that check when the package is absent (python-jsonschema/jsonschema#1428).
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax lark
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 --display-name "Python 3 (workbench)" >/dev/null
	@touch $(STAMP)

report: venv
	$(BIN)/workbench report --dataset data/samples/acme_retail --quarter 2026Q3 --out reports/

# pytest-xdist, a worker per core (-n auto): whole files per worker, longest first
# (tests/conftest.py); the shared sample report is built once for both.
test: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q -n auto --dist loadfile --no-loadscope-reorder tests --nbval-lax notebooks

test-fast: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q -n auto --dist loadfile --no-loadscope-reorder tests -m "not browser and not notebook"

# Debian's Chromium for the browser test and PDF export, and CJK fonts so Chinese text prints
# (root on this machine; sudo elsewhere).
BROWSER_PKGS := chromium chromium-driver fonts-noto-cjk
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; else \
	  { apt-get update -qq && apt-get install -y -qq $(BROWSER_PKGS); } >/dev/null 2>&1 || \
	  sudo sh -c 'apt-get update -qq && apt-get install -y -qq $(BROWSER_PKGS)'; fi

bench: venv
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/run_all.py

clean-venv:
	rm -rf $(VENV)

# Java 17 for the Spark engine (--engine spark) and its tests; pyspark comes with the test extra.
spark:
	@if command -v java >/dev/null 2>&1; then :; else \
	  { apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless; } >/dev/null 2>&1 || \
	  sudo sh -c 'apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless'; fi
