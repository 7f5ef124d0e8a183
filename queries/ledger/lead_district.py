"""The district league (/lead/district without ?unit=): one row of figures per school the caller reads —
open major hazards, overdue hazards, the rectification rate (查改率), alerts today and open, and the
school's own assessment score — for every school at once, read as the rollups read them
(queries/ledger/rollup.py: a fixed handful of statements whatever the number of schools).

The figures mean what they mean everywhere else: overdue and the rate as `queries.ledger.hazards
.figures` counts them for the wall (ledger.hazard_loop), open alerts as `queries.ledger.alerts
.figures`, the score as `queries.ledger.lead_assessment.school_scores`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ledger import hazard_loop, inspection_schedule, scoring
from queries.ledger import rollup
from queries.ledger.org_tree_rollup import load_tree


@dataclass(frozen=True)
class SchoolFigures:
    code: str
    name_zh: str
    name_en: str | None
    parent: str | None  # the district (or whatever the school reports to), by code
    parent_zh: str | None
    parent_en: str | None
    major_open: int
    overdue: int
    found_365d: int
    closed_365d: int
    alerts_today: int
    alerts_open: int
    score: float | None  # the school's own score this year

    @property
    def rectification_rate(self) -> float | None:
        return hazard_loop.rectification_rate(self.closed_365d, self.found_365d)


def league(session: Session, *, school_codes: list[str] | None, now: datetime, review_days: int,
           rules: scoring.Rules, term_starts=inspection_schedule.DEFAULT_TERM_STARTS,
           slow: rollup.SlowFigures | None = None) -> list[SchoolFigures]:
    """The figures of the schools `school_codes` (None: every school), in code order. `now` is
    aware, in the schools' zone: "today" starts at its midnight. The rollups' per-school figures
    (queries.ledger.rollup.schools_figures), so this list and a unit's league never disagree."""
    tree = load_tree(session)
    out = []
    # The same terms as every other reader: the memo keeps figures per school and day, not per calendar.
    for f in rollup.schools_figures(session, school_codes, now, now.tzinfo, review_days=review_days, rules=rules,
                                    term_starts=term_starts, tree=tree, slow=slow):
        parent = tree.get(f.parent) if f.parent else None
        out.append(SchoolFigures(f.code, f.name_zh, f.name_en, f.parent, parent.name_zh if parent else None,
                                 parent.name_en if parent else None, f.major_open, f.hazards_overdue, f.found_365d,
                                 f.closed_365d, f.alerts_today, f.alerts_open, f.score))
    return out
