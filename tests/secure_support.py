"""Certificates and a TLS terminator for the secure-connection tests.

Certificates: a throw-away CA and server certificates signed by it, made with the openssl command
(Debian's, as on the servers), so every TLS check the clients make is a real one.

The TLS terminator exists because the local Kafka-protocol broker cannot serve TLS itself: Tansu
0.6.0's `--cert` and `--key` are declared mutually exclusive (so both cannot be given) and its TLS
acceptor is built but never used. The terminator does what a TLS load balancer in front of a
broker does: the client's TLS handshake (CA, host name) is checked by OpenSSL through Python's ssl
module, and the Kafka bytes inside pass unchanged to the broker.
"""
from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Authority:
    cert: Path
    key: Path


def make_authority(folder: Path, name: str = "campus test CA") -> Authority:
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "ca.pem", folder / "ca.key"
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
             "-keyout", str(key), "-out", str(cert),
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return Authority(cert, key)


def make_server_cert(folder: Path, authority: Authority, names: tuple[str, ...],
                     stem: str = "server") -> tuple[Path, Path]:
    """A server certificate (PEM) for `names` (DNS names or IPv4 addresses), signed by `authority`;
    its key is PKCS#8 PEM, as Kafka's PEM key store and PostgreSQL read it."""
    cert, key, request = folder / f"{stem}.pem", folder / f"{stem}.key", folder / f"{stem}.csr"
    extensions = folder / f"{stem}.ext"
    alt = ",".join(f"IP:{n}" if n.replace(".", "").isdigit() else f"DNS:{n}" for n in names)
    extensions.write_text(f"subjectAltName={alt}\nextendedKeyUsage=serverAuth\n"
                          "basicConstraints=critical,CA:FALSE\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={names[0]}", "-keyout", str(key),
             "-out", str(request))
    _openssl("x509", "-req", "-in", str(request), "-CA", str(authority.cert), "-CAkey", str(authority.key),
             "-CAcreateserial", "-days", "2", "-extfile", str(extensions), "-out", str(cert))
    return cert, key


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


class TlsTerminator:
    """TLS on 127.0.0.1:`port` with (cert, key), each connection passed on in plain TCP to
    127.0.0.1:`backend_port`. Runs its own asyncio loop in a thread; use as a context manager."""

    def __init__(self, port: int, backend_port: int, cert: Path, key: Path):
        self.port, self.backend_port = port, backend_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(cert), str(key))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server = None
        self._tasks: set[asyncio.Task] = set()

    def __enter__(self) -> TlsTerminator:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        started.result(10)
        return self

    def __exit__(self, *_exc) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(
            self._connection, "127.0.0.1", self.port, ssl=self.context, ssl_handshake_timeout=5,
            family=socket.AF_INET)

    async def _stop(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 5)

    async def _connection(self, reader, writer) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            writer.close()
            return
        try:
            await asyncio.gather(self._pump(reader, backend_writer), self._pump(backend_reader, writer))
        except asyncio.CancelledError:
            pass
        finally:
            for each in (writer, backend_writer):
                each.close()
            self._tasks.discard(task)

    @staticmethod
    async def _pump(source, sink) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                sink.close()
