"""One web worker's share of pushed walls: one Redis subscription for all its streams, and its
publisher (dashboard/wall_publisher.py), both in threads started by the first stream.

A stream is a thread of a gunicorn gthread worker holding one screen's connection; hundreds of
them must not mean hundreds of Redis connections. The hub holds one pub/sub connection per
worker, subscribed to the channels its screens watch, and hands each message to those screens'
queues. Only the hub's thread touches that connection (redis-py's pub/sub is not thread-safe):
streams ask it to subscribe and unsubscribe through a list it works through between reads.
Both threads end by themselves once no stream has been open here for a while, so a worker that
serves no walls does nothing, and tests' apps leave nothing running.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque

import redis
from flask import Flask

from dashboard.wall_publisher import Publisher

log = logging.getLogger(__name__)
EXTENSION = "campus.wall_hub"
QUEUE_SIZE = 64  # publications waiting for one slow screen; past that it is sent the whole wall
IDLE_EXIT_S = 30.0
DOWN = "down"  # put in every queue when the subscription broke: Redis is unreachable


class Listener:
    """One stream's subscription: its queue, and whether it lost messages (then: resync)."""

    def __init__(self, channel: str):
        self.channel = channel
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_SIZE)
        self.overflow = False

    def offer(self, item) -> None:
        try:
            self.queue.put_nowait(item)
        except queue.Full:
            self.overflow = True


class Hub:
    def __init__(self, app: Flask, live):
        self.app, self.live = app, live
        self._lock = threading.Lock()
        self._listeners: dict[str, set[Listener]] = {}
        self._pending: deque[tuple[str, str]] = deque()  # ("subscribe"|"unsubscribe", channel)
        self._threads: dict[str, threading.Thread] = {}
        self._last_open = time.monotonic()
        self.stop = threading.Event()
        self.publisher: Publisher | None = None

    # -- what a stream asks -------------------------------------------------------------------
    def listen(self, channel: str) -> Listener:
        listener = Listener(channel)
        with self._lock:
            group = self._listeners.setdefault(channel, set())
            if not group:
                self._pending.append(("subscribe", channel))
            group.add(listener)
            self._last_open = time.monotonic()
            self._ensure_threads()
        return listener

    def close(self, listener: Listener) -> None:
        with self._lock:
            group = self._listeners.get(listener.channel, set())
            group.discard(listener)
            if not group:
                self._listeners.pop(listener.channel, None)
                self._pending.append(("unsubscribe", listener.channel))
            self._last_open = time.monotonic()

    def streams(self) -> int:
        with self._lock:
            return sum(len(g) for g in self._listeners.values())

    def _still_busy(self, name: str) -> bool:
        """For the thread `name`: something streamed here within IDLE_EXIT_S. When not, the thread
        is struck off under the lock as it says so, so the next stream starts a new one (never
        counting on a thread that is about to end)."""
        with self._lock:
            if self._listeners or time.monotonic() - self._last_open < IDLE_EXIT_S:
                return True
            self._threads.pop(name, None)
            return False

    # -- the threads --------------------------------------------------------------------------
    def _ensure_threads(self) -> None:  # under self._lock
        for name, target in (("hub", self._relay), ("publisher", self._publish)):
            thread = self._threads.get(name)
            if thread is None or not thread.is_alive():
                thread = threading.Thread(target=target, name=f"wall-{name}", daemon=True)
                self._threads[name] = thread
                thread.start()

    def _publish(self) -> None:
        with self.app.app_context():
            self.publisher = Publisher(self.live, busy=lambda: self._still_busy("publisher"))
            self.publisher.run(self.stop)

    def _relay(self) -> None:
        pubsub = None
        subscribed: set[str] = set()
        while not self.stop.is_set():
            if not self._still_busy("hub"):
                break
            try:
                if pubsub is None:
                    pubsub = self.live.redis.pubsub(ignore_subscribe_messages=True)
                    with self._lock:  # a new connection: subscribe to everything listened to
                        self._pending.clear()
                        subscribed = set()
                        wanted = set(self._listeners)
                    if wanted:
                        pubsub.subscribe(*wanted)
                        subscribed = wanted
                self._apply_pending(pubsub, subscribed)
                if not subscribed:
                    self.stop.wait(0.05)
                    continue
                message = pubsub.get_message(timeout=0.05)
                if message and message.get("type") == "message":
                    channel = message["channel"]
                    channel = channel.decode() if isinstance(channel, bytes) else channel
                    with self._lock:
                        group = list(self._listeners.get(channel, ()))
                    for listener in group:
                        listener.offer(message["data"])
            except redis.RedisError as exc:
                log.warning("wall hub: Redis unreachable (%s)", type(exc).__name__)
                with self._lock:
                    everyone = [item for g in self._listeners.values() for item in g]
                for listener in everyone:
                    listener.offer(DOWN)
                pubsub = self._drop(pubsub)
                self.stop.wait(1.0)
        self._drop(pubsub)

    def _apply_pending(self, pubsub, subscribed: set[str]) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    return
                action, channel = self._pending.popleft()
                still_wanted = channel in self._listeners
            if action == "subscribe" and still_wanted and channel not in subscribed:
                pubsub.subscribe(channel)
                subscribed.add(channel)
            elif action == "unsubscribe" and not still_wanted and channel in subscribed:
                pubsub.unsubscribe(channel)
                subscribed.discard(channel)

    @staticmethod
    def _drop(pubsub) -> None:
        if pubsub is not None:
            try:
                pubsub.close()
            except redis.RedisError:
                pass
        return None


def stop(app: Flask) -> None:
    """End this app's streams (within a second: their screens reconnect) and the hub's threads; the
    next stream starts a new hub. A server stopping cuts its connections; this is that for a server
    whose stop leaves them open (the tests' threaded server)."""
    found = app.extensions.pop(EXTENSION, None)
    if found is not None:
        found.stop.set()


def hub(app: Flask, live) -> Hub:
    """This app's hub (one per web worker), made on first use."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, Hub(app, live))
    return found
