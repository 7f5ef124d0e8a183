"""Reporting up (报送, issue 17), the writes: a school's monthly safety report opened as a draft,
its text saved, submitted with its figures snapshotted; the district receipts (签收) it or returns it
(退回) with a reason, and the school sends it again. Event reports (a major hazard, a critical true
alarm) are written by the step that makes them due (reporting_events.py) and submitted the same way.
A district's rules (monthly due day, hours per event kind) are set here too.

Who, always from the signed-in person's account (never from the browser):
- the school submits: a `safety` or `admin` person OF THE SCHOOL (their unit is the school or a unit
  in it, or the school is listed on their account); a district officer does not write the school's
  report for it;
- the district receipts and returns: a `leader` or `admin` whose unit is above the school (a district,
  city or province), or an admin of the whole tree;
- the rules: a `leader` or `admin` of the unit itself (or above it).
Each step is audited (ledger/commands/audit.record) in the caller's transaction (the caller commits).
Doing a step again (a double tap) writes nothing and says so (`Saved.written` False). Refusals are
LedgerError with Chinese (zh=) and English.

The figures of a monthly report are the caller's to read (queries.ledger.reporting.monthly_figures,
`.as_dict()`, in the same session) and pass to `submit`: the ledger imports no reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import org_scope, reporting
from ledger.commands import notify
from ledger.commands.audit import Actor, record
from ledger.commands.reminders import remind
from ledger.commands.reporting_events import rules_for
from ledger.errors import LedgerError, NotFound
from ledger.models import OrgUnit, Report, ReportingRule, User
from ledger.reminders import Planned

SUBMITTERS: tuple[str, ...] = ("safety", "admin")  # dashboard/roles.py REPORT_SUBMIT
RECEIVERS: tuple[str, ...] = ("leader", "admin")  # dashboard/roles.py REPORT_RECEIVE
ABOVE_SCHOOLS = ("province", "city", "district")


class ReportRefused(LedgerError):
    """The person may not do this, or not here: a page shows why."""


@dataclass(frozen=True)
class Saved:
    """The report as it is now; `written` False: nothing new was written (the step again)."""

    report: Report
    written: bool


def _person(db: Session, user_id: object, roles: tuple[str, ...], en: str, zh: str) -> User:
    user = db.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if user is None or user.disabled_at is not None:
        raise ReportRefused("sign in first", zh="请先登录")
    if user.role not in roles:
        raise ReportRefused(f"your role ({user.role}) may not {en}", zh=f"您的角色不能{zh}")
    return user


def _school(db: Session, code: object) -> OrgUnit:
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.kind == "school")) \
        if isinstance(code, str) else None
    if found is None:
        raise NotFound(f"no school {code!r}", zh=f"没有学校 {code!r}")
    return found


def submitter(db: Session, *, user_id: object, school: str) -> tuple[User, OrgUnit]:
    """The school's own safety head or admin, for `school`; ReportRefused otherwise."""
    user = _person(db, user_id, SUBMITTERS, "submit the school's reports",
                   "报送学校的报告（须为学校安全管理部门或管理员）")
    found = _school(db, school)
    own = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    mine = (org_scope.school_of(db, own) is not None and org_scope.school_of(db, own).id == found.id) if own \
        else found.code in {s.school for s in user.schools}
    if not mine:
        raise ReportRefused(f"{found.name_zh}'s reports go up from its own people",
                            zh=f"{found.name_zh}的报告须由本校人员报送")
    return user, found


def receiver(db: Session, *, user_id: object, school: OrgUnit) -> User:
    """A leader or admin of a unit above the school (or of the whole tree); ReportRefused otherwise."""
    user = _person(db, user_id, RECEIVERS, "receipt or return reports", "签收或退回报告（须为上级单位的领导或管理员）")
    own = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    whole_tree = own is None and user.all_schools
    if not whole_tree and (own is None or own.kind not in ABOVE_SCHOOLS or not org_scope.is_within(db, school, own)):
        raise ReportRefused(f"{school.name_zh} is not a school under your unit",
                            zh=f"{school.name_zh}不是您所在单位下属的学校")
    return user


def _actor(user: User, ip: str | None) -> Actor:
    return Actor(user.username, user.role, ip)


