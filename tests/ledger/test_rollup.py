"""Rollups and the league (issue 17) on SQLite and a real PostgreSQL: a province > 2 cities >
districts > schools (one school straight under a city) with hazards, alerts, risk points and
inspectors' deductions. A city's figures equal its schools' summed (rates from the summed
numerators and denominators, the response time the median of all its alerts), the expected values
computed here from the rows written, not by the code under test; scope follows the tree; the league
ranks with ties and missing values as documented; the pages' unit check refuses outside the scope.
"""
from __future__ import annotations

import random
import statistics
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from dashboard import lead_units
from dashboard.roles import Principal
from ledger import inspection_schedule, scoring
from ledger.models import Alert, AssessmentDeduction, Hazard, OrgUnit, RiskPoint
from ledger.org_scope import OutOfScope
from queries.ledger import hazards, lead_assessment, league, rollup
from queries.ledger.org_tree_rollup import Tree, load_tree, may_read, require_unit

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=TZ)
RULES = scoring.Rules.load()
UNITS = [("p", "province", None), ("p.c1", "city", "p"), ("p.c2", "city", "p"), ("p.c1.d1", "district", "p.c1"),
         ("p.c1.d2", "district", "p.c1"), ("p.c2.d3", "district", "p.c2"), ("s1", "school", "p.c1.d1"),
         ("s2", "school", "p.c1.d1"), ("s3", "school", "p.c1.d2"), ("s4", "school", "p.c2.d3"),
         ("s5", "school", "p.c2")]
CITY_SCHOOLS = {"p.c1": ["s1", "s2", "s3"], "p.c2": ["s4", "s5"]}


def build(session) -> dict:
    """The tree and, per school, the facts written (plain tuples: what the test recomputes from)."""
    rng = random.Random(17)
    ids: dict[str, int] = {}
    for code, kind, parent in UNITS:
        unit = OrgUnit(code=code, kind=kind, name_zh=f"单位{code}", name_en=f"Unit {code}", parent_id=ids.get(parent))
        session.add(unit)
        session.flush()
        ids[code] = unit.id
    facts: dict[str, dict] = {}
    for code in ("s1", "s2", "s3", "s4", "s5"):
        school = ids[code]
        mine = facts[code] = {"hazards": [], "alerts": [], "colours": []}
        for n in range(rng.randint(4, 9)):
            found = NOW - timedelta(days=rng.choice([3, 40, 200, 400]))
            deadline = None if rng.random() < 0.15 else NOW + timedelta(days=rng.choice([-20, -1, 2, 30]))
            grade, stage = rng.choice(["ordinary", "major"]), rng.choice(["reported", "rectifying", "accepted"])
            listed = rng.random() < 0.3
            session.add(Hazard(school_id=school, code=f"{code}-H{n}", title="隐患", grade=grade, found_at=found,
                               deadline=deadline, stage=stage, listed_supervision=listed,
                               closed_at=found + timedelta(days=1) if stage == "accepted" else None))
            mine["hazards"].append((grade, stage, found, deadline, listed))
        for n in range(rng.randint(2, 6)):
            raised = NOW - timedelta(hours=rng.choice([1, 5, 30, 24 * 20, 24 * 45]))
            ack = raised + timedelta(seconds=rng.choice([30, 90, 600, 4000])) if rng.random() < 0.7 else None
            state = rng.choice(["new", "acknowledged", "resolved"]) if ack else rng.choice(["new", "resolved"])
            severity = rng.choice(["critical", "high", "low"])
            session.add(Alert(school_id=school, code=f"{code}-A{n}", type="smoke", domain="fire", severity=severity,
                              group_key=f"r@{code}{n}", raised_at=raised, last_raised_at=raised, state=state,
                              acknowledged_at=ack))
            mine["alerts"].append((severity, state, raised, ack))
        for n in range(rng.randint(1, 4)):
            colour = rng.choice(["red", "orange", "yellow", "blue"])
            session.add(RiskPoint(school_id=school, code=f"{code}-R{n}", name="点", method="LS", l_value=1, score=1,
                                  level="low", colour=colour, identified_on=date(2025, 1, 1),
                                  last_reviewed_on=date(2025, 1, 1) if n == 0 else date(2026, 3, 1)))
            mine["colours"].append((colour, n == 0))
        session.add(AssessmentDeduction(unit_id=school, article=9, points=rng.choice([2.0, 5.0, 12.5]),
                                        reason="抽查", at=NOW - timedelta(days=2), period="2026"))
    session.commit()
    return facts


