"""Listing a major hazard for supervision (挂牌督办, seed 001 art. 18) from a unit above its school:
the district's own deadline and instructions, kept until the hazard is accepted. The rest of the
loop is ledger/commands/hazard_work.py; the rules are in docs/hazards.md.

Not a stage of the loop: no contract event (the wall's figures count stages and grades, which this
does not change); the hazard's history keeps it as a `supervise` step.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from ledger import hazard_loop, org, org_scope
from ledger import hazard_work_rules as rules
from ledger.commands.hazard_work import StepResult, hazard_in_scope, require_role
from ledger.hazard_work_rules import Person, refuse
from ledger.models import Hazard, HazardTransition


def supervise(session: Session, person: Person, *, school: str, code: str, now: datetime, deadline: datetime,
              instructions: str) -> StepResult:
    """List a major, open hazard for supervision, once, from a unit strictly above its school (a
    district, city or province; or a person over the whole tree), with a deadline in the future
    and instructions. A second listing is refused, naming who listed it and when."""
    try:
        deadline = rules.future_deadline(deadline, now, what="the supervision deadline", what_zh="督办期限")
        instructions = rules.free_text(instructions, what="the instructions", what_zh="督办要求", required=True)
        require_role(person, rules.SUPERVISE_ROLES, "list a hazard for supervision", "挂牌督办")
        school_row, hazard = hazard_in_scope(session, person, school, code)
        if not rules.above_school(person, (a.code for a in org_scope.ancestors(session, school_row))):
            raise refuse("supervision is listed from a unit above the school", "挂牌督办须由学校的上级单位进行")
        if hazard.grade != "major":
            raise refuse("only a major hazard is listed for supervision", "只有重大隐患才挂牌督办")
        if not hazard_loop.is_open(hazard.stage):
            raise refuse("the hazard is accepted and closed: nothing is left to supervise",
                         "隐患已验收销号，无需督办")
        if hazard.supervised_at is not None:
            raise refuse(f"already listed for supervision by {hazard.supervised_by} on {hazard.supervised_at:%Y-%m-%d}",
                         f"已由{hazard.supervised_by}于 {hazard.supervised_at:%Y-%m-%d} 挂牌督办")
        hazard_id, school_code = hazard.id, school_row.code
        unit = org.unit_by_code(session, person.unit) if person.unit else None
        by = f"{unit.name_zh if unit else ''} {person.display_name}".strip()[:128]
        session.rollback()  # the step's own transaction starts with its guarded UPDATE
        if session.execute(update(Hazard).where(Hazard.id == hazard_id, Hazard.supervised_at.is_(None),
                                                Hazard.stage != hazard_loop.CLOSED)
                           .values(supervised_at=now, supervision_unit_id=unit.id if unit else None,
                                   supervision_deadline=deadline, supervision_note=instructions, supervised_by=by,
                                   listed_supervision=True, updated_at=now)).rowcount != 1:
            session.rollback()
            raise refuse("someone has just listed or closed this hazard", "有人刚刚督办或销号了这条隐患")
        hazard = session.get(Hazard, hazard_id, populate_existing=True)
        session.add(HazardTransition(hazard_id=hazard_id, action="supervise", from_stage=hazard.stage,
                                     to_stage=hazard.stage, by=person.username, at=now, note=instructions,
                                     by_user_id=person.user_id))
        session.commit()
        return StepResult(school_code, hazard.code, hazard_id, hazard.stage, [])
    except BaseException:
        session.rollback()
        raise
