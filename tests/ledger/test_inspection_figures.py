"""The inspection figures the wall reads, on SQLite and PostgreSQL: this month's missed and late
periods go into the ledger figures the recorder keeps in Redis (queries/ledger/figures.py), the same
counts the leadership pages read (school_figures), and on to the summary's `ledger` block."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from dashboard.ledger_json import ledger_block
from kernel import keys
from ledger.commands import inspections
from ledger.models import OrgUnit
from queries.ledger import figures
from queries.ledger.inspections import school_figures
from streams import ledger_figures
from tests.ledger.test_inspections import TZ, _plan, _start, local, school  # noqa: F401 (the fixture)


def test_the_months_missed_and_late_ride_in_the_ledger_figures(session, school):  # noqa: F811
    plan = _plan(session, school)  # daily from Monday 7 December 2026
    session.commit()
    # Monday done, Tuesday missed, Wednesday made up on Thursday morning (late).
    for day, at in ((date(2026, 12, 7), "2026-12-07T10:00"), (date(2026, 12, 9), "2026-12-10T08:30")):
        inspection_id = _start(session, school, plan, now=local(at), day=day).inspection.id
        for position in range(3):
            inspections.record_item(session, user_id=school["insp1"], inspection_id=inspection_id,
                                    position=position, result="pass", now=local(at))
        inspections.finish_inspection(session, user_id=school["insp1"], inspection_id=inspection_id,
                                      now=local(at), tz=TZ)
    session.commit()
    now = local("2026-12-11T09:00")  # Friday: Thursday missed too; Friday's is due
    computed = figures.compute(session, school_code="s1", now=now, due_soon_days=3, tz=TZ)
    assert computed["inspections"] == {"month": {"owed": 5, "done": 1, "late": 1, "missed": 2, "due": 1}}
    s1 = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "s1"))
    read = school_figures(session, school_id=s1, now=now, tz=TZ)
    assert (read["month_missed"], read["month_late"], read["month_done"]) == (2, 1, 1)
    block = ledger_block({**computed, "computed_at": now.isoformat()}, TZ)
    assert block["inspections"]["month"]["missed"] == 2 and block["inspections"]["month"]["late"] == 1
    # The first of next month: a new month, nothing missed yet; a school with no plan counts zeros.
    assert figures.compute(session, school_code="s1", now=local("2027-01-01T09:00"), due_soon_days=3,
                           tz=TZ)["inspections"]["month"]["missed"] == 0
    assert figures.compute(session, school_code="s2", now=now, due_soon_days=3, tz=TZ)["inspections"] == {
        "month": {"owed": 0, "done": 0, "late": 0, "missed": 0, "due": 0}}


def test_a_batch_of_events_carries_the_counts_over_and_the_clock_counts_them_again(
        session, school, redis_client):  # noqa: F811
    plan = _plan(session, school)  # daily from Monday 7 December 2026, never inspected
    session.commit()
    assert plan.id
    friday = local("2026-12-11T09:00")
    ledger_figures.refresh(session, redis_client, now=friday, due_soon_days=3, tz=TZ)  # the clock's: all schools
    assert figures.read(redis_client, "s1")["inspections"]["month"]["missed"] == 4
    # After a batch of events (named schools) a day later: hazards recomputed, inspections carried over.
    ledger_figures.refresh(session, redis_client, school_codes=["s1"], now=friday + timedelta(days=1),
                           due_soon_days=3, tz=TZ)
    stored = figures.read(redis_client, "s1")
    assert stored["inspections"]["month"]["missed"] == 4 and stored["computed_at"].startswith("2026-12-12")
    ledger_figures.refresh(session, redis_client, now=friday + timedelta(days=1), due_soon_days=3, tz=TZ)
    assert figures.read(redis_client, "s1")["inspections"]["month"]["missed"] == 5
    # A school whose stored figures predate the inspections' is counted at once, batch or not.
    redis_client.delete(keys.ledger_figures("s2"))
    ledger_figures.refresh(session, redis_client, school_codes=["s2"], now=friday, due_soon_days=3, tz=TZ)
    assert figures.read(redis_client, "s2")["inspections"]["month"]["owed"] == 0