def snapshot(row: Report) -> dict:
    """What the audit log keeps of a report (not its figures: they are on the row)."""
    return {"kind": row.kind, "subject": row.subject, "status": row.status, "due_at": row.due_at.isoformat(),
            "text": row.text, "return_reason": row.return_reason}


def open_monthly(db: Session, *, user_id: object, school: str, period: str, now: datetime, tz: ZoneInfo,
                 ip: str | None = None) -> Saved:
    """The school's monthly report of `period` ('YYYY-MM'), opened as a draft if it was not: due by the
    district's day of the next month. A month not begun yet is refused."""
    user, found = submitter(db, user_id=user_id, school=school)
    start, _end = reporting.period_window(period, tz)
    if start > now:
        raise LedgerError(f"{period} has not begun", zh=f"{period} 尚未开始")
    row = _monthly(db, found, period)
    if row is not None:
        return Saved(row, False)
    rules = rules_for(db, found.id)
    name = reporting.KIND_NAMES["monthly"][0]
    row = Report(school_id=found.id, kind="monthly", subject=period, title=f"{period} {name}",
                 occurred_at=reporting.period_window(period, tz)[1],
                 due_at=reporting.monthly_due_at(period, rules.monthly_due_day, tz), status="draft", text="",
                 created_at=now, created_by=user.username)
    try:
        with db.begin_nested():  # a savepoint: the caller's transaction outlives a collision
            db.add(row)
    except IntegrityError:  # opened meanwhile (another tab, another person of the school): theirs is the month's
        again = _monthly(db, found, period)
        if again is None:
            raise
        return Saved(again, False)
    record(db, actor=_actor(user, ip), action="report.open", target=f"report:{row.id}", now=now, school=found.code,
           after=snapshot(row))
    return Saved(row, True)


def _monthly(db: Session, school: OrgUnit, period: str) -> Report | None:
    return db.scalar(select(Report).where(Report.school_id == school.id, Report.kind == "monthly",
                                          Report.subject == period))


def _own_report(db: Session, found: OrgUnit, report_id: object) -> Report:
    row = db.get(Report, report_id) if isinstance(report_id, int) and not isinstance(report_id, bool) else None
    if row is None or row.school_id != found.id:
        raise NotFound(f"{found.name_zh} has no report {report_id!r}", zh=f"{found.name_zh}没有报告 {report_id!r}")
    return row


def save_text(db: Session, *, user_id: object, school: str, report_id: object, text: object, now: datetime,
              ip: str | None = None) -> Saved:
    """Keep the draft's (or a returned report's) text; unchanged text writes nothing."""
    user, found = submitter(db, user_id=user_id, school=school)
    value = reporting.check_text(text)
    row = _own_report(db, found, report_id)
    if row.status not in ("draft", "returned"):
        raise LedgerError("the report was submitted: its text is kept as sent", zh="报告已报送，正文不能再改")
    if row.text == value:
        return Saved(row, False)
    before = snapshot(row)
    row.text = value
    db.flush()
    record(db, actor=_actor(user, ip), action="report.text", target=f"report:{row.id}", now=now, school=found.code,
           before=before, after=snapshot(row))
    return Saved(row, True)


def _district_people(db: Session, school: OrgUnit) -> list[int]:
    above = [a.id for a in org_scope.ancestors(db, school) if a.kind in ABOVE_SCHOOLS]
    if not above:
        return []
    return list(db.scalars(select(User.id).where(User.unit_id.in_(above), User.role.in_(RECEIVERS),
                                                 User.disabled_at.is_(None)).order_by(User.id)))


def _school_people(db: Session, school: OrgUnit) -> list[int]:
    return list(db.scalars(select(User.id).where(User.unit_id == school.id, User.role.in_(SUBMITTERS),
                                                 User.disabled_at.is_(None)).order_by(User.id)))


