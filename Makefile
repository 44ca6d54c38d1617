# The README's two commands: `make demo` and `make test`. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench thesis lint install browser dashboard clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench,dask]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/clinicsim compare ophthalmology --out runs/demo

dashboard: $(STAMP)
	$(BIN)/clinicsim dashboard

# the browser tests drive Debian's chromium through its chromedriver
BROWSER := /usr/bin/chromium /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BROWSER) &:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null

browser: $(BROWSER)

test: $(STAMP) $(BROWSER)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: $(STAMP) $(BROWSER)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/mip.py
	$(BIN)/python benchmarks/grasp.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/dashboard.py
	$(BIN)/python benchmarks/dayhospital.py
	$(BIN)/python benchmarks/booking.py

thesis: $(STAMP)
	$(BIN)/python benchmarks/thesis.py

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

clean:
	rm -rf $(VENV) runs .pytest_cache
