"""The SQL fixtures (tests/conftest.py registers them for the whole suite, so each session, that is
each xdist worker, runs one PostgreSQL server): every SQL test runs on SQLite and on a real
PostgreSQL server.

`engine` is parametrized over both back-ends; each test gets a database of its own, migrated to the
newest revision, so tests never see each other's rows. The migration runs once per session (per
xdist worker) into a template, by the same `migrate()`; each test's database is a copy of it (a file
copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), then `migrate()` again, which finds it
at head. A fresh migration per test cost ~0.2 s on SQLite and ~0.3 s on PostgreSQL, ~500 times.
tests/ledger/test_migrations.py still migrates an empty database (`database_url`) step by step.

A module whose tests all start from the same rows (a district, schools, people with hashed passwords)
names the function that writes them `LEDGER_SEED = build` (build(session) -> value, committing its
rows): the rows are written once per module and back-end (per xdist worker) into a template of their
own, each test's database is a copy of that template instead of the empty one, and the fixture
`seeded` gives the test `build`'s value (it must not hold ORM objects: their session is gone). Writing
a school and its people cost 0.4-0.7 s a test, most of it hashing passwords; a copy costs 0.02-0.05 s.
"""
from __future__ import annotations

import itertools
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from devstack import local_services
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger.db import migrate
from tests.postgres import PostgresServer

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer(local_services.free_port()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite ledger migrated to head, copied into each test's database by `engine`."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    engine = create_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server):
    """A database on the PostgreSQL server migrated to head: each test's database is made from it."""
    name = "ledger_template"
    admin = create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    engine = create_engine(postgres_server.url(name))
    migrate(engine)
    engine.dispose()  # a template must have no connection when it is copied
    return name


def _copy_of_template(request, url: str, template: str | Path | None = None) -> None:
    """Fill the empty database at `url` (just made by `database_url`) with a copy of `template` (a
    file on SQLite, a database name on PostgreSQL; by default the empty ledger at head)."""
    if url.startswith("sqlite:///"):
        target = url.removeprefix("sqlite:///")
        source = template or request.getfixturevalue("sqlite_template")
        with open(target, "xb") as copy, open(source, "rb") as original:
            shutil.copyfileobj(original, copy)  # "x": the database must not exist yet
        return
    server = request.getfixturevalue("postgres_server")
    template = template or request.getfixturevalue("postgres_template")
    server.copy(template, url.rsplit("/", 1)[1])


# (module, back-end) -> (the seeded template, what LEDGER_SEED answered); per session, so per worker.
_seeded: dict[tuple[str, str], tuple[str | Path, object]] = {}


def _seeded_template(request, url: str) -> tuple[str | Path, object] | None:
    """The template of the test's module's LEDGER_SEED on the test's back-end, built on first use."""
    build = getattr(request.module, "LEDGER_SEED", None)
    if build is None:
        return None
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    key = (request.module.__name__, backend)
    if key not in _seeded:
        number = len(_seeded)
        if backend == "sqlite":
            folder = request.getfixturevalue("tmp_path_factory").mktemp(f"seed-{number}")
            template: str | Path = folder / "ledger.db"
            seed_url = f"sqlite:///{template}"
        else:
            template = f"seed_{number}"
            server = request.getfixturevalue("postgres_server")
            with server.admin().connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {template}"))
            seed_url = server.url(template)
        _copy_of_template(request, seed_url)
        engine = sql_engine(Settings.from_env(environ={}, database_url=seed_url))
        with sql_sessions(engine)() as session:
            value = build(session)
            session.commit()
        engine.dispose()  # a template must have no connection when it is copied; SQLite's WAL is folded in
        _seeded[key] = (template, value)
    return _seeded[key]


@contextmanager
def _postgres_database(server, *, create: bool = True):
    """A new empty database on the server (`create` False: only its name, for a caller that makes
    it from the template itself), dropped afterwards (connections and all)."""
    name = f"test_{next(_databases)}"
    if create:
        with server.admin().connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.url(name)
    finally:
        server.drop(name)


@pytest.fixture
def database_url(request, tmp_path):
    """An empty database: a SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    # A test that asks for `engine` gets a copy of the template made under this name; an empty
    # database made first would only be dropped again.
    with _postgres_database(request.getfixturevalue("postgres_server"),
                            create="engine" not in request.fixturenames) as url:
        yield url


@pytest.fixture(scope="module")
def module_database_url(request, tmp_path_factory):
    """A database migrated to head for all the tests of one module that only read it (built once by
    the module's own fixture): a SQLite file, or a database on the PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('module-ledger') / 'ledger.db'}"
        _copy_of_template(request, url)
        yield url
        return
    with _postgres_database(request.getfixturevalue("postgres_server"), create=False) as url:
        _copy_of_template(request, url)
        yield url


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        # @pytest.mark.backends("postgresql"): a test whose SQL the other back-end's run of the same module
        # covers already, and whose subject is elsewhere (a PDF's rendering, a load's scale).
        marker = metafunc.definition.get_closest_marker("backends")
        metafunc.parametrize("database_url", list(marker.args) if marker else ["sqlite", "postgresql"], indirect=True)
    if "module_database_url" in metafunc.fixturenames:
        metafunc.parametrize("module_database_url", ["sqlite", "postgresql"], indirect=True, scope="module")


@pytest.fixture
def ledger_settings(database_url, redis_url):
    return Settings.from_env(environ={}, database_url=database_url, redis_url=redis_url,
                             password_hash_cost=os.environ.get("PASSWORD_HASH_COST", "standard"))  # conftest


@pytest.fixture
def engine(request, ledger_settings):
    seeded = _seeded_template(request, ledger_settings.database_url)
    _copy_of_template(request, ledger_settings.database_url, seeded[0] if seeded else None)
    # A copy of a template at head: no `migrate` again (tests/ledger/test_migrations.py shows that a
    # second upgrade, as `make run` does at every start, is a no-op).
    engine = sql_engine(ledger_settings)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with sql_sessions(engine)() as session:
        yield session


@pytest.fixture
def seeded(request, engine):
    """What the module's LEDGER_SEED answered when it wrote the rows this test's database starts with."""
    found = _seeded_template(request, engine.url.render_as_string(hide_password=False))
    if found is None:
        raise RuntimeError(f"{request.module.__name__} has no LEDGER_SEED")
    return found[1]
