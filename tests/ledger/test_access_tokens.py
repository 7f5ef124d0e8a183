"""Access tokens in the ledger (ledger/commands/access.py), on SQLite and a real PostgreSQL."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from ledger.commands import access
from ledger.errors import LedgerError, NotFound
from ledger.models import AccessToken
from tests.ledger.conftest import NOW


def test_a_token_is_returned_once_and_only_its_digest_is_kept(session):
    issued = access.issue_token(session, role="wall", label="指挥中心大屏", now=NOW)
    session.commit()
    row = session.get(AccessToken, issued.row.id)
    assert row.digest == hashlib.sha256(issued.token.encode()).hexdigest() != issued.token
    assert (row.role, row.school, row.created_at) == ("wall", None, NOW)
    assert row.revoked_at is None and row.last_used_at is None
    assert len(issued.token) >= 43  # 32 random bytes, URL-safe base64
    assert access.active_token(session, token=issued.token).id == row.id
    assert access.active_token(session, token_id=row.id).id == row.id
    assert access.active_token(session, token=issued.token[:-1] + "x") is None
    assert access.active_token(session) is None
    other = access.issue_token(session, role="wall", label="指挥中心大屏", now=NOW)
    assert other.token != issued.token and access.active_token(session, token=other.token).id != row.id


def test_a_revoked_token_is_no_longer_active_and_revoking_again_keeps_the_moment(session):
    issued = access.issue_token(session, role="wall", label="西门岗亭", school="demo-univ", now=NOW)
    access.revoke_token(session, token_id=issued.row.id, now=NOW + timedelta(hours=1))
    access.revoke_token(session, token_id=issued.row.id, now=NOW + timedelta(hours=2))
    session.commit()
    assert access.active_token(session, token=issued.token) is None
    assert access.active_token(session, token_id=issued.row.id) is None
    assert session.get(AccessToken, issued.row.id).revoked_at == NOW + timedelta(hours=1)
    with pytest.raises(NotFound):
        access.revoke_token(session, token_id=issued.row.id + 100, now=NOW)


def test_replace_rotates_the_tokens_of_one_label(session):
    old = access.issue_token(session, role="wall", label="大屏A", now=NOW)
    keep = access.issue_token(session, role="wall", label="大屏B", now=NOW)
    new = access.issue_token(session, role="wall", label="大屏A", now=NOW + timedelta(minutes=1), replace=True)
    session.commit()
    assert [r.id for r in new.replaced] == [old.row.id]
    assert access.active_token(session, token=old.token) is None
    assert access.active_token(session, token=new.token) is not None
    assert access.active_token(session, token=keep.token) is not None
    assert [r.label for r in access.list_tokens(session)] == ["大屏A", "大屏B", "大屏A"]


def test_use_is_noted_at_most_once_per_interval(session):
    row = access.issue_token(session, role="wall", label="大屏", now=NOW).row
    every = timedelta(minutes=5)
    assert access.note_use(session, token_id=row.id, now=NOW, every=every)
    assert not access.note_use(session, token_id=row.id, now=NOW + timedelta(minutes=4), every=every)
    assert access.note_use(session, token_id=row.id, now=NOW + timedelta(minutes=5), every=every)
    session.commit()
    session.expire_all()
    assert session.get(AccessToken, row.id).last_used_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize("fields, message", [
    (dict(role="guest", label="x"), "role must be one of wall, leader, duty, admin"),
    (dict(role="wall", label="  "), "label"),
    (dict(role="wall", label="x" * 129), "label"),
    (dict(role="wall", label="x", school="两个 学校"), "cannot be a school code"),
])
def test_bad_tokens_are_refused_before_anything_is_written(session, fields, message):
    with pytest.raises(LedgerError, match=message):
        access.issue_token(session, now=NOW, **fields)
    assert access.list_tokens(session) == []


def test_the_database_itself_refuses_an_unknown_role(session):
    # Past the code's own check: a row written by hand or by a later tool still needs a known role.
    session.add(AccessToken(label="x", role="guest", digest="0" * 64, created_at=NOW))
    with pytest.raises(IntegrityError):
        session.flush()
