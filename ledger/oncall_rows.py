"""Reading the on-call roster's rows (ledger/models/oncall.py) as ledger/oncall.py's plain values:
shared by the commands (ledger/commands/oncall.py) and the reads (queries/ledger/oncall.py), which
may not import each other."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from ledger import org_scope
from ledger.models import OnCallEntry, OrgUnit, User, UserSchool
from ledger.oncall import Entry, Person


def person(user: User) -> Person:
    return Person(user.id, user.username, user.display_name)


def people_of_school(db: Session, school: OrgUnit) -> list[User]:
    """The enabled people of a school: those whose unit is the school or lies in it (a campus, a
    college), and those the school is listed for one by one. Not a district's officers who read the
    school from above: they are not on its roster."""
    units = {school.id} | org_scope.descendant_ids(db, school.id)
    listed = select(UserSchool.user_id).where(UserSchool.school == school.code)
    query = (select(User).where(User.disabled_at.is_(None), or_(User.unit_id.in_(units), User.id.in_(listed)))
             .order_by(User.display_name, User.username))
    return list(db.scalars(query))


def entries(db: Session, school_id: int, first: date, last: date) -> list[Entry]:
    """The school's entries from day `first` to day `last`, both included, each with its people."""
    original, stand_in = aliased(User), aliased(User)
    query = (select(OnCallEntry, original, stand_in)
             .join(original, original.id == OnCallEntry.user_id)
             .outerjoin(stand_in, stand_in.id == OnCallEntry.substitute_id)
             .where(OnCallEntry.school_id == school_id, OnCallEntry.day >= first, OnCallEntry.day <= last)
             .order_by(OnCallEntry.day, OnCallEntry.shift, OnCallEntry.level))
    return [Entry(row.day, row.shift, row.level, person(user), row.set_by, row.set_at,
                  person(sub) if sub is not None else None, row.substituted_by, row.substituted_at)
            for row, user, sub in db.execute(query)]
