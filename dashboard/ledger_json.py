"""The ledger's records as the JSON API shows them (docs/api.md). Pure: rows and code maps in,
plain dicts out, so the exact shape of every answer is tested without a database.

Times are ISO 8601 with the school's offset; user text (titles, notes, names) goes out as data,
never as markup. Internal row ids never leave the process: records are named by their codes.
"""
from __future__ import annotations

import heapq
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ledger import alert_flow, grading, hazard_loop
from ledger.models.campaign import PHASES_ZH
from ledger.models.risk import CONTROL_LEVEL_ZH
from queries.ledger.lookups import Codes
from queries.ledger.risk_points import review_overdue
from queries.wall_summary import ledger_block  # noqa: F401 - moved there (issue 18): the recorder keeps it too


def iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment is not None else None


def iso_text(text: str | None, tz: ZoneInfo) -> str | None:
    """An ISO time stored as text (the figures in Redis) in the school's zone."""
    return iso(datetime.fromisoformat(text), tz) if text else None


def hazard_item(hazard, codes: Codes, *, now: datetime, due_soon_days: float, tz: ZoneInfo) -> dict:
    status = hazard_loop.deadline_status(hazard.stage, hazard.deadline, now, due_soon_days=due_soon_days)
    return {
        "code": hazard.code,
        "title": hazard.title,
        "grade": hazard.grade,
        "grade_zh": hazard_loop.GRADE_ZH.get(hazard.grade, hazard.grade),
        "stage": hazard.stage,
        "stage_zh": hazard_loop.STAGE_ZH.get(hazard.stage, hazard.stage),
        "building": codes.buildings.get(hazard.building_id),
        "zone": codes.zones.get(hazard.zone_id),
        "deadline": iso(hazard.deadline, tz),
        "overdue": status.overdue,
        "due_soon": status.due_soon,
        "days_left": status.days_left,
        "responsible_unit": codes.units.get(hazard.responsible_unit_id),
        "responsible_person": hazard.responsible_person,
        "listed_supervision": hazard.listed_supervision,
        "found_at": iso(hazard.found_at, tz),
        "found_by": hazard.found_by,
        "source": hazard.source,
        "source_zh": hazard_loop.SOURCE_ZH.get(hazard.source, hazard.source),
    }


def hazard_detail(hazard, codes: Codes, *, now: datetime, due_soon_days: float, tz: ZoneInfo) -> dict:
    """A hazard with everything the ledger keeps of it and every step of its closed loop."""
    return {
        **hazard_item(hazard, codes, now=now, due_soon_days=due_soon_days, tz=tz),
        "description": hazard.description,
        "measures": hazard.measures,
        "emergency_measures": hazard.emergency_measures,
        "recheck_result": hazard.recheck_result,
        "supervised_by": hazard.supervised_by,
        "risk_point": codes.risk_points.get(hazard.risk_point_id),
        "closed_at": iso(hazard.closed_at, tz),
        "updated_at": iso(hazard.updated_at, tz),
        "history": hazard_history(hazard, tz),
    }


COMMENT_ZH = "值班意见"


def hazard_history(hazard, tz: ZoneInfo) -> list[dict]:
    """Every step of the closed loop and every comment (action "comment", no stage change), in
    the order they happened: the steps in the order the ledger took them, each comment after the
    steps up to its moment (a step and a comment at the same moment: the step first)."""
    steps = [(step.at, {
        "action": step.action,
        "action_zh": hazard_loop.ACTION_ZH.get(step.action, step.action),
        "from_stage": step.from_stage,
        "to_stage": step.to_stage,
        "by": step.by,
        "at": iso(step.at, tz),
        "note": step.note,
    }) for step in hazard.transitions]
    comments = [(c.at, {
        "action": "comment", "action_zh": COMMENT_ZH, "from_stage": None, "to_stage": None,
        "by": c.by, "at": iso(c.at, tz), "note": c.text,
    }) for c in hazard.comments]
    return [entry for _, entry in heapq.merge(steps, comments, key=lambda e: e[0])]


def risk_point_item(point, codes: Codes, *, today: date, review_days: int) -> dict:
    factors = {"L": point.l_value, "E": point.e_value, "C": point.c_value} if point.method == "LEC" \
        else {"L": point.l_value, "S": point.s_value}
    return {
        "code": point.code,
        "name": point.name,
        "category": point.category,
        "building": codes.buildings.get(point.building_id),
        "zone": codes.zones.get(point.zone_id),
        "unit": codes.units.get(point.unit_id),
        "method": point.method,
        "factors": factors,
        "score": point.score,
        "level": point.level,
        "level_zh": grading.LEVEL_ZH.get(point.level, point.level),
        "colour": point.colour,
        "hazard_sources": [source.name for source in point.hazard_sources],
        "accident_types": list(point.accident_types or []),
        "control_measures": point.control_measures,
        "control_level": point.control_level,
        "control_level_zh": CONTROL_LEVEL_ZH.get(point.control_level, point.control_level),
        "responsible_person": point.responsible_person,
        "identified_on": point.identified_on.isoformat(),
        "last_reviewed_on": point.last_reviewed_on.isoformat(),
        "review_overdue": review_overdue(point, today, review_days),
    }


def alert_item(alert, tz: ZoneInfo) -> dict:
    return {
        "code": alert.code,
        "type": alert.type,
        "domain": alert.domain,
        "severity": alert.severity,
        "state": alert.state,
        "state_zh": alert_flow.STATE_ZH.get(alert.state, alert.state),
        "outcome": alert.outcome,
        "count": alert.count,
        "device": alert.device,
        "building": alert.building_code,
        "zone": alert.zone_code,
        "raised_at": iso(alert.raised_at, tz),
        "last_raised_at": iso(alert.last_raised_at, tz),
        "acknowledged_at": iso(alert.acknowledged_at, tz),
        "acknowledged_by": alert.acknowledged_by,
        "dispatched_at": iso(alert.dispatched_at, tz),
        "dispatched_by": alert.dispatched_by,
        "resolved_at": iso(alert.resolved_at, tz),
        "resolved_by": alert.resolved_by,
    }


def campaign_item(campaign: dict, tz: ZoneInfo) -> dict:
    """queries.ledger.campaigns.list_campaigns' entry with its times in the school's zone."""
    return {
        **campaign,
        "phase_zh": PHASES_ZH.get(campaign["phase"]) if campaign["phase"] else None,
        "phases": [{**p, "phase_zh": PHASES_ZH.get(p["phase"], p["phase"])} for p in campaign["phases"]],
        "items": [{**item, "last_checked": iso(item["last_checked"], tz)} for item in campaign["items"]],
    }
