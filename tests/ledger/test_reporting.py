"""Reporting up (报送, issue 17) on SQLite and PostgreSQL: a school's monthly report pre-filled from a
constructed ledger (each figure), submitted with its figures kept, receipted; late and missing reports
counting against the reporting rate (a district's: the sum of its schools'); a major hazard and a
critical true alarm written as event reports by the step itself and shown late or missing past their
hours; who may do what; a school never seeing another's reports. Then the pages' callbacks through
the real app (SQLite): the wrong role, another school, a double submit, a receipt from the district.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dashboard.app import create_app
from dashboard.pages.bureau_reports import ids as bureau_ids
from dashboard.pages.reports import ids
from kernel.connections import sql_engine, sql_sessions
from ledger import reporting
from ledger.commands import alert_handling, alerts, hazards, users
from ledger.commands import reporting as commands
from ledger.commands.reporting import ReportRefused
from ledger.db import migrate
from ledger.errors import LedgerError, NotFound
from ledger.models import Alert, AuditEntry, Drill, Hazard, InspectionPlan, OrgUnit, ReminderMark, Report, User
from queries.ledger import reporting as reads
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, signed_in
from tests.dashboard.test_access import _callback_body

TZ = ZoneInfo("Asia/Shanghai")
DEC3 = datetime(2026, 12, 3, 2, tzinfo=timezone.utc)  # 10:00 in Shanghai: November's report is due by Dec 5 24:00
DEC10 = datetime(2026, 12, 10, 2, tzinfo=timezone.utc)
PEOPLE = {"s1safety": ("safety", "s1"), "s2safety": ("safety", "s2"), "s1duty": ("duty", "s1"),
          "s1leader": ("leader", "s1"), "d1leader": ("leader", "d1"), "d1admin": ("admin", "d1"),
          "d2leader": ("leader", "d2")}


def local(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def _build(session) -> dict[str, int]:
    """District d1 with schools s1 and s2, district d2 with none; their people (ids by username)."""
    d1, d2 = OrgUnit(code="d1", kind="district", name_zh="一区"), OrgUnit(code="d2", kind="district", name_zh="二区")
    session.add_all([d1, d2])
    session.flush()
    session.add_all([OrgUnit(code="s1", kind="school", name_zh="第一中学", parent_id=d1.id),
                     OrgUnit(code="s2", kind="school", name_zh="第二中学", parent_id=d1.id)])
    session.flush()
    units = {u.code: u.id for u in session.scalars(select(OrgUnit))}
    for name, (role, unit) in PEOPLE.items():
        session.add(User(username=name, display_name=name, role=role, password_hash="-", unit_id=units[unit]))
    session.commit()
    return {**{n: session.scalar(select(User.id).where(User.username == n)) for n in PEOPLE},
            **{f"unit:{code}": i for code, i in units.items()}}


LEDGER_SEED = _build


def _school(session, code="s1") -> OrgUnit:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def _november(session) -> None:
    """s1's November 2026 (local): hazards, drills and trainings, alerts, a weekly inspection plan."""
    s1 = _school(session)
    rows = [  # (code, found, grade, deadline, closed)
        ("H1", local(2026, 11, 3), "ordinary", local(2026, 11, 20), None),  # open, overdue at month end
        ("H3", local(2026, 11, 12), "ordinary", None, local(2026, 11, 25)),  # rectified in November
        ("H4", local(2026, 10, 20), "ordinary", None, local(2026, 11, 5)),  # found in October, rectified in November
        ("H5", local(2026, 10, 25), "ordinary", None, None),  # still open
        ("H6", local(2026, 12, 2), "ordinary", None, None),  # December
        ("H7", local(2026, 10, 31, 23, 30), "ordinary", None, None),  # Oct 31st 23:30 local: open, not found in Nov
    ]
    for code, found, grade, deadline, closed in rows:
        session.add(Hazard(school_id=s1.id, code=code, title=code, found_at=found, grade=grade, deadline=deadline,
                           closed_at=closed, stage="closed" if closed else "reported"))
    # Reported major through the ledger's own step: its event report is written with it (24 h by default).
    hazards.report_hazard(session, school=s1, code="H2", title="实验楼配电箱", found_at=local(2026, 11, 10),
                          grade="major", deadline=local(2026, 12, 15))
    for kind, held, withdrawn in (("drill", date(2026, 11, 3), None), ("drill", date(2026, 11, 20), None),
                                  ("training", date(2026, 11, 15), None), ("drill", date(2026, 11, 25), DEC3),
                                  ("training", date(2026, 10, 30), None)):
        session.add(Drill(school_id=s1.id, kind=kind, title=kind, held_on=held, recorded_by="s1safety",
                          withdrawn_at=withdrawn))
    for code, domain, severity, raised, ack, outcome in (
            ("A1", "fire", "critical", local(2026, 11, 5), 60, "true_alarm"),
            ("A2", "fire", "high", local(2026, 11, 6), 300, "false_alarm"),
            ("A3", "security", "medium", local(2026, 11, 7), None, None),
            ("A4", "fire", "high", local(2026, 10, 31, 23), 10, None)):
        session.add(Alert(school_id=s1.id, code=code, type="fire.smoke_alarm", domain=domain, severity=severity,
                          group_key=code, raised_at=raised, last_raised_at=raised,
                          state="resolved" if outcome else "new",
                          outcome=outcome, acknowledged_at=raised + timedelta(seconds=ack) if ack else None))
    session.add(InspectionPlan(school_id=s1.id, name="每周巡查", checklist="risk_point", frequency="weekly",
                               starts_on=date(2026, 10, 1), created_by="s1safety"))
    session.commit()


