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

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
