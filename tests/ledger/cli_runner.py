"""`python -m ledger ARGS` run as its `main` in the test's own process: what the module runs after
setting up its logs, with the same exit code, output and error output. A process costs about two
seconds of imports a call, and the suite runs the command a hundred times; the tests of the entry
point itself (tests/ledger/test_cli.py `_ledger_process`, `python -m demo`) start real processes."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

from kernel.settings import Settings
from ledger.cli import main


def run_ledger(database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The command with DATABASE_URL=database_url and the rest of this process's environment."""
    settings = Settings.from_env(dict(os.environ, DATABASE_URL=database_url))
    out, err = io.StringIO(), io.StringIO()
    stdin_before = sys.stdin
    sys.stdin = io.StringIO(stdin if stdin is not None else "")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args), settings=settings)
            except SystemExit as exc:  # argparse's refusals, and sys.exit("message") as Python prints it
                code = exc.code if isinstance(exc.code, int) or exc.code is None else 1
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
    finally:
        sys.stdin = stdin_before
    return subprocess.CompletedProcess(["ledger", *args], code or 0, out.getvalue(), err.getvalue())
