"""Connections to Redis, Kafka and SQL are made here and nowhere else.

Each function builds a client when called; nothing connects at import. redis-py connects lazily
on first command, so building the client is cheap and safe inside an app factory.
"""
from __future__ import annotations

import redis

from queries.settings import Settings


def redis_client(settings: Settings) -> redis.Redis:
    """A Redis client with short timeouts: a screen must show 'stale' fast, not hang."""
    return redis.Redis.from_url(
        settings.redis_url,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=2,
        health_check_interval=15,
    )


def kafka_consumer(settings: Settings, **overrides):
    """A KafkaConsumer of the aggregator group, committing nothing to Kafka: offsets live in Redis."""
    from kafka import KafkaConsumer  # imported here: only stream processes need kafka-python

    options = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        group_id=settings.consumer_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=settings.poll_max_records,
        # Short session and heartbeat: a dead consumer's partitions move on within seconds.
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
        max_poll_interval_ms=120_000,
        # A fetch returns after at most 50 ms on a quiet topic, keeping event -> screen latency low.
        fetch_max_wait_ms=50,
        max_partition_fetch_bytes=8 * 1024 * 1024,
        fetch_max_bytes=32 * 1024 * 1024,
    )
    options.update(overrides)
    return KafkaConsumer(**options)


def kafka_producer(settings: Settings, **overrides):
    from kafka import KafkaProducer

    options = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        linger_ms=5,
        acks="all",
        retries=5,
    )
    options.update(overrides)
    return KafkaProducer(**options)
