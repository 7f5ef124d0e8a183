"""The demo's drills and trainings (演练 / 培训): each school held, for the whole school, a drill
and a training early in every term from two years back until today, as a school that meets seed
001 attachment 2 art. 9 and 12 does. The assessment computes those articles from them, so the
demo's scores keep to the findings the demo tells; the drills page lists them.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ledger import inspection_schedule as schedule
from ledger.models import Drill

DRILLS = ("消防疏散演练", "防踩踏疏散演练", "防汛应急演练", "反恐防暴演练")
TRAININGS = ("双重预防体系全员培训", "消防安全知识培训", "实验室安全培训", "食品安全培训")


def add_drills(session, rows, *, today: date, now: datetime) -> int:
    made = 0
    terms = schedule.periods("term", date(today.year - 2, 1, 1), today)
    for n, term in enumerate(terms):
        for kind, titles, offset, count in (("training", TRAININGS, 20, 120), ("drill", DRILLS, 35, 600)):
            held = term.start + timedelta(days=offset)
            if held >= today:
                continue
            session.add(Drill(school_id=rows.org.id, unit_id=None, kind=kind, title=titles[n % len(titles)],
                              held_on=held, participant_count=count, participants="", plan=titles[n % len(titles)],
                              notes="", recorded_by="demo", recorded_at=datetime.combine(held, time(17), now.tzinfo)))
            made += 1
    return made
