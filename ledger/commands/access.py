"""Access tokens in the ledger: issue, check, list, revoke.

`issue_token` returns the token once; only its SHA-256 digest is stored (ledger/models/access.py
says why a fast hash is the right one for a 256-bit random token).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from kernel.contract import SCHOOL_ID
from ledger.errors import LedgerError, NotFound
from ledger.models import ROLES, AccessToken

TOKEN_BYTES = 32  # 256 bits from the OS's generator, URL-safe: it travels in a wall's URL
MAX_LABEL = 128


@dataclass(frozen=True)
class Issued:
    row: AccessToken
    token: str  # shown to the operator once; nothing keeps it
    replaced: tuple[AccessToken, ...]  # active tokens of the same label revoked by `replace`


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, *, role: str, label: str, school: str | None = None, now: datetime,
                replace: bool = False) -> Issued:
    """A new token. With `replace`, the active tokens of the same label are revoked in the same
    transaction: a wall's token is rotated by issuing its successor under its label."""
    label = label.strip()
    if role not in ROLES:
        raise LedgerError(f"role must be one of {', '.join(ROLES)}",
                          zh="角色应为 wall（大屏）、leader（领导）、duty（值班员）或 admin（管理员）之一")
    if not label or len(label) > MAX_LABEL:
        raise LedgerError(f"a token needs a label of 1 to {MAX_LABEL} characters saying where it is used",
                          zh=f"令牌须有 1 至 {MAX_LABEL} 个字的标签，说明在哪里使用")
    if school is not None and not SCHOOL_ID.fullmatch(school):
        raise LedgerError(f"{school!r} cannot be a school code", zh=f"{school!r} 不能作为学校代码")
    replaced = ()
    if replace:
        replaced = tuple(session.scalars(select(AccessToken).where(
            AccessToken.label == label, AccessToken.revoked_at.is_(None))))
        for row in replaced:
            row.revoked_at = now
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = AccessToken(label=label, role=role, school=school, digest=token_digest(token), created_at=now)
    session.add(row)
    session.flush()
    return Issued(row, token, replaced)


def active_token(session: Session, *, token: str | None = None,
                 token_id: int | None = None) -> AccessToken | None:
    """The unrevoked token given by its text or by its id, or None."""
    if token is None and token_id is None:
        return None
    query = select(AccessToken).where(AccessToken.revoked_at.is_(None))
    if token is not None:
        query = query.where(AccessToken.digest == token_digest(token))
    if token_id is not None:
        query = query.where(AccessToken.id == token_id)
    return session.scalar(query)


def note_use(session: Session, *, token_id: int, now: datetime, every: timedelta) -> bool:
    """Set last_used_at unless it was set less than `every` ago (one conditional UPDATE, so web
    processes noting the same token at once do not fight). The web app checks tokens every few
    seconds; a write per check would turn every wall's refresh into a write to the ledger."""
    done = session.execute(update(AccessToken).where(
        AccessToken.id == token_id,
        or_(AccessToken.last_used_at.is_(None), AccessToken.last_used_at <= now - every),
    ).values(last_used_at=now))
    return done.rowcount > 0


def list_tokens(session: Session) -> list[AccessToken]:
    return list(session.scalars(select(AccessToken).order_by(AccessToken.id)))


def revoke_token(session: Session, *, token_id: int, now: datetime) -> AccessToken:
    """Revoke a token; revoking it again keeps the first moment."""
    found = session.get(AccessToken, token_id)
    if found is None:
        raise NotFound(f"no access token with id {token_id}", zh=f"没有编号为 {token_id} 的访问令牌")
    if found.revoked_at is None:
        found.revoked_at = now
    return found


def wall_path(token: str, school: str | None = None, *, unit_wall: bool = False) -> str:
    """The path a wall opens (after the web app's address): the token, and the school it shows; or,
    for a district's (city's, province's) token, that unit's own wall (/district?unit=)."""
    if unit_wall and school:
        return "/district?" + urlencode({"unit": school, "token": token})
    return "/?" + urlencode({**({"school": school} if school else {}), "token": token})
