"""The leadership pages over a unit (issue 17): /lead?unit= (a unit's rolled-up figures) and
/lead/district?unit= (its league). The unit comes from the URL, so it is checked here, on the
server, against the signed-in principal's unit and schools (queries.ledger.org_tree_rollup
.require_unit), before anything is read for it; the refusal is two-language (OutOfScope).

`reporting` (school -> (on time, due)) is the reporting rate's counts: by default the year so far
(the reports that fell due since 1 January, local: `queries.ledger.reporting.rates`); a school that
owed nothing shows '—'.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from dash import html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard.access import current
from dashboard.roles import Principal
from dashboard.services import services
from layouts.lead_text import tl
from ledger.models import OrgUnit
from ledger.org_scope import OutOfScope
from queries.ledger import league as ranking
from queries.ledger import reporting as reporting_reads
from queries.ledger.org_tree_rollup import Tree, load_tree, readable_tops, require_unit
from queries.ledger.rollup import League, SlowFigures, league

REFUSED = "lead-unit-refused"
MEASURES = tuple((m.key, m.zh, m.en) for m in ranking.MEASURES)


def scope_of(principal: Principal | None) -> dict:
    """The principal's unit and schools as the scope checks take them; nobody reads nothing."""
    if principal is None:
        return {"unit": None, "schools": frozenset()}
    return {"unit": principal.unit, "schools": principal.schools}


def picker_entries(tree: Tree, principal: Principal | None, lang: str) -> list[tuple[str, str, str, int]]:
    """(code, name, kind, depth) of every unit above the schools the caller reads, in tree order:
    their unit and the cities and districts below it (schools are reached through the league)."""
    out = []
    for top in readable_tops(tree, **scope_of(principal)):
        if top.kind == "school":
            continue
        base = len(tree.path(top))
        for node in (top, *tree.descendants(top)):
            if node.kind != "school":
                out.append((node.code, node.name(lang), node.kind, len(tree.path(node)) - base))
    return out


@dataclass(frozen=True)
class UnitLeague:
    tree: Tree
    league: League


def read_unit(db: Session, principal: Principal | None, unit: object, *, now, settings, rules,
              reporting: Mapping[str, tuple[int, int]] | None = None, slow: SlowFigures | None = None
              ) -> UnitLeague:
    """The unit's league after the scope check (raises OutOfScope: a unit outside the caller's tree,
    or no such unit)."""
    tree = load_tree(db)
    node = require_unit(tree, unit, **scope_of(principal))
    if reporting is None:
        reporting = year_of_reporting(db, tree, node, now, settings.tz, slow)
    found = league(db, node.code, now, settings.tz, review_days=settings.risk_review_days, rules=rules,
                   term_starts=settings.terms, reporting=reporting, due_soon_days=settings.hazard_due_soon_days,
                   tree=tree, slow=slow)
    return UnitLeague(tree, found)


def year_of_reporting(db: Session, tree: Tree, node, now, tz, slow: SlowFigures | None) -> dict[str, tuple[int, int]]:
    """Each school's reports of the year so far (due since 1 January, local): (on time, due). Through the
    memo when given, as the scores are (a province's 2,000 schools cost half a second to work out: a
    report submitted shows in a unit's rate within the memo's ttl, on the school's own page at once)."""
    local = now.astimezone(tz)
    start, end = date(local.year, 1, 1), local.date() + timedelta(days=1)
    codes = [n.code for n in (node, *tree.descendants(node)) if n.kind == "school"]

    def compute(missing: list[str]) -> dict[str, tuple[int, int]]:
        schools = list(db.scalars(select(OrgUnit).where(OrgUnit.code.in_(missing))))
        rates = reporting_reads.school_rates(db, schools, start, end, now, tz=tz)
        return {code: (rate.on_time, rate.due) for code, rate in rates.items()}

    found = slow.many("reporting", local.date(), codes, compute) if slow is not None else compute(codes)
    return {code: value for code, value in found.items() if value is not None}


@dataclass(frozen=True)
class Fetched:
    """What a unit page reads first: the unit's league and its picker's entries, or what it shows instead."""

    found: UnitLeague | None = None
    entries: list = field(default_factory=list)
    refused: list | None = None  # the refusal (out of scope, or the ledger down) the page shows instead


def fetch(lang: str, unit: object) -> Fetched:
    """The unit the page asks for (?unit=), checked against the signed-in principal, with its picker."""
    live = services()
    principal = current()
    try:
        with live.ledger_reads() as db:
            found = read_unit(db, principal, unit, now=live.now(), settings=live.settings,
                              rules=live.assessment_rules, slow=live.rollup_memo)
            return Fetched(found, picker_entries(found.tree, principal, lang))
    except OutOfScope as refused:
        return Fetched(refused=refusal(lang, refused))
    except SQLAlchemyError:
        return Fetched(refused=refusal(lang, None))


def refusal(lang: str, refused: OutOfScope | None) -> list:
    """What a page shows instead of a unit's figures: the scope refusal, or the ledger being down."""
    text = tl(lang, "ledger_down") if refused is None else (refused.zh if lang == "zh" else str(refused))
    return [html.Div(text, className="lead-problem", role="alert", id=REFUSED)]
