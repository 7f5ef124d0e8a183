"""Event sources and their keys in the ledger (ledger/commands/event_sources.py), on SQLite and a
real PostgreSQL."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from ledger.commands import event_sources as sources
from ledger.errors import LedgerError, NotFound
from ledger.models import EventSource
from tests.ledger.conftest import NOW


def test_a_key_is_returned_once_and_only_its_digest_is_kept(session):
    issued = sources.issue_source(session, name="东校区门禁平台", schools=["demo-univ", "demo-middle"], now=NOW)
    session.commit()
    session.expire_all()
    row = session.get(EventSource, issued.row.id)
    assert issued.key.startswith("csk_") and len(issued.key) >= 4 + 43  # 32 random bytes, URL-safe
    assert row.digest == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key not in (row.digest, row.name)
    assert (row.name, row.created_at, row.revoked_at, row.last_used_at) == ("东校区门禁平台", NOW, None, None)
    assert row.school_codes == {"demo-univ", "demo-middle"}
    found = sources.active_source(session, key=issued.key)
    assert found.id == row.id and found.school_codes == {"demo-univ", "demo-middle"}
    assert sources.active_source(session, source_id=row.id).id == row.id
    assert sources.active_source(session, key=issued.key[:-1] + "x") is None
    assert sources.active_source(session) is None
    other = sources.issue_source(session, name="东校区门禁平台", schools=["demo-univ"], now=NOW)
    assert other.key != issued.key and sources.active_source(session, key=other.key).id != row.id


def test_a_district_platform_may_send_for_every_school(session):
    issued = sources.issue_source(session, name="区教育局气象预警", all_schools=True, now=NOW)
    session.commit()
    assert sources.active_source(session, key=issued.key).school_codes is None


@pytest.mark.parametrize("name, schools, every, says", [
    ("门禁", [], False, "at least one school"),
    ("门禁", ["demo-univ"], True, "not both"),
    ("门禁", ["no such/school"], False, "cannot be a school code"),
    ("门禁", ["{s:x}"], False, "cannot be a school code"),
    ("  ", ["demo-univ"], False, "a name of 1 to 128"),
    ("x" * 129, ["demo-univ"], False, "a name of 1 to 128"),
])
def test_a_source_needs_a_name_and_its_schools(session, name, schools, every, says):
    with pytest.raises(LedgerError, match=says):
        sources.issue_source(session, name=name, schools=schools, all_schools=every, now=NOW)


def test_a_revoked_key_is_no_longer_active_and_revoking_again_keeps_the_moment(session):
    issued = sources.issue_source(session, name="消防主机", schools=["demo-univ"], now=NOW)
    sources.revoke_source(session, source_id=issued.row.id, now=NOW + timedelta(hours=1))
    sources.revoke_source(session, source_id=issued.row.id, now=NOW + timedelta(hours=2))
    session.commit()
    assert sources.active_source(session, key=issued.key) is None
    assert session.get(EventSource, issued.row.id).revoked_at == NOW + timedelta(hours=1)
    with pytest.raises(NotFound):
        sources.revoke_source(session, source_id=issued.row.id + 100, now=NOW)


def test_rotating_gives_a_new_key_for_the_same_schools_and_refuses_the_old(session):
    old = sources.issue_source(session, name="视频分析平台", schools=["demo-univ", "demo-primary"], now=NOW)
    every = sources.issue_source(session, name="区平台", all_schools=True, now=NOW)
    new = sources.rotate_source(session, source_id=old.row.id, now=NOW + timedelta(minutes=1))
    again = sources.rotate_source(session, source_id=every.row.id, now=NOW + timedelta(minutes=1))
    session.commit()
    assert new.replaced.id == old.row.id and new.row.id != old.row.id
    assert sources.active_source(session, key=old.key) is None
    rotated = sources.active_source(session, key=new.key)
    assert (rotated.name, rotated.school_codes) == ("视频分析平台", {"demo-univ", "demo-primary"})
    assert sources.active_source(session, key=again.key).school_codes is None
    with pytest.raises(LedgerError, match="revoked"):
        sources.rotate_source(session, source_id=old.row.id, now=NOW)
    assert [r.name for r in sources.list_sources(session)] == ["视频分析平台", "区平台", "视频分析平台", "区平台"]


def test_use_is_noted_at_most_once_per_interval(session):
    row = sources.issue_source(session, name="门禁", schools=["demo-univ"], now=NOW).row
    every = timedelta(minutes=5)
    assert sources.note_use(session, source_id=row.id, now=NOW, every=every)
    assert not sources.note_use(session, source_id=row.id, now=NOW + timedelta(minutes=4), every=every)
    assert sources.note_use(session, source_id=row.id, now=NOW + timedelta(minutes=5), every=every)
    session.commit()
    session.refresh(row)  # the UPDATE went round the identity map
    assert row.last_used_at == NOW + timedelta(minutes=5)