def submit(db: Session, *, user_id: object, school: str, report_id: object, now: datetime, text: object = None,
           figures: dict | None = None, ip: str | None = None) -> Saved:
    """Send the report up: draft or returned -> submitted, with `text` (None: as saved) and, for a
    monthly report, its figures as read now (required; the month must be over). Submitted or receipted
    already: nothing written. The district's leaders and admins are told (the outbox)."""
    user, found = submitter(db, user_id=user_id, school=school)
    row = _own_report(db, found, report_id)
    if row.status in ("submitted", "receipted"):
        return Saved(row, False)
    value = row.text if text is None else reporting.check_text(text)
    if row.kind == "monthly":
        if now < row.occurred_at:
            raise LedgerError(f"{row.subject} is not over yet: its report goes up after the month ends",
                              zh=f"{row.subject} 尚未结束，月报须在月末之后报送")
        if not isinstance(figures, dict):
            raise LedgerError("the month's figures were not read: open the report again",
                              zh="未能读取本月数据，请重新打开报告")
    before = snapshot(row)
    table = Report.__table__
    # One guarded UPDATE: two taps at once submit once.
    values = dict(status="submitted", text=value, submitted_at=now, submitted_by=user.username,
                  first_submitted_at=row.first_submitted_at or now)
    if row.kind == "monthly":
        values["figures"] = figures
    written = db.execute(update(table).where(table.c.id == row.id, table.c.status.in_(("draft", "returned")))
                         .values(**values)).rowcount == 1
    db.refresh(row)
    if not written:
        return Saved(row, False)
    record(db, actor=_actor(user, ip), action="report.submit", target=f"report:{row.id}", now=now, school=found.code,
           before=before, after=snapshot(row))
    late = reporting.timeliness(row.due_at, row.first_submitted_at, now) == "late"
    notify.enqueue(db, dedupe_key=f"report:{row.id}:submitted:{now.isoformat()}"[:160], school=found.code,
                   kind="report", title=f"{found.name_zh}报送：{row.title}"[:200],
                   text=f"{found.name_zh}已报送“{row.title}”{'（迟报）' if late else ''}，请签收。",
                   link="/bureau/reports", recipients=_district_people(db, found), severity=None, now=now)
    return Saved(row, True)


def _report_for_district(db: Session, user_id: object, report_id: object) -> tuple[User, OrgUnit, Report]:
    row = db.get(Report, report_id) if isinstance(report_id, int) and not isinstance(report_id, bool) else None
    school = db.get(OrgUnit, row.school_id) if row is not None else None
    if row is None or school is None:
        raise NotFound(f"no report {report_id!r}", zh=f"没有报告 {report_id!r}")
    user = receiver(db, user_id=user_id, school=school)
    return user, school, row


def receipt(db: Session, *, user_id: object, report_id: object, now: datetime, ip: str | None = None) -> Saved:
    """Receipt (签收) a submitted report; receipted already: nothing written."""
    user, school, row = _report_for_district(db, user_id, report_id)
    if row.status == "receipted":
        return Saved(row, False)
    if row.status != "submitted":
        raise LedgerError("only a submitted report is receipted", zh="只有已报送的报告可以签收")
    before = snapshot(row)
    table = Report.__table__
    written = db.execute(update(table).where(table.c.id == row.id, table.c.status == "submitted")
                         .values(status="receipted", receipted_at=now, receipted_by=user.username)).rowcount == 1
    db.refresh(row)
    if written:
        record(db, actor=_actor(user, ip), action="report.receipt", target=f"report:{row.id}", now=now,
               school=school.code, before=before, after=snapshot(row))
    return Saved(row, written)


def return_report(db: Session, *, user_id: object, report_id: object, reason: object, now: datetime,
                  ip: str | None = None) -> Saved:
    """Return (退回) a submitted report with a reason; the school is told and sends it again.
    Returned already: nothing written. A receipted report is closed: not returned."""
    user, school, row = _report_for_district(db, user_id, report_id)
    why = reporting.check_text(reason, what="the reason", what_zh="退回原因", limit=reporting.MAX_REASON,
                               required=True)
    if row.status == "returned":
        return Saved(row, False)
    if row.status != "submitted":
        raise LedgerError("only a submitted report is returned", zh="只有已报送、未签收的报告可以退回")
    before = snapshot(row)
    table = Report.__table__
    written = db.execute(update(table).where(table.c.id == row.id, table.c.status == "submitted")
                         .values(status="returned", returned_at=now, returned_by=user.username,
                                 return_reason=why)).rowcount == 1
    db.refresh(row)
    if written:
        record(db, actor=_actor(user, ip), action="report.return", target=f"report:{row.id}", now=now,
               school=school.code, before=before, after=snapshot(row))
        notify.enqueue(db, dedupe_key=f"report:{row.id}:returned:{now.isoformat()}"[:160], school=school.code,
                       kind="report", title=f"报告被退回：{row.title}"[:200], text=f"退回原因：{why}",
                       link="/reports", recipients=_school_people(db, school), severity=None, now=now)
    return Saved(row, written)


