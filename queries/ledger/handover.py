"""The rows of one school's shift handover report (ledger/handover.py counts them).

Each query reads only what the shift can hold, through an index: alerts not resolved before the
shift began (index on school and resolved_at: the open ones and the ones resolved since), the
hazard steps and comments whose moment lies in the shift (indexes on their `at`), and the
escalations of those alerts (by alert).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ledger import alert_flow, oncall
from ledger.handover import AlertRow, CommentRow, EscalationRow, HazardStepRow, ShiftInfo, build_report
from ledger.models import Alert, AlertEscalation, Building, Hazard, HazardTransition, OrgUnit
from ledger.models.hazard import HazardComment
from ledger.shifts import ShiftWindow
from queries.ledger import ladder, register, response_cards
from queries.ledger.oncall import on_call_for

_CHUNK = 500  # alert codes per IN list: well inside every driver's limit on bound parameters


def _alert_columns() -> tuple:
    """An AlertRow's columns; the building and zone as placed (by the registered device when the
    alert names none: queries/ledger/register.py), as the console and the wall show them."""
    return (Alert.code, Alert.type, Alert.domain, Alert.severity, register.alert_building(), register.alert_zone(),
            Alert.count, Alert.raised_at, Alert.acknowledged_at, Alert.acknowledged_by, Alert.dispatched_at,
            Alert.dispatched_by, Alert.dispatched_to, Alert.resolved_at, Alert.resolved_by, Alert.outcome)


def alert_rows(session: Session, *, school_id: int, start: datetime, end: datetime) -> list[AlertRow]:
    """Alerts raised before the shift ended and not resolved before it began: every alert the
    shift raised, handled or handed over. Two index reads, the open ones by (school, state) and
    the ones resolved since the start by (school, resolved_at), so the years of alerts resolved
    long ago are never read."""
    rows: dict[str, AlertRow] = {}
    for resolved in (Alert.state.in_(alert_flow.OPEN_STATES), Alert.resolved_at >= start):
        query = select(*_alert_columns()).where(Alert.school_id == school_id, resolved, Alert.raised_at < end)
        for row in session.execute(query):
            rows[row.code] = AlertRow(*row)
    return list(rows.values())


def hazard_step_rows(session: Session, *, school_id: int, start: datetime, end: datetime) -> list[HazardStepRow]:
    query = (select(Hazard.code, Hazard.title, Hazard.grade, HazardTransition.action, HazardTransition.from_stage,
                    HazardTransition.to_stage, HazardTransition.by, HazardTransition.at, HazardTransition.note)
             .join(Hazard, Hazard.id == HazardTransition.hazard_id)
             .where(HazardTransition.at >= start, HazardTransition.at < end, Hazard.school_id == school_id)
             .order_by(HazardTransition.at, HazardTransition.id))
    return [HazardStepRow(*row) for row in session.execute(query)]


def comment_rows(session: Session, *, school_id: int, start: datetime, end: datetime) -> list[CommentRow]:
    query = (select(Hazard.code, Hazard.title, HazardComment.by, HazardComment.at, HazardComment.text)
             .join(Hazard, Hazard.id == HazardComment.hazard_id)
             .where(HazardComment.at >= start, HazardComment.at < end, Hazard.school_id == school_id)
             .order_by(HazardComment.at, HazardComment.id))
    return [CommentRow(*row) for row in session.execute(query)]


def escalation_rows(session: Session, *, school_id: int, end: datetime, alert_codes: list[str]) -> list[EscalationRow]:
    """The escalations recorded before the shift ended of the alerts the report holds: an alert
    handed over open shows the level it had reached, even one reached in an earlier shift. Read
    by alert (the alerts' (school, code) and the escalations' (alert, level) keys)."""
    rows: list[EscalationRow] = []
    for first in range(0, len(alert_codes), _CHUNK):
        codes = alert_codes[first:first + _CHUNK]
        query = (select(Alert.code, AlertEscalation.level, AlertEscalation.at)
                 .join(Alert, Alert.id == AlertEscalation.alert_id)
                 .where(Alert.school_id == school_id, Alert.code.in_(codes), AlertEscalation.at < end))
        rows += [EscalationRow(*row) for row in session.execute(query)]
    return rows


def handover_report(session: Session, *, school_id: int, window: ShiftWindow, tz: ZoneInfo) -> dict:
    """The handover report of one school's shift (ledger.handover.build_report)."""
    start, end = window.start, window.end
    alerts = alert_rows(session, school_id=school_id, start=start, end=end)
    report = build_report(
        shift=ShiftInfo(window.shift.name, window.shift.name_zh, window.day, start, end),
        alerts=alerts,
        escalations=escalation_rows(session, school_id=school_id, end=end, alert_codes=[a.code for a in alerts]),
        hazard_steps=hazard_step_rows(session, school_id=school_id, start=start, end=end),
        comments=comment_rows(session, school_id=school_id, start=start, end=end),
        tz=tz,
    )
    # Which response card was opened for which alert during the shift (issue 16).
    report["cards_used"] = [{"alert": u.alert_code, "type": u.alert_type, "card": u.card_title, "by": u.used_by,
                             "at": u.used_at.astimezone(tz)}
                            for u in response_cards.card_uses(session, school_id=school_id, start=start, end=end)]
    report = with_names(session, school_id, report)
    # Who was on call for this shift (the roster, issue 16): by its day and shift, substitutes in place.
    report["on_call"] = oncall.flat(on_call_for(session, school_id, window))
    # Pages the escalation ladder sent to people during the shift, per step (0: at raise).
    report["pages_sent"] = ladder.sent_per_level(session, school_id, start, end)
    return report


def with_names(session: Session, school_id: int, report: dict) -> dict:
    """The report with what a person reads: the school's names, and each alert's building and zone
    names beside their codes (the codes stay: the API and the spreadsheet's code column keep them)."""
    school = session.get(OrgUnit, school_id)
    # Beside the API's `school` (its code), never in its place.
    report["school_name_zh"] = school.name_zh if school is not None else None
    report["school_name_en"] = school.name_en if school is not None else None
    buildings = {b.code: b for b in session.scalars(select(Building).where(Building.school_id == school_id)
                                                     .options(selectinload(Building.zones)))}
    for key in ("open_at_end", "handled_alerts"):
        for row in report[key]:
            building = buildings.get(row.get("building") or "")
            zone = next((z for z in building.zones if z.code == row.get("zone")), None) if building else None
            row["building_name_zh"] = building.name_zh if building else None
            row["building_name_en"] = building.name_en if building else None
            row["zone_name_zh"] = zone.name_zh if zone else None
    return report
