# Two commands: `make run` serves the app, `make test` runs the whole suite (browser tests too).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8050
WORKERS ?= 2
SOURCES := $(shell find data/src -type f \( -name '*.csv' -o -name '*.geojson' \) 2>/dev/null)
DOMAIN  := $(wildcard domain/*.py)

.PHONY: run test data serve venv system-deps clean help bench
.DEFAULT_GOAL := help

help:
	@echo "make run    - install, build the data if needed, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install (Chromium too), build, run the whole test suite"
	@echo "make data   - validate the source tables and rebuild data/build"
	@echo "make serve  - production-style server (gunicorn, $(WORKERS) workers)"
	@echo "make bench  - page weight, render time, callback latency, scale, throughput (bench/README.md)"

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
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

test: system-deps $(STAMP) data/build/manifest.json
	$(BIN)/python -m pytest -n 2 tests

bench: $(STAMP) data/build/manifest.json
	bash scripts/install_system_deps.sh wrk
	$(BIN)/python -m bench.run

clean:
	rm -rf data/build data/builds .cache .pytest_cache
