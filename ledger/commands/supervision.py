"""Supervision items (督办, issue 17): opened by an officer of a unit above a school, answered by the
school with its actions and photos, returned (退回) with a reason or closed by the officer. The rules
(states, texts) are in ledger/supervision.py; the tables in ledger/models/supervision.py.

Who, from the account (never from the page): every command takes the signed-in person's user id and
reads their role and unit from the ledger. An officer (leader or admin) of a district, city or
province opens an item on a school below their unit and returns or closes items of their unit or of a
unit below it; the school's safety head or admin (a person whose unit is the school, or a campus or
college of it) answers its own items. Anyone else learns nothing: "no such item".

A hazard item and the hazard's listing for supervision (挂牌督办, ledger/commands/hazard_supervision.py)
stay separate. The listing is a status of the hazard itself with its own rule (major hazards only,
once, kept until acceptance, seed 001 art. 18; the hazard ledger and its Excel show it); an item is the
correspondence with the school about anything, a hazard of any grade among them. An item on a hazard
names it (hazard_id) and the pages show the listing beside it when there is one; opening an item
changes nothing of the hazard, and listing a hazard opens no item.

Each step is audited, kept as a SupervisionStep, and guarded: the item's step count is the version a
step changes (a concurrent step finds it moved and is refused); the same step sent twice finds the
item already where it leads and answers "done" with nothing written. The caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kernel.row_ids import id_or_none
from ledger import org_scope
from ledger import supervision as rules
from ledger.commands import notify
from ledger.commands import photos as photo_commands
from ledger.commands.audit import Actor, record
from ledger.errors import NotFound
from ledger.models import Hazard, OrgUnit, Photo, SupervisionItem, SupervisionPhoto, SupervisionStep, User
from ledger.supervision import SupervisionRefused


@dataclass(frozen=True)
class Done:
    """What a step did: the item, its school's code, its state now, and whether anything was written
    (False: the same step sent again, or the same item opened again)."""

    item_id: int
    school: str
    state: str
    written: bool
    title: str = ""


def person(db: Session, user_id: object) -> User:
    user = db.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if user is None or user.disabled_at is not None:
        raise SupervisionRefused("sign in first", zh="请先登录")
    return user


def officer_unit(db: Session, user: User) -> OrgUnit:
    """The district, city or province an officer supervises from; refused for anyone else."""
    if user.role not in rules.OPENERS:
        raise SupervisionRefused(f"your role ({user.role}) may not supervise schools",
                                 zh="只有上级单位的领导或管理员可以督办")
    unit = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    if unit is None or unit.kind not in rules.ABOVE_SCHOOL:
        raise SupervisionRefused("supervision goes from a district, city or province account",
                                 zh="督办须由区县、市或省级单位的账号进行")
    return unit


def school_of_person(db: Session, user: User) -> OrgUnit | None:
    """The school a person belongs to (their unit, or the school above their campus or college)."""
    unit = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    return org_scope.school_of(db, unit) if unit is not None else None


def by_name(db: Session, user: User) -> str:
    unit = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    return f"{unit.name_zh if unit else ''} {user.display_name}".strip()[:128]


def _no_item(item_id: object) -> NotFound:
    shown = str(item_id)[:20]
    return NotFound(f"no supervision item {shown} of yours", zh=f"您的范围内没有督办事项 {shown}")



def _school_people(db: Session, school: OrgUnit) -> list[int]:
    """The school's answerers (its safety heads and admins, of the school's own unit)."""
    return list(db.scalars(select(User.id).where(User.unit_id == school.id, User.role.in_(rules.ANSWERERS),
                                                 User.disabled_at.is_(None)).order_by(User.id)))


def _tell_school(db: Session, item: SupervisionItem, school: OrgUnit, seq: int, what_zh: str, now: datetime) -> None:
    """The school's group robots and answerers: an item came down, or was returned."""
    title = f"督办{what_zh}：{item.title}"[:200]
    body = f"{title}\n办理期限：{item.deadline:%Y-%m-%d %H:%M} UTC"
    key = f"supervision:{item.id}:{seq}"
    notify.enqueue(db, dedupe_key=key, school=school.code, kind="supervision", title=title, text=body,
                   link="/supervision", recipients=None, severity=None, now=now)
    people = _school_people(db, school)
    if people:
        notify.enqueue(db, dedupe_key=f"{key}:people", school=school.code, kind="supervision", title=title,
                       text=body, link="/supervision", recipients=people, severity=None, now=now)


