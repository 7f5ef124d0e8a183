"""The campus event simulator: simulated school days sent to Kafka in real time.

    python -m demo.simulator [--rate R] [--schools a,b] [--seed N] [--bad-rate F]
                                [--count N | --duration S] [--bootstrap HOST:PORT] [--topic T]

Defaults come from `Settings.from_env()` (SIMULATOR_RATE, SIMULATOR_SCHOOLS, SIMULATOR_SEED,
SIMULATOR_BAD_RATE, KAFKA_BOOTSTRAP_SERVERS, EVENTS_TOPIC). The virtual clock of
`demo.campus_stream` starts at the current wall time and sends are paced to it, so event times
are "now" and the consumer sees a live campus. Each message is keyed by its school id, which keeps a
school's events in order within one partition.

`simulate` / `simulate_labelled` (the pure generator) are re-exported here; `produce` is what the
local-stack runner and the benchmarks call.
"""
from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from dataclasses import dataclass

from demo.campus_stream import DEFAULT_DUPLICATE_RATE, Simulated, simulate, simulate_labelled
from kernel import connections, kafka_security, logs, proof
from kernel.settings import Settings, SettingsError
from streams.alert_rules import load_rules

__all__ = ["ProduceReport", "Simulated", "main", "produce", "simulate", "simulate_labelled"]

log = logging.getLogger("demo.simulator")

BATCH_BYTES = 256 * 1024  # a few hundred events per produce request at full speed
MAX_SLEEP_S = 0.05  # sleep in small steps, so a stop request is honoured quickly
CHECK_EVERY = 512  # when behind (never sleeping), look at the time every this many messages


@dataclass(frozen=True)
class ProduceReport:
    """What a `produce` run did. `behind_ms` > 0 means sends trailed the virtual clock at the end."""

    sent: int
    bad: int
    errors: int
    elapsed_s: float
    behind_ms: int

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed_s if self.elapsed_s > 0 else 0.0


