"""The organisation tree as administrators edit it: who may add and rename what, how a person's unit
decides the schools they read (one added tomorrow included), and the audit entry every change leaves."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ledger import org_scope
from ledger.commands import org, users
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.models import AuditEntry, OrgUnit

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
ROOT = Actor("root", "admin", "10.0.0.1")
PASSWORD = "a long enough passphrase"


def tree(db):
    """A province with two districts; district d1 has school s1 with a campus and a college."""
    org.create_unit(db, actor=ROOT, scope=None, kind="province", code="hn", name_zh="河南省", now=NOW)
    for code, name in (("d1", "金水区"), ("d2", "二七区")):
        org.create_unit(db, actor=ROOT, scope=None, kind="district", code=code, name_zh=name, parent="hn", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="school", code="s1", name_zh="第一中学", parent="d1",
                    school_type="middle", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="campus", code="s1-east", name_zh="东校区", parent="s1", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="unit", code="s1-chem", name_zh="化学组", parent="s1", now=NOW)
    db.flush()


def test_a_district_officer_reads_a_school_added_after_their_account(session):
    tree(session)
    officer = users.create_user(session, username="wang", display_name="王科长", role="leader", password=PASSWORD,
                                unit="d1", now=NOW)
    assert org_scope.readable_schools(session, officer) == {"s1"}
    org.create_unit(session, actor=ROOT, scope=None, kind="school", code="s2", name_zh="第二小学", parent="d1",
                    school_type="primary", now=NOW)
    assert org_scope.readable_schools(session, officer) == {"s1", "s2"}
    teacher = users.create_user(session, username="li", display_name="李老师", role="leader", password=PASSWORD,
                                unit="s1-chem", now=NOW)
    assert org_scope.readable_schools(session, teacher) == {"s1"}  # a college reads its own school
    root = users.create_user(session, username="zhao", display_name="赵", role="admin", password=PASSWORD, now=NOW)
    assert org_scope.readable_schools(session, root) is None


def test_admins_manage_what_lies_below_their_unit_and_nothing_else(session):
    tree(session)
    district_admin = "d1"
    school = org.create_unit(session, actor=ROOT, scope=district_admin, kind="school", code="s3", name_zh="三中",
                             parent="d1", school_type="middle", now=NOW)
    assert school.parent.code == "d1"
    with pytest.raises(org_scope.OutOfScope):  # another district's
        org.create_unit(session, actor=ROOT, scope=district_admin, kind="school", code="s4", name_zh="四中",
                        parent="d2", school_type="middle", now=NOW)
    with pytest.raises(org_scope.OutOfScope):  # their own unit is the level above's to edit
        org.update_unit(session, actor=ROOT, scope=district_admin, code="d1", name_zh="金水区教育局", now=NOW)
    with pytest.raises(org_scope.OutOfScope):  # no top-level units for them
        org.create_unit(session, actor=ROOT, scope=district_admin, kind="district", code="d9", name_zh="新区",
                        now=NOW)
    org.update_unit(session, actor=ROOT, scope=district_admin, code="s1", name_zh="郑州市第一中学", now=NOW)
    school_admin = "s1"
    org.create_unit(session, actor=ROOT, scope=school_admin, kind="campus", code="s1-west", name_zh="西校区",
                    parent="s1", now=NOW)
    with pytest.raises(org_scope.OutOfScope):
        org.update_unit(session, actor=ROOT, scope=school_admin, code="s3", name_zh="x", now=NOW)


@pytest.mark.parametrize("values, message", [
    ({"kind": "school", "code": "bad code", "parent": "d1", "school_type": "middle"}, "a code is"),
    ({"kind": "school", "code": "S1", "parent": "d1", "school_type": "middle"}, "is taken"),
    ({"kind": "school", "code": "s9", "parent": "d1", "school_type": "castle"}, "type is one of"),
    ({"kind": "campus", "code": "c9", "parent": "d1"}, "a district holds school"),
    ({"kind": "school", "code": "s9", "parent": "d1", "school_type": "middle", "name_zh": "第一中学"}, "already"),
    ({"kind": "school", "code": "s9", "parent": "d1", "school_type": "middle", "name_zh": "一\x1b中"}, "invisible"),
    ({"kind": "school", "code": "s9", "parent": "d1", "school_type": "middle", "name_zh": "  "}, "required"),
    ({"kind": "school", "code": "s9", "parent": "nowhere", "school_type": "middle"}, "no organisation unit"),
])
def test_bad_input_is_refused_with_its_reason_and_nothing_is_added(session, values, message):
    tree(session)
    before = session.scalar(select(OrgUnit.id).order_by(OrgUnit.id.desc()))
    with pytest.raises(LedgerError, match=message):
        org.create_unit(session, actor=ROOT, scope=None, now=NOW, **{"name_zh": "新学校", **values})
    assert session.scalar(select(OrgUnit.id).order_by(OrgUnit.id.desc())) == before


def test_every_change_leaves_who_when_where_and_the_values_before_and_after(session):
    tree(session)
    org.update_unit(session, actor=Actor("wang", "admin", "192.0.2.7"), scope="d1", code="s1",
                    name_zh="郑州市第一中学", name_en="Zhengzhou No. 1 Middle School", now=NOW)
    org.update_unit(session, actor=ROOT, scope=None, code="s1", name_zh="郑州市第一中学", now=NOW)  # no change
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["org.create"] * 6 + ["org.update"]
    last = entries[-1]
    assert (last.actor, last.actor_role, last.ip, last.target, last.school) == (
        "wang", "admin", "192.0.2.7", "school:s1", "s1")
    assert last.before == {"name_zh": "第一中学", "name_en": None}
    assert last.after == {"name_zh": "郑州市第一中学", "name_en": "Zhengzhou No. 1 Middle School"}
    assert entries[4].after["parent"] == "s1" and entries[4].school == "s1"  # the campus belongs to s1


def test_a_school_known_only_from_its_events_is_put_under_its_district(session):
    tree(session)
    org.create_unit(session, actor=ROOT, scope=None, kind="school", code="s7", name_zh="s7", school_type="primary",
                    now=NOW)  # as the recorder registers a school nobody entered: no parent
    officer = users.create_user(session, username="wang", display_name="王科长", role="leader", password=PASSWORD,
                                unit="d2", now=NOW)
    assert org_scope.readable_schools(session, officer) == frozenset()
    org.move_unit(session, actor=ROOT, scope=None, code="s7", parent="d2", now=NOW)
    assert org_scope.readable_schools(session, officer) == {"s7"}  # the district now reads it
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.action, last.before, last.after) == ("org.move", {"parent": None}, {"parent": "d2"})
    with pytest.raises(org_scope.OutOfScope):  # a district admin cannot take another district's school
        org.move_unit(session, actor=ROOT, scope="d2", code="s1", parent="d2", now=NOW)
    org.create_unit(session, actor=ROOT, scope=None, kind="unit", code="s1-chem-lab", name_zh="化学实验室",
                    parent="s1-chem", now=NOW)
    with pytest.raises(LedgerError, match="under itself"):
        org.move_unit(session, actor=ROOT, scope=None, code="s1-chem", parent="s1-chem-lab", now=NOW)
    with pytest.raises(LedgerError, match="holds"):
        org.move_unit(session, actor=ROOT, scope=None, code="s1-east", parent="d2", now=NOW)