def test_a_monthly_report_is_prefilled_from_the_ledger_submitted_with_its_figures_and_receipted(session, seeded):
    _november(session)
    figures = reads.monthly_figures(session, "s1", "2026-11", TZ, now=DEC3)
    assert (figures.start, figures.end, figures.as_of) == (local(2026, 11, 1, 0), local(2026, 12, 1, 0),
                                                           local(2026, 12, 1, 0))
    assert (figures.hazards_found, figures.hazards_found_major, figures.hazards_rectified) == (3, 1, 2)
    assert (figures.hazards_open, figures.hazards_overdue, figures.hazards_major_open) == (4, 1, 1)  # H1 H2 H5 H7
    # The weekly plan's five weeks ending in November (Nov 1, 8, 15, 22, 29), none inspected.
    assert (figures.inspections_owed, figures.inspections_done, figures.inspections_late,
            figures.inspections_missed, figures.inspections_due) == (5, 0, 0, 5, 0)
    assert (figures.drills, figures.trainings) == (2, 1)  # the withdrawn drill and October's training not counted
    assert (figures.alerts_raised, figures.alerts_critical, figures.alerts_true, figures.alerts_false,
            figures.alerts_acknowledged, figures.ack_median_s, figures.ack_p90_s) == (3, 1, 1, 1, 2, 60, 300)
    assert figures.alerts_by_domain == {"fire": reads.DomainAlerts(2, 1, 1, 1, 2, 60, 300),
                                        "security": reads.DomainAlerts(1, 0, 0, 0, 0, None, None)}
    assert reads.MonthlyFigures.from_dict(json.loads(json.dumps(figures.as_dict()))) == figures

    opened = commands.open_monthly(session, user_id=seeded["s1safety"], school="s1", period="2026-11", now=DEC3, tz=TZ)
    assert opened.written and opened.report.due_at == local(2026, 12, 6, 0)  # Dec 5th, 24:00 local (the default)
    assert not commands.open_monthly(session, user_id=seeded["s1safety"], school="s1", period="2026-11", now=DEC3,
                                     tz=TZ).written
    report_id = opened.report.id
    assert commands.save_text(session, user_id=seeded["s1safety"], school="s1", report_id=report_id,
                              text="本月开展消防演练两次。", now=DEC3).written
    sent = commands.submit(session, user_id=seeded["s1safety"], school="s1", report_id=report_id, now=DEC3,
                           figures=figures.as_dict())
    assert sent.written and sent.report.status == "submitted" and sent.report.text == "本月开展消防演练两次。"
    again = commands.submit(session, user_id=seeded["s1safety"], school="s1", report_id=report_id, now=DEC3,
                            figures={"changed": True})  # a double submit: harmless, the figures kept as sent
    assert not again.written and again.report.figures == figures.as_dict()
    session.commit()
    with pytest.raises(LedgerError, match="submitted"):
        commands.save_text(session, user_id=seeded["s1safety"], school="s1", report_id=report_id, text="改", now=DEC3)
    took = commands.receipt(session, user_id=seeded["d1leader"], report_id=report_id, now=DEC3 + timedelta(hours=1))
    assert took.written and (took.report.status, took.report.receipted_by) == ("receipted", "d1leader")
    assert not commands.receipt(session, user_id=seeded["d1admin"], report_id=report_id, now=DEC10).written
    session.commit()
    audited = [(e.action, e.actor) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert audited == [("report.open", "s1safety"), ("report.text", "s1safety"), ("report.submit", "s1safety"),
                       ("report.receipt", "d1leader")]
    shown = reads.rates(session, "s1", date(2026, 12, 1), date(2027, 1, 1), DEC10, tz=TZ)["s1"]
    assert (shown.due, shown.on_time, shown.rate) == (1, 1, 1.0)


def _submit_monthly(session, seeded, school, period, at):
    who = seeded[f"{school}safety"]
    made = commands.open_monthly(session, user_id=who, school=school, period=period, now=at, tz=TZ)
    figures = reads.monthly_figures(session, school, period, TZ, now=at).as_dict()
    return commands.submit(session, user_id=seeded[f"{school}safety"], school=school, report_id=made.report.id,
                           now=at, figures=figures)


def test_late_and_missing_reports_count_against_the_rate_and_event_reports_go_late(session, seeded):
    assert commands.set_rules(session, user_id=seeded["d1admin"], unit="d1", rules=reporting.Rules(5, 24, 4, "2026-10"),
                              now=DEC3)
    _november(session)  # H2, major, reported Nov 10 10:00 local: due up within 24 h
    event = session.scalars(select(Report).where(Report.kind == "major_hazard")).one()
    assert (event.subject, event.due_at, event.status) == ("H2", local(2026, 11, 11), "draft")
    commands.submit(session, user_id=seeded["s1safety"], school="s1", report_id=event.id, now=local(2026, 11, 12),
                    text="已采取停电隔离措施")
    _submit_monthly(session, seeded, "s1", "2026-10", local(2026, 11, 8))  # due Nov 6 00:00: late
    _submit_monthly(session, seeded, "s1", "2026-11", local(2026, 12, 5, 23, 59))  # on time
    _submit_monthly(session, seeded, "s2", "2026-10", local(2026, 11, 2))  # on time; s2's November: never
    # A critical alarm at s2 confirmed as a true alarm by the duty console: due up within the district's 4 h.
    alert, _ = alerts.raise_alert(session, school=_school(session, "s2"), event_id="smoke-1", type="fire.smoke_alarm",
                                  domain="fire", severity="critical", raised_at=local(2026, 12, 8, 9),
                                  device="d-1", building=None, zone=None, detail={}, window=timedelta(minutes=10))
    session.commit()
    for action, outcome in (("acknowledge", None), ("resolve", "true_alarm")):
        alert_handling.handle(session, alert_id=alert.id, action=action, by="值班员", at=local(2026, 12, 8, 10),
                              note="现场确认起火，已扑灭", outcome=outcome)
    alarm = session.scalars(select(Report).where(Report.kind == "true_alarm")).one()
    assert (alarm.subject, alarm.due_at) == ("smoke-1", local(2026, 12, 8, 14))
    session.commit()

    found = reads.rates(session, "d1", date(2026, 11, 1), date(2027, 1, 1), DEC10, tz=TZ)
    assert {k: (r.due, r.on_time, r.late, r.missing) for k, r in found.items()} == {"s1": (3, 1, 2, 0),
                                                                                    "s2": (3, 1, 0, 2)}
    district = reporting.total(found.values())
    assert (district.due, district.on_time, district.rate) == (6, 2, 1 / 3)
    by_id = reads.rates(session, seeded["unit:d1"], date(2026, 11, 1), date(2027, 1, 1), DEC10, tz=TZ)
    assert by_id == found and reads.rates(session, "d2", date(2026, 11, 1), date(2027, 1, 1), DEC10, tz=TZ) == {}
    chase = {(i.school, i.kind, i.subject, i.timeliness) for i in reads.due_and_late(session, "d1", DEC10, tz=TZ)}
    assert {("s1", "major_hazard", "H2", "late"), ("s1", "monthly", "2026-10", "late"),
            ("s2", "monthly", "2026-11", "missing"), ("s2", "true_alarm", "smoke-1", "missing")} <= chase
    assert not {i for i in chase if i[:3] in {("s1", "monthly", "2026-11"), ("s2", "monthly", "2026-10")}}
    assert not {i for i in chase if i[2] == "2026-09"}  # before the district's first month owed: not missing


def test_who_may_do_what_and_a_school_never_sees_anothers_reports(session, seeded):
    s1 = _submit_monthly(session, seeded, "s1", "2026-11", DEC3).report
    cases = [  # (step, refusal, its Chinese)
        (lambda: commands.open_monthly(session, user_id=seeded["s2safety"], school="s1", period="2026-11", now=DEC3,
                                       tz=TZ), ReportRefused, "须由本校人员报送"),
        (lambda: commands.open_monthly(session, user_id=seeded["d1leader"], school="s1", period="2026-11", now=DEC3,
                                       tz=TZ), ReportRefused, "您的角色不能"),
        (lambda: commands.open_monthly(session, user_id=seeded["s1duty"], school="s1", period="2026-11", now=DEC3,
                                       tz=TZ), ReportRefused, "您的角色不能"),
        (lambda: commands.open_monthly(session, user_id=seeded["s1safety"], school="s1", period="2027-01", now=DEC3,
                                       tz=TZ), LedgerError, "尚未开始"),
        (lambda: commands.submit(session, user_id=seeded["s2safety"], school="s2", report_id=s1.id, now=DEC3,
                                 figures={}), NotFound, "没有报告"),
        (lambda: commands.receipt(session, user_id=seeded["s1leader"], report_id=s1.id, now=DEC3), ReportRefused,
         "不是您所在单位下属的学校"),
        (lambda: commands.receipt(session, user_id=seeded["d2leader"], report_id=s1.id, now=DEC3), ReportRefused,
         "不是您所在单位下属的学校"),
        (lambda: commands.return_report(session, user_id=seeded["d1leader"], report_id=s1.id, reason=" ", now=DEC3),
         LedgerError, "请填写退回原因"),
        (lambda: commands.set_rules(session, user_id=seeded["d2leader"], unit="d1", rules=reporting.DEFAULT_RULES,
                                    now=DEC3), ReportRefused, "不在您的管理范围"),
    ]
    for step, refusal, zh in cases:
        with pytest.raises(refusal) as refused:
            step()
        assert zh in refused.value.zh, zh
    back = commands.return_report(session, user_id=seeded["d1leader"], report_id=s1.id, reason="隐患整改数据需补充说明",
                                  now=DEC3 + timedelta(hours=2))
    assert back.written and back.report.status == "returned"
    assert not commands.return_report(session, user_id=seeded["d1leader"], report_id=s1.id, reason="再次",
                                      now=DEC10).written
    figures = reads.monthly_figures(session, "s1", "2026-11", TZ, DEC10).as_dict()
    again = commands.submit(session, user_id=seeded["s1safety"], school="s1", report_id=s1.id, now=DEC10,
                            text="已补充说明", figures=figures)
    assert again.written and again.report.status == "submitted" and again.report.first_submitted_at == DEC3
    assert reporting.timeliness(again.report.due_at, again.report.first_submitted_at, DEC10) == "on_time"
    session.commit()
    s2 = _school(session, "s2")
    assert reads.report(session, school_id=s2.id, report_id=s1.id) is None
    # The day before November's due moment: s2 (nothing sent) is reminded once, s1 (sent) not at all.
    assert commands.remind_due(session, now=local(2026, 12, 5, 9), tz=TZ) == 1
    assert commands.remind_due(session, now=local(2026, 12, 5, 11), tz=TZ) == 0
    session.commit()
    assert session.scalars(select(ReminderMark.key)).all() == ["report-due:s2:monthly:2026-11"]
    assert [i.school for i in reads.items(session, [s2], local(2026, 12, 1, 0), local(2027, 1, 1, 0), DEC10, TZ)] == \
        ["s2"]


# --- the pages' callbacks through the real app (SQLite) ----------------------------------------

@pytest.fixture(scope="module")
def served(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("reporting"), secret_key="k" * 32)
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            _build(db)
            for name, (role, unit) in (("p_s1safety", ("safety", "s1")), ("p_s2safety", ("safety", "s2")),
                                       ("p_s1duty", ("duty", "s1")), ("p_d1leader", ("leader", "d1"))):
                users.create_user(db, username=name, display_name=name, role=role, password=PASSWORD, schools=(),
                                  now=datetime.now(timezone.utc), unit=unit)
            db.commit()
    finally:
        engine.dispose()
    return settings, create_app(settings)


def _names(input_id: str, spec_id: str) -> bool:
    return spec_id == input_id or (spec_id.startswith("{") and json.loads(spec_id).get("type") == input_id)


def _key(app, input_id: str) -> str:
    return next(k for k, spec in app.callback_map.items()
                if "callback" in spec and any(_names(input_id, i["id"]) for i in spec["inputs"]))


def _post(app, client, input_id: str, values: dict, *, pattern: dict | None = None) -> str:
    body = _callback_body(app, _key(app, input_id), values)
    body["inputs"] = [i if not i["id"].startswith("{") else [] for i in body["inputs"]]
    body["changedPropIds"] = [f"{input_id}.n_clicks"]
    if pattern is not None:  # a row's button: the pattern input holds it, and it is what changed
        text = json.dumps(pattern, sort_keys=True, separators=(",", ":"))
        at = next(n for n, i in enumerate(app.callback_map[body["output"]]["inputs"]) if _names(input_id, i["id"]))
        body["inputs"][at] = [{"id": pattern, "property": "n_clicks", "value": 1}]
        body["changedPropIds"] = [f"{text}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    return f"{answer.status_code} {answer.get_data(as_text=True)}"


def test_the_pages_callbacks_hold_role_school_and_a_double_submit(served):
    settings, app = served
    last_month = reporting.previous_period(reporting.period_of(datetime.now(TZ).date()))
    safety = signed_in(app, "p_s1safety")
    mine = {ids.VIEW: {"school": "s1", "lang": "zh"}, ids.PERIOD: last_month, ids.OPEN: 1}
    assert "已打开" in _post(app, safety, ids.OPEN, mine)
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            report_id = db.scalar(select(Report.id).where(Report.subject == last_month))
    finally:
        engine.dispose()
    sent = {ids.VIEW: {"school": "s1", "lang": "zh"}, ids.TEXT: "本月无重大隐患。", ids.EDITING: report_id,
            ids.SUBMIT: 1}
    assert "已报送" in _post(app, safety, ids.SUBMIT, sent)
    assert "该报告已报送，无需再次报送" in _post(app, safety, ids.SUBMIT, sent)  # the second tap
    other = signed_in(app, "p_s2safety")  # another school's report, by id, from its own page and from s1's
    assert "没有报告" in _post(app, other, ids.SUBMIT, {**sent, ids.VIEW: {"school": "s2", "lang": "zh"}})
    # s1 in the page's store from an s2 account: the guard refuses it before the callback runs.
    assert _post(app, other, ids.SUBMIT, sent).startswith("403")
    assert _post(app, other, ids.OPEN, {**mine, ids.VIEW: {"school": "s1", "lang": "en"}}).startswith("403")
    duty = signed_in(app, "p_s1duty")  # no report.submit: the guard refuses before the callback runs
    assert _post(app, duty, ids.SUBMIT, sent).startswith("403")
    receipt = {"type": bureau_ids.RECEIPT, "report": report_id}
    assert _post(app, safety, bureau_ids.RECEIPT, {bureau_ids.VIEW: {"lang": "zh"}}, pattern=receipt).startswith("403")
    leader = signed_in(app, "p_d1leader")
    said = _post(app, leader, bureau_ids.RECEIPT, {bureau_ids.VIEW: {"lang": "zh", "window": "ytd"}}, pattern=receipt)
    assert "已签收" in said
    assert "该报告已签收" in _post(app, leader, bureau_ids.RECEIPT, {bureau_ids.VIEW: {"lang": "zh"}}, pattern=receipt)


def test_the_district_walls_due_panel_lists_reports_owed_and_supervision_due_soonest_first(session, seeded):
    """queries/ledger/district_wall.due_rows: what the district still owes the bureau, as the wall shows it."""
    from ledger.commands import supervision
    from queries.ledger import district_wall

    commands.set_rules(session, user_id=seeded["d1admin"], unit="d1", rules=reporting.Rules(5, 24, 4, "2026-10"),
                       now=DEC3)
    _submit_monthly(session, seeded, "s1", "2026-10", local(2026, 11, 2))  # on time: owes nothing for October
    now = local(2026, 11, 20)
    supervision.open_item(session, user_id=seeded["d1leader"], school="s2", kind="other", ref="消防通道",
                          title="消防通道堵塞整改", instructions="三日内清理并回复", deadline=local(2026, 11, 19),
                          now=now - timedelta(days=3))
    session.commit()
    rows = district_wall.due_rows(session, unit="d1", now=now, tz=TZ)
    assert [(r["school"], r["what_zh"], r["late"]) for r in rows] == [
        ("s2", "报送 · 月报 2026-10", True),  # due Nov 6: missing
        ("s2", "督办 · 消防通道堵塞整改", True),  # past its deadline, not closed
    ]
    assert district_wall.due_rows(session, unit="d2", now=now, tz=TZ) == []  # another district owes nothing here


def test_the_league_ranks_by_the_reporting_rate_of_the_year_so_far(session, seeded):
    """dashboard/lead_units.read_unit fills the league's reporting rate from the reports that fell due
    since 1 January: the district's is the summed on-time over the summed due, each school's its own."""
    from dashboard import lead_units
    from dashboard.roles import Principal
    from kernel.settings import Settings
    from ledger.scoring import Rules as ScoringRules

    commands.set_rules(session, user_id=seeded["d1admin"], unit="d1", rules=reporting.Rules(5, 24, 4, "2026-10"),
                       now=DEC3)
    _submit_monthly(session, seeded, "s1", "2026-10", local(2026, 11, 2))  # on time
    _submit_monthly(session, seeded, "s2", "2026-10", local(2026, 11, 8))  # late; November: nothing from either
    settings = Settings.from_env(environ={"SCHOOL_TIMEZONE": "Asia/Shanghai"})
    officer = Principal(role="leader", user_id=seeded["d1leader"], unit="d1", schools=frozenset({"s1", "s2"}))
    found = lead_units.read_unit(session, officer, "d1", now=DEC10, settings=settings,
                                 rules=ScoringRules.load(settings.assessment_rules_file)).league
    assert (found.unit.reports_on_time, found.unit.reports_due) == (1, 4)  # Oct and Nov of two schools
    assert {s.code: (s.reports_on_time, s.reports_due) for s in found.schools} == {"s1": (1, 2), "s2": (0, 2)}


def test_the_monthly_documents_are_made_on_their_schedule_and_downloaded_within_scope(served):
    """streams/report_schedule: a submitted report's document, then the district's month from the 6th;
    GET /api/v1/units/<unit>/reports/<month>.pdf|.xlsx serves what was kept, held to the caller's scope."""
    from pathlib import Path

    from ledger.models import ReportDocument
    from streams import report_schedule

    settings, app = served
    engine = sql_engine(settings)
    sessions = sql_sessions(engine)
    try:
        with sessions() as db:
            user = db.scalar(select(User.id).where(User.username == "p_s1safety"))
            made = commands.open_monthly(db, user_id=user, school="s1", period="2026-09", now=local(2026, 10, 2), tz=TZ)
            figures = reads.monthly_figures(db, "s1", "2026-09", TZ, now=local(2026, 10, 2)).as_dict()
            commands.submit(db, user_id=user, school="s1", report_id=made.report.id, now=local(2026, 10, 2),
                            figures=figures, text="九月无重大隐患。")
            db.commit()
        # (this module's app has other submitted reports: they are made too, so the counts are at least)
        assert report_schedule.run_once(sessions, settings, local(2026, 10, 5, 23)) >= 1  # s1's, once submitted
        with sessions() as db:
            units = set(db.scalars(select(OrgUnit.code).join(ReportDocument, ReportDocument.unit_id == OrgUnit.id)))
        assert "s1" in units and "d1" not in units  # the district's month waits for the 6th
        for _ in range(5):  # ten a pass: the district's month, and any other school's report still to make
            if not report_schedule.run_once(sessions, settings, local(2026, 10, 6, 7)):
                break
        assert report_schedule.run_once(sessions, settings, local(2026, 10, 6, 8)) == 0  # nothing twice
        with sessions() as db:
            kept = {(u, p, f) for u, p, f in db.execute(select(OrgUnit.code, ReportDocument.period, ReportDocument.fmt)
                                                        .join(OrgUnit, OrgUnit.id == ReportDocument.unit_id))}
            files = db.scalars(select(ReportDocument.file)).all()
    finally:
        engine.dispose()
    assert {("s1", "2026-09", "pdf"), ("s1", "2026-09", "xlsx"), ("d1", "2026-09", "pdf"),
            ("d1", "2026-09", "xlsx")} <= kept and not any(u == "d2" for u, _, _ in kept)  # d2 has no school
    assert all((Path(settings.report_dir) / f).stat().st_size > 1000 for f in files)

    leader, other = signed_in(app, "p_d1leader"), signed_in(app, "p_s2safety")
    pdf = leader.get("/api/v1/units/d1/reports/2026-09.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert leader.get("/api/v1/units/s1/reports/2026-09.xlsx").mimetype.endswith("spreadsheetml.sheet")
    listed = leader.get("/api/v1/units/d1/reports").json["documents"]
    assert {(d["period"], d["format"], d["generated_by"]) for d in listed} == {("2026-09", "pdf", "schedule"),
                                                                               ("2026-09", "xlsx", "schedule")}
    for refused in ("/api/v1/units/s1/reports/2026-09.pdf", "/api/v1/units/d1/reports/2026-09.pdf",
                    "/api/v1/units/d2/reports", "/api/v1/units/nowhere/reports/2026-09.pdf"):
        assert other.get(refused).status_code == 404, refused  # another school, the district above, unknown
    assert other.get("/api/v1/units/s2/reports/2026-09.pdf").status_code == 200  # its own, made on demand
    assert leader.get("/api/v1/units/d1/reports/2026-13.pdf").status_code == 400
    assert leader.get("/api/v1/units/d1/reports/2099-01.pdf").status_code == 404
    assert leader.get("/api/v1/units/d1/reports/2026-09.doc").status_code == 404
    assert leader.get("/api/v1/units/d1/reports/2026-09.pdf?school=s2").status_code == 400  # unknown parameter
    duty = signed_in(app, "p_s1duty")
    assert duty.get("/api/v1/units/d1/reports/2026-09.pdf").status_code == 404  # a school's people: not the district


def test_a_month_by_another_name_is_refused_not_reported_or_kept_twice(served):
    """A period with a trailing newline or full-width digits was a second month: a second monthly report
    of September, a second document kept (then a 500 on its header); years 0000 and 9999 were a 500."""
    settings, app = served
    leader, safety = signed_in(app, "p_d1leader"), signed_in(app, "p_s1safety")
    for period in ("2026-09%0A", "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-09", "0000-01", "9999-12", "x" * 2000):
        assert leader.get(f"/api/v1/units/s1/reports/{period}.pdf").status_code == 400, period[:20]
    assert all(d["period"].isascii() and len(d["period"]) == 7
               for d in leader.get("/api/v1/units/s1/reports").json["documents"])
    for period in ("2026-08\n", "２０２６-08"):
        said = _post(app, safety, ids.OPEN, {ids.VIEW: {"school": "s1", "lang": "zh"}, ids.PERIOD: period, ids.OPEN: 1})
        assert said.startswith("200") and "YYYY-MM" in said, said[:200]
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            assert all(s.isascii() for s in db.scalars(select(Report.subject)))
    finally:
        engine.dispose()


def test_a_kept_document_is_made_again_on_fresh_and_when_its_file_is_gone(served):
    """`?fresh=true` (as docs/district.md says) makes an ended month's document again; a row whose file
    is gone (the ledger restored without REPORT_DIR's volume) is made again, not a 500."""
    from pathlib import Path

    from ledger.models import ReportDocument

    settings, app = served
    safety = signed_in(app, "p_s1safety")
    first = safety.get("/api/v1/units/s1/reports/2026-07.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            unit = db.scalar(select(OrgUnit.id).where(OrgUnit.code == "s1"))
            row = db.scalar(select(ReportDocument).where(
                ReportDocument.unit_id == unit, ReportDocument.period == "2026-07", ReportDocument.fmt == "pdf"))
            Path(settings.report_dir, row.file).unlink()
        again = safety.get("/api/v1/units/s1/reports/2026-07.pdf")
        assert again.status_code == 200 and again.data.startswith(b"%PDF")
        with sql_sessions(engine)() as db:
            row = db.scalar(select(ReportDocument).where(
                ReportDocument.unit_id == unit, ReportDocument.period == "2026-07", ReportDocument.fmt == "pdf"))
            assert Path(settings.report_dir, row.file).is_file()  # kept again
        assert safety.get("/api/v1/units/s1/reports/2026-07.pdf?fresh=true").status_code == 200
    finally:
        engine.dispose()


def test_a_months_report_opened_twice_at_once_is_opened_once(engine, seeded):
    """Two tabs of the school's safety head open the same month's report at the same moment: one opens
    it, the other answers with that report (not a failure, while the report was opened)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    sessions = sql_sessions(engine)
    for period in ("2026-08", "2026-09", "2026-10", "2026-11"):
        barrier = threading.Barrier(2)

        def run(_, period=period, barrier=barrier):
            with sessions() as db:
                barrier.wait()
                saved = commands.open_monthly(db, user_id=seeded["s1safety"], school="s1", period=period, now=DEC3,
                                              tz=TZ)
                db.commit()
                return saved.report.id, saved.written
        with ThreadPoolExecutor(2) as pool:
            (one, first), (other, second) = pool.map(run, range(2))
        assert one == other and sorted((first, second)) == [False, True], period