class _SendErrors:
    """Counts failed deliveries (kafka-python reports them on the send future), logging the first."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, exc: BaseException) -> None:
        self.count += 1
        if self.count <= 3:
            log.error("send failed: %r", exc)


def simulated_headers(message: Simulated, keys: tuple[bytes, ...]) -> list | None:
    """The record headers sent with a simulated message: the simulated duty console's steps are
    signed as the web app signs them; a forged one (a bad message) is not."""
    if message.bad is not None or not keys:
        return None
    return proof.sign_if_needed(message.payload, keys)


def produce(
    settings: Settings,
    *,
    rate: float | None = None,
    count: int | None = None,
    duration: float | None = None,
    schools: tuple[str, ...] | None = None,
    seed: int | None = None,
    bad_rate: float | None = None,
    duplicate_rate: float = DEFAULT_DUPLICATE_RATE,
    stop: threading.Event | None = None,
    producer=None,
    progress_every_s: float = 10.0,
) -> ProduceReport:
    """Send simulated events to `settings.events_topic` at `rate` events/s until `count` messages are
    sent, `duration` seconds have passed, or `stop` is set; unset arguments come from `settings`.

    When sending falls behind the clock it sends as fast as it can until caught up. Pass `producer`
    to reuse a KafkaProducer (it is flushed, not closed); otherwise one is made and closed here.
    """
    rate = settings.simulator_rate if rate is None else rate
    stop = stop or threading.Event()
    start_ms = int(time.time() * 1000)
    stream = simulate_labelled(
        schools or settings.schools,
        seed=settings.simulator_seed if seed is None else seed,
        start_ms=start_ms,
        rate=rate,
        bad_rate=settings.simulator_bad_rate if bad_rate is None else bad_rate,
        duplicate_rate=duplicate_rate,
        tz=settings.tz,
        rules=load_rules(settings.alert_rules_file),
        max_event_bytes=settings.max_event_bytes,
    )
    own_producer = producer is None
    if own_producer:
        producer = connections.kafka_producer(
            settings, linger_ms=5, batch_size=BATCH_BYTES, metrics_enabled=False
        )
    topic = settings.events_topic
    keys = {school: school.encode() for school in (schools or settings.schools)}
    signing_keys = proof.keys_from(settings.event_signing_key)
    if not signing_keys:
        log.warning("EVENT_SIGNING_KEY is not set: the simulated duty console's steps go unsigned and are refused")
    errors = _SendErrors()
    started = time.monotonic()
    end_ms = start_ms + duration * 1000 if duration is not None else None

    def wall_ms() -> float:
        # Monotonic, so a wall-clock step (NTP) neither stalls nor bursts the pacing.
        return start_ms + (time.monotonic() - started) * 1000

    log.info("simulating %s at %.0f events/s (bad %.2f%%) into %s on %s", ",".join(keys), rate,
             100 * (settings.simulator_bad_rate if bad_rate is None else bad_rate), topic,
             kafka_security.describe(settings))
    sent = bad = 0
    now_ms = wall_ms()
    last_clock = start_ms
    next_progress = now_ms + progress_every_s * 1000
    progress_sent = 0
    try:
        for message in stream:
            if count is not None and sent >= count:
                break
            clock = message.clock_ms
            if clock > now_ms or sent % CHECK_EVERY == 0:
                now_ms = wall_ms()
                while clock > now_ms and not stop.is_set():  # ahead of real time: wait for it
                    time.sleep(min((clock - now_ms) / 1000, MAX_SLEEP_S))
                    now_ms = wall_ms()
                if stop.is_set() or (end_ms is not None and max(clock, now_ms) >= end_ms):
                    break
                if now_ms >= next_progress:
                    span_s = progress_every_s + (now_ms - next_progress) / 1000
                    log.info("sent %d (%.0f/s over the last %.0f s, target %.0f/s), bad %d, failed %d, "
                             "behind %.0f ms", sent, (sent - progress_sent) / span_s, span_s, rate, bad,
                             errors.count, max(0.0, now_ms - clock))
                    next_progress, progress_sent = now_ms + progress_every_s * 1000, sent
            producer.send(topic, value=message.payload, key=keys[message.school],
                          headers=simulated_headers(message, signing_keys)).add_errback(errors)
            sent += 1
            last_clock = clock
            if message.bad:
                bad += 1
    finally:
        producer.flush(timeout=30)
        if own_producer:
            producer.close(timeout=10)
    elapsed = time.monotonic() - started
    report = ProduceReport(sent, bad, errors.count, elapsed, int(max(0.0, wall_ms() - last_clock)))
    log.info("stopped: sent %d in %.1f s (%.0f/s), bad %d, failed %d", sent, elapsed, report.rate, bad,
             errors.count)
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m demo.simulator",
        description="Send simulated campus safety events to Kafka in real time.",
    )
    parser.add_argument("--rate", type=float, help="events per second over all schools (SIMULATOR_RATE)")
    parser.add_argument("--schools", help="comma-separated school ids (SIMULATOR_SCHOOLS)")
    parser.add_argument("--seed", type=int, help="random seed; same seed, same days (SIMULATOR_SEED)")
    parser.add_argument("--bad-rate", type=float, help="share of bad messages, 0-1 (SIMULATOR_BAD_RATE)")
    until = parser.add_mutually_exclusive_group()
    until.add_argument("--count", type=int, help="stop after this many messages")
    until.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers HOST:PORT (KAFKA_BOOTSTRAP_SERVERS)")
    parser.add_argument("--topic", help="topic to send to (EVENTS_TOPIC)")
    return parser


def main(argv: list[str] | None = None) -> int:
    from kafka.errors import KafkaError  # imported here: only the CLI needs kafka-python

    parser = _parser()
    args = parser.parse_args(argv)
    overrides = {
        name: value
        for name, value in (
            ("simulator_rate", args.rate), ("simulator_schools", args.schools), ("simulator_seed", args.seed),
            ("simulator_bad_rate", args.bad_rate), ("kafka_bootstrap_servers", args.bootstrap),
            ("events_topic", args.topic),
        )
        if value is not None
    }
    try:
        settings = Settings.from_env(**overrides)
    except SettingsError as exc:
        parser.error(str(exc))
    logs.setup("simulator", settings)  # kafka-python's INFO lines (which would drown the progress) left out
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        produce(settings, count=args.count, duration=args.duration, stop=stop)
    except ValueError as exc:  # an unknown school id, a rate out of range
        parser.error(str(exc))
    except KafkaError as exc:  # no broker reachable, topic refused
        log.error("simulator failed: %r", exc)
        return 1
    except connections.KafkaConnectError as exc:  # a wrong password or CA: what to change
        log.error("simulator failed: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
