"""The rollups and the league over a province of 2,000 schools (issue 17: page p95 ≤ 300 ms).

    python bench/rollup_province.py [--schools 2000] [--rounds 15] [--plans 2]
    python bench/rollup_province.py --postgres          # a throw-away PostgreSQL (tests/postgres.py)

Generates a lean ledger (not the demo's campus: bulk inserts, so a province is written in seconds):
a province > 10 cities > 8 districts each > its share of the schools; per school 20 hazards (a
third open, some major, some overdue), 10 alerts in the last 30 days (most acknowledged), 12 risk
points, an inspector's deduction and `--plans` inspection plans (daily and weekly, none inspected:
the most periods to count as missed). Then times, in this process, what /lead/district?unit=<the
province> does on the server after the sign-in check: `reads` = the scope check and
queries.ledger.rollup.league (every figure of every school, the cities rolled up) and `page` =
that plus ranking and building the page's components and their JSON (what Dash sends). Also
`unit_figures` for one district (its 25 schools). Median and p95 over --rounds with the web app's memo
of the inspections and scores warm (queries/ledger/rollup.py SlowFigures); the cold first read is
printed apart. The process freezes what it loaded before the first round, as a web worker does
(gunicorn.conf.py post_worker_init). The page's CPU time (this process: SQLite runs in it; PostgreSQL's server does not)
is printed too: on the shared 2-core machine the wall time moves with the load, the CPU much less; and
a fixed piece of work timed between rounds (`reference work`): when the host slows the whole machine
down, it slows by the same factor (quiet: ~65 ms).
"""
from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.utils  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from dashboard import lead_units  # noqa: E402
from dashboard.roles import Principal  # noqa: E402
from devstack import local_services  # noqa: E402
from layouts import lead_rollup  # noqa: E402
from ledger import inspection_schedule, scoring  # noqa: E402
from ledger.db import migrate  # noqa: E402
from ledger.models import Alert, AssessmentDeduction, Hazard, InspectionPlan, OrgUnit, RiskPoint  # noqa: E402
from queries.ledger import league as ranking  # noqa: E402
from queries.ledger import rollup  # noqa: E402
from queries.ledger.rollup import SlowFigures  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
CITIES, DISTRICTS = 10, 8


def generate(engine, schools: int, plans: int, now: datetime) -> None:
    rng = random.Random(17)
    with Session(engine) as db:
        db.execute(insert(OrgUnit), [{"code": "prov", "kind": "province", "name_zh": "某省", "name_en": "Province"}])
        prov = db.scalar(select(OrgUnit.id).where(OrgUnit.code == "prov"))
        db.execute(insert(OrgUnit), [{"code": f"c{c}", "kind": "city", "name_zh": f"{c}市", "parent_id": prov}
                                     for c in range(CITIES)])
        cities = dict(db.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.kind == "city")).all())
        db.execute(insert(OrgUnit), [{"code": f"c{c}.d{d}", "kind": "district", "name_zh": f"{c}市{d}区",
                                      "parent_id": cities[f"c{c}"]} for c in range(CITIES) for d in range(DISTRICTS)])
        districts = sorted(db.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.kind == "district")).all())
        db.execute(insert(OrgUnit), [{"code": f"s{n:04d}", "kind": "school", "name_zh": f"第{n}学校",
                                      "school_type": "middle", "parent_id": districts[n % len(districts)][1]}
                                     for n in range(schools)])
        ids = [i for (i,) in db.execute(select(OrgUnit.id).where(OrgUnit.kind == "school").order_by(OrgUnit.id))]
        hazards, alerts, points, deductions, plan_rows = [], [], [], [], []
        for school in ids:
            for n in range(20):
                stage = rng.choice(["reported", "rectifying", "accepted", "accepted"])
                found = now - timedelta(days=rng.randint(1, 500))
                hazards.append({"school_id": school, "code": f"H{n}", "title": "隐患", "grade": rng.choice(
                    ["ordinary"] * 4 + ["major"]), "found_at": found, "stage": stage,
                    "deadline": now + timedelta(days=rng.randint(-30, 30)), "listed_supervision": n == 0,
                    "closed_at": found + timedelta(days=3) if stage == "accepted" else None,
                    "description": "", "source": "self_inspection", "measures": "", "emergency_measures": "",
                    "updated_at": now})
            for n in range(10):
                raised = now - timedelta(minutes=rng.randint(1, 30 * 24 * 60))
                ack = raised + timedelta(seconds=rng.randint(10, 3600)) if rng.random() < 0.8 else None
                state = "resolved" if ack and rng.random() < 0.7 else ("acknowledged" if ack else "new")
                alerts.append({"school_id": school, "code": f"A{n}", "type": "smoke", "domain": "fire",
                               "severity": rng.choice(["critical", "high", "medium", "low"]), "group_key": f"g{n}",
                               "raised_at": raised, "last_raised_at": raised, "count": 1,
                               "state": state,
                               "acknowledged_at": ack, "version": 1})
            for n in range(12):
                points.append({"school_id": school, "code": f"R{n}", "name": "点", "method": "LS", "l_value": 1.0,
                               "score": 1.0, "level": "low", "colour": rng.choice(["red", "orange", "yellow", "blue"]),
                               "identified_on": date(2025, 1, 1), "last_reviewed_on": date(2025, 9, 1),
                               "accident_types": [], "control_measures": "", "control_level": "unit",
                               "updated_at": now})
            deductions.append({"unit_id": school, "article": 9, "points": float(rng.choice([2, 5, 10])),
                               "reason": "抽查", "at": now - timedelta(days=5), "period": str(now.year), "count": 1})
            for n in range(plans):
                plan_rows.append({"school_id": school, "name": f"巡检{n}", "checklist": "risk_point",
                                  "frequency": "daily" if n % 2 == 0 else "weekly",
                                  "starts_on": date(now.year, 1, 1), "created_by": "bench",
                                  "created_at": now, "updated_at": now})
        for model, rows in ((Hazard, hazards), (Alert, alerts), (RiskPoint, points),
                            (AssessmentDeduction, deductions), (InspectionPlan, plan_rows)):
            for start in range(0, len(rows), 5000):
                db.execute(insert(model), rows[start:start + 5000])
        db.commit()


