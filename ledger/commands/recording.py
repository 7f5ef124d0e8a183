"""One validated contract event into the ledger: alerts, hazard steps, checks and deductions.

`record_event` is what the recorder (streams/recorder.py) calls per event inside the batch's
transaction. Events the ledger refuses — a step the closed loop does not allow, an alert or hazard
it does not know — come back as a `Refusal` for the dead-letter topic; a refused hazard step is
also kept as a `LoopViolation`, because handling outside the closed loop is what the assessment
deducts for (art. 16). Replays are harmless: every row an event leaves carries its unique id.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kernel.clock import deadline_ms
from ledger import alert_flow, hazard_loop, org, scoring
from ledger.commands import alert_outbox, alerts, campaigns, hazards, ladder
from ledger.models import (
    AlertOccurrence,
    AlertTransition,
    AssessmentDeduction,
    HazardTransition,
    LoopViolation,
    OrgUnit,
    RefusedEvent,
    utcnow,
)

ILLEGAL_TRANSITION = "illegal_transition"
UNKNOWN_HAZARD = "unknown_hazard"
UNKNOWN_ALERT = "unknown_alert"
UNKNOWN_CAMPAIGN_ITEM = "unknown_campaign_item"
UNKNOWN_UNIT = "unknown_unit"
INVALID_DEDUCTION = "invalid_deduction"  # an article unknown or computed, points not its findings, past its maximum
# A step for a hazard people work in the product (ledger/commands/hazard_work.py) that the product
# did not take: those steps are held to the person, their role and scope, which an event cannot show.
WORKED_IN_PRODUCT = "worked_in_product"
# A fold or step that found the alert's version moved (a duty officer acted meanwhile) is redone
# on the fresh row; a few times is plenty, officers do not act many times a second on one alert.
STALE_RETRIES = 5
RECORDED_TYPES = frozenset({
    "hazard.reported", "hazard.notified", "hazard.rectifying", "hazard.feedback", "hazard.accepted",
    "hazard.rejected", "alert.acknowledged", "alert.dispatched", "alert.resolved", "campaign.check_result",
    "assessment.deduction",
})


class Refusal(NamedTuple):
    reason: str
    detail: str


def moment(ts_ms: int) -> datetime:
    return datetime.fromtimestamp(ts_ms / 1000, timezone.utc)


def deadline_of(text: str | None, tz: ZoneInfo) -> datetime | None:
    """A contract deadline as the aggregator reads it (a bare date: the end of that local day)."""
    ms = deadline_ms(text, tz)
    return None if ms is None else moment(ms)


def already_recorded(session: Session, event_id: str) -> bool:
    """Has an event with this id left a row? (The same id twice is one event.)"""
    return bool(session.scalar(select(or_(
        exists().where(HazardTransition.event_id == event_id),
        exists().where(AlertOccurrence.event_id == event_id),
        exists().where(AlertTransition.event_id == event_id),
        exists().where(AssessmentDeduction.event_id == event_id),
        exists().where(LoopViolation.event_id == event_id),
        exists().where(RefusedEvent.event_id == event_id),
    ))))


def school_for(session: Session, code: str) -> OrgUnit:
    """The school's ledger row; a school that sends events before it is set up is registered by
    its id, so its alerts are kept rather than lost (an admin names and places it later)."""
    found = org.find_school(session, code)
    if found is None:
        found = OrgUnit(code=code, kind="school", name_zh=code)
        session.add(found)
        session.flush()
    return found


def is_relevant(event, alert_severity: str | None) -> bool:
    return alert_severity is not None or event.type in RECORDED_TYPES


def record_event(session: Session, event, *, alert_severity: str | None, group_window: timedelta,
                 tz: ZoneInfo, assessment_rules: scoring.Rules | None = None,
                 pager: ladder.Pager | None = None) -> Refusal | None:
    """Record one event; returns a Refusal when the ledger refuses it. A refused event leaves only
    its mark (a LoopViolation or a RefusedEvent), so a replay refuses it again, whatever the
    ledger's state by then. With a `pager` (the recorder's), an alert it opens pages the ladder's
    step 0 in the same transaction (ledger/commands/ladder.py)."""
    if already_recorded(session, event.id):
        if alert_severity is not None and event.type in hazard_loop.ACTION_OF_EVENT and not session.scalar(
                select(exists().where(AlertOccurrence.event_id == event.id))):
            # A step people took in the product (ledger/commands/hazard_work.py) is in SQL before its
            # event comes back; a major hazard's report still opens its alert here, as on the wall.
            _raise_alert(session, school_for(session, event.school), event, alert_severity, group_window, pager)
        return None
    school = school_for(session, event.school)
    refusal = _apply(session, school, event, alert_severity, group_window, tz,
                     assessment_rules or scoring.default_rules(), pager)
    if refusal is not None and refusal.reason != ILLEGAL_TRANSITION:  # violations are marked already
        session.add(RefusedEvent(event_id=event.id, school_id=school.id, reason=refusal.reason,
                                 detail=refusal.detail[:500], at=moment(event.ts)))
        session.flush()
    return refusal


def record_in_savepoint(session: Session, event, *, alert_severity: str | None, group_window: timedelta,
                        tz: ZoneInfo, assessment_rules: scoring.Rules | None = None,
                        pager: ladder.Pager | None = None) -> Refusal | None:
    """`record_event` in a savepoint of the caller's transaction, redone when a duty officer's step
    changed the alert between the recorder's read and its write (the ORM's version check)."""
    for attempt in range(STALE_RETRIES):
        try:
            with session.begin_nested():
                return record_event(session, event, alert_severity=alert_severity, group_window=group_window,
                                    tz=tz, assessment_rules=assessment_rules, pager=pager)
        except StaleDataError:
            if attempt == STALE_RETRIES - 1:
                raise
            session.expire_all()  # read the alert again as committed now
    raise AssertionError("unreachable")


def _raise_alert(session, school, event, alert_severity, group_window, pager=None) -> None:
    alert, opened = alerts.raise_alert(
        session, school=school, event_id=event.id, type=event.type, domain=event.domain,
        severity=alert_severity, raised_at=moment(event.ts), device=event.source, building=event.building,
        zone=event.zone, detail=dict(event.data), window=group_window)
    if not opened and alert.state != "new":
        # Folded into an alert already acknowledged (or dispatched): the live side sees this alarm
        # as an open alert of its own, so it is told the steps taken too.
        alert_outbox.add(session, alert_outbox.follow_up_events(alert, alarm_event_id=event.id,
                                                                school=school.code), now=utcnow())
    if opened and pager is not None:  # a repeat folded into an open alert pages nobody again
        ladder.page_step(session, alert=alert, step=0, now=pager.clock(), pager=pager)
    elif pager is not None and alert.state == "new" and alert_severity == "critical":
        ladder.release_held(session, alert.id, pager.clock())  # ... but a critical one ends what quiet hours held


def _apply(session, school, event, alert_severity, group_window, tz, rules: scoring.Rules,
           pager=None) -> Refusal | None:
    at = moment(event.ts)
    if alert_severity is not None:
        _raise_alert(session, school, event, alert_severity, group_window, pager)
    kind = event.type.split(".", 1)[0]
    if kind == "hazard":
        return _hazard_step(session, school, event, at, tz)
    if event.type in alert_flow.ACTION_OF_EVENT:
        return _alert_step(session, school, event, at)
    if event.type == "campaign.check_result":
        data = event.data
        row = campaigns.record_result(session, school=school, campaign_code=data["campaign"], item_text=data["item"],
                                      result=data["result"], at=at, by=event.source, building=event.building,
                                      note=data.get("note") or "", event_id=event.id)
        return None if row else Refusal(UNKNOWN_CAMPAIGN_ITEM, f"{data['campaign']} / {data['item']}")
    if event.type == "assessment.deduction":
        return _deduction(session, school, event, at, tz, rules)
    return None


def _hazard_step(session: Session, school: OrgUnit, event, at: datetime, tz: ZoneInfo) -> Refusal | None:
    data = event.data
    action = hazard_loop.ACTION_OF_EVENT[event.type]
    code = data["hazard"]
    deadline = deadline_of(data.get("deadline"), tz)
    source = event.source if event.source in hazard_loop.SOURCES else "self_inspection"
    try:
        if action == "report":
            hazards.report_hazard(session, school=school, code=code, title=data.get("title") or code,
                                  found_at=at, by=None, grade=data.get("grade") or "ordinary",
                                  building_code=event.building, zone_code=event.zone, deadline=deadline,
                                  source=source, event_id=event.id)
            return None
        hazard = hazards.find(session, school_id=school.id, code=code)
        if hazard is None:
            return Refusal(UNKNOWN_HAZARD, f"{event.type} for hazard {code!r}, which was never reported")
        if hazard.reported_by_user_id is not None or hazard.responsible_user_id is not None:
            # The product's own steps are recorded before their events come back (a no-op above).
            return Refusal(WORKED_IN_PRODUCT, f"{event.type} for hazard {code!r}, which people work in the "
                                              "product: its steps are taken there, by the person named")
        hazards.transition_hazard(session, hazard=hazard, action=action, by=data.get("by") or event.source,
                                  at=at, note=data.get("note") or "", event_id=event.id, deadline=deadline,
                                  grade=data.get("grade"))
        return None
    except hazard_loop.IllegalTransition as exc:
        hazards.record_violation(session, school=school, hazard_code=code, action=action, stage=exc.stage,
                                 by=data.get("by") or event.source, at=at, reason=str(exc), event_id=event.id)
        return Refusal(ILLEGAL_TRANSITION, str(exc))


def _alert_step(session: Session, school: OrgUnit, event, at: datetime) -> Refusal | None:
    data = event.data
    alert = alerts.find_by_event(session, school_id=school.id, event_id=data["alert"])
    if alert is None:
        return Refusal(UNKNOWN_ALERT, f"{event.type} for alert {data['alert']!r}, which was never raised")
    action = alert_flow.ACTION_OF_EVENT[event.type]
    if alert_flow.is_done(alert.state, action):
        # Grouped alarms are handled once, and the duty console's own events come back through the
        # topic after its step is in SQL: a step already taken (or passed) is a no-op.
        return None
    try:
        alerts.transition_alert(session, alert=alert, action=action, by=data.get("by"), at=at,
                                outcome=data.get("outcome"), event_id=event.id, assignee=data.get("assignee"))
    except alert_flow.IllegalAlertTransition as exc:
        return Refusal(ILLEGAL_TRANSITION, str(exc))
    return None


def _deduction(session: Session, school: OrgUnit, event, at: datetime, tz: ZoneInfo,
               rules: scoring.Rules) -> Refusal | None:
    """A deduction an assessment system sent: held to its article as one entered by hand is
    (ledger.scoring.check_event_points), else refused and dead-lettered."""
    data = event.data
    wanted = data["unit"]
    unit = next((u for u in org.units_of(session, school.id) if wanted in (u.code, u.name_zh)), None)
    if unit is None:
        return Refusal(UNKNOWN_UNIT, f"no unit {wanted!r} in school {school.code}")
    period = str(at.astimezone(tz).year)
    article = data["article"]
    already = float(session.scalar(select(func.coalesce(func.sum(AssessmentDeduction.points), 0)).where(
        AssessmentDeduction.unit_id == unit.id, AssessmentDeduction.period == period,
        AssessmentDeduction.article == article, AssessmentDeduction.withdrawn_at.is_(None))) or 0) \
        if isinstance(article, int) else 0.0
    try:
        rule, count = scoring.check_event_points(article, data["points"], rules, already=already)
    except scoring.DeductionRefused as exc:
        return Refusal(INVALID_DEDUCTION, str(exc))
    session.add(AssessmentDeduction(unit_id=unit.id, article=rule.article, points=rule.points * count, count=count,
                                    reason=data.get("reason") or "", by=event.source, at=at,
                                    period=period, event_id=event.id))
    session.flush()
    return None