LEDGER_SEED = build


def expected_school(facts: dict) -> dict:
    """A school's figures from the rows written, by the definitions the pages use."""
    hz, al = facts["hazards"], facts["alerts"]
    is_open = [(g, s, f, d, li) for g, s, f, d, li in hz if s != "accepted"]
    recent = [h for h in hz if h[2] >= NOW - timedelta(days=365)]
    today = NOW.replace(hour=0)
    return {
        "hazards_open": len(is_open),
        "hazards_overdue": sum(1 for h in is_open if h[3] is not None and h[3] < NOW),
        "major_open": sum(1 for h in is_open if h[0] == "major"),
        "major_overdue": sum(1 for h in is_open if h[0] == "major" and h[3] is not None and h[3] < NOW),
        "listed_supervision": sum(1 for h in is_open if h[4]),
        "found_365d": len(recent), "closed_365d": sum(1 for h in recent if h[1] == "accepted"),
        "alerts_open": sum(1 for a in al if a[1] != "resolved"),
        "alerts_today": sum(1 for a in al if a[2] >= today),
        "delays": sorted((a[3] - a[2]).total_seconds() for a in al if a[3] and a[2] >= NOW - timedelta(days=30)),
        "reviews_overdue": sum(1 for _, late in facts["colours"] if late),
        "red": sum(1 for c, _ in facts["colours"] if c == "red"),
    }


def league_of(session, unit: str, reporting=None):
    return rollup.league(session, unit, NOW, TZ, review_days=365, rules=RULES, reporting=reporting)


def test_a_citys_figures_are_its_schools_summed_and_its_rates_recomputed(session, seeded):
    found = league_of(session, "p.c1", reporting={"s1": (3, 4), "s2": (0, 2)})
    assert [s.code for s in found.schools] == CITY_SCHOOLS["p.c1"]
    assert [c.code for c in found.children] == ["p.c1.d1", "p.c1.d2"]
    mine = {code: expected_school(seeded[code]) for code in CITY_SCHOOLS["p.c1"]}
    for row in found.schools:  # each school as the school's own pages count it
        want = mine[row.code]
        for key in ("hazards_open", "hazards_overdue", "major_open", "major_overdue", "listed_supervision",
                    "found_365d", "closed_365d", "alerts_open", "alerts_today", "reviews_overdue"):
            assert getattr(row, key) == want[key], (row.code, key)
        assert row.ack_delays == tuple(want["delays"])
        wall = hazards.figures(session, school_id=session.get(OrgUnit, _id(session, row.code)).id, now=NOW,
                               due_soon_days=3)
        assert (row.hazards_overdue, row.major_open, row.rectification_rate) == (
            wall["overdue"], wall["major_open"], wall["rectification_rate"])
    city = found.unit
    assert city.schools == 3
    for key in ("hazards_open", "hazards_overdue", "major_open", "major_overdue", "found_365d", "closed_365d",
                "alerts_open", "alerts_today", "reviews_overdue"):
        assert getattr(city, key) == sum(m[key] for m in mine.values()), key
    found_sum, closed_sum = sum(m["found_365d"] for m in mine.values()), sum(m["closed_365d"] for m in mine.values())
    assert city.rectification_rate == (round(closed_sum / found_sum, 4) if found_sum else None)
    assert city.risk_by_colour.get("red", 0) == sum(m["red"] for m in mine.values())
    delays = sorted(d for m in mine.values() for d in m["delays"])
    assert city.ack_median_s == (statistics.median(delays) if delays else None)
    # The reporting rate from summed reports: (3 + 0 + 0) / (4 + 2 + 0), not the mean of 75 % and 0 %.
    assert (city.reports_on_time, city.reports_due, city.reporting_rate) == (3, 6, 0.5)
    # The score: the plain mean of the schools' own scores, each computed alone here.
    own = [lead_assessment.school_scores(session, schools=[session.get(OrgUnit, _id(session, c))],
                                         period=lead_assessment.period_of(2026, NOW), review_days=365,
                                         rules=RULES)[c]["score"] for c in CITY_SCHOOLS["p.c1"]]
    assert city.score == pytest.approx(round(sum(own) / len(own), 2))
    assert city.score_min == min(own) and city.below_pass == sum(1 for s in own if s < 60)
    # Districts add up to the city; the province to its cities; without reporting figures: unknown.
    assert sum(c.hazards_open for c in found.children) == city.hazards_open
    province = rollup.unit_figures(session, "p", NOW, TZ, rules=RULES)
    everyone = [expected_school(seeded[c]) for c in ("s1", "s2", "s3", "s4", "s5")]
    assert province.schools == 5 and province.major_overdue == sum(m["major_overdue"] for m in everyone)
    assert province.reporting_rate is None and province.reports_due is None
    assert [s.code for s in rollup.school_rows(session, "p.c2", NOW, TZ, rules=RULES)] == ["s4", "s5"]
    assert rollup.unit_figures(session, "nowhere", NOW, TZ) is None


