"""A real PostgreSQL server for the tests, from Debian's packages, on a free port in a scratch dir.

PostgreSQL refuses to run as root, so as root (CI, these machines) the server runs as the
`postgres` user the Debian package creates.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path


def pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


class PostgresServer:
    def __init__(self, port: int, *, tls: tuple[Path, Path] | None = None):
        """`tls`: (certificate, key) PEM files to serve TLS with (ssl=on); the server's copies are
        made readable by it alone, as PostgreSQL requires of a key."""
        self.port = port
        self.tls = tls
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        self.dir = Path(tempfile.mkdtemp(prefix="campus-pg-"))
        self.user = "postgres" if os.geteuid() == 0 else None
        self._admin = None
        self.copies: Copies | None = None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def start(self) -> PostgresServer:
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-U", "campus", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        if self.tls:
            options += " " + self._install_tls()
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "log"), "-w", "-t", "60", "start",
                  "-o", options)
        # `pg_ctl -w` returns once the server accepts connections; a login proves it over TCP.
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={self.port} user=campus dbname=postgres").close()
                return self
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError("PostgreSQL did not start: " + (self.dir / "log").read_text())
                time.sleep(0.2)

    def _install_tls(self) -> str:
        cert, key = self.dir / "server.crt", self.dir / "server.key"
        shutil.copyfile(self.tls[0], cert)
        shutil.copyfile(self.tls[1], key)
        key.chmod(0o600)
        if self.user:
            entry = pwd.getpwnam(self.user)
            for path in (cert, key):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        return f"-c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key}"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://campus@127.0.0.1:{self.port}/{database}"

    def admin(self):
        """An AUTOCOMMIT engine on the `postgres` database, for CREATE and DROP DATABASE: one per
        server, so the hundreds of test databases made and dropped reuse its connection."""
        if self._admin is None:
            from sqlalchemy import create_engine

            self._admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        return self._admin

    def copy(self, template: str, name: str) -> None:
        """Make database `name` a copy of `template`, from a copy made ahead when one is ready."""
        if self.copies is None:
            self.copies = Copies(self)
        self.copies.take(template, name)

    def drop(self, name: str) -> None:
        """Drop database `name` (connections and all), in the background when copies are made there."""
        if self.copies is not None:
            self.copies.drop(name)
            return
        with self.admin().connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.copies is not None:
            self.copies.close()
        if self._admin is not None:
            self._admin.dispose()
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class Copies:
    """Copies of template databases made ahead, in a thread. CREATE DATABASE ... TEMPLATE costs 0.2-0.3 s
    on a busy machine (0.02 s on an idle one), and hundreds of tests each wait for one; made while the
    test before runs, the copy is ready when asked for and only renamed (ALTER DATABASE ... RENAME, a
    catalogue update). The thread keeps one copy of the template asked for last (a module's tests ask
    for the same one in a row), and drops the databases tests are done with when it has nothing to make.
    A copy made for a module that has ended is dropped when the server stops."""

    def __init__(self, server: PostgresServer):
        self.server = server
        self.ready: dict[str, list[str]] = {}
        self.to_drop: list[str] = []
        self.wanted: str | None = None
        self.closing = False
        self.numbers = iter(range(1 << 30))
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="postgres-copies", daemon=True)
        self.thread.start()

    def take(self, template: str, name: str) -> None:
        with self.changed:
            spares = self.ready.get(template)
            spare = spares.pop() if spares else None
            self.wanted = template
            self.changed.notify()
        with self.server.admin().connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # a caller made it empty
            if spare is not None:
                connection.exec_driver_sql(f"ALTER DATABASE {spare} RENAME TO {name}")
            else:
                connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")

    def drop(self, name: str) -> None:
        with self.changed:
            self.to_drop.append(name)
            self.changed.notify()

    def _next_job(self) -> tuple[str, str] | None:
        with self.changed:
            while True:
                if self.closing:
                    return None
                if self.wanted is not None and not self.ready.get(self.wanted):
                    return "make", self.wanted
                if self.to_drop:
                    return "drop", self.to_drop.pop()
                self.changed.wait()

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            kind, what = job
            try:
                with self.server.admin().connect() as connection:
                    if kind == "make":
                        spare = f"spare_{next(self.numbers)}"
                        connection.exec_driver_sql(f"CREATE DATABASE {spare} TEMPLATE {what}")
                        with self.changed:
                            self.ready.setdefault(what, []).append(spare)
                    else:
                        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {what} WITH (FORCE)")
            except Exception:  # noqa: BLE001 - the server is stopping, or a template is in use: the test makes its own
                with self.changed:
                    if kind == "make" and self.wanted == what:
                        self.wanted = None  # do not spin on a template that cannot be copied now
                time.sleep(0.05)

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify()
        self.thread.join(timeout=30)
