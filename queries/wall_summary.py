"""A school's whole summary: the live figures (queries/summary.py) with the ledger's figures the recorder
keeps in Redis (`ledger`). What GET /api/v1/schools/<school>/summary answers and the wall draws, and
what the wall's history keeps minute by minute (issue 18): the web app (dashboard/services.py) and the
recorder's history writer (streams/wall_history.py) both call `full_summary`, so the past is kept in
exactly the shape the present is shown in.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import redis

from ledger.escalation import Deadlines
from queries import summary as live
from queries.ledger import figures as ledger_figures


def iso_text(text: str | None, tz: ZoneInfo) -> str | None:
    """An ISO time stored as text (the figures in Redis) in the school's zone."""
    return datetime.fromisoformat(text).astimezone(tz).isoformat(timespec="seconds") if text else None


def ledger_block(figures: dict | None, tz: ZoneInfo) -> dict | None:
    """The summary's `ledger` block from the figures the recorder keeps in Redis
    (queries.ledger.figures.compute), or None when there are none (no recorder, or they expired)."""
    if not figures:
        return None
    hazards, risk = figures.get("hazards") or {}, figures.get("risk") or {}
    inspections = figures.get("inspections") or {}
    return {
        "computed_at": iso_text(figures.get("computed_at"), tz),
        "hazards": {
            "by_stage": hazards.get("by_stage", {}),
            "open": hazards.get("open", 0),
            "overdue": hazards.get("overdue", 0),
            "due_soon": hazards.get("due_soon", 0),
            "major_open": hazards.get("major_open", 0),
            "major_open_by_building": hazards.get("major_open_by_building", {}),
            "listed_supervision": [{
                "code": h.get("code"), "title": h.get("title"), "stage": h.get("stage"),
                "overdue": h.get("overdue", False), "deadline": iso_text(h.get("deadline"), tz),
            } for h in hazards.get("listed_supervision", [])],
            "found_365d": hazards.get("found_365d", 0),
            "closed_365d": hazards.get("closed_365d", 0),
            "rectification_rate": hazards.get("rectification_rate"),
        },
        "risk": {"by_colour": risk.get("by_colour", {}), "by_building": risk.get("by_building", {})},
        # This month's routine inspections by status (queries/ledger/figures.py); absent from figures
        # stored before they were counted: the wall then shows a dash, not a zero.
        "inspections": {"month": dict(inspections["month"])} if "month" in inspections else {},
    }


def full_summary(client: redis.Redis, school: str, *, now_ms: int, tz: ZoneInfo, group: str,
                 stale_after_s: float, deadlines: Deadlines | None,
                 placements: dict[str, tuple[str, str | None]] | None) -> dict | None:
    """The live summary of a school (queries.summary.school_summary) with the ledger's figures as the
    recorder keeps them in Redis (`ledger`, None when absent), or None if it sent no event."""
    found = live.school_summary(client, school, now_ms=now_ms, tz=tz, group=group, stale_after_s=stale_after_s,
                                deadlines=deadlines, placements=placements)
    if found is None:
        return None
    block = ledger_block(ledger_figures.read(client, school), tz)
    # Right after the event-derived hazard figures, which the ledger's figures refine.
    ordered = {}
    for key, value in found.items():
        ordered[key] = value
        if key == "hazards":
            ordered["ledger"] = block
    return ordered
