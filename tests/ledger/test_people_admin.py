"""People and wall tokens as administrators manage them (ledger/commands/user_admin.py, token_admin.py,
user_import.py), on SQLite and PostgreSQL: who may do what to whom, the audit entry each change
leaves (never a secret), and the Excel import's all-or-nothing with its errors per row."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from ledger import org_scope, passwords
from ledger.commands import access, sign_ins, token_admin, user_admin, user_import, users
from ledger.commands import org as org_commands
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.exchange import ImportRejected
from ledger.exchange_files import UnreadableFile
from ledger.models import AccessToken, AuditEntry, User, UserSession
from queries.ledger import people
from tests.ledger.test_org_admin import NOW, PASSWORD, ROOT, tree

D1_ADMIN = Actor("d1admin", "admin", "192.0.2.1")


def _people(session) -> None:
    tree(session)
    users.create_user(session, username="d1admin", display_name="金水区管理员", role="admin", password=PASSWORD,
                      unit="d1", now=NOW)
    users.create_user(session, username="d2duty", display_name="二七区值班", role="duty", password=PASSWORD,
                      unit="d2", now=NOW)


LEDGER_SEED = _people  # written once per back-end, copied for each test (tests/databases.py)


@pytest.fixture
def org(session):
    return session


def _audit(db) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _no_secret(entries, *secrets) -> None:
    text = json.dumps([[e.before, e.after, e.target] for e in entries], ensure_ascii=False)
    for secret in secrets:
        assert secret not in text
    assert "argon2" not in text


def test_a_district_admin_creates_people_in_the_district_and_nowhere_else(org):
    user, generated = user_admin.create(org, actor=D1_ADMIN, scope="d1", username="Li.Teacher", display_name="李老师",
                                        role="duty", unit="s1", now=NOW)
    assert user.username == "li.teacher" and len(generated) == user_admin.GENERATED_LENGTH
    assert passwords.verify_password(user.password_hash, generated)
    assert org_scope.readable_schools(org, user) == {"s1"}
    colleague, typed = user_admin.create(org, actor=D1_ADMIN, scope="d1", username="d1b", display_name="同事",
                                         role="admin", unit="d1", password=PASSWORD, now=NOW)
    assert typed is None and colleague.unit.code == "d1"
    for refused in ({"unit": "d2"}, {"unit": "hn"}, {"unit": ""}, {"unit": None}):
        with pytest.raises(org_scope.OutOfScope):  # another district, above, the whole tree
            user_admin.create(org, actor=D1_ADMIN, scope="d1", username="x1", display_name="x", role="admin",
                              now=NOW, **refused)
    assert users.find_user(org, "x1") is None
    whole, _ = user_admin.create(org, actor=ROOT, scope=None, username="root2", display_name="全局", role="admin",
                                 unit=None, now=NOW)
    assert org_scope.readable_schools(org, whole) is None
    entries = _audit(org)
    created = [e for e in entries if e.action == "user.create"]
    assert [e.target for e in created] == ["user:li.teacher", "user:d1b", "user:root2"]
    assert created[0].after == {"username": "li.teacher", "display_name": "李老师", "role": "duty", "unit": "s1",
                                "disabled": False, "password_set": "generated"}
    assert (created[0].actor, created[0].ip, created[0].school) == ("d1admin", "192.0.2.1", "s1")
    _no_secret(created, generated, PASSWORD)


def test_people_of_another_district_cannot_be_touched_or_even_named(org):
    for act in (lambda: user_admin.disable(org, actor=D1_ADMIN, scope="d1", username="d2duty", now=NOW),
                lambda: user_admin.change(org, actor=D1_ADMIN, scope="d1", username="d2duty", role="admin", now=NOW),
                lambda: user_admin.reset_password(org, actor=D1_ADMIN, scope="d1", username="d2duty", now=NOW),
                lambda: user_admin.disable(org, actor=D1_ADMIN, scope="d1", username="nobody", now=NOW)):
        with pytest.raises(org_scope.OutOfScope, match="among the people you manage"):
            act()
    assert users.find_user(org, "d2duty").disabled_at is None
    assert [r.username for r in people.people(org, "d1")] == ["d1admin"]
    assert {r.username for r in people.people(org, None)} == {"d1admin", "d2duty"}


def test_a_person_who_also_reads_another_districts_school_is_not_managed_from_this_district(org):
    # A district officer set up on the command line with their district's school and a school of
    # another district too: resetting their password (or making them an admin) from d1 would hand
    # d1's admin a key to d2's school, more than d1's admin holds.
    org_commands.create_unit(org, actor=ROOT, scope=None, kind="school", code="s2", name_zh="第二小学",
                             parent="d2", school_type="primary", now=NOW)
    users.create_user(org, username="qian", display_name="钱科长", role="leader", password=PASSWORD, unit="s1",
                      schools=["s2"], now=NOW)
    for act in (lambda: user_admin.reset_password(org, actor=D1_ADMIN, scope="d1", username="qian", now=NOW),
                lambda: user_admin.change(org, actor=D1_ADMIN, scope="d1", username="qian", role="admin", now=NOW),
                lambda: user_admin.disable(org, actor=D1_ADMIN, scope="d1", username="qian", now=NOW)):
        with pytest.raises(org_scope.OutOfScope):
            act()
    qian = users.find_user(org, "qian")
    assert (qian.role, qian.disabled_at) == ("leader", None)
    assert passwords.verify_password(qian.password_hash, PASSWORD)
    user_admin.reset_password(org, actor=ROOT, scope=None, username="qian", now=NOW)  # the whole tree's admin may


def test_an_admin_cannot_disable_or_change_themselves_nor_move_someone_out_of_their_scope(org):
    with pytest.raises(LedgerError, match="your own account"):
        user_admin.disable(org, actor=D1_ADMIN, scope="d1", username="d1admin", now=NOW)
    with pytest.raises(LedgerError, match="your own account"):
        user_admin.change(org, actor=D1_ADMIN, scope="d1", username="d1admin", unit="hn", now=NOW)
    user_admin.create(org, actor=D1_ADMIN, scope="d1", username="zhou", display_name="周", role="leader", unit="s1",
                      now=NOW)
    with pytest.raises(org_scope.OutOfScope):
        user_admin.change(org, actor=D1_ADMIN, scope="d1", username="zhou", unit="d2", now=NOW)
    assert users.find_user(org, "zhou").unit.code == "s1"


def test_change_disable_and_reset_end_sessions_and_are_audited(org):
    user_admin.create(org, actor=D1_ADMIN, scope="d1", username="zhou", display_name="周", role="leader", unit="s1",
                      password=PASSWORD, now=NOW)
    zhou = users.find_user(org, "zhou")

    def open_session():
        return users.start_session(org, user=zhou, now=NOW).row

    first = open_session()
    user_admin.change(org, actor=D1_ADMIN, scope="d1", username="zhou", role="duty", unit="s1-chem", now=NOW)
    org.refresh(first)
    assert first.ended_at is not None and zhou.role == "duty" and zhou.unit.code == "s1-chem"
    second = open_session()
    _, generated = user_admin.reset_password(org, actor=D1_ADMIN, scope="d1", username="zhou", now=NOW)
    org.refresh(second)
    assert second.end_reason == "password_changed"
    assert users.authenticate(org, username="zhou", password=generated, now=NOW) is not None
    with pytest.raises(users.PasswordRefused):
        user_admin.reset_password(org, actor=D1_ADMIN, scope="d1", username="zhou", password="short", now=NOW)
    open_session()
    user_admin.disable(org, actor=D1_ADMIN, scope="d1", username="zhou", now=NOW)
    user_admin.disable(org, actor=D1_ADMIN, scope="d1", username="zhou", now=NOW)  # again: no second entry
    assert users.authenticate(org, username="zhou", password=generated, now=NOW) is None
    assert not org.scalars(select(UserSession).where(UserSession.ended_at.is_(None))).all()
    entries = [e for e in _audit(org) if e.target == "user:zhou"]
    assert [e.action for e in entries] == ["user.create", "user.update", "user.password_reset", "user.disable"]
    assert entries[1].before == {"role": "leader", "unit": "s1"}
    assert entries[1].after == {"role": "duty", "unit": "s1-chem"}
    assert entries[2].after == {"password_set": "generated"}
    _no_secret(entries, generated, PASSWORD)


def test_a_person_changes_their_own_password_and_their_other_sessions_end(org):
    me = users.find_user(org, "d1admin")
    here = users.start_session(org, user=me, now=NOW)
    elsewhere = users.start_session(org, user=me, now=NOW)
    actor = Actor("d1admin", "admin", "192.0.2.9")
    new = "a different long passphrase"
    with pytest.raises(LedgerError, match="current password is not right"):
        user_admin.change_own_password(org, actor=actor, user_id=me.id, old="wrong", new=new, now=NOW)
    with pytest.raises(users.PasswordRefused):
        user_admin.change_own_password(org, actor=actor, user_id=me.id, old=PASSWORD, new="d1admin", now=NOW)
    user_admin.change_own_password(org, actor=actor, user_id=me.id, old=PASSWORD, new=new, now=NOW,
                                   keep_session=here.session_id)
    org.refresh(here.row)
    org.refresh(elsewhere.row)
    assert here.row.ended_at is None and elsewhere.row.end_reason == "password_changed"
    assert users.authenticate(org, username="d1admin", password=new, now=NOW) is not None
    entry = _audit(org)[-1]
    assert (entry.action, entry.target, entry.before, entry.after) == ("account.password", "user:d1admin", None, None)


def test_wall_tokens_for_schools_in_scope_revoked_and_rotated_with_audit_never_holding_the_token(org):
    org_scope_s2 = {"kind": "school", "code": "s2", "name_zh": "二中", "parent": "d2", "school_type": "middle"}
    from ledger.commands import org as org_commands
    org_commands.create_unit(org, actor=ROOT, scope=None, now=NOW, **org_scope_s2)
    issued = token_admin.issue(org, actor=D1_ADMIN, scope="d1", school="s1", label="东门大屏", now=NOW)
    assert access.active_token(org, token=issued.token).school == "s1"
    with pytest.raises(LedgerError, match="already has a token"):  # a double click, or a wall to rotate
        token_admin.issue(org, actor=D1_ADMIN, scope="d1", school="s1", label=" 东门大屏 ", now=NOW)
    for school in ("s2", "d2", "hn", "s1-east", "nowhere"):  # another district's, above, a campus, no unit
        with pytest.raises(LedgerError):
            token_admin.issue(org, actor=D1_ADMIN, scope="d1", school=school, label="x", now=NOW)
    other = token_admin.issue(org, actor=ROOT, scope=None, school="s2", label="二中大屏", now=NOW)
    with pytest.raises(org_scope.OutOfScope):
        token_admin.revoke(org, actor=D1_ADMIN, scope="d1", token_id=other.row.id, now=NOW)
    with pytest.raises(org_scope.OutOfScope):
        token_admin.rotate(org, actor=D1_ADMIN, scope="d1", token_id=other.row.id, now=NOW)
    assert [t.label for t in people.tokens(org, "d1")] == ["东门大屏"]
    later = NOW + timedelta(minutes=1)
    rotated = token_admin.rotate(org, actor=D1_ADMIN, scope="d1", token_id=issued.row.id, now=later)
    assert access.active_token(org, token=issued.token) is None
    assert access.active_token(org, token=rotated.token).label == "东门大屏"
    token_admin.revoke(org, actor=D1_ADMIN, scope="d1", token_id=rotated.row.id, now=later)
    assert org.get(AccessToken, rotated.row.id).revoked_at is not None
    with pytest.raises(LedgerError, match="already revoked"):
        token_admin.rotate(org, actor=D1_ADMIN, scope="d1", token_id=rotated.row.id, now=later)
    entries = [e for e in _audit(org) if e.action.startswith("token.")]
    assert [(e.action, e.actor, e.school) for e in entries] == [
        ("token.create", "d1admin", "s1"), ("token.create", "root", "s2"), ("token.rotate", "d1admin", "s1"),
        ("token.revoke", "d1admin", "s1")]
    assert entries[2].before == {"id": issued.row.id} and entries[2].target == f"token:{rotated.row.id}"
    _no_secret(entries, issued.token, rotated.token, other.token, issued.row.digest)


def test_a_district_admin_makes_a_token_for_the_districts_own_wall_and_only_theirs(org):
    """The bureau's command centre (issue 17): a district's wall token from /admin/tokens, opening
    /district?unit=; listed, revocable by the district's admin, not by another district's."""
    made = token_admin.issue(org, actor=D1_ADMIN, scope="d1", school="d1", label="区指挥中心大屏", now=NOW)
    assert access.active_token(org, token=made.token).school == "d1"
    assert access.wall_path(made.token, "d1", unit_wall=True) == f"/district?unit=d1&token={made.token}"
    assert ("d1", "金水区", "district") == people.walls(org, "d1")[0]  # the unit's wall first, then its schools
    assert [code for code, _n, kind in people.walls(org, "d1") if kind == "school"] == ["s1"]
    assert [t.label for t in people.tokens(org, "d1")] == ["区指挥中心大屏"]
    province = token_admin.issue(org, actor=ROOT, scope=None, school="hn", label="省大屏", now=NOW)
    with pytest.raises(org_scope.OutOfScope):  # the province's wall is above the district
        token_admin.revoke(org, actor=D1_ADMIN, scope="d1", token_id=province.row.id, now=NOW)
    assert {w for w in token_admin.managed_walls(org, "hn")} >= {"hn", "d1", "d2", "s1"}
    token_admin.revoke(org, actor=D1_ADMIN, scope="d1", token_id=made.row.id, now=NOW)
    assert access.active_token(org, token=made.token) is None


def test_the_tokens_page_touches_wall_tokens_only_never_a_command_line_token_of_another_role(org):
    """A leader's API token for s1 (`python -m ledger token`) is not a wall's: the page does not list it, and
    its id sent from an edited dropdown neither revokes it nor rotates it into a leader's token shown as a
    wall's address (a kiosk opening it would get the wall's past and the duty console)."""
    api = access.issue_token(org, role="leader", label="区平台接口", school="s1", now=NOW)
    assert [t.label for t in people.tokens(org, "d1")] == []
    for act in (token_admin.revoke, token_admin.rotate):
        with pytest.raises(org_scope.OutOfScope):
            act(org, actor=D1_ADMIN, scope="d1", token_id=api.row.id, now=NOW)
    assert access.active_token(org, token=api.token).role == "leader"
    assert not [e for e in _audit(org) if e.action.startswith("token.")]


def test_refused_sign_ins_are_kept_and_admins_see_those_of_their_people(org):
    sign_ins.record_failure(org, username="d1admin", ip="198.51.100.4", now=NOW)
    sign_ins.record_failure(org, username="d2duty", ip="198.51.100.5", now=NOW + timedelta(seconds=1))
    sign_ins.record_failure(org, username="guess\x1b[2J", ip=None, now=NOW + timedelta(seconds=2))
    org.flush()
    assert [(f.username, f.ip) for f in people.recent_failures(org, "d1")] == [("d1admin", "198.51.100.4")]
    assert [f.username for f in people.recent_failures(org, None)] == ["guess\u241b[2J", "d2duty", "d1admin"]


# ---- the Excel import ----------------------------------------------------------------------------------

def sheet(rows, header=("用户名", "姓名", "角色", "机构代码", "初始密码")) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_of_people_is_created_whole_with_generated_passwords_returned_once(org):
    rows = [(f"t{n:04d}", f"教师{n}", "值班员", "s1", None) for n in range(300)]
    rows.append((20260001, "数字工号", "leader", "s1-chem", PASSWORD))  # a number, as Excel keeps digits
    made = user_import.create_all(org, actor=D1_ADMIN, scope="d1", data=sheet(rows), now=NOW)
    assert len(made) == 301 and made[-1].username == "20260001" and made[-1].password is None
    first = made[0]
    assert users.authenticate(org, username=first.username, password=first.password, now=NOW) is not None
    stored = users.find_user(org, first.username).password_hash
    assert not passwords.needs_rehash(stored)  # the light first hash was replaced at the first sign-in
    result = load_workbook(io.BytesIO(user_import.result_sheet(made)), read_only=True)
    values = list(result.worksheets[0].iter_rows(values_only=True))
    assert values[1][:5] == (first.username, first.display_name, "值班员", "s1", first.password)
    entries = [e for e in _audit(org) if e.action == "user.create"]
    assert len(entries) == 301
    _no_secret(entries, first.password, PASSWORD)


def test_a_sheet_with_bad_rows_creates_nobody_and_says_what_is_wrong_where(org):
    before = org.scalars(select(User.username)).all()
    rows = [("good.one", "好人", "duty", "s1", None),
            ("d2duty", "已有", "duty", "s1", None),
            ("good.one", "重复", "duty", "s1", None),
            ("x", "短", "duty", "s1", None),
            ("far", "外区", "duty", "d2", None),
            ("nounit", "无机构", "duty", "nowhere", None),
            ("badrole", "角色", "boss", "s1", None),
            ("ctl", "隐\x9b藏", "duty", "s1", None),
            ("weak", "弱密码", "duty", "s1", "short")]
    with pytest.raises(ImportRejected) as refused:
        user_import.create_all(org, actor=D1_ADMIN, scope="d1", data=sheet(rows), now=NOW)
    found = [(e.row, e.column) for e in refused.value.errors]
    assert found == [(3, "用户名"), (4, "用户名"), (5, "用户名"), (6, "机构代码"), (7, "机构代码"), (8, "角色"),
                     (9, "姓名"), (10, "初始密码")]
    assert "不在您的管理范围内" in str(refused.value.errors[3])
    assert org.scalars(select(User.username)).all() == before
    assert not _audit(org) or all(e.action != "user.create" for e in _audit(org))


def test_sheets_that_cannot_be_read_or_are_too_big_are_refused_whole(org):
    with pytest.raises(UnreadableFile, match="不是有效的 .xlsx"):
        user_import.create_all(org, actor=D1_ADMIN, scope="d1", data=b"PK not really a zip", now=NOW)
    with pytest.raises(UnreadableFile, match="至多"):
        user_import.create_all(org, actor=D1_ADMIN, scope="d1", data=b"x" * (user_import.MAX_BYTES + 1), now=NOW)
    too_many = [(f"u{n}", "人", "duty", "s1", None) for n in range(user_import.MAX_ROWS + 1)]
    with pytest.raises(UnreadableFile, match="一次至多"):
        user_import.create_all(org, actor=D1_ADMIN, scope="d1", data=sheet(too_many), now=NOW)
    with pytest.raises(ImportRejected) as missing:
        user_import.create_all(org, actor=D1_ADMIN, scope="d1", data=sheet([("a1", "甲")], header=("用户名", "姓名")),
                               now=NOW)
    assert {e.column for e in missing.value.errors} >= {"角色", "机构代码"}
    typed = [(f"p{n}", "人", "duty", "s1", PASSWORD) for n in range(user_import.MAX_TYPED + 1)]
    with pytest.raises(ImportRejected, match="错误"):
        user_import.create_all(org, actor=D1_ADMIN, scope="d1", data=sheet(typed), now=NOW)



@pytest.mark.backends("postgresql")  # SQLite's BEGIN IMMEDIATE queues the second create behind the first whole
def test_the_same_new_account_sent_twice_at_once_is_created_once_and_both_answer_created(engine, org):
    """A double click on 新建 on PostgreSQL: neither request finds the user and both insert; the second
    waits on the first's row and then broke on the unique username, answered "the ledger cannot be
    written" though the account was made. Now it is the account this admin just made (AlreadyCreated)."""
    import threading
    import time

    from sqlalchemy import text

    from kernel.connections import sql_sessions
    sessions, answers = sql_sessions(engine), {}

    def create(db):
        return user_admin.create(db, actor=D1_ADMIN, scope="d1", username="zhou", display_name="周老师",
                                 role="duty", unit="s1", password=PASSWORD, now=NOW)

    def second():
        with sessions() as db:
            try:
                answers["second"] = create(db)
                db.commit()
            except Exception as exc:  # noqa: BLE001 (what the second request met is the test's answer)
                answers["second"] = exc

    def waiting() -> int:
        with engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                  "AND query ILIKE '%INSERT INTO users%'")).scalar()

    with sessions() as first:
        create(first)  # inserted, not yet committed
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 10
        while not waiting() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting()
        first.commit()
    thread.join(30)
    assert isinstance(answers["second"], user_admin.AlreadyCreated), answers["second"]
    assert answers["second"].typed
    with sessions() as db:
        assert [e.target for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "user.create"))] == [
            "user:zhou"]
