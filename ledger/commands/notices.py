"""Notices (通报, issue 17): a district, city or province publishes a notice to all its schools or to
chosen ones; a person of a school who opens it and confirms (已阅) records the school's read receipt,
once (the first to confirm; a second confirmation is answered as already read, nothing written).

Who, from the account: an officer (leader or admin) of a unit above schools publishes, to schools
below their unit only; a person of the school (NOTICE_READERS) confirms, for their own school only,
a notice addressed to it. A notice is title and text; attachments are left out (a notice links to
nothing the school cannot already see; the photo volume is for evidence of the ledger's steps).
A form sent twice (its key, `form_key`) is one notice. The caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.row_ids import id_or_none
from ledger import org_scope
from ledger import supervision as rules
from ledger.commands import notify
from ledger.commands.audit import Actor, record
from ledger.commands.supervision import by_name, officer_unit, person, school_of_person
from ledger.errors import NotFound
from ledger.models import Notice, NoticeReceipt, OrgUnit
from ledger.supervision import SupervisionRefused

BODY_MAX = 10_000


@dataclass(frozen=True)
class Published:
    notice_id: int
    schools: tuple[str, ...]  # the schools' codes it went to
    written: bool  # False: the same form sent again


@dataclass(frozen=True)
class Receipt:
    notice_id: int
    school: str
    read_at: datetime
    read_by: str
    written: bool  # False: the school had already confirmed


def publish(db: Session, *, user_id: int, title: str, body: str, schools: Iterable[str] | None, form_key: str,
            now: datetime, ip: str | None = None) -> Published:
    """Publish a notice to every school below the officer's unit (`schools` None or empty) or to the
    schools named (each must be below the unit)."""
    title = rules.line(title, what="the title", what_zh="标题", required=True, limit=rules.TITLE_MAX)
    body = rules.text(body, what="the text", what_zh="正文", required=True, limit=BODY_MAX)
    key = rules.form_key(form_key)
    user = person(db, user_id)
    if user.role not in rules.NOTICE_WRITERS:
        raise SupervisionRefused(f"your role ({user.role}) may not publish notices",
                                 zh="只有上级单位的领导或管理员可以发布通报")
    unit = officer_unit(db, user)
    earlier = _sent_before(db, unit.id, key)
    if earlier is not None:
        return earlier
    below = org_scope.schools_under(db, unit)
    listed = list(schools or ())
    if any(not isinstance(s, str) or not s for s in listed):  # dropped, the rest was "every school"
        raise SupervisionRefused("name the schools by their codes", zh="请按学校代码选择学校")
    named = sorted(set(listed))
    outside = [s for s in named if s not in below]
    if outside:
        raise SupervisionRefused(f"{outside[0][:64]} is not a school below {unit.name_zh}",
                                 zh=f"{outside[0][:64]} 不是{unit.name_zh}管辖的学校")
    chosen = named or sorted(below)
    if not chosen:
        raise SupervisionRefused(f"{unit.name_zh} has no schools to notify", zh=f"{unit.name_zh}下没有学校")
    rows = list(db.scalars(select(OrgUnit).where(OrgUnit.code.in_(chosen), OrgUnit.kind == "school")
                           .order_by(OrgUnit.code)))
    notice = Notice(unit_id=unit.id, title=title, body=body, all_schools=not named, published_at=now,
                    published_by_id=user.id, published_by=by_name(db, user), client_key=key)
    try:
        with db.begin_nested():  # a savepoint: the caller's transaction outlives a collision
            db.add(notice)
    except IntegrityError:  # the same form sent twice at once: the other send published it
        earlier = _sent_before(db, unit.id, key)
        if earlier is None:
            raise
        return earlier
    db.add_all([NoticeReceipt(notice_id=notice.id, school_id=row.id) for row in rows])
    record(db, actor=Actor(user.username, user.role, ip), action="notice.publish", target=f"notice:{notice.id}",
           now=now, after={"title": title, "schools": [r.code for r in rows] if named else "all", "unit": unit.code})
    for row in rows:  # each school's group robots: a notice came
        notify.enqueue(db, dedupe_key=f"notice:{notice.id}:{row.code}", school=row.code, kind="notice",
                       title=f"通报：{title}"[:200], text=f"{unit.name_zh}通报：{title}", link="/notices",
                       recipients=None, severity=None, now=now)
    db.flush()
    return Published(notice.id, tuple(r.code for r in rows), True)


def _sent_before(db: Session, unit_id: int, key: str) -> Published | None:
    """The notice this form (its key) published already, as the second send answers it."""
    earlier = db.scalar(select(Notice).where(Notice.unit_id == unit_id, Notice.client_key == key))
    if earlier is None:
        return None
    sent = db.scalars(select(OrgUnit.code).join(NoticeReceipt, NoticeReceipt.school_id == OrgUnit.id)
                      .where(NoticeReceipt.notice_id == earlier.id).order_by(OrgUnit.code))
    return Published(earlier.id, tuple(sent), False)


def confirm_read(db: Session, *, user_id: int, notice_id: int, now: datetime, ip: str | None = None) -> Receipt:
    """The person's school has read the notice (已阅): the first confirmation is kept."""
    user = person(db, user_id)
    if user.role not in rules.NOTICE_READERS:
        raise SupervisionRefused(f"your role ({user.role}) does not confirm notices", zh="您的角色不能确认通报已阅")
    school = school_of_person(db, user)
    found = id_or_none(notice_id)
    receipt = db.get(NoticeReceipt, (found, school.id)) if found is not None and school is not None else None
    if receipt is None:  # not addressed to this person's school: as if there were none
        shown = str(notice_id)[:20]
        raise NotFound(f"no notice {shown} to your school", zh=f"本校没有通报 {shown}")
    if receipt.read_at is not None:
        return Receipt(found, school.code, receipt.read_at, receipt.read_by or "", False)
    name = by_name(db, user)
    if db.execute(update(NoticeReceipt).where(NoticeReceipt.notice_id == found, NoticeReceipt.school_id == school.id,
                                              NoticeReceipt.read_at.is_(None))
                  .values(read_at=now, read_by_id=user.id, read_by=name)).rowcount != 1:
        db.refresh(receipt)  # another person of the school confirmed just now: theirs stands
        return Receipt(found, school.code, receipt.read_at, receipt.read_by or "", False)
    record(db, actor=Actor(user.username, user.role, ip), action="notice.read", target=f"notice:{found}",
           now=now, school=school.code, after={"read_by": name})
    return Receipt(found, school.code, now, name, True)
