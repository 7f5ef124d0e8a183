"""Lightweight wall screens: many clients of GET /wall/stream on one thread, for the benchmark
(bench/wall_push.py: 300 screens without 300 browsers) and the tests.

Each screen speaks the stream's protocol (docs/api.md) as a browser's EventSource does: it reads
the events, and when the connection drops it connects again after the `retry` the server gave.
It records what it received (event name, data, arrival time) and how many bytes; it applies
nothing. One selector thread serves every screen, so a few hundred cost the benchmark's machine
little of the CPU it measures the web app with. Requests are HTTP/1.0, so the body comes raw
(no chunked framing) and ends when the server closes.
"""
from __future__ import annotations

import codecs
import selectors
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def read_events(buffer: str) -> tuple[list[tuple[str, str]], str, int | None]:
    """(events as (name, data), the unfinished rest, the last `retry` given) from stream text."""
    events, retry = [], None
    *blocks, rest = buffer.replace("\r\n", "\n").split("\n\n")
    for block in blocks:
        name, data = "message", []
        for line in block.split("\n"):
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key == "event":
                name = value
            elif key == "data":
                data.append(value)
            elif key == "retry" and value.isdigit():
                retry = int(value)
        if data:
            events.append((name, "\n".join(data)))
    return events, rest, retry


@dataclass
class Screen:
    url: str
    headers: dict[str, str]
    reconnect: bool = True
    status: int | None = None  # of the last response
    events: list[tuple[float, str, str]] = field(default_factory=list)  # (time.time(), name, data)
    bytes: int = 0
    connects: int = 0
    open: bool = False  # a connection is up now
    retry_ms: int = 1000
    _sock: socket.socket | None = None
    _raw: bytes = b""
    _text: str = ""
    _head_done: bool = False
    _due: float = 0.0  # when to connect next (time.monotonic())
    _decoder: codecs.IncrementalDecoder | None = None  # a character may be split between reads

    def named(self, name: str) -> list[tuple[float, str]]:
        return [(at, data) for at, event, data in self.events if event == name]


class Screens:
    """Many screens, one thread. `add()` a screen; `stop()` closes them all."""

    def __init__(self):
        self.screens: list[Screen] = []
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wall-screens", daemon=True)
        self._thread.start()

    def add(self, url: str, *, token: str | None = None, cookie: str | None = None,
            reconnect: bool = True) -> Screen:
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = cookie
        screen = Screen(url, headers, reconnect)
        with self._lock:
            self.screens.append(screen)
        return screen

    def drop(self, screen: Screen) -> None:
        """Close a screen's connection and forget it (a tab closed)."""
        with self._lock:
            screen.reconnect = False
            self._close(screen)
            self.screens.remove(screen)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            for screen in self.screens:
                self._close(screen)

    # -- the thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            with self._lock:
                for screen in self.screens:
                    if screen._sock is None and now >= screen._due and (screen.reconnect or not screen.connects):
                        self._connect(screen)
                idle = not self._selector.get_map()
            if idle:
                time.sleep(0.02)
                continue
            for key, _ in self._selector.select(timeout=0.05):
                with self._lock:
                    self._read(key.data)

    def _connect(self, screen: Screen) -> None:
        parts = urlsplit(screen.url)
        screen.connects += 1
        screen._raw, screen._text, screen._head_done = b"", "", False
        screen._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        try:
            sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
        except OSError:
            screen._due = time.monotonic() + screen.retry_ms / 1000
            return
        lines = [f"GET {parts.path}?{parts.query} HTTP/1.0", f"Host: {parts.netloc}"]
        lines += [f"{k}: {v}" for k, v in screen.headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        sock.setblocking(False)
        screen._sock = sock
        screen.open = True
        self._selector.register(sock, selectors.EVENT_READ, screen)

    def _read(self, screen: Screen) -> None:
        if screen._sock is None:
            return
        try:
            chunk = screen._sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._close(screen)
            screen._due = time.monotonic() + screen.retry_ms / 1000
            return
        screen.bytes += len(chunk)
        arrived = time.time()
        if not screen._head_done:
            screen._raw += chunk
            head, sep, body = screen._raw.partition(b"\r\n\r\n")
            if not sep:
                return
            screen._head_done = True
            screen.status = int(head.split(b" ", 2)[1])
            chunk = body
            if screen.status != 200:  # EventSource gives up on an error status: so does this screen
                screen.reconnect = False
        screen._text += screen._decoder.decode(chunk)
        events, screen._text, retry = read_events(screen._text)
        if retry:
            screen.retry_ms = retry
        screen.events.extend((arrived, name, data) for name, data in events)

    def _close(self, screen: Screen) -> None:
        if screen._sock is not None:
            try:
                self._selector.unregister(screen._sock)
            except (KeyError, ValueError):
                pass
            screen._sock.close()
            screen._sock = None
        screen.open = False
