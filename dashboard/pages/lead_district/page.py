"""The district view for leadership (区域监管, 互联互通): /lead/district?lang=en&sort=overdue&order=best

For someone over several schools: a league of every school they read — open major hazards,
overdue hazards, the rectification rate (查改率), alerts today and open, the school's own
assessment score — most dangerous first (view.py says the order), sorted by any
column with a tap on its heading, grouped by district when the schools span several. Tapping a
school opens its overview (/lead?school=<code>). Every figure for every school comes from a fixed
handful of queries (queries.ledger.lead_district). Someone over one school is told the page is
for several and given the way to their overview. Read only.

Over a unit (issue 17): a picker of the units the caller reads (their unit and the cities and
districts below it); ?unit=<code>&by=<measure> shows the unit's league — its child units ranked
(each rolled up from its schools) and every school under it ranked (queries.ledger.league) — the
unit checked against the signed-in principal on the server (dashboard/lead_units.py).
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import lead_units
from dashboard.access import current
from dashboard.lead_context import resolve
from dashboard.pages.lead_district import view as part
from dashboard.services import services
from layouts import lead_rollup
from layouts.lead_frame import frame
from queries.ledger import league as ranking
from queries.ledger.lead_district import league
from queries.ledger.org_tree_rollup import load_tree

PAGE = "lead_district"
dash.register_page(__name__, path="/lead/district", name=PAGE, title="区域监管 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, sort: object = None, order: object = None,
           unit: object = None, by: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    if not view.several:
        return frame(view, PAGE, part.one_school(view.lang, view.href("lead_overview")))
    if unit is not None:
        return frame(view, PAGE, unit_league(view, unit, by))
    key, worst_first = part.sort_choice(sort, order)
    live = services()
    try:
        with live.ledger_reads() as db:
            schools = league(db, school_codes=list(view.schools), now=live.now(),
                             review_days=live.settings.risk_review_days, rules=live.assessment_rules,
                             term_starts=live.settings.terms, slow=live.rollup_memo)
            entries = lead_units.picker_entries(load_tree(db), current(), view.lang)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    body = part.body(view.lang, schools, sort=key, worst_first=worst_first,
                     href=lambda **q: view.href(PAGE, **q),
                     school_href=lambda code: view.href("lead_overview", school=code))
    picker = [lead_rollup.unit_picker(view.lang, entries, None, lambda code: view.href(PAGE, unit=code))] \
        if entries else []
    return frame(view, PAGE, picker + body)


def unit_league(view, unit: object, by: object) -> list:
    """The league of a unit the caller reads: the unit's figures, its child units ranked, its schools
    ranked, by the measure asked (?by=); the refusal for a unit outside the caller's tree."""
    measure = ranking.measure_of(by)
    got = lead_units.fetch(view.lang, unit)
    if got.refused is not None:
        return got.refused
    found, entries = got.found, got.entries
    rolled = found.league
    code = rolled.unit.code

    def unit_href(f) -> str:
        if f.kind == "school":
            return view.href("lead_overview", school=f.code)
        return view.href(PAGE, unit=f.code, by=measure.key)

    return [
        lead_rollup.unit_picker(view.lang, entries, code, lambda c: view.href(PAGE, unit=c, by=measure.key)),
        html.H2(lead_rollup.tr(view.lang, "league_title", name=rolled.unit.name(view.lang))),
        html.P(dcc.Link(lead_rollup.tr(view.lang, "to_overview"), href=view.href("lead_overview", unit=code),
                             className="lead-button")),
        lead_rollup.measure_links(view.lang, lead_units.MEASURES, measure.key,
                                  lambda key: view.href(PAGE, unit=code, by=key)),
        html.P(lead_rollup.tr(view.lang, "league_note"), className="lead-note"),
        *([html.H3(lead_rollup.tr(view.lang, "units_title")),
           lead_rollup.league_table(view.lang, ranking.rank(rolled.children, measure), by=measure.key,
                                    measures=lead_units.MEASURES, table_id=lead_rollup.CHILD_LEAGUE,
                                    first="col_unit", row_href=unit_href)] if rolled.children else []),
        html.H3(lead_rollup.tr(view.lang, "schools_title")),
        lead_rollup.league_table(view.lang, ranking.rank(rolled.schools, measure), by=measure.key,
                                 measures=lead_units.MEASURES, table_id=lead_rollup.SCHOOL_LEAGUE,
                                 first="col_school", row_href=unit_href),
    ]
