# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# The test suite runs on the real PostgreSQL and Redis; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ambassador
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-setup lint install install-dev messages lock vendor clean

$(BIN)/.installed: requirements/base.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	touch $@

$(BIN)/.installed-dev: requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@ $(BIN)/.installed

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

## make run: the app on http://127.0.0.1:$(PORT) with a real Celery worker and beat.
## Embedded default (SQLite + a file-system broker) unless DATABASE_URL/REDIS_URL are set.
run: install
	@PORT=$(PORT) PYTHON=$(BIN)/python ./scripts/run-embedded

## make test: set the machine up (packages, PostgreSQL, Redis, the database; see
## scripts/test-setup), then lint, migrations check and the whole suite on PostgreSQL and Redis.
## The set-up runs first, before .venv is made: it may have to install python3-venv.
test:
	@$(MAKE) --no-print-directory test-setup
	@$(MAKE) --no-print-directory install-dev
	DEBUG=true $(BIN)/ruff check .
	DEBUG=true $(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=true DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/pytest $(PYTEST_ARGS)

## make test-setup: only the machine set-up of make test.
test-setup:
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		./scripts/test-setup

lint: install-dev
	DEBUG=true $(BIN)/ruff check .
	DEBUG=true $(BIN)/ruff format --check .

## make messages: refresh and compile the English and Norwegian catalogues.
messages: install-dev
	DEBUG=true $(BIN)/python manage.py makemessages -l nb -l en --no-obsolete --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*'
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore='.venv/*'

## make lock: re-pin dependencies after editing pyproject.toml.
lock: install-dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements/dev.lock

## make vendor: refresh the front-end files in static/vendor/ from the pinned npm packages.
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md static/vendor/chartjs/

clean:
	rm -rf var/celery var/cache var/static
