# Buurtbot: `make run` starts the bot, `make test` runs every check. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run console test lint typecheck test-sqlite test-postgres bench migrate clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/buurtbot migrate
	@$(BIN)/buurtbot run

console: $(STAMP)
	@$(BIN)/buurtbot console

migrate: $(STAMP)
	@$(BIN)/buurtbot migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test-sqlite: $(STAMP)
	BUURTBOT_TEST_DB=sqlite $(BIN)/pytest

test-postgres: $(STAMP)
	BUURTBOT_TEST_DB=postgres $(BIN)/pytest

test: lint typecheck test-sqlite test-postgres

bench: $(STAMP)
	@for module in $$(ls bench/*.py 2>/dev/null | grep -v __init__ | sed 's|/|.|; s|\.py$$||'); do \
		echo "== $$module"; $(BIN)/python -m $$module || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
