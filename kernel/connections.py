"""Connections to Redis, Kafka and SQL are made here and nowhere else.

Each function builds a client when called; nothing connects at import. redis-py connects lazily
on first command, so building the client is cheap and safe inside an app factory. Every client
takes its security (TLS, SASL, passwords, CA files) from the settings; the Kafka part lives in
kernel/kafka_security.py (docs/operations.md, "Connections and their security").
"""
from __future__ import annotations

import redis

from kernel import kafka_security
from kernel.kafka_security import KafkaConnectError  # noqa: F401 - raised by the builders below
from kernel.settings import Settings

# The execution option that marks a session's transactions as reads only (sql_sessions).
READS_ONLY = "campus_reads_only"


def redis_client(settings: Settings, *, fail_fast: bool = False) -> redis.Redis:
    """A Redis client with short timeouts: a screen must show 'stale' fast, not hang.

    `fail_fast` (the web app): one immediate retry, for a pooled connection Redis has closed, and no
    more. redis-py 8 otherwise retries each command three times with backoff, so with Redis down every
    command took about 3 s (measured): a sign-in 4 s, a wall refresh longer than its 500 ms tick. The
    consumers keep the default: a batch may wait out a Redis restart rather than fail."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options = {"retry": Retry(NoBackoff(), 1)} if fail_fast else {}
    return redis.Redis.from_url(
        settings.redis_url,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=2,
        health_check_interval=15,
        **options,
        **redis_security(settings),
    )


def redis_security(settings: Settings) -> dict:
    """redis-py's options for the password and TLS (redis-py 8: `password`, `ssl_ca_certs`).

    TLS itself comes with the rediss:// scheme; the certificate is always checked (ssl_cert_reqs
    'required' and ssl_check_hostname on are redis-py's defaults, kept explicit here)."""
    options: dict = {}
    if settings.redis_password:
        options["password"] = settings.redis_password
    if settings.redis_url.lower().startswith("rediss://"):
        options.update(ssl_cert_reqs="required", ssl_check_hostname=True)
        if settings.redis_ca_file:
            options["ssl_ca_certs"] = settings.redis_ca_file
    return options


def kafka_consumer(settings: Settings, **overrides):
    """A KafkaConsumer of the aggregator group, committing nothing to Kafka: offsets live in Redis."""
    from kafka import KafkaConsumer  # imported here: only stream processes need kafka-python

    options = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        group_id=settings.consumer_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=settings.poll_max_records,
        # Short session and heartbeat: a dead consumer's partitions move on within seconds. The
        # heartbeat stays well inside the session, or one late heartbeat would cost the partitions.
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=min(1_000, settings.kafka_session_timeout_ms // 3),
        max_poll_interval_ms=120_000,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        max_partition_fetch_bytes=8 * 1024 * 1024,
        fetch_max_bytes=32 * 1024 * 1024,
        **kafka_security.client_options(settings),
    )
    options.update(overrides)
    return kafka_security.build(KafkaConsumer, settings, options)


def kafka_producer(settings: Settings, **overrides):
    from kafka import KafkaProducer

    options = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        linger_ms=5,
        acks="all",
        retries=5,
        **kafka_security.client_options(settings),
    )
    options.update(overrides)
    return kafka_security.build(KafkaProducer, settings, options)


def kafka_admin(settings: Settings, **overrides):
    """A KafkaAdminClient (topics; the tests' and the local stack's set-up)."""
    from kafka import KafkaAdminClient

    options = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        **kafka_security.client_options(settings),
    )
    options.update(overrides)
    return kafka_security.build(KafkaAdminClient, settings, options)


def sql_engine(settings: Settings, **overrides):
    """The SQL ledger's engine: SQLite (embedded default) or PostgreSQL (production).

    SQLite gets foreign keys on, WAL (the web app reads while the recorder writes) and a busy
    timeout, and every transaction takes the write lock when it begins (BEGIN IMMEDIATE), so
    writers wait their turn instead of failing with 'database is locked'. A deferred transaction
    that reads and then writes cannot wait: when another process wrote meanwhile, SQLite refuses
    its upgrade at once, whatever the timeout (with `make run` and the simulator on, 16 of 16
    sign-ins failed so under load). Sessions that only read (`sql_sessions(..., reads_only=True)`)
    begin deferred instead: in WAL they never wait for a writer, nor make one wait."""
    from sqlalchemy import create_engine, event

    url = settings.database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **overrides)

        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT (which the
        # recorder uses per event): hand it to SQLAlchemy, as SQLAlchemy's SQLite docs advise.
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            reads_only = connection.get_execution_options().get(READS_ONLY, False)
            connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

        return engine
    options = dict(pool_pre_ping=True, pool_size=5, max_overflow=5)
    options.update(overrides)
    # The PostgreSQL connection's security as psycopg connect arguments (libpq's sslmode,
    # sslrootcert, password), merged under any connect_args a caller adds (e.g. connect_timeout).
    options["connect_args"] = {**postgres_security(settings), **options.get("connect_args", {})}
    return create_engine(url, **options)


def postgres_security(settings: Settings) -> dict:
    """psycopg / libpq connect arguments for TLS and the password (libpq's own names).

    verify-full checks that the server's certificate is signed by DATABASE_SSLROOTCERT *and*
    names the host in DATABASE_URL; verify-ca checks the signature only."""
    options: dict = {}
    if settings.database_sslmode:
        options["sslmode"] = settings.database_sslmode
    if settings.database_sslrootcert:
        options["sslrootcert"] = settings.database_sslrootcert
    if settings.database_password:
        options["password"] = settings.database_password
    return options


def sql_sessions(engine, *, reads_only: bool = False):
    """A session factory; `expire_on_commit=False` so read objects stay usable after commit.

    `reads_only`: sessions that never write (pages, reports, the API's reads). On SQLite they
    begin deferred and so never queue behind a writer; a write in one may be refused when another
    process writes at the same moment. Everything else queues for the write lock (sql_engine)."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine.execution_options(**{READS_ONLY: True}) if reads_only else engine,
                        expire_on_commit=False)