def set_rules(db: Session, *, user_id: object, unit: str, rules: reporting.Rules, now: datetime,
              ip: str | None = None) -> bool:
    """A district's (or city's, province's) reporting rules, by a leader or admin of that unit (or
    above it): the monthly due day, the hours per event kind, and the first month owed (months before
    the district reported in the product are not missing). Returns whether anything changed. Reports
    already written keep their due moments."""
    user = _person(db, user_id, RECEIVERS, "set the reporting rules", "设置报送规则")
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == unit)) if isinstance(unit, str) else None
    own = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    if found is None or found.kind not in ABOVE_SCHOOLS:
        raise NotFound(f"no district {unit!r}", zh=f"没有区县或上级单位 {unit!r}")
    if not (own is None and user.all_schools) and (own is None or not org_scope.is_within(db, found, own)):
        raise ReportRefused(f"{found.name_zh} is outside your unit", zh=f"{found.name_zh}不在您的管理范围之内")
    row = db.get(ReportingRule, found.id)
    before = None if row is None else {"monthly_due_day": row.monthly_due_day,
                                       "major_hazard_hours": row.major_hazard_hours,
                                       "true_alarm_hours": row.true_alarm_hours, "first_period": row.first_period}
    after = {"monthly_due_day": rules.monthly_due_day, "major_hazard_hours": rules.major_hazard_hours,
             "true_alarm_hours": rules.true_alarm_hours, "first_period": rules.first_period}
    if before == after:
        return False
    if row is None:
        row = ReportingRule(unit_id=found.id)
        db.add(row)
    row.monthly_due_day, row.major_hazard_hours = rules.monthly_due_day, rules.major_hazard_hours
    row.true_alarm_hours, row.first_period = rules.true_alarm_hours, rules.first_period
    row.updated_by, row.updated_at = user.username, now
    db.flush()
    record(db, actor=_actor(user, ip), action="report.rules", target=f"unit:{found.code}", now=now, before=before,
           after=after)
    return True


def remind_due(db: Session, *, now: datetime, tz: ZoneInfo) -> int:
    """Tell each school's safety people of a report due within the next day and not yet submitted: the
    last month's monthly report (opened or not) and open event reports. Once per report (the
    reminders' marks, ledger/commands/reminders.py); not committed here. Returns reminders sent."""
    soon = now + timedelta(days=1)
    period = reporting.previous_period(reporting.period_of(now.astimezone(tz).date()))
    sent = 0
    schools = db.scalars(select(OrgUnit).where(OrgUnit.kind == "school").order_by(OrgUnit.id)).all()
    rows = {(r.school_id, r.kind, r.subject): r for r in db.scalars(select(Report).where(
        (Report.due_at > now) & (Report.due_at <= soon) | (Report.kind == "monthly") & (Report.subject == period)))}
    for school in schools:
        owed = [r for (sid, _k, _s), r in rows.items() if sid == school.id and now < r.due_at <= soon
                and r.status in ("draft", "returned")]
        if (school.id, "monthly", period) not in rows:
            rules = rules_for(db, school.id)
            due_at = reporting.monthly_due_at(period, rules.monthly_due_day, tz)
            if now < due_at <= soon and rules.owes(period):
                title = f"{period} {reporting.KIND_NAMES['monthly'][0]}"
                owed.append(Report(kind="monthly", subject=period, title=title, due_at=due_at))
        people = tuple(_school_people(db, school)) if owed else ()
        for item in owed:
            local = item.due_at.astimezone(tz).strftime("%m-%d %H:%M")
            done = remind(db, Planned(key=f"report-due:{school.code}:{item.kind}:{item.subject}"[:160],
                                      school=school.code, kind="report_due", title=f"报告即将到期：{item.title}"[:200],
                                      text=f"“{item.title}”将于 {local} 到期，请及时报送。", link="/reports",
                                      recipients=people), now=now)
            sent += done is not None
    return sent
