"""People's accounts: password hashing and policy (pure), the ledger's users and sessions on SQLite
and PostgreSQL, and `python -m ledger user` as an operator runs it."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from ledger import passwords
from ledger.commands import users
from ledger.errors import LedgerError
from ledger.models import UserSession
from tests.ledger.conftest import NOW
from tests.ledger.test_cli import _ledger

GOOD = "correct horse battery"
# A quick hasher for tests that hash a lot; the product uses PASSWORD_HASH_COST's parameters.
QUICK = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_hash_verify_and_rehash_when_the_parameters_change():
    stored = passwords.hash_password(GOOD)
    assert stored.startswith("$argon2id$") and GOOD not in stored
    assert passwords.verify_password(stored, GOOD)
    assert not passwords.verify_password(stored, GOOD + "x")
    assert not passwords.verify_password("not a hash", GOOD)
    assert passwords.hash_password(GOOD) != stored  # salted
    assert not passwords.needs_rehash(stored)
    old = passwords.hash_password(GOOD, using=QUICK)
    assert passwords.verify_password(old, GOOD) and passwords.needs_rehash(old)


def test_the_hash_cost_setting_chooses_the_argon2_parameters_and_a_changed_cost_rehashes():
    from kernel.settings import Settings, SettingsError

    chosen = passwords.hasher()
    try:
        passwords.use(Settings.from_env(environ={"PASSWORD_HASH_COST": "standard"}))
        standard = passwords.hash_password(GOOD)
        assert "$m=65536,t=3,p=4$" in standard  # RFC 9106's second recommendation
        passwords.use(Settings.from_env(environ={"PASSWORD_HASH_COST": "minimum"}))
        minimum = passwords.hash_password(GOOD)
        assert "$m=19456,t=2,p=1$" in minimum  # OWASP's argon2id minimum
        assert passwords.verify_password(standard, GOOD) and passwords.needs_rehash(standard)
        assert "$m=19456,t=2,p=1$" in passwords.dummy_hash()  # an unknown user costs what a known one does
    finally:
        passwords.use(Settings.from_env(environ={}, password_hash_cost="minimum" if chosen.memory_cost < 65536
                                        else "standard"))
    with pytest.raises(SettingsError, match="PASSWORD_HASH_COST must be standard or minimum"):
        Settings.from_env(environ={"PASSWORD_HASH_COST": "none"})


@pytest.mark.parametrize("password, username, ok", [
    ("correct horse", "zhang", True),
    ("short", "zhang", False),
    ("123456789", "zhang", False),  # nine
    ("1234567890", "zhang", True),  # ten
    ("Zhang.Wei.01", "zhang.wei.01", False),  # the username, any case
    (" padded password ", "zhang", False),
    ("line\nbreak password", "zhang", False),
])
def test_password_policy(password, username, ok):
    assert (passwords.policy_problems(password, username) == []) is ok


def test_a_user_signs_in_and_a_wrong_or_unknown_one_does_not(session):
    user = users.create_user(session, username=" Zhang ", display_name="张老师", role="duty", password=GOOD,
                             schools=["s2", "s1"], now=NOW)
    assert user.username == "zhang" and user.school_codes == {"s1", "s2"} and not user.all_schools
    assert users.authenticate(session, username="ZHANG", password=GOOD, now=NOW) is user
    assert user.last_login_at == NOW
    assert users.authenticate(session, username="zhang", password="wrong password", now=NOW) is None
    assert users.authenticate(session, username="nobody", password=GOOD, now=NOW) is None
    assert users.authenticate(session, username="<script>", password=GOOD, now=NOW) is None
    every = users.create_user(session, username="li", display_name="李主任", role="leader", password=GOOD, now=NOW)
    assert every.all_schools and every.school_codes is None
    with pytest.raises(LedgerError, match="already"):
        users.create_user(session, username="ZHANG", display_name="x", role="duty", password=GOOD, now=NOW)
    with pytest.raises(LedgerError, match="role"):
        users.create_user(session, username="wu", display_name="x", role="wall", password=GOOD, now=NOW)
    with pytest.raises(users.PasswordRefused):
        users.create_user(session, username="wang", display_name="x", role="duty", password="wang", now=NOW)


def test_an_old_hash_is_replaced_at_sign_in(session):
    user = users.create_user(session, username="zhang", display_name="张", role="duty", password=GOOD, now=NOW)
    user.password_hash = passwords.hash_password(GOOD, using=QUICK)
    assert users.authenticate(session, username="zhang", password=GOOD, now=NOW) is user
    assert not passwords.needs_rehash(user.password_hash)


def test_sessions_keep_a_digest_and_end_when_the_user_changes(session):
    user = users.create_user(session, username="zhang", display_name="张", role="duty", password=GOOD, now=NOW)
    first = users.start_session(session, user=user, now=NOW, ip="10.0.0.1", user_agent="tablet")
    assert first.row.digest == users.session_digest(first.session_id) != first.session_id
    assert users.open_session(session, session_id=first.session_id) == (first.row, user)
    users.note_activity(session, session_id=first.session_id, at=NOW + timedelta(minutes=2))
    session.refresh(first.row)
    assert first.row.last_active_at == NOW + timedelta(minutes=2)

    users.change_access(session, username="zhang", role="leader", now=NOW)
    assert users.open_session(session, session_id=first.session_id) is None
    session.refresh(first.row)
    assert first.row.end_reason == "role_changed"

    second = users.start_session(session, user=user, now=NOW)
    users.change_access(session, username="zhang", schools=["s1"], now=NOW)
    assert users.open_session(session, session_id=second.session_id) is None
    third = users.start_session(session, user=user, now=NOW)
    assert users.end_session(session, session_id=third.session_id, reason="logout", now=NOW)
    assert not users.end_session(session, session_id=third.session_id, reason="idle", now=NOW)  # once
    fourth = users.start_session(session, user=user, now=NOW)
    users.disable_user(session, username="zhang", now=NOW)
    assert users.open_session(session, session_id=fourth.session_id) is None
    assert users.authenticate(session, username="zhang", password=GOOD, now=NOW) is None
    reasons = [row.end_reason for row in session.query(UserSession).order_by(UserSession.id)]
    assert reasons == ["role_changed", "schools_changed", "logout", "disabled"]


# ---- the command line ----------------------------------------------------------------------------

def _user(tmp_path, *args, stdin: str | None = None):
    return _ledger(tmp_path, "user", *args, stdin=stdin)


@pytest.mark.services  # runs processes of its own: not in `make check`
def test_a_district_officer_is_given_their_district_from_the_command_line(tmp_path):
    assert _ledger(tmp_path, "init-db").returncode == 0
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        db.execute("INSERT INTO org_units (id, code, kind, name_zh) VALUES (1, 'jinshui', 'district', '金水区')")
    made = _user(tmp_path, "create", "--username", "wang", "--name", "王科长", "--role", "leader", "--unit", "jinshui",
                 "--password-stdin", stdin=GOOD + "\n")
    assert made.returncode == 0 and "unit jinshui" in made.stdout, made.stderr
    unknown = _user(tmp_path, "create", "--username", "li", "--name", "李", "--role", "leader", "--unit", "nowhere",
                    "--password-stdin", stdin=GOOD + "\n")
    assert unknown.returncode == 2 and "no organisation unit 'nowhere'" in unknown.stderr
    moved = _user(tmp_path, "change", "wang", "--no-unit", "--school", "s1")
    assert moved.returncode == 0 and moved.stdout.strip().endswith("leader · s1"), moved.stdout
    # The command line's changes are in the audit log like the web's, by the login that ran them.
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        entries = db.execute("SELECT actor, action, target, after FROM audit_entries ORDER BY id").fetchall()
    assert [(a.startswith("cli:"), action, target) for a, action, target, _ in entries] == [
        (True, "user.create", "user:wang"), (True, "user.change", "user:wang")]
    assert GOOD not in repr(entries) and "argon2" not in repr(entries)


@pytest.mark.services  # runs processes of its own: not in `make check`
def test_the_first_admin_is_created_from_the_command_line(tmp_path):
    assert _ledger(tmp_path, "init-db").returncode == 0
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)  # nothing ships
    created = _user(tmp_path, "create", "--username", "admin", "--name", "信息中心 王工", "--role", "admin",
                    "--password-stdin", stdin=GOOD + "\n")
    assert created.returncode == 0, created.stderr
    assert "admin · 信息中心 王工 · admin · every school" in created.stdout and GOOD not in created.stdout
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        stored = db.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0]
    assert passwords.verify_password(stored, GOOD)

    weak = _user(tmp_path, "create", "--username", "zhang", "--name", "张", "--role", "duty",
                 "--password-stdin", stdin="zhang\n")
    assert weak.returncode == 2 and "至少需要 10 个字符" in weak.stderr
    same = _user(tmp_path, "create", "--username", "zhangsan01", "--name", "张", "--role", "duty",
                 "--password-stdin", stdin="ZhangSan01\n")
    assert same.returncode == 2 and "must not be the username" in same.stderr
    officer = _user(tmp_path, "create", "--username", "zhang", "--name", "张", "--role", "duty",
                    "--school", "demo-univ", "--school", "demo-middle", "--password-stdin", stdin=GOOD + "\n")
    assert officer.returncode == 0 and "demo-middle,demo-univ" in officer.stdout
    # The password is never an argument.
    assert _user(tmp_path, "create", "--username", "x1", "--name", "x", "--role", "duty",
                 "--password", GOOD).returncode == 2

    listed = _user(tmp_path, "list").stdout
    assert "admin" in listed and "demo-middle,demo-univ" in listed and "$argon2" not in listed
    assert _user(tmp_path, "reset-password", "zhang", "--password-stdin", stdin="short\n").returncode == 2
    assert _user(tmp_path, "reset-password", "zhang", "--password-stdin",
                 stdin="another good one\n").returncode == 0
    assert _user(tmp_path, "disable", "zhang").returncode == 0
    assert "disabled" in [line for line in _user(tmp_path, "list").stdout.splitlines() if " zhang " in line][0]
    assert _user(tmp_path, "disable", "nobody").returncode == 2
    changed = _user(tmp_path, "change", "admin", "--role", "leader", "--school", "demo-univ")
    assert changed.returncode == 0 and "leader · demo-univ" in changed.stdout
