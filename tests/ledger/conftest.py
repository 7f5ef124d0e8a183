"""Ledger fixtures: every SQL test runs on SQLite and on a real PostgreSQL server.

`engine` is parametrized over both back-ends; each test gets an empty database of its own,
migrated to the newest revision, so tests never see each other's rows.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from ledger.db import migrate
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from devstack import local_services
from tests.postgres import PostgresServer

_databases = itertools.count()
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer(local_services.free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def database_url(request, tmp_path):
    """An empty database: a SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"test_{next(_databases)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield server.url(name)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def ledger_settings(database_url, redis_url):
    return Settings.from_env(environ={}, database_url=database_url, redis_url=redis_url)


@pytest.fixture
def engine(ledger_settings):
    engine = sql_engine(ledger_settings)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with sql_sessions(engine)() as session:
        yield session
