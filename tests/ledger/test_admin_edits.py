"""Three edits administration lacked, on SQLite and PostgreSQL: renaming a zone (sites.update_zone),
enabling a disabled account again (user_admin.enable, `ledger user enable`), and the command line's
token changes in the audit log (`ledger token create|revoke`, run in-process through ledger.cli.main)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from ledger import cli, org_scope, passwords
from ledger.commands import sites, user_admin, users
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.models import AccessToken, AuditEntry, OrgUnit, RiskPoint, User, UserSession, Zone
from queries.ledger import lead_overview, lookups
from tests.ledger.test_org_admin import PASSWORD
from tests.ledger.test_org_admin import tree as districts
from tests.ledger.test_site_admin import ADMIN, NOW, ROOT, planned, tree

D1_ADMIN = Actor("d1admin", "admin", "192.0.2.1")


def _entries(db, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# ---- zones ---------------------------------------------------------------------------------------

@pytest.fixture
def site(session):
    """School s1 with building lab and zones f1 一层, f2 二层 (f2 retired); school s2 with gym and its zone."""
    tree(session)
    planned(session)
    planned(session, school="s2", campus="s2-main", x=0, scope=None)
    sites.create_building(session, actor=ADMIN, scope="s1", school="s1", code="lab", name_zh="实验楼", kind="lab",
                          campus="s1-east", now=NOW)
    for code, name in (("f1", "一层"), ("f2", "二层")):
        sites.create_zone(session, actor=ADMIN, scope="s1", school="s1", building="lab", code=code, name_zh=name,
                          now=NOW)
    sites.retire_zone(session, actor=ADMIN, scope="s1", school="s1", building="lab", code="f2", now=NOW)
    sites.create_building(session, actor=ROOT, scope=None, school="s2", code="gym", name_zh="体育馆", kind="gym",
                          campus="s2-main", now=NOW)
    sites.create_zone(session, actor=ROOT, scope=None, school="s2", building="gym", code="hall", name_zh="大厅",
                      now=NOW)
    session.commit()
    return session


def _rename(db, **values):
    args = {"actor": ADMIN, "scope": "s1", "school": "s1", "building": "lab", "code": "f1", "name_zh": "一层东区",
            "name_en": "Ground floor east", "now": NOW, **values}
    return sites.update_zone(db, **args)


def test_a_zone_is_renamed_audited_with_before_and_after_and_the_maps_read_the_new_name(site):
    zone = _rename(site)
    assert (zone.code, zone.name_zh, zone.name_en) == ("f1", "一层东区", "Ground floor east")
    [entry] = _entries(site, "zone.update")
    assert (entry.actor, entry.ip, entry.school, entry.target) == ("s1-admin", "10.0.0.2", "s1", "zone:s1/lab/f1")
    assert (entry.before, entry.after) == ({"name_zh": "一层", "name_en": None},
                                           {"name_zh": "一层东区", "name_en": "Ground floor east"})
    # The same names again (a double submit) change nothing and leave no second entry.
    _rename(site)
    assert len(_entries(site, "zone.update")) == 1
    # A retired zone's name may be taken again by a zone in use.
    _rename(site, name_zh="二层", name_en=None)
    school = site.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    # The wall's alert list names places from the site plan; the leadership drill of a building lists
    # its risk points with their zone's name: both read the new one.
    plan = lookups.site_plan(site, school)
    assert [(z["code"], z["name_zh"]) for b in plan["buildings"] for z in b["zones"]] == [("f1", "二层")]
    site.add(RiskPoint(school_id=school.id, code="R1", name="化学品柜", building_id=zone.building_id, zone_id=zone.id,
                       method="LS", l_value=2, s_value=2, score=4, level="low", colour="blue",
                       identified_on=NOW.date(), last_reviewed_on=NOW.date()))
    site.flush()
    drill = lead_overview.building_drill(site, school_id=school.id, code="lab", now=NOW, limit=5)
    assert [(p.code, p.zone_zh) for p in drill.risk_points] == [("R1", "二层")]


BAD_RENAMES = [
    ({"name_zh": "  "}, "the Chinese name is required", None),
    ({"name_zh": "一\x1b层"}, "invisible character", None),
    ({"name_zh": "楼" * 129}, "at most 128 characters", None),
    ({"name_en": "x" * 129}, "at most 128 characters", None),
    ({"code": "f9"}, "has no zone 'f9'", "没有编号为"),
    ({"code": "f2"}, "retired", "已停用"),
    ({"building": "nowhere"}, "no building 'nowhere'", None),
]


def test_a_bad_rename_is_refused_with_its_reason_and_changes_nothing(site):
    for values, reason, zh in BAD_RENAMES:  # one ledger for all: each refusal is rolled back
        with pytest.raises(LedgerError, match=reason) as refused:
            _rename(site, **values)
        if zh:
            assert zh in refused.value.text("zh")
        site.rollback()
    assert sorted(site.scalars(select(Zone.name_zh))) == ["一层", "二层", "大厅"]
    assert _entries(site, "zone.update") == []
    sites.retire_building(site, actor=ADMIN, scope="s1", school="s1", code="lab", now=NOW)
    with pytest.raises(LedgerError, match="实验楼 is retired") as refused:
        _rename(site)
    assert refused.value.text("zh") == "实验楼已停用，其区域不能修改"


def test_a_duplicate_zone_name_is_refused(site):
    sites.create_zone(site, actor=ADMIN, scope="s1", school="s1", building="lab", code="f3", name_zh="三层", now=NOW)
    with pytest.raises(LedgerError, match="already has a zone named 三层") as refused:
        _rename(site, name_zh="三层")
    assert refused.value.text("zh") == "实验楼已有名为三层的区域"


def test_a_school_admin_cannot_rename_another_schools_zone_and_the_district_admin_can(site):
    with pytest.raises(org_scope.OutOfScope):
        _rename(site, school="s2", building="gym", code="hall")
    site.rollback()
    assert site.scalar(select(Zone.name_zh).where(Zone.code == "hall")) == "大厅"
    _rename(site, actor=ROOT, scope="d1", school="s2", building="gym", code="hall", name_zh="比赛大厅")
    assert site.scalar(select(Zone.name_zh).where(Zone.code == "hall")) == "比赛大厅"


# ---- enabling an account -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stored_hash() -> str:
    return passwords.hash_password(PASSWORD)  # once: a full argon2 hash costs a third of a second


@pytest.fixture
def people(session, stored_hash):
    districts(session)
    for username, unit in (("d1admin", "d1"), ("zhang", "s1"), ("li", "d2")):
        session.add(User(username=username, display_name=username, role="admin" if unit == "d1" else "duty",
                         password_hash=stored_hash, created_at=NOW,
                         unit_id=session.scalar(select(OrgUnit.id).where(OrgUnit.code == unit))))
    session.commit()
    return session


def test_a_disabled_person_is_enabled_again_and_old_sessions_stay_ended(people):
    zhang = users.find_user(people, "zhang")
    before = users.start_session(people, user=zhang, now=NOW)
    user_admin.disable(people, actor=D1_ADMIN, scope="d1", username="zhang", now=NOW)
    assert users.authenticate(people, username="zhang", password=PASSWORD, now=NOW) is None
    user_admin.enable(people, actor=D1_ADMIN, scope="d1", username="zhang", now=NOW)
    assert zhang.disabled_at is None
    assert users.open_session(people, session_id=before.session_id) is None  # never back to life
    assert users.authenticate(people, username="zhang", password=PASSWORD, now=NOW) is zhang  # own password
    [entry] = _entries(people, "user.enable")
    assert (entry.actor, entry.target, entry.school, entry.before, entry.after) == (
        "d1admin", "user:zhang", "s1", {"disabled": True}, {"disabled": False})
    # Enabled twice (a double submit): refused, said why, no second entry.
    with pytest.raises(LedgerError, match="not disabled") as again:
        user_admin.enable(people, actor=D1_ADMIN, scope="d1", username="zhang", now=NOW)
    assert "未被停用" in again.value.text("zh")
    assert len(_entries(people, "user.enable")) == 1


def test_a_session_left_open_on_a_disabled_account_is_ended_when_it_is_enabled(people):
    """Older code or a hand edit may have disabled an account without ending its sessions."""
    zhang = users.find_user(people, "zhang")
    stale = users.start_session(people, user=zhang, now=NOW)
    zhang.disabled_at = NOW
    people.flush()
    user_admin.enable(people, actor=D1_ADMIN, scope="d1", username="zhang", now=NOW)
    assert users.open_session(people, session_id=stale.session_id) is None
    assert people.scalar(select(UserSession.end_reason)) == "disabled"


def test_enabling_is_held_to_the_admins_scope_and_never_to_oneself(people):
    for username in ("li", "d1admin"):
        users.disable_user(people, username=username, now=NOW)
    people.commit()
    with pytest.raises(org_scope.OutOfScope):  # another district's person is not even named
        user_admin.enable(people, actor=D1_ADMIN, scope="d1", username="li", now=NOW)
    with pytest.raises(LedgerError, match="your own account"):
        user_admin.enable(people, actor=D1_ADMIN, scope="d1", username="d1admin", now=NOW)
    with pytest.raises(LedgerError):
        user_admin.enable(people, actor=D1_ADMIN, scope="d1", username="nobody", now=NOW)
    people.rollback()
    assert people.scalar(select(func.count()).select_from(User).where(User.disabled_at.is_not(None))) == 2
    assert _entries(people, "user.enable") == []


# ---- the command line ----------------------------------------------------------------------------

def test_the_command_lines_token_and_enable_changes_are_audited_without_the_token(engine, ledger_settings,
                                                                                  capsys, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    with engine.connect() as connection:
        schools = set(connection.scalars(select(OrgUnit.code)))
    assert not schools  # an empty ledger: the tokens name schools the ledger does not know yet

    def run(*args) -> str:
        assert cli.main(list(args), settings=ledger_settings) == 0
        return capsys.readouterr().out

    first = run("token", "create", "--label", "东门大屏", "--school", "s1").split("shown only now")[1].split()[-1]
    second = run("token", "create", "--label", "东门大屏", "--school", "s1", "--replace")
    run("token", "revoke", "2")
    run("token", "revoke", "2")  # revoked already: nothing changes, nothing more recorded
    assert cli.main(["token", "revoke", "99"], settings=ledger_settings) == 2
    with engine.connect() as connection:
        rows = connection.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.school,
                                         AuditEntry.before, AuditEntry.after).order_by(AuditEntry.id)).all()
        digests = list(connection.scalars(select(AccessToken.digest)))
    assert [r[:4] for r in rows] == [("cli:ops", "token.create", "token:1", "s1"),
                                     ("cli:ops", "token.revoke", "token:1", "s1"),
                                     ("cli:ops", "token.create", "token:2", "s1"),
                                     ("cli:ops", "token.revoke", "token:2", "s1")]
    assert rows[0].after == {"id": 1, "label": "东门大屏", "role": "wall", "school": "s1", "revoked": False}
    assert (rows[3].before, rows[3].after) == ({"revoked": False}, {"revoked": True})
    logged = json.dumps([list(r) for r in rows], ensure_ascii=False, default=str)
    for secret in [first, second.split("Bearer ")[1].split()[0], *digests]:
        assert secret not in logged

    # `user enable`, audited the same way.
    with engine.begin() as connection:
        from sqlalchemy.orm import Session

        with Session(connection) as db:
            db.add(User(username="wang", display_name="王", role="duty", password_hash="not a hash", created_at=NOW,
                        disabled_at=NOW))
            db.commit()
    assert "enabled" in run("user", "enable", "wang")
    assert cli.main(["user", "enable", "wang"], settings=ledger_settings) == 2
    assert "not disabled" in capsys.readouterr().err
    with engine.connect() as connection:
        assert connection.execute(select(AuditEntry.actor, AuditEntry.target, AuditEntry.after)
                                  .where(AuditEntry.action == "user.enable")).all() == [
            ("cli:ops", "user:wang", {"disabled": False})]
        assert connection.scalar(select(User.disabled_at).where(User.username == "wang")) is None
