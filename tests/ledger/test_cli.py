"""`python -m ledger` as an operator runs it: a temp SQLite file; its `main` in this process, and the
real `python -m ledger` and `python -m demo` processes where the entry point itself is tested. A refused
import prints one line per problem and never a traceback, whatever the file."""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from ledger.db import alembic_config
from tests.ledger.cli_runner import run_ledger
from tests.ledger.test_exchange_files import FILE_PROBLEMS, ROW, write_csv

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.services  # the commands run as processes: not in `make check`


def _ledger_process(tmp_path, *args, stdin: str | None = None):
    """`python -m ledger ARGS` as a process, with DATABASE_URL a SQLite file in tmp_path."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'ledger.db'}")
    return subprocess.run([sys.executable, "-m", "ledger", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, input=stdin if stdin is not None else "")


def _ledger(tmp_path, *args, stdin: str | None = None):
    """The same command's `main` in this process (tests/ledger/cli_runner.py says why)."""
    return run_ledger(f"sqlite:///{tmp_path / 'ledger.db'}", *args, stdin=stdin)


def _demo(tmp_path, *args):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'ledger.db'}")
    return subprocess.run([sys.executable, "-m", "demo", "seed", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, input="")


def test_init_db_demo_then_again_then_export_and_a_refused_import(tmp_path):
    first = _demo(tmp_path, "--today", "2026-11-24")
    assert first.returncode == 0, first.stderr
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert f"schema: empty -> {head}" in first.stdout and "demo campus loaded" in first.stdout
    second = _demo(tmp_path)
    assert second.returncode == 0 and f"already at {head}" in second.stdout and "nothing loaded" in second.stdout
    assert "0 risk points changed" in _ledger_process(tmp_path, "regrade").stdout

    out = tmp_path / "hazards.csv"
    exported = _ledger(tmp_path, "export", "hazards", "--school", "demo-middle", "--format", "csv", "--out", str(out))
    assert exported.returncode == 0 and "exported 8 hazards" in exported.stdout
    text = out.read_text(encoding="utf-8-sig")
    out.write_text(text.replace("一般隐患", "小隐患", 1), encoding="utf-8-sig")
    refused = _ledger(tmp_path, "import", "hazards", "--school", "demo-middle", str(out))
    assert refused.returncode == 1 and "第2行【隐患等级】" in refused.stderr and "未导入任何数据" in refused.stderr
    wrong = _ledger(tmp_path, "export", "risk-points", "--school", "demo-middle", "--format", "xlsx",
                    "--out", str(tmp_path / "x.csv"))
    assert wrong.returncode == 2


def test_tokens_are_shown_once_listed_without_themselves_and_revoked(tmp_path):
    assert _ledger(tmp_path, "init-db").returncode == 0
    created = _ledger(tmp_path, "token", "create", "--label", "指挥中心大屏")
    assert created.returncode == 0, created.stderr
    token = re.search(r"/\?token=([\w-]+)", created.stdout).group(1)
    assert len(token) >= 43 and f"Authorization: Bearer {token}" in created.stdout
    scoped = _ledger(tmp_path, "token", "create", "--label", "西门岗亭", "--school", "demo-univ")
    assert "/?school=demo-univ&token=" in scoped.stdout
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        digests = [row[0] for row in db.execute("SELECT digest FROM access_tokens")]
    assert hashlib.sha256(token.encode()).hexdigest() in digests  # the digest is kept, never the token
    listed = _ledger(tmp_path, "token", "list").stdout
    assert "指挥中心大屏" in listed and "demo-univ" in listed and token not in listed

    revoked = _ledger(tmp_path, "token", "revoke", "1")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert "revoked" in _ledger(tmp_path, "token", "list").stdout.splitlines()[1]
    assert _ledger(tmp_path, "token", "revoke", "99").returncode == 2
    rotated = _ledger(tmp_path, "token", "create", "--label", "西门岗亭", "--school", "demo-univ", "--replace")
    assert rotated.returncode == 0 and "revoked token 2 (西门岗亭)" in rotated.stdout
    assert _ledger(tmp_path, "token", "create", "--label", "x", "--school", "no such/school").returncode == 2
    assert _ledger(tmp_path, "token", "create", "--label", "x", "--role", "admin").returncode == 2


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory):
    """A directory whose ledger.db holds the demo campus (imports refused below leave it as it is)."""
    directory = tmp_path_factory.mktemp("cli-import")
    assert _demo(directory, "--today", "2026-11-24").returncode == 0
    return directory


def _import(directory, path):
    done = _ledger(directory, "import", "hazards", "--school", "demo-primary", str(path))
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr, done.stderr
    return done


@pytest.mark.parametrize(("make", "says"), FILE_PROBLEMS, ids=[m.__name__ for m, _ in FILE_PROBLEMS])
def test_a_file_that_cannot_be_read_is_one_line_naming_it(demo_ledger, tmp_path, make, says):
    path = make(tmp_path)
    done = _import(demo_ledger, path)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert f"{path}: " in line and says in line and "未导入任何数据" in line


PROBLEM = re.compile(r"第(\d+)行【([^】]+)】\S")


