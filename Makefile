# Coplan: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-test browser-deps test test-fast fuzz lint types-baseline format bench load seed worker clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: export DEBUG ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@HOST=$(HOST) PORT=$(PORT) $(PY) manage.py demo_logins
	$(PY) manage.py runserver $(HOST):$(PORT)

seed: export DEBUG ?= true
seed: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

worker: export DEBUG ?= true
worker: install
	$(PY) manage.py db_worker

# Browser checks need Debian's chromium; install it where we can (root with apt-get),
# and say loudly where we cannot. CI runs as root, so there it is always installed.
browser-deps:
	@if [ -x /usr/bin/chromium ] && command -v espeak-ng >/dev/null && ldconfig -p | grep -q libharfbuzz-subset; then \
		echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null); espeak-ng: $$(espeak-ng --version 2>/dev/null | head -c 40)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium (browser checks), espeak-ng (easy-read audio) and HarfBuzz's font subsetter (PDFs)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core espeak-ng libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	else \
		echo "!!!!!!!! chromium is missing and cannot be installed here (not root or no apt-get)."; \
		echo "!!!!!!!! The browser and accessibility checks in tests/browser WILL BE SKIPPED."; \
		echo "!!!!!!!! Install it with: sudo apt-get install chromium"; \
	fi

# Four workers (pytest-xdist), a test file each at a time, in the order tests/conftest.py
# gives (the slowest first): on 2 cores, as much of the suite waits on a browser, a server
# process or the database, four finish sooner than two. PYTEST_WORKERS=0 runs it in one
# process.
PYTEST_WORKERS ?= 4
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)

test: install-test browser-deps
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-fast: install-test
	$(BIN)/pytest -m "not browser" $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# schemathesis over every API operation against the demo (.ci/schemathesis.sh).
fuzz: install-test
	bash .ci/schemathesis.sh

lint: install-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@# Types: mypy over coplan/; the baseline of known errors may only shrink
	@# (after fixing some, run `make types-baseline` and commit the smaller file).
	DEBUG=true $(BIN)/mypy | $(BIN)/mypy-baseline filter --baseline-path mypy-baseline.txt --ignore-categories note --no-colors --hide-stats

types-baseline: install-test
	DEBUG=true $(BIN)/mypy | $(BIN)/mypy-baseline sync --baseline-path mypy-baseline.txt --ignore-categories note

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test
	$(PY) -m bench $(BENCH_ARGS)

# Locust against gunicorn (2 workers of 2 threads) on a scratch PostgreSQL database it makes
# and drops (on the server DATABASE_URL names, default the local one); LOAD_SECONDS=60 by default.
load: install-test
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
