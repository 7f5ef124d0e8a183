# The two commands of the README. Each builds .venv from the lock files when they change.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test bench clean

$(STAMP): requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --no-deps -r requirements.lock
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(VENV)/bin/pip install --quiet --no-deps -r requirements-dev.lock
	touch $@

## run: the whole product on embedded defaults (Redis, Kafka-protocol broker, consumer, simulator, web)
run: $(STAMP)
	$(VENV)/bin/python -m streams.local_stack

## test: the test suite against real Redis, a real Kafka-protocol broker and headless Chromium
test: $(DEV_STAMP)
	bash .ci/system-packages
	$(VENV)/bin/python -m pytest

## bench: the benchmarks of docs/benchmarks.md
bench: $(STAMP)
	$(VENV)/bin/python bench/consumer_throughput.py
	$(VENV)/bin/python bench/event_to_api_latency.py

clean:
	rm -rf $(VENV) var .pytest_cache
