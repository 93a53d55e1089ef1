# The interpreter that creates the virtual environment: `python3` when it is 3.11
# or newer, else the first of python3.13, python3.12, python3.11 that runs.
# `make PYTHON=/path/to/python` chooses another. Looked up once, only when needed.
PYTHON_CANDIDATES := python3 python3.13 python3.12 python3.11
IS_NEW_ENOUGH := -c 'import sys; sys.exit(sys.version_info < (3, 11))'
new_enough_python = $(firstword $(foreach candidate,$(PYTHON_CANDIDATES),$(shell \
	$(candidate) $(IS_NEW_ENOUGH) >/dev/null 2>&1 && echo $(candidate))))
PYTHON ?= $(eval PYTHON := $(new_enough_python))$(PYTHON)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app events_app

.PHONY: run serve-production test install install-test migrate lint format bench screenshots clean \
	translations translations-compile

$(BIN)/activate:
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.11 or newer found (tried $(PYTHON_CANDIDATES))." >&2; \
		echo "Install one, or name it: make $(MAKECMDGOALS) PYTHON=/path/to/python3" >&2; \
		exit 1; \
	fi
	@$(PYTHON) $(IS_NEW_ENOUGH) || { \
		echo "$(PYTHON) is older than Python 3.11; name a newer one with PYTHON=..." >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# axe-core for the browser tests' accessibility checks, from npm at the locked version.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "npm not found: install Node.js and npm for the browser tests' axe-core" >&2; \
		exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

# The interface's translations (Flask-Babel): the .po catalogs are kept in git,
# the compiled .mo files are built here by every set-up.
TRANSLATIONS := events_app/translations
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED_CATALOGS := $(CATALOGS:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

## Collect the interface's messages into messages.pot and each language's .po (then translate those)
translations: install
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords _l --keywords lazy_ngettext:1,2 --keywords lazy_pgettext:1c,2 \
		--sort-by-file --project events_app --msgid-bugs-address "" --no-wrap \
		--output-file $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --input-file $(TRANSLATIONS)/messages.pot --output-dir $(TRANSLATIONS) \
		--no-fuzzy-matching --ignore-obsolete --no-wrap

## Compile the translations (done by every set-up: run, test, serve-production)
translations-compile: $(COMPILED_CATALOGS)

install: $(VENV)/.installed $(COMPILED_CATALOGS)

install-test: $(VENV)/.installed-test $(COMPILED_CATALOGS) $(AXE)

## Create the virtual environment, apply migrations to instance/events_app.sqlite and serve on 127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) run --host 127.0.0.1 --port 5000

## Apply migrations, then serve with gunicorn and several workers (see gunicorn.conf.py);
## set DATABASE_URL (PostgreSQL), SECRET_KEY and PUBLIC_BASE_URL first
serve-production: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py "events_app:create_app()"

# Test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs the suite in one.
PYTEST_WORKERS ?= auto

## Install test dependencies and run the whole suite (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)
test: install-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test
	$(BIN)/python bench/feed_benchmark.py

## Photograph the main pages at 390 px and 1366 px into docs/screenshots/ (Chromium)
screenshots: install-test
	$(BIN)/python -m tests.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
