# The two commands a new developer needs: `make run` and `make test`.
# Both create .venv and install the pinned dependencies (constraints.txt) the first time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck unit bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	LOCALDATA_OPEN_SUBMISSIONS=true $(BIN)/localdata demo
	LOCALDATA_OPEN_SUBMISSIONS=true $(BIN)/localdata serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check localdata tests bench tools
	$(BIN)/ruff format --check localdata tests bench tools

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

test: lint typecheck unit

bench: install
	$(BIN)/python bench/check.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