def _id(session, code: str) -> int:
    return next(u.id for u in session.query(OrgUnit).filter(OrgUnit.code == code))


def test_a_city_officer_reads_only_its_subtree_and_the_pages_refuse_the_rest(session, seeded):
    tree = load_tree(session)
    city = {"unit": "p.c1", "schools": frozenset(CITY_SCHOOLS["p.c1"])}
    assert [n.code for n in tree.schools_under(tree.get("p"))] == ["s1", "s2", "s3", "s4", "s5"]
    assert all(may_read(tree, tree.get(c), **city) for c in ("p.c1", "p.c1.d1", "p.c1.d2", "s1", "s3"))
    assert not any(may_read(tree, tree.get(c), **city) for c in ("p", "p.c2", "p.c2.d3", "s4", "s5"))
    # Schools listed one by one are readable as schools, never as the district above them.
    listed = {"unit": None, "schools": frozenset({"s1"})}
    assert may_read(tree, tree.get("s1"), **listed) and not may_read(tree, tree.get("p.c1.d1"), **listed)
    officer = Principal(role="leader", user_id=1, unit="p.c1", schools=frozenset(CITY_SCHOOLS["p.c1"]))
    codes = [e[0] for e in lead_units.picker_entries(tree, officer, "zh")]
    assert codes == ["p.c1", "p.c1.d1", "p.c1.d2"]
    settings = SimpleNamespace(tz=TZ, risk_review_days=365, terms=inspection_schedule.DEFAULT_TERM_STARTS,
                               hazard_due_soon_days=3)
    read = lead_units.read_unit(session, officer, "p.c1.d2", now=NOW, settings=settings, rules=RULES)
    assert [s.code for s in read.league.schools] == ["s3"]
    for outside in ("p.c2", "p", "s4", "nowhere", ["p.c1"], "x" * 500):
        with pytest.raises(OutOfScope) as refused:
            lead_units.read_unit(session, officer, outside, now=NOW, settings=settings, rules=RULES)
        assert refused.value.zh and "范围" in refused.value.zh
    head = Principal(role="safety", user_id=2, unit="s4", schools=frozenset({"s4"}))
    assert require_unit(tree, "s4", unit=head.unit, schools=head.schools).code == "s4"
    with pytest.raises(OutOfScope):
        require_unit(tree, "p.c2.d3", unit=head.unit, schools=head.schools)
    assert lead_units.picker_entries(tree, head, "en") == []


