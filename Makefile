# The README's two commands: `make demo` and `make test`. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench readme screenshots reproduce thesis lint install lock browser dashboard clean

# every dependency pinned with its hashes (`make lock` refreshes the lock from
# pyproject.toml), so that every install computes the same numbers
LOCK := requirements.lock
UV_VERSION := 0.13.9

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# the lock is universal (any platform) for Python 3.11 and newer; setuptools builds the package
lock:
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	printf 'setuptools>=77\n' | $(BIN)/uv pip compile pyproject.toml - --all-extras \
		--generate-hashes --universal --python-version 3.11 --quiet -o $(LOCK)

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
	$(BIN)/python benchmarks/interrupt.py
	$(BIN)/python benchmarks/fit.py

# the README's measured blocks, run anew on the locked install (docs/measured.py)
readme: $(STAMP)
	$(BIN)/python docs/measured.py

# the README's dashboard screenshots, taken anew in headless Chromium (docs/screenshots.py)
screenshots: $(STAMP) $(BROWSER)
	$(BIN)/python docs/screenshots.py

# two fresh clones installed from the lock, one on a loaded machine: identical summaries
reproduce:
	$(PYTHON) docs/reproduce.py

thesis: $(STAMP)
	$(BIN)/python benchmarks/thesis.py

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

clean:
	rm -rf $(VENV) runs .pytest_cache
