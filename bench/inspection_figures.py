"""What the month's inspection figures cost (issue 15): the recorder's read that counts them, and the
wall's refresh that shows them.

    python bench/inspection_figures.py [--plans 60] [--repeat 50]

The wall reads them in the ledger figures it already reads (one Redis GET per school per refresh,
as before): its extra cost is a bigger JSON value and two more numbers through the model, timed
here as `ledger_block` + `wall_model` with and without the inspections. The recorder counts them
with the rest of the ledger figures (after a batch that changed the school, and every
LEDGER_REFRESH_SECONDS): timed here as `month_inspections` against the whole `compute`, on a SQLite
ledger with the demo campus and --plans daily plans of one school, each inspected (on time, late or
not at all) every day of the month so far.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import timeit
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.ledger_json import ledger_block
from dashboard.pages.wall.model import wall_model
from demo.seed import load_demo
from kernel.catalogue import DOMAINS
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger import inspection_schedule as schedule
from ledger.commands import inspection_plans as plans
from ledger.commands import inspections, users
from ledger.db import migrate
from ledger.grading import GradingRules
from ledger.models import RiskPoint
from queries.ledger import figures, org

SCHOOL = "demo-univ"


def build(settings: Settings, n_plans: int, now: datetime) -> None:
    engine = sql_engine(settings)
    migrate(engine)
    tz = settings.tz
    today = schedule.local_date(now, tz)
    first = today.replace(day=1)
    with sql_sessions(engine).begin() as db:
        load_demo(db, today=today, rules=GradingRules.load(settings.risk_grading_file), tz=tz)
        safety = users.create_user(db, username="bench-safety", display_name="安全办", role="safety",
                                   password="x" * 16, schools=(SCHOOL,), now=now)
        inspector = users.create_user(db, username="bench-inspector", display_name="巡查", role="inspector",
                                      password="x" * 16, schools=(SCHOOL,), now=now)
        db.flush()
        school = org.school(db, SCHOOL)
        points = [p.code for p in db.scalars(select(RiskPoint).where(RiskPoint.school_id == school.id,
                                                                     RiskPoint.control_measures != ""))]
        then = datetime.combine(first, datetime.min.time(), tz) + timedelta(hours=8)
        for i in range(n_plans):
            plan = plans.create_plan(db, user_id=safety.id, school=SCHOOL, now=then, today=first, form=plans.PlanForm(
                name=f"日查 {i}", frequency="daily", risk_point=points[i % len(points)], assignee_role="inspector"))
            day = first
            while day < today:
                kind = (i + day.day) % 4  # on time, on time, late, not at all
                if kind != 3:
                    at = datetime.combine(day + timedelta(days=kind == 2), datetime.min.time(), tz) + timedelta(hours=9)
                    started = inspections.start_inspection(db, user_id=inspector.id, plan_id=plan.id, now=at, tz=tz,
                                                           day=day)
                    for position in range(len(started.inspection.items)):
                        inspections.record_item(db, user_id=inspector.id, inspection_id=started.inspection.id,
                                                position=position, result="pass", now=at)
                    inspections.finish_inspection(db, user_id=inspector.id, inspection_id=started.inspection.id,
                                                  now=at, tz=tz)
                day += timedelta(days=1)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="inspection-figures-"))
    settings = Settings.from_env(environ={}, database_url=f"sqlite:///{scratch / 'ledger.db'}")
    now = datetime.now(timezone.utc)
    build(settings, args.plans, now)
    engine = sql_engine(settings)
    tz = settings.tz
    with sql_sessions(engine)() as db:
        school = org.school(db, SCHOOL)
        month = figures.month_inspections(db, school_id=school.id, now=now, tz=tz)
        each = timeit.timeit(lambda: figures.month_inspections(db, school_id=school.id, now=now, tz=tz),
                             number=args.repeat) / args.repeat
        whole = timeit.timeit(lambda: figures.compute(db, school_code=SCHOOL, now=now, due_soon_days=3, tz=tz),
                              number=args.repeat) / args.repeat
        stored = figures.compute(db, school_code=SCHOOL, now=now, due_soon_days=3, tz=tz)
    engine.dispose()
    print(f"{args.plans} daily plans, this month: {month}")
    print(f"recorder: month_inspections {each * 1000:.2f} ms of compute {whole * 1000:.2f} ms per school")
    without = {k: v for k, v in stored.items() if k != "inspections"}
    summary = {"stale": False, "lag_seconds": 0.2, "as_of": now.astimezone(tz).isoformat(), "alerts": {},
               "domains": {d: {"trend_24h": [1] * 24} for d in DOMAINS}, "hazards": {"by_stage": {}}}

    def refresh(kept: dict) -> None:
        wall_model("zh", school=SCHOOL, summary={**summary, "ledger": ledger_block(kept, tz)}, plan=None,
                   now=now.astimezone(tz))
    n = args.repeat * 20
    with_them = timeit.timeit(lambda: refresh(stored), number=n) / n
    before = timeit.timeit(lambda: refresh(without), number=n) / n
    print(f"wall: ledger_block + wall_model {with_them * 1e6:.0f} µs with the inspections, "
          f"{before * 1e6:.0f} µs without (no extra read: the same Redis value)")


if __name__ == "__main__":
    main()
