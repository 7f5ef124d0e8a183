"""The reminder sweep (issue 16): hazard deadlines, rectifications waiting for acceptance, the
leadership digest and "no drill this term", for every school of the ledger. The notifier
(streams/notifier.py) runs it every SWEEP_SECONDS; the outbox it fills is the notifier's work.

It lives here, above the ledger, because it joins reads (queries/ledger/reminders.py, which reuse the
leadership overview's and the drills' reads) with a write (ledger/commands/reminders.py): the layers
let neither of those import the other.

One transaction, committed here: every reminder of a sweep with its mark, or none (a sweep that fails
half-way leaves nothing, and the next one does it all). A school in its quiet hours gets nothing until
they end. Cost per sweep: a handful of queries for all schools (units and policies, people, hazards
with deadlines, waiting rectifications, the marks), plus, once a day per school, its digest's figures
and, once a term, its drills.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ledger import inspection_schedule as schedule
from ledger import reminder_text as text
from ledger import reminders as rules
from ledger.commands import reminders as commands
from queries.ledger import reminders as reads

SWEEP_SECONDS = 60.0  # reminder points are at whole minutes of the policy's clock times


def sweep(db: Session, *, now: datetime, tz: ZoneInfo, public_url: str,
          term_starts=schedule.DEFAULT_TERM_STARTS) -> dict[str, int]:
    """Send what is due at `now` and commit. Returns counts: reminders sent per kind (hazard_due,
    hazard_passed, acceptance, digest, drill), `rows` (outbox rows added) and `unreached` (reminders
    whose people have no address a channel serves: sent to nobody, marked all the same)."""
    schools = {s.id: s for s in reads.schools(db) if s.policy.holds(None, now, tz) is None}
    if not schools:
        return {}
    staff = reads.staff(db)
    planned = _hazards(db, schools, staff, now, tz, public_url) + _waiting(db, schools, staff, now, tz, public_url)
    digests = {s.id: rules.digest_key(s.code, day) for s in schools.values()
               if (day := rules.digest_day(now, s.policy, tz)) is not None and rules.leaders(s.id, staff)}
    terms = {s.id: (term, rules.drill_key(s.code, term)) for s in schools.values()
             if (term := rules.drill_term(now, s.policy, tz, term_starts=term_starts)) is not None
             and rules.safety_office(s.id, staff)}
    done = reads.marked(db, [p.key for p in planned] + list(digests.values()) + [k for _, k in terms.values()])
    planned = [p for p in planned if p.key not in done]
    planned += _digests(db, schools, staff, {i: k for i, k in digests.items() if k not in done}, now, tz, public_url,
                        term_starts)
    planned += _drills(db, schools, staff, {i: v for i, v in terms.items() if v[1] not in done}, now, tz, public_url,
                       term_starts)
    counts: Counter[str] = Counter()
    for item in planned:
        rows = commands.remind(db, item, now=now)
        if rows is None:
            continue
        counts[item.kind] += 1
        counts["rows"] += rows
        if rows == 0:
            counts["unreached"] += 1
    db.commit()
    return dict(counts)


def _hazards(db, schools, staff, now, tz, public_url) -> list[rules.Planned]:
    # No point of a deadline further off than the furthest policy point (and a day) can be due yet.
    furthest = max(max(s.policy.reminder_days, default=0) for s in schools.values())
    due = [(h, p) for h in reads.hazards_with_deadlines(db, until=now + timedelta(days=furthest + 1))
           if h.school_id in schools and (p := rules.due_point(h.deadline, now, schools[h.school_id].policy, tz))]
    living = reads.active(db, (h.responsible_user_id for h, _ in due))
    planned = []
    for hazard, point in due:
        school = schools[hazard.school_id]
        people, fell_back = rules.hazard_recipients(
            responsible=hazard.responsible_user_id, responsible_active=hazard.responsible_user_id in living,
            responsible_unit=hazard.responsible_unit_id, school_id=school.id, staff=staff)
        title, body = text.hazard_reminder(title=hazard.title, grade=hazard.grade, stage=hazard.stage,
                                           place=hazard.place, deadline=hazard.deadline, point=point.label, now=now,
                                           tz=tz, link=text.hazard_link(public_url, school.code, hazard.code),
                                           unassigned=fell_back)
        kind = "hazard_passed" if point.label == rules.PASSED else "hazard_due"
        planned.append(rules.Planned(rules.hazard_key(hazard.id, hazard.deadline, point, tz), school.code, kind,
                                     title, body, text.hazard_link(public_url, school.code, hazard.code), people))
    return planned


def _waiting(db, schools, staff, now, tz, public_url) -> list[rules.Planned]:
    planned = []
    for hazard in reads.awaiting_acceptance(db):
        school = schools.get(hazard.school_id)
        point = school and rules.waiting_point(hazard.since, now, school.policy, tz)
        if not point:
            continue
        people = rules.acceptors(reporter=hazard.reported_by_user_id, responsible=hazard.responsible_user_id,
                                 fed_back_by=hazard.fed_back_by, school_id=school.id, staff=staff)
        link = text.hazard_link(public_url, school.code, hazard.code)
        title, body = text.acceptance_reminder(title=hazard.title, grade=hazard.grade, place=hazard.place,
                                               since=hazard.since, now=now, tz=tz, link=link)
        planned.append(rules.Planned(rules.acceptance_key(hazard.id, hazard.feedback_id, point), school.code,
                                     "acceptance", title, body, link, people))
    return planned


def _digests(db, schools, staff, keys, now, tz, public_url, term_starts) -> list[rules.Planned]:
    planned = []
    for school_id, key in keys.items():
        school = schools[school_id]
        figures = reads.digest_figures(db, school_id=school_id, now=now, tz=tz, term_starts=term_starts)
        link = text.lead_link(public_url, school.code)
        title, body = text.digest(school_zh=school.name_zh, day=rules.local_day(now, tz), figures=figures, link=link)
        planned.append(rules.Planned(key, school.code, "digest", title, body, link, rules.leaders(school_id, staff)))
    return planned


def _drills(db, schools, staff, terms, now, tz, public_url, term_starts) -> list[rules.Planned]:
    planned = []
    by_term: dict[schedule.Period, list[int]] = {}
    for school_id, (term, _) in terms.items():
        by_term.setdefault(term, []).append(school_id)
    for term, ids in by_term.items():
        term_zh = schedule.term_name(term, term_starts=term_starts)[0]
        for school_id, untrained in reads.schools_without_drill(db, ids, term, today=rules.local_day(now, tz),
                                                                term_starts=term_starts).items():
            school = schools[school_id]
            link = text.drills_link(public_url, school.code)
            title, body = text.drill_reminder(school_zh=school.name_zh, term_zh=term_zh, weeks=rules.DRILL_WEEKS,
                                              untrained=untrained, link=link)
            planned.append(rules.Planned(terms[school_id][1], school.code, "drill", title, body, link,
                                         rules.safety_office(school_id, staff)))
    return planned