def _step(db: Session, item: SupervisionItem, user: User, action: str, from_state: str | None, to_state: str,
          seq: int, body: str, now: datetime) -> SupervisionStep:
    step = SupervisionStep(item_id=item.id, seq=seq, action=action, from_state=from_state, to_state=to_state,
                           by_id=user.id, by_name=by_name(db, user), at=now, text=body)
    db.add(step)
    db.flush()
    return step


def open_item(db: Session, *, user_id: int, school: str, kind: str, ref: str, title: str, instructions: str,
              deadline: datetime, now: datetime, ip: str | None = None) -> Done:
    """Open a supervision item on a school below the officer's unit. `kind` 'hazard' names the hazard
    by its code in `ref` (it must be the school's); 'report', 'figure', 'other' keep `ref` as given (a
    report's id, a figure's words). The same subject (school, kind, reference, title) opened again
    while an item on it is not closed is that item (written False)."""
    kind = rules.kind(kind)
    ref = rules.line(ref, what="the reference", what_zh="督办对象", required=kind != "other", limit=rules.REF_MAX)
    title = rules.subject(kind, ref, rules.line(title, what="the title", what_zh="标题", required=False,
                                                limit=rules.TITLE_MAX))
    instructions = rules.text(instructions, what="the instructions", what_zh="督办要求", required=True)
    deadline = rules.deadline(deadline, now)
    user = person(db, user_id)
    unit = officer_unit(db, user)
    school_row = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school")) \
        if isinstance(school, str) else None
    if school_row is None or school_row.id == unit.id or not org_scope.is_within(db, school_row, unit):
        raise SupervisionRefused(f"school {str(school)[:64]!r} is not below {unit.name_zh}",
                                 zh=f"学校 {str(school)[:64]!r} 不在{unit.name_zh}的管辖范围内")
    hazard_id = None
    if kind == "hazard":
        hazard_id = db.scalar(select(Hazard.id).where(Hazard.school_id == school_row.id, Hazard.code == ref))
        if hazard_id is None:
            raise NotFound(f"no hazard {ref!r} in {school_row.name_zh}", zh=f"{school_row.name_zh}没有隐患 {ref!r}")
    earlier = db.scalar(select(SupervisionItem).where(
        SupervisionItem.school_id == school_row.id, SupervisionItem.kind == kind, SupervisionItem.ref == ref,
        SupervisionItem.title == title, SupervisionItem.state != "closed"))
    if earlier is not None:
        return Done(earlier.id, school_row.code, earlier.state, False, earlier.title)
    item = SupervisionItem(school_id=school_row.id, unit_id=unit.id, kind=kind, ref=ref, hazard_id=hazard_id,
                           title=title, instructions=instructions, deadline=deadline, state="open", steps=1,
                           opened_by_id=user.id, opened_at=now, updated_at=now)
    db.add(item)
    db.flush()
    _step(db, item, user, "open", None, "open", 0, instructions, now)
    record(db, actor=Actor(user.username, user.role, ip), action="supervision.open", target=f"supervision:{item.id}",
           now=now, school=school_row.code, after={"kind": kind, "ref": ref, "title": title,
                                                   "deadline": deadline.isoformat(), "unit": unit.code})
    _tell_school(db, item, school_row, 0, "下发", now)
    return Done(item.id, school_row.code, "open", True, item.title)


def _officer_item(db: Session, user: User, item_id: object) -> tuple[SupervisionItem, OrgUnit]:
    unit = officer_unit(db, user)
    found = id_or_none(item_id)
    item = db.get(SupervisionItem, found) if found is not None else None
    if item is None:
        raise _no_item(item_id)
    item_unit = db.get(OrgUnit, item.unit_id)
    if item_unit is None or not org_scope.is_within(db, item_unit, unit):  # another district's: as if none
        raise _no_item(item_id)
    return item, db.get(OrgUnit, item.school_id)


def _school_item(db: Session, user: User, item_id: object) -> tuple[SupervisionItem, OrgUnit]:
    if user.role not in rules.ANSWERERS:
        raise SupervisionRefused(f"your role ({user.role}) may not answer supervision",
                                 zh="只有学校安全管理部门或管理员可以答复督办")
    own = school_of_person(db, user)
    found = id_or_none(item_id)
    item = db.get(SupervisionItem, found) if found is not None else None
    if item is None or own is None or item.school_id != own.id:  # another school's: as if none
        raise _no_item(item_id)
    return item, own