def row(code: str, **values) -> SimpleNamespace:
    base = dict(score=None, rectification_rate=None, reporting_rate=None, major_overdue=0, ack_median_s=None)
    return SimpleNamespace(code=code, **{**base, **values})


def test_the_league_ranks_best_first_ties_share_a_rank_and_missing_values_go_last():
    rows = [row("d", score=80.0), row("a", score=92.5), row("c", score=80.04), row("b"), row("e", score=61.0)]
    ranked = league.rank(rows, "score")
    # 80.0 and 80.04 show as 80: they tie, share rank 2, by code; 61 is 4th; no score: unranked, last.
    assert [(r.rank, r.row.code) for r in ranked] == [(1, "a"), (2, "c"), (2, "d"), (4, "e"), (None, "b")]
    over = [row("x", major_overdue=2), row("y", major_overdue=0), row("z", major_overdue=0)]
    assert [(r.rank, r.row.code) for r in league.rank(over, "overdue_major")] == [(1, "y"), (1, "z"), (3, "x")]
    quick = [row("q", ack_median_s=30.4), row("r", ack_median_s=29.6), row("s", ack_median_s=600)]
    assert [(r.rank, r.row.code) for r in league.rank(quick, "response")] == [(1, "q"), (1, "r"), (3, "s")]
    rates = [row("m", rectification_rate=0.5), row("n", rectification_rate=1.0), row("o")]
    assert [r.row.code for r in league.rank(rates, "rectification")] == ["n", "m", "o"]
    assert league.measure_of("nonsense").key == "score" and league.measure_of(["by"]).key == "score"
    assert league.rank([], "reporting") == []


def test_a_tree_with_a_cycle_in_bad_data_does_not_loop():
    tree = Tree([SimpleNamespace(id=1, code="a", kind="city", name_zh="甲", name_en=None, parent_id=2),
                 SimpleNamespace(id=2, code="b", kind="district", name_zh="乙", name_en=None, parent_id=1)])
    assert len(tree.path(tree.get("a"))) <= 16
    assert [n.code for n in tree.descendants(tree.get("a"))] == ["b"]


def test_the_builders_draw_a_units_figures_and_its_league_in_both_languages():
    from layouts import lead_rollup

    school = rollup.Figures("s1", "school", "一中", "No. 1", "d", schools=1, found_365d=4, closed_365d=3,
                            ack_delays=(30.0, 90.0, 4000.0), score_sum=55.0, scored=1, score_min=55.0, below_pass=1,
                            open_by_severity={"critical": 1}, risk_by_colour={"red": 2})
    unit = rollup.Figures.rolled([school, school], "d", "district", "某区", None)
    assert (unit.schools, unit.rectification_rate, unit.ack_median_s, unit.score, unit.below_pass) == (
        2, 0.75, 90.0, 55.0, 2)
    assert unit.reporting_rate is None and school.add(school).found_365d == 8
    for lang in ("zh", "en"):
        cards = lead_rollup.unit_cards(lang, unit)
        table = lead_rollup.league_table(lang, league.rank([school], "response"), by="response",
                                         measures=lead_units.MEASURES, table_id="t", first="col_school",
                                         row_href=lambda f: f"/lead?school={f.code}")
        links = lead_rollup.measure_links(lang, lead_units.MEASURES, "score", lambda k: f"?by={k}")
        picker = lead_rollup.unit_picker(lang, [("d", "某区", "district", 0)], "d", lambda c: f"?unit={c}")
        for part in (cards, table, links, picker):
            assert part.to_plotly_json()
    assert lead_rollup.duration("zh", 9000) == "2.5 小时"
    assert lead_rollup.duration("zh", 5400) == "90 分钟" and lead_rollup.duration("en", None) == "—"
