# The two commands of the README. Both build .venv (Python 3.11) from the lock files: from scratch
# when it is missing or requirements.lock changed, then the test packages on top for `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PIP := $(VENV)/bin/pip --disable-pip-version-check
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test check clean lock

# Every pin carries its hashes: pip installs exactly what was locked, or stops (`make lock`).
$(STAMP): requirements.lock requirements-local.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "make: Python 3.11 is needed, $(PYTHON) is " + sys.version.split()[0])'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --no-deps --require-hashes -r requirements.lock -r requirements-local.lock
	$(PIP) check
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(PIP) install --quiet --no-deps --require-hashes -r requirements-dev.lock
	$(PIP) check
	touch $@

## run: the whole product on embedded defaults (Redis, Kafka-protocol broker, consumer, simulator, web)
run: $(STAMP)
	exec $(VENV)/bin/python -m devstack.local_stack

## test: the test suite against real Redis, a real Kafka-protocol broker, PostgreSQL and headless
## Chromium, in TEST_WORKERS processes (pytest-xdist; each starts its own servers and browser).
## pytest's own exit code is make's: 5 (no test collected) fails like any other.
## PYTEST_ARGS passes options through, e.g. make test PYTEST_ARGS='-k local_stack'.
# Four workers: the suite mostly waits on servers, browsers and deadlines (a run used 545 s of CPU in
# 602 s on 2 cores with three), so on 2 cores four finish sooner than three (517 s against 602 s for the
# same 2,506 tests, docs/benchmarks.md) and three sooner than two (700 s); the slowest modules start
# first (tests/conftest.py), so no worker is left alone with one at the end. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 4
test: $(DEV_STAMP)
	@bash .ci/system-packages
	exec $(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## check: in under a minute, no server needed: ruff, the import contracts (import-linter, the
## [tool.importlinter] contracts in pyproject.toml) and the pure-logic tests (marked `pure` by
## tests/conftest.py: they use no server, browser or process). Every step runs; any failure fails.
check: $(DEV_STAMP)
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/lint-imports --no-logo --no-cache || status=1; \
	$(VENV)/bin/python -m pytest -q -m pure -p no:cacheprovider $(PYTEST_ARGS) || status=1; \
	exit $$status

## lock: write requirements*.lock, every pin with its hashes, from requirements*.txt (pip-tools in a
## throwaway venv under var/; versions already locked are kept: .ci/lock.py)
lock:
	rm -rf var/lock-venv
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet pip-tools==7.7.0
	var/lock-venv/bin/python .ci/lock.py
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var .pytest_cache