def _advance(db: Session, item: SupervisionItem, user: User, action: str, body: str, now: datetime,
             **values) -> tuple[SupervisionStep | None, str]:
    """The step on the item, guarded by its step count; (None, state) for a repeat."""
    moved = rules.move(item.state, action)
    if moved.repeat:
        return None, item.state
    seq, from_state, item_id = item.steps, item.state, item.id
    if db.execute(update(SupervisionItem).where(SupervisionItem.id == item_id, SupervisionItem.steps == seq)
                  .values(state=moved.to_state, steps=seq + 1, updated_at=now, **values)).rowcount != 1:
        raise SupervisionRefused("someone has just acted on this item: reload it",
                                 zh="有人刚刚处理了该督办事项，请刷新")
    db.refresh(item)
    return _step(db, item, user, action, from_state, moved.to_state, seq, body, now), moved.to_state


def _attach(db: Session, *, keys: Iterable[str], user: User, school: OrgUnit, step: SupervisionStep,
            now: datetime) -> int:
    """The photos the person uploaded for this school (POST /photos) and not yet attached go with the
    answer; all or nothing, in the words of the hazard loop's photos (ledger/commands/photos.py)."""
    keys = photo_commands.form_keys(list(keys))
    if not keys:
        return 0
    found = {p.key: p for p in db.scalars(select(Photo).where(Photo.key.in_(keys)).with_for_update())}
    for key in keys:
        photo = found.get(key)
        if photo is None or photo.uploaded_by_id != user.id or photo.school_id != school.id:
            raise photo_commands.PhotoRefused(f"photo {key[:8]}… is not one you uploaded for this school; upload it "
                                              "again", zh=f"照片 {key[:8]}… 不是您为本校上传的照片，请重新上传")
        if photo.attached_at is not None:
            raise photo_commands.PhotoRefused(f"photo {key[:8]}… already goes with another record; upload it again",
                                              zh=f"照片 {key[:8]}… 已属于另一条记录，如需用于此处请重新上传")
    for key in keys:
        photo = found[key]
        photo.pending, photo.attached_at = None, now  # attached: the sweep keeps it, the officer may see it
        db.add(SupervisionPhoto(photo_id=photo.id, step_id=step.id))
    db.flush()
    return len(keys)


def answer(db: Session, *, user_id: int, item_id: int, text: str, photos: Iterable[str] = (), now: datetime,
           ip: str | None = None) -> Done:
    """The school's answer: its actions taken, with photos as evidence (keys the uploads answered)."""
    body = rules.text(text, what="the answer", what_zh="答复内容", required=True)
    keys = photo_commands.form_keys(list(photos) if photos is not None else [])
    user = person(db, user_id)
    item, school = _school_item(db, user, item_id)
    step, state = _advance(db, item, user, "answer", body, now, answered_at=now)
    if step is None:
        return Done(item.id, school.code, state, False, item.title)
    attached = _attach(db, keys=keys, user=user, school=school, step=step, now=now)
    record(db, actor=Actor(user.username, user.role, ip), action="supervision.answer", target=f"supervision:{item.id}",
           now=now, school=school.code, after={"text": body, "photos": attached})
    title = f"督办已答复：{item.title}"[:200]
    notify.enqueue(db, dedupe_key=f"supervision:{item.id}:{step.seq}", school=school.code, kind="supervision",
                   title=title, text=f"{title}\n{school.name_zh}：{body[:200]}", link="/bureau/supervision",
                   recipients=[item.opened_by_id], severity=None, now=now)
    return Done(item.id, school.code, state, True, item.title)


def return_item(db: Session, *, user_id: int, item_id: int, reason: str, now: datetime, ip: str | None = None) -> Done:
    """The officer returns an answer (退回) with a reason; the school answers again."""
    body = rules.text(reason, what="the reason", what_zh="退回原因", required=True)
    user = person(db, user_id)
    item, school = _officer_item(db, user, item_id)
    step, state = _advance(db, item, user, "return", body, now)
    if step is None:
        return Done(item.id, school.code, state, False, item.title)
    record(db, actor=Actor(user.username, user.role, ip), action="supervision.return", target=f"supervision:{item.id}",
           now=now, school=school.code, after={"reason": body})
    _tell_school(db, item, school, step.seq, "退回", now)
    return Done(item.id, school.code, state, True, item.title)


def close(db: Session, *, user_id: int, item_id: int, note: str = "", now: datetime, ip: str | None = None) -> Done:
    """The officer closes the item (办结), with an optional note."""
    body = rules.text(note, what="the note", what_zh="办结意见", required=False)
    user = person(db, user_id)
    item, school = _officer_item(db, user, item_id)
    step, state = _advance(db, item, user, "close", body, now, closed_at=now)
    if step is None:
        return Done(item.id, school.code, state, False, item.title)
    record(db, actor=Actor(user.username, user.role, ip), action="supervision.close", target=f"supervision:{item.id}",
           now=now, school=school.code, after={"note": body})
    return Done(item.id, school.code, state, True, item.title)
