"""What an incident review (事后评估) reads: the alert, its timeline from the ledger's own records (the
alarm and its repeats, escalations and the handling steps as `alert_console.alert_history` gives them,
each page sent, the response cards opened), how long each response took, and the review's text.

Each step carries what the wall showed at its minute, from the wall's history (queries/ledger/
wall_history.py: the summary kept at the end of that minute, so a step shows the wall with its own
effect), or None for a minute not kept (a gap, or before the history began). The alert is found only within `schools`
(None: every school), so another school's alert is "no such alert", never a refusal that names it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import incident_review as rules
from ledger.incident_review import Step
from ledger.models import Alert, AlertPage, IncidentReview, OrgUnit, ResponseCard, ResponseCardUse
from queries.ledger import wall_history
from queries.ledger.alert_console import alert_history

# How the ladder found the person (ledger/models/ladder.py PAGE_HOWS).
PAGE_HOW = {"roster": "值班表", "fallback": "无值班安排，按岗位通知", "nobody": "无人可通知"}


@dataclass(frozen=True)
class Review:
    """The review's own text and who saved it last; version 0: nothing written yet."""

    findings: str = ""
    measures: str = ""
    version: int = 0
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ReviewFacts:
    alert_id: int
    school: str
    school_name: str
    alert: dict  # code, type, severity, state, outcome, place, raised_at (aware)
    steps: list[Step]
    times: dict[str, float | None]
    review: Review


def facts(db: Session, *, alert_id: int, schools: frozenset[str] | list[str] | None,
          with_walls: bool = True) -> ReviewFacts | None:
    """The review of the alert, or None when there is no such alert within `schools`."""
    history = alert_history(db, alert_id=alert_id, schools=schools)
    if history is None:
        return None
    alert, school, school_name = db.execute(select(Alert, OrgUnit.code, OrgUnit.name_zh)
                                            .join(OrgUnit, OrgUnit.id == Alert.school_id)
                                            .where(Alert.id == alert_id)).one()
    steps = _history_steps(history)
    for page in db.scalars(select(AlertPage).where(AlertPage.alert_id == alert_id).order_by(AlertPage.id)):
        how = PAGE_HOW.get(page.how, page.how)
        unreachable = "" if page.reachable else " · 无法送达"
        steps.append(Step(page.at, "page", page.name, f"第{page.oncall_level}级 · {how}{unreachable}"))
    for used_at, used_by, title in db.execute(
            select(ResponseCardUse.used_at, ResponseCardUse.used_by, ResponseCard.title)
            .join(ResponseCard, ResponseCard.id == ResponseCardUse.card_id)
            .where(ResponseCardUse.alert_id == alert_id)):
        steps.append(Step(used_at, "card", used_by, title))
    steps = rules.ordered(steps)
    if with_walls and steps:
        snapshots = wall_history.summaries_at(db, school, [s.at for s in steps])
        steps = [replace(s, wall=rules.wall_figures(snap.summary) if snap is not None else None)
                 for s, snap in zip(steps, snapshots)]
    row = db.get(IncidentReview, alert_id)
    review = Review() if row is None else Review(row.findings, row.measures, row.version, row.updated_by,
                                                  row.updated_at)
    place = " · ".join(p for p in (alert.building_code, alert.zone_code, alert.device) if p)
    return ReviewFacts(
        alert_id, school, school_name,
        {"code": alert.code, "type": alert.type, "severity": alert.severity, "state": alert.state,
         "outcome": alert.outcome, "place": place, "raised_at": alert.raised_at},
        steps,
        rules.response_times(alert.raised_at, acknowledged_at=alert.acknowledged_at,
                             dispatched_at=alert.dispatched_at, resolved_at=alert.resolved_at),
        review)


def saved_text(review: Review, tz: tzinfo) -> str:
    """"version · who · when" of the last save; empty when nothing is written."""
    if not review.version:
        return ""
    return f"{review.version} · {review.updated_by} · {review.updated_at.astimezone(tz):%Y-%m-%d %H:%M}"


def document(found: ReviewFacts, *, lang: str, tz: tzinfo) -> dict:
    """The review as the page and the PDF show it (ledger/incident_review.py document_view)."""
    review = found.review
    return rules.document_view(lang=lang, tz=tz, school_name=found.school_name, alert=found.alert, steps=found.steps,
                               times=found.times, findings=review.findings, measures=review.measures,
                               version=review.version or None, updated=saved_text(review, tz) or None)


def _history_steps(history) -> list[Step]:
    """The alarm, its repeats folded into one line with their count, escalations and handling steps."""
    steps: list[Step] = []
    repeats = [h for h in history if h.kind == "repeat"]
    for entry in history:
        if entry.kind == "raised":
            steps.append(Step(entry.at, "raised", None, entry.event_id or ""))
        elif entry.kind == "escalate":
            steps.append(Step(entry.at, "escalate", None, f"第{entry.level}级"))
        elif entry.kind != "repeat":
            detail = " · ".join(p for p in (entry.assignee, rules.OUTCOME_NAMES.get(entry.outcome or "", ("",))[0],
                                            entry.note) if p)
            steps.append(Step(entry.at, entry.kind, entry.by, detail))
    if repeats:
        steps.append(Step(repeats[0].at, "repeat", None, f"共 {len(repeats)} 次"))
    return steps