def test_each_bad_cell_is_one_line_with_its_row_and_column(demo_ledger, tmp_path):
    path = write_csv(tmp_path / "rows.csv", [
        dict(ROW, 隐患编号="HZ-A", 隐患名称="名" * 40_000),  # longer than any spreadsheet cell
        dict(ROW, 隐患编号="HZ-B\x1b[2J"),  # an ANSI sequence: the message must not clear the screen
        dict(ROW, 隐患编号="HZ-C", 隐患等级="一般\n隐患"),
        dict(ROW, 隐患编号="HZ-D", 发现时间="昨天"),
    ])
    done = _import(demo_ledger, path)
    assert done.returncode == 1 and "\x1b" not in done.stderr
    summary, *problems = done.stderr.splitlines()
    assert summary == "导入失败，未导入任何数据（4处错误）："
    assert all(line.startswith(f"{path}: ") for line in problems)
    found = [PROBLEM.search(line).groups() for line in problems]
    assert found == [("2", "隐患名称"), ("3", "隐患编号"), ("4", "隐患等级"), ("5", "发现时间")]
    assert "U+001B（ESC）" in problems[1] and "U+000A（LF）" in problems[2]

    other = tmp_path / "other.csv"
    other.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    done = _import(demo_ledger, other)
    summary, *problems = done.stderr.splitlines()
    assert done.returncode == 1 and {PROBLEM.search(line).groups() for line in problems} == {
        ("1", column) for column in ("隐患编号", "隐患名称", "隐患等级", "发现时间", "当前环节")}


def test_an_import_that_cleaned_free_text_says_which_cells(tmp_path):
    assert _demo(tmp_path, "--today", "2026-11-24").returncode == 0
    path = write_csv(tmp_path / "clean.csv", [dict(ROW, 隐患编号="HZ-NEW", 隐患描述="复制自Word\x0b第二行\x07")])
    done = _import(tmp_path, path)
    assert done.returncode == 0 and "1 created" in done.stdout
    assert "第2行【隐患描述】" in done.stdout.splitlines()[-1]
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        (description,) = db.execute("SELECT description FROM hazards WHERE code = 'HZ-NEW'").fetchone()
    assert description == "复制自Word\n第二行"


def test_source_keys_are_shown_once_listed_without_themselves_revoked_and_rotated(tmp_path):
    assert _ledger(tmp_path, "init-db").returncode == 0
    created = _ledger(tmp_path, "source", "create", "--name", "东校区门禁平台", "--school", "demo-univ",
                      "--school", "demo-middle")
    assert created.returncode == 0, created.stderr
    key = re.search(r"(csk_[\w-]+)", created.stdout).group(1)
    assert f"Authorization: Bearer {key}" in created.stdout and "demo-middle,demo-univ" in created.stdout
    district = _ledger(tmp_path, "source", "create", "--name", "区教育局平台", "--all-schools")
    assert district.returncode == 0 and "every school" in district.stdout
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        digests = [row[0] for row in db.execute("SELECT digest FROM event_sources")]
        schools = sorted(row[0] for row in db.execute("SELECT school FROM event_source_schools"))
    assert hashlib.sha256(key.encode()).hexdigest() in digests and schools == ["demo-middle", "demo-univ"]
    listed = _ledger(tmp_path, "source", "list").stdout
    assert "东校区门禁平台" in listed and "every school" in listed and key not in listed

    rotated = _ledger(tmp_path, "source", "rotate", "1")
    assert rotated.returncode == 0 and "source 1 (东校区门禁平台) revoked" in rotated.stdout
    new_key = re.search(r"(csk_[\w-]+)", rotated.stdout).group(1)
    assert new_key != key and "source 3 · 东校区门禁平台 · demo-middle,demo-univ" in rotated.stdout
    assert _ledger(tmp_path, "source", "rotate", "1").returncode == 2  # revoked: nothing to rotate
    revoked = _ledger(tmp_path, "source", "revoke", "3")
    assert revoked.returncode == 0 and "refuses its key within seconds" in revoked.stdout
    states = [line.split("·")[0] for line in _ledger(tmp_path, "source", "list").stdout.splitlines()[1:]]
    assert ["revoked" in s for s in states] == [True, False, True]
    assert _ledger(tmp_path, "source", "revoke", "99").returncode == 2
    refused = _ledger(tmp_path, "source", "create", "--name", "x")
    assert refused.returncode == 2 and "at least one school" in refused.stderr
    assert _ledger(tmp_path, "source", "create", "--name", "x", "--school", "no such/school").returncode == 2


def test_the_shipped_campaigns_are_imported_from_their_files_and_a_bad_file_imports_nothing(tmp_path):
    assert _ledger(tmp_path, "init-db").returncode == 0
    shipped = _ledger(tmp_path, "campaign", "import")
    assert shipped.returncode == 0, shipped.stderr
    assert "created fire-safety 消防安全专项整治" in shipped.stdout and len(shipped.stdout.splitlines()) == 8
    assert "updated lab-chemicals" in _ledger(tmp_path, "campaign", "import").stdout  # again: brought up to date
    good, bad = tmp_path / "winter.toml", tmp_path / "bad.toml"
    good.write_text('code = "winter"\nname_zh = "冬季安全"\nitems = ["取暖设备完好"]\n', encoding="utf-8")
    bad.write_text('code = "bad"\nname_zh = "坏文件"\nschool_types = ["nursery"]\nitems = []\n', encoding="utf-8")
    refused = _ledger(tmp_path, "campaign", "import", str(good), str(bad))
    assert refused.returncode == 1 and "nothing imported" in refused.stderr
    assert "bad.toml: school_types: 'nursery' not one of" in refused.stderr
    assert "bad.toml: items: the checklist needs at least one item" in refused.stderr
    listed = _ledger(tmp_path, "campaign", "list").stdout
    assert "winter" not in listed and "school-bus\t校车和交通安全\tmiddle,primary,kindergarten" in listed
    entries = sqlite3.connect(tmp_path / "ledger.db").execute(
        "SELECT actor, action FROM audit_entries WHERE target = 'campaign:fire-safety'").fetchall()
    assert entries[0][0].startswith("cli:") and entries[0][1] == "campaign.import"
