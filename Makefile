# Two commands: `make run` serves the app, `make test` runs the whole suite (browser tests too).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8050
WORKERS ?= 2
SOURCES := $(shell find data/src -type f \( -name '*.csv' -o -name '*.geojson' \) 2>/dev/null)
DOMAIN  := $(wildcard domain/*.py)

.PHONY: run test lint data serve venv system-deps clean help bench bench-lighthouse bench-first-paint lighthouse-deps stack stack-stop soak audit
.DEFAULT_GOAL := help

help:
	@echo "make run    - install, build the data if needed, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install (Chromium too), build, lint, run the whole test suite"
	@echo "make lint   - ruff check and ruff format --check (settings in pyproject.toml)"
	@echo "make data   - validate the source tables and rebuild data/build"
	@echo "make serve  - production-style server (gunicorn, $(WORKERS) workers)"
	@echo "make bench  - page weight, render time, callback latency, scale, throughput, Lighthouse (bench/README.md)"
	@echo "make bench-lighthouse - Lighthouse 12 mobile on every page in RU and EN, floor pages, cold start"
	@echo "make bench-first-paint - screenshots of / at 390x844 at its first paint on a throttled phone"
	@echo "make stack  - nginx :8200 -> 2 gunicorn instances, PostgreSQL, Redis, on loopback (make stack-stop)"
	@echo "make soak   - the long load, fault and fuzz tests (pytest -m soak)"
	@echo "make audit  - bandit on the code; pip-audit on the pins where its vulnerability service is reachable"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

# Rebuild when the build is missing or older than any source table or the domain code.
data/build/manifest.json: $(SOURCES) $(DOMAIN) | $(STAMP)
	$(BIN)/python -m domain.build

data: $(STAMP)
	$(BIN)/python -m domain.build

run: $(STAMP) data/build/manifest.json
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python app.py

serve: $(STAMP) data/build/manifest.json
	$(BIN)/gunicorn app:server --bind $(HOST):$(PORT) --workers $(WORKERS) --no-control-socket

system-deps:
	bash scripts/install_system_deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: system-deps $(STAMP) data/build/manifest.json lint
	$(BIN)/python -m pytest -n 2 tests

# Scale-out topology on loopback (scripts/stack.sh; README "Scale-out and operations").
stack: $(STAMP) data/build/manifest.json
	bash scripts/stack.sh start

stack-stop:
	bash scripts/stack.sh stop

# The soak tests run the stack against PostgreSQL (started, installed if missing, as in .ci/run).
soak: system-deps $(STAMP) data/build/manifest.json
	TEST_DATABASE_URL="$$(bash scripts/start_services.sh | tail -1)" FUZZ_RANDOM=1 $(BIN)/python -m pytest -n 2 -m soak tests

audit: $(STAMP)
	$(BIN)/bandit -q -r app.py services domain components presentation pages i18n -lll
	$(BIN)/python -m pip install -q pip-audit==2.10.1
	$(BIN)/pip-audit -r requirements.txt -r requirements-dev.txt --no-deps --disable-pip --progress-spinner off

bench: $(STAMP) data/build/manifest.json lighthouse-deps
	bash scripts/install_system_deps.sh wrk
	$(BIN)/python -m bench.run
	CHROME_PATH=/usr/bin/chromium $(BIN)/python -m bench.lighthouse
	$(BIN)/python -m bench.first_paint

# Lighthouse from npm, pinned by bench/package-lock.json (node 20 and npm from the system).
bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund

lighthouse-deps: bench/node_modules/.package-lock.json

bench-lighthouse: $(STAMP) data/build/manifest.json lighthouse-deps
	CHROME_PATH=/usr/bin/chromium $(BIN)/python -m bench.lighthouse

bench-first-paint: $(STAMP) data/build/manifest.json
	$(BIN)/python -m bench.first_paint

clean:
	rm -rf data/build data/builds .cache .pytest_cache
