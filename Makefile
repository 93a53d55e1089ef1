PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app events_app

.PHONY: run test install install-test migrate lint format bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Create the virtual environment, apply migrations to instance/events_app.sqlite and serve on 127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) run --host 127.0.0.1 --port 5000

## Install test dependencies and run the whole suite (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test
	$(BIN)/python bench/feed_benchmark.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
