"""The league table (issue 17), pure: schools ranked within a unit, units within their parent, by
one measure at a time — the assessment score, the rectification rate (查改率), the reporting rate
(报送率), overdue major hazards, or the alert response time (median time to acknowledge).

Ranking is deterministic and explained on the page:
- best first: the highest score or rate, the fewest overdue major hazards, the shortest response;
- ties share a rank, the next rank skipping (1, 2, 2, 4: "competition ranking", as sport tables
  do), and are listed by code. Values are compared as shown: rates to 0.1 %, scores to 0.1 point,
  response times to the whole second, so two rows that look equal rank equal;
- a row without the value (no hazard found this year: no rectification rate; no report due or the
  reporting rate not yet given; no alert acknowledged in the window) is not ranked: it is listed
  after the ranked ones, by code, with '—' for its rank.

The rows are `queries.ledger.rollup.Figures` (a school, or a unit rolled up), or anything with the
same attributes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Measure:
    key: str  # the ?by= value
    zh: str
    en: str
    value: Callable[[Any], float | None]
    higher_better: bool
    digits: int  # compared at this many decimals (as shown)


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


MEASURES: tuple[Measure, ...] = (
    Measure("score", "考核得分", "Assessment score", lambda f: f.score, True, 1),
    Measure("rectification", "隐患查改率", "Rectification rate", lambda f: f.rectification_rate, True, 3),
    Measure("reporting", "报送率", "Reporting rate", lambda f: f.reporting_rate, True, 3),
    Measure("overdue_major", "逾期重大隐患", "Overdue major hazards", lambda f: f.major_overdue, False, 0),
    Measure("response", "预警响应时间（中位数）", "Alert response (median)", lambda f: f.ack_median_s, False, 0),
)
BY_KEY = {m.key: m for m in MEASURES}
DEFAULT = "score"


def measure_of(by: object) -> Measure:
    """The measure a URL asks for; anything unknown is the default (the assessment score)."""
    return BY_KEY.get(by) if isinstance(by, str) and by in BY_KEY else BY_KEY[DEFAULT]


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None: no value, not ranked
    value: float | None
    row: Any


def rank(rows: Iterable[Any], by: str | Measure = DEFAULT) -> list[Ranked]:
    """The rows best first by the measure, ties sharing a rank, rows without a value last."""
    measure = by if isinstance(by, Measure) else measure_of(by)
    valued = [(_rounded(measure.value(r), measure.digits), r) for r in rows]
    known = sorted(((v, r) for v, r in valued if v is not None),
                   key=lambda vr: (-vr[0] if measure.higher_better else vr[0], vr[1].code))
    out: list[Ranked] = []
    for position, (value, row) in enumerate(known, start=1):
        shared = out[-1].rank if out and out[-1].value == value else position
        out.append(Ranked(shared, value, row))
    out += [Ranked(None, None, r) for v, r in sorted(valued, key=lambda vr: vr[1].code) if v is None]
    return out