def reference_work() -> float:
    """A fixed piece of pure-Python work (sorting and JSON, as the page does), timed between rounds: on
    this shared machine the whole process sometimes runs 1.5-2x slower for minutes, and this says when."""
    rng = random.Random(5)
    values = [rng.random() for _ in range(100_000)]
    started = time.perf_counter()
    sorted(values)
    json.loads(json.dumps([{"code": f"s{n}", "v": v} for n, v in enumerate(values[:20_000])]))
    return (time.perf_counter() - started) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Settings:
    tz = TZ
    risk_review_days = 365
    terms = inspection_schedule.DEFAULT_TERM_STARTS
    hazard_due_soon_days = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--plans", type=int, default=2)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    now = datetime.now(TZ).replace(microsecond=0)
    postgres = None
    scratch = tempfile.TemporaryDirectory()
    if args.postgres:
        from tests.postgres import PostgresServer
        postgres = PostgresServer(local_services.free_port()).start()
        url = postgres.url()
    else:
        url = f"sqlite:///{scratch.name}/ledger.db"
    try:
        engine = create_engine(url)
        migrate(engine)
        started = time.perf_counter()
        generate(engine, args.schools, args.plans, now)
        if engine.dialect.name == "postgresql":
            # Planner statistics, as autovacuum gathers them soon after a bulk load (without them the
            # reads here take twice as long; SQLite's planner keeps none unless asked, as in the product).
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        print(f"generated {args.schools} schools in {time.perf_counter() - started:.1f} s ({engine.dialect.name})")
        rules = scoring.Rules.load()
        # As a web worker is once its app is loaded (gunicorn.conf.py post_worker_init): what is loaded so
        # far is out of the collector's reach, so a full collection walks what the requests made.
        gc.freeze()
        officer = Principal(role="leader", user_id=1, unit="prov", schools=None)
        timings: dict[str, list[float]] = {"reads": [], "page": [], "page, CPU of this process": [],
                                           "unit_figures (a district)": [], "reference work (fixed)": []}
        memo = SlowFigures()  # as the web app keeps one; round 0 fills it (timed apart: the cold read)
        for round_ in range(args.rounds + 1):
            with Session(engine) as db:
                c0, t0 = time.process_time(), time.perf_counter()
                found = lead_units.read_unit(db, officer, "prov", now=now, settings=Settings, rules=rules,
                                             slow=memo)
                t1 = time.perf_counter()
                measure = ranking.measure_of("score")
                body = [lead_rollup.unit_cards("zh", found.league.unit),
                        lead_rollup.league_table("zh", ranking.rank(found.league.children, measure), by=measure.key,
                                                 measures=lead_units.MEASURES, table_id="u", first="col_unit",
                                                 row_href=lambda f: f"/lead/district?unit={f.code}"),
                        lead_rollup.league_table("zh", ranking.rank(found.league.schools, measure), by=measure.key,
                                                 measures=lead_units.MEASURES, table_id="s", first="col_school",
                                                 row_href=lambda f: f"/lead?school={f.code}")]
                payload = json.dumps(body, cls=plotly.utils.PlotlyJSONEncoder)
                c2, t2 = time.process_time(), time.perf_counter()
                rollup.unit_figures(db, "c0.d0", now, TZ, rules=rules, slow=memo)
                t3 = time.perf_counter()
            if not round_:
                print(f"cold (memo empty): reads {(t1 - t0) * 1000:,.0f} ms, page {(t2 - t0) * 1000:,.0f} ms")
            else:
                timings["reads"].append((t1 - t0) * 1000)
                timings["page"].append((t2 - t0) * 1000)
                timings["page, CPU of this process"].append((c2 - c0) * 1000)
                timings["unit_figures (a district)"].append((t3 - t2) * 1000)
                timings["reference work (fixed)"].append(reference_work())
        print(f"{engine.dialect.name}, {args.schools} schools, {args.plans} plans each, {args.rounds} rounds; "
              f"page JSON {len(payload):,} B; {platform.processor() or platform.machine()}")
        for name, values in timings.items():
            print(f"  {name:28s} median {statistics.median(values):7.1f} ms   p95 {pct(values, 95):7.1f} ms")
    finally:
        if postgres is not None:
            postgres.stop()
        scratch.cleanup()


if __name__ == "__main__":
    main()
