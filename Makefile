# kptutor — the two commands a newcomer needs are `make app` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_PORT ?= 8501

.PHONY: app serve serve-down reliability-processes fuzz test lint typecheck unit neo4j-up neo4j-down neo4j-status bench reliability clean help

help:
	@echo "make app         install into .venv, load the default curriculum, start the app"
	@echo "make serve N=2   N app processes behind HAProxy on 127.0.0.1:$(SERVE_PORT), with Neo4j"
	@echo "make serve-down  stop what make serve started"
	@echo "make test        install dev extras, start Neo4j, run the whole suite, stop Neo4j"
	@echo "make unit        unit tests only (no services)"
	@echo "make lint        ruff + mypy"
	@echo "make neo4j-up    start the local Neo4j (writes .neo4j.env); make neo4j-down stops it"
	@echo "make fuzz        the fuzz tests in full (10,000 cases each; make test runs 2,500)"
	@echo "make bench       run the benchmarks (writes BENCHMARKS.md figures to stdout)"
	@echo "make reliability the full load profile (200 students, 60 s, both engines) for RELIABILITY.md"
	@echo "make reliability-processes  the same with two engine processes on one store"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-install only when pyproject.toml changes.
$(VENV)/.app-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[app,llm]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[app,dev]'
	touch $@ $(VENV)/.app-installed

# The demo school (teacher / teacher-demo, students s01…s30 / student-demo) is seeded once;
# `tutor demo seed` is idempotent and prints the credentials every time.
app: $(VENV)/.app-installed
	$(BIN)/tutor graph load default
	$(BIN)/tutor demo seed
	@# OATutor's algebra problems (CC BY 4.0) for the curriculum page's OATutor tab, once:
	@# from TUTOR_OATUTOR_DIR, else <TUTOR_SHARED_DATA or ../shared/data>/oatutor-content.
	@if $(BIN)/tutor content stats --json | $(BIN)/python -c \
	    'import json, sys; sys.exit(0 if json.load(sys.stdin)["imported_problems"] else 1)'; then \
	  echo "OATutor problems: already imported"; \
	else \
	  $(BIN)/tutor content import oatutor || echo "OATutor problems not imported (no OATutor \
	content found): the curriculum page's OATutor tab says how to import them"; \
	fi
	$(BIN)/tutor model pull smollm2 || echo "SmolLM2 could not be fetched: explanations use the template model"
	@echo "kptutor on http://127.0.0.1:$(APP_PORT) - sign in as teacher / teacher-demo or s01 / student-demo"
	$(BIN)/streamlit run ui/server.py --server.address 127.0.0.1 --server.port $(APP_PORT) \
		--server.headless true --browser.gatherUsageStats false --client.toolbarMode minimal

# Several app processes, one school: N processes behind HAProxy (Debian's package, sticky
# sessions, websockets) on 127.0.0.1:SERVE_PORT, sharing one store (Neo4j unless
# TUTOR_STORE names another). Sessions are in the store, so any process serves any user.
N ?= 2
SERVE_PORT ?= 8500
serve: $(VENV)/.app-installed
	BIN=$(abspath $(BIN)) SERVE_PORT=$(SERVE_PORT) deploy/serve.sh up $(N)

serve-down:
	deploy/serve.sh down

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: $(VENV)/.dev-installed
	$(BIN)/pytest tests/unit -q

# Neo4j is stopped even when the tests fail; the exit status is the tests'.
# axe-core for the accessibility audit (tests/e2e/test_a11y.py), pinned by its lock file.
AXE_JS := tests/e2e/axe/node_modules/axe-core/axe.min.js
$(AXE_JS): tests/e2e/axe/package-lock.json
	npm ci --prefix tests/e2e/axe --no-audit --no-fund --silent
	touch $@

test: $(VENV)/.dev-installed $(AXE_JS)
	$(MAKE) lint
	$(BIN)/tutor model pull smollm2
	graph/neo4j.sh up
	set -a; source .neo4j.env; set +a; \
	  KPTUTOR_FUZZ_CASES=2500 $(BIN)/pytest -q --durations=25; status=$$?; \
	  graph/neo4j.sh down; exit $$status

neo4j-up:
	graph/neo4j.sh up

neo4j-down:
	graph/neo4j.sh down

neo4j-status:
	graph/neo4j.sh status

bench: $(VENV)/.dev-installed
	graph/neo4j.sh up
	set -a; source .neo4j.env; set +a; \
	  $(BIN)/python benchmarks/graph_scale.py; status=$$?; \
	  graph/neo4j.sh down; exit $$status

# The fuzz tests in full: 10,000 cases of each input (make test runs 2,500 of each).
fuzz: $(VENV)/.dev-installed
	graph/neo4j.sh up
	set -a; source .neo4j.env; set +a; \
	  KPTUTOR_FUZZ_CASES=10000 $(BIN)/pytest -q tests/reliability/test_fuzz.py \
	    tests/reliability/test_fuzz_roster.py; status=$$?; \
	  graph/neo4j.sh down; exit $$status

# Two engine processes on one store, both engines, the same audit (RELIABILITY.md, issue 17).
reliability-processes: $(VENV)/.dev-installed
	graph/neo4j.sh up
	set -a; source .neo4j.env; set +a; \
	  $(BIN)/python -m tests.reliability.loadgen_processes --processes 2 --students 200 \
	    --seconds 60 --json artifacts/reliability/load-processes.json; status=$$?; \
	  graph/neo4j.sh down; exit $$status

# The full load profile; CI runs the short one inside `make test` (tests/reliability/).
reliability: $(VENV)/.dev-installed
	graph/neo4j.sh up
	set -a; source .neo4j.env; set +a; \
	  $(BIN)/python -m tests.reliability.loadgen --students 200 --seconds 60 \
	    --json artifacts/reliability/load.json; status=$$?; \
	  graph/neo4j.sh down; exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts
