"""Shared fixtures: a real redis-server and a real Kafka-protocol broker (Tansu) for the session.

No fakes: tests talk to the same servers the product talks to. Each test gets a flushed Redis
and, through the factories, its own topic and consumer group, so tests never share state.
"""
from __future__ import annotations

import itertools
import os
import re
import uuid
from pathlib import Path

import pytest
import redis

from devstack import local_services
from kernel.settings import Settings
from ledger import passwords

# The SQL fixtures, registered here once for every folder: `database_url` runs a test on SQLite and on
# a real PostgreSQL server (one server a session, shared by a database per test).
from tests.databases import (  # noqa: F401
    database_url,
    engine,
    ledger_settings,
    module_database_url,
    postgres_server,
    postgres_template,
    pytest_generate_tests,
    seeded,
    session,
    sqlite_template,
)

# Every password the tests hash costs OWASP's argon2id minimum (PASSWORD_HASH_COST=minimum), not the
# production default's third of a second: the suite signs people in hundreds of times. In this process,
# in every Settings the fixtures make, and in the processes tests start (they inherit the environment).
# tests/ledger/test_users.py checks that "standard" hashes with the full parameters.
TEST_HASH_COST = os.environ.setdefault("PASSWORD_HASH_COST", "minimum")
passwords.use(Settings.from_env(environ={}, password_hash_cost=TEST_HASH_COST))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    port = local_services.free_port()
    process = local_services.start_redis(port, tmp_path_factory.mktemp("redis"))
    yield f"redis://127.0.0.1:{port}/0"
    local_services.stop(process)


@pytest.fixture
def redis_client(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushall()
    yield client
    client.flushall()
    client.close()


@pytest.fixture(scope="session")
def kafka_bootstrap():
    # TEST_KAFKA_BOOTSTRAP_SERVERS runs the suite against a real Apache Kafka instead of Tansu.
    external = os.environ.get("TEST_KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    port = local_services.free_port()
    process = local_services.start_broker(port)
    yield f"127.0.0.1:{port}"
    local_services.stop(process)


_topic_numbers = itertools.count()
# The EVENT_SIGNING_KEY of every test's settings: the harness signs the duty console's events with it.
TEST_SIGNING_KEY = "test-event-signing-key-2026"


def settings_for(redis_url: str, folder, /, **overrides) -> Settings:
    """Settings for one test or one module: its own topic, dead-letter topic and consumer group, a
    SQLite ledger and heartbeats in `folder`, overrides on top."""
    suffix = f"{next(_topic_numbers)}-{uuid.uuid4().hex[:6]}"
    values = dict(
        redis_url=redis_url,
        events_topic=f"events-{suffix}",
        dead_letter_topic=f"dlq-{suffix}",
        consumer_group=f"group-{suffix}",
        database_url=f"sqlite:///{folder / 'campus.db'}",
        event_signing_key=TEST_SIGNING_KEY,
        heartbeat_dir=str(folder / "heartbeat"),  # not the repository's var/
        photo_dir=str(folder / "photos"),
        report_dir=str(folder / "reports"),
        password_hash_cost=TEST_HASH_COST,
    )
    values.update(overrides)
    return Settings.from_env(environ={}, **values)


@pytest.fixture
def settings_factory(redis_url, tmp_path):
    """Settings for one test: its own topic, dead-letter topic and consumer group."""

    def make(**overrides) -> Settings:
        return settings_for(redis_url, tmp_path, **overrides)

    return make


# Fixtures that stand for a server, a browser or a process: a test whose fixtures reach none of them
# (and that is not marked kafka or browser) is `pure`, the logic tests `make check` runs.
SERVICE_FIXTURES = frozenset({"redis_url", "kafka_bootstrap", "postgres_server", "database_url", "module_database_url",
                              "playwright_driver", "chromium", "named_browser", "serve"})


# Modules with tests of 15 s or more (pytest --durations; SIGKILLs, rebalances, deadlines, browsers through
# every page): run first, so under xdist the long ones overlap the many short ones instead of ending
# the run alone on one worker. Their own order is kept.
SLOW_FIRST = (
    "tests/streams/test_exactly_once.py", "tests/streams/test_observability.py", "tests/ledger/test_recorder.py",
    "tests/dashboard/test_lead_read_only.py", "tests/dashboard/test_wall_screens.py",
    "tests/dashboard/test_headers_browser.py", "tests/dashboard/test_wall_browser.py", "tests/streams/test_proof.py",
    "tests/test_secure_connections.py", "tests/dashboard/test_api_events.py", "tests/ledger/test_cli.py",
    "tests/ledger/test_users.py", "tests/test_local_stack.py", "tests/dashboard/test_duty_browser.py",
    "tests/ledger/test_demo.py", "tests/dashboard/test_sqlite_writers.py", "tests/dashboard/test_login.py",
    "tests/dashboard/test_lead_large_tablets.py", "tests/streams/test_consumer_loop.py",
    "tests/dashboard/test_new_school_acceptance.py", "tests/dashboard/test_phone_work_browser.py",
    # Issues 15 and 16: a server, a browser or a notifier per module, 5-30 s each; last in the run they
    # left one worker finishing alone.
    "tests/dashboard/test_phone_report_browser.py", "tests/dashboard/test_phone_inspection_browser.py",
    "tests/dashboard/test_inspection_plans_browser.py", "tests/streams/test_notifier.py",
    "tests/dashboard/test_phone_inspection_scope.py", "tests/dashboard/test_phone_report_routes.py",
    "tests/dashboard/test_drills_browser.py", "tests/dashboard/test_admin_oncall_browser.py",
    # Issue 17: the district wall's browser journey (17-24 s), the bureau's pages in a browser.
    "tests/dashboard/test_district_wall.py", "tests/dashboard/test_supervision_browser.py",
    "tests/dashboard/test_reports_browser.py", "tests/ledger/test_ladder.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {module: n for n, module in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(SLOW_FIRST)))  # stable
    for item in items:
        if not (SERVICE_FIXTURES & set(getattr(item, "fixturenames", ()))
                or item.get_closest_marker("kafka") or item.get_closest_marker("browser")
                or item.get_closest_marker("services")):
            item.add_marker(pytest.mark.pure)


# What makes a module's tests share set-up: a module-scoped fixture (a server, an app, a built ledger) or
# a LEDGER_SEED template. Each xdist worker that runs one of the module's tests pays for it again.
SHARED_SETUP = re.compile(r'scope=["\']module["\']|^LEDGER_SEED\s*=|\bmodule_database_url\b', re.M)


def _modules_sharing_setup(tests: Path) -> frozenset[str]:
    root = tests.parent
    return frozenset(str(path.relative_to(root)) for path in tests.rglob("test_*.py")
                     if SHARED_SETUP.search(path.read_text(encoding="utf-8")))


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` (the Makefile's): each module that shares set-up goes to one worker whole, every
    other test on its own, in the order above (SLOW_FIRST), not reordered by size.

    Why not xdist's own loadgroup with xdist_group markers: pytest 9.2 keeps a node's id in `_id`, and
    xdist 3.8's worker still writes the group into `_nodeid`, so the group never reached the scheduler
    and a module's tests were spread over the workers (its module fixture built on each: 3 × 5.5 s for
    test_callback_scope). The scheduler is the controller's, which collects nothing, so the modules are
    found from their source."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    grouped = _modules_sharing_setup(Path(__file__).resolve().parent)
    config.option.loadscopereorder = False

    class ModulesSharingSetup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in grouped else nodeid

    return ModulesSharingSetup(config, log)
