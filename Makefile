# The two commands a new developer needs: `make run` and `make test`.
# Both create .venv and install the pinned dependencies (constraints.txt) the first time, and
# build the web pages' assets from the pinned npm packages (package-lock.json).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
ASSETS := localdata/web/static/swagger-ui/swagger-ui-bundle.js
NODE_STAMP := node_modules/.installed
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck unit browser bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NODE_STAMP)

$(ASSETS): $(NODE_STAMP) $(STAMP)
	$(BIN)/python -m localdata.web.assets node_modules

install: $(STAMP) $(ASSETS)

# The browser tests drive Debian's Chromium; nothing downloads a browser of its own.
browser:
	test -x $(CHROMIUM) || (apt-get update && apt-get install -y chromium chromium-driver)

# The demo: anyone may publish, and the development sign-in takes the demo users' addresses.
run: install
	LOCALDATA_OPEN_SUBMISSIONS=true $(BIN)/localdata demo
	LOCALDATA_OPEN_SUBMISSIONS=true LOCALDATA_DEV_SIGN_IN=true $(BIN)/localdata serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check localdata tests bench tools
	$(BIN)/ruff format --check localdata tests bench tools

typecheck: install
	$(BIN)/mypy

unit: install browser
	LOCALDATA_BROWSER_TESTS=required $(BIN)/pytest -q

test: lint typecheck unit

# Every benchmark, each beside its peers (Frictionless, Datasette); see bench/README.md.
# bench/api.py and bench/web.py share one 10,000,000-row dataset, built once into bench/out/.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(BIN)/python bench/check.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/collect.py
	$(BIN)/python bench/access.py
	$(BIN)/python bench/events.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache node_modules localdata/web/static/govuk
