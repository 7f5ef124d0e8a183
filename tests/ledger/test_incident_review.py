"""Incident reviews (事后评估, issue 18) on SQLite and PostgreSQL: an alert raised, repeated, paged,
escalated, acknowledged, a response card opened, dispatched and resolved — its timeline in that order
with the response times; the review saved, saved again unchanged, refused over a stale version and
for another school's alert, audited; and through the real app, the page, the save callback held to
the role, and the PDF (its text read back with pdftotext)."""
from __future__ import annotations

import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from dashboard.app import create_app
from dashboard.pages.incident_review import ids
from kernel.connections import sql_engine, sql_sessions
from ledger import wall_history as frames
from ledger.commands import incident_reviews
from ledger.commands import wall_history as keeping
from ledger.commands.audit import Actor
from ledger.db import migrate
from ledger.errors import LedgerError, NotFound
from ledger.models import (
    Alert,
    AlertEscalation,
    AlertOccurrence,
    AlertPage,
    AlertTransition,
    AuditEntry,
    OrgUnit,
    ResponseCard,
    ResponseCardUse,
    User,
)
from ledger.passwords import hash_password
from queries.ledger import incident_review as reads
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, signed_in
from tests.dashboard.test_access import _callback_body, _router

RAISED = datetime(2026, 12, 6, 19, 14, 5, tzinfo=timezone.utc)  # 03:14:05 in Shanghai
DUTY = Actor("duty1", "duty", "192.0.2.7")
PEOPLE = {"duty1": ("duty", "s1"), "lead1": ("leader", "s1"), "insp1": ("inspector", "s1"), "duty2": ("duty", "s2")}


def _alert(session, school: int, code: str, *, handled: bool) -> int:
    alert = Alert(school_id=school, code=code, type="fire.smoke_alarm", domain="environment", severity="critical",
                  group_key=f"smoke@{code}", device="SD-3-12", building_code="dorm3", raised_at=RAISED,
                  last_raised_at=RAISED + timedelta(seconds=40), count=3, state="resolved" if handled else "new")
    session.add(alert)
    session.flush()
    session.add_all([AlertOccurrence(alert_id=alert.id, event_id=code, at=RAISED),
                     AlertOccurrence(alert_id=alert.id, event_id=f"{code}-r1", at=RAISED + timedelta(seconds=20)),
                     AlertOccurrence(alert_id=alert.id, event_id=f"{code}-r2", at=RAISED + timedelta(seconds=40))])
    if not handled:
        return alert.id
    at = {step: RAISED + timedelta(seconds=s) for step, s in
          (("page0", 1), ("escalate", 120), ("page1", 121), ("ack", 150), ("card", 160), ("dispatch", 200),
           ("resolve", 900))}
    alert.acknowledged_at, alert.acknowledged_by = at["ack"], "duty1"
    alert.dispatched_at, alert.dispatched_by, alert.dispatched_to = at["dispatch"], "duty1", "保卫处 李"
    alert.resolved_at, alert.resolved_by, alert.outcome = at["resolve"], "duty1", "true_alarm"
    session.add_all([
        AlertPage(alert_id=alert.id, level=0, oncall_level=0, name="值班员 张", how="roster", reachable=True,
                  message_key=f"alert:{alert.id}:level:0", at=at["page0"]),
        AlertEscalation(alert_id=alert.id, level=1, due_at=at["escalate"], at=at["escalate"]),
        AlertPage(alert_id=alert.id, level=1, oncall_level=1, name="保卫处长 王", how="roster", reachable=False,
                  message_key=f"alert:{alert.id}:level:1", at=at["page1"]),
        AlertTransition(alert_id=alert.id, action="acknowledge", from_state="new", to_state="acknowledged",
                        by="duty1", at=at["ack"]),
        AlertTransition(alert_id=alert.id, action="dispatch", from_state="acknowledged", to_state="dispatched",
                        by="duty1", at=at["dispatch"], assignee="保卫处 李"),
        AlertTransition(alert_id=alert.id, action="resolve", from_state="dispatched", to_state="resolved",
                        by="duty1", at=at["resolve"], outcome="true_alarm", note="宿舍吸烟引起"),
    ])
    card = ResponseCard(school_id=school, alert_type="fire", title="火警处置卡", steps="疏散\n报警", contacts="",
                        updated_by="admin")
    session.add(card)
    session.flush()
    session.add(ResponseCardUse(alert_id=alert.id, card_id=card.id, used_by="duty1", used_at=at["card"]))
    return alert.id


def _build(session) -> dict:
    d1 = OrgUnit(code="d1", kind="district", name_zh="城关区")
    session.add(d1)
    session.flush()
    schools = {}
    for code in ("s1", "s2"):
        schools[code] = OrgUnit(code=code, kind="school", name_zh=f"{code}中学", parent_id=d1.id)
        session.add(schools[code])
    session.flush()
    found = {"handled": _alert(session, schools["s1"].id, "smoke-1", handled=True),
             "open": _alert(session, schools["s1"].id, "smoke-2", handled=False),
             "other": _alert(session, schools["s2"].id, "smoke-9", handled=False)}
    # The wall's history of s1 (as the recorder keeps it): minutes 19:14 and 19:16 UTC kept, 19:15 a gap.
    hour = frames.Hour()
    hour.add(14, {"alerts": {"open": 1, "by_severity": {"critical": 1}}, "visitors": {"on_campus": 3},
                  "attendance": {"staff_present": 20, "students_present": 400}})
    hour.add(16, {"alerts": {"open": 1, "by_severity": {"critical": 1}}, "visitors": {"on_campus": 2},
                  "attendance": {"staff_present": 21, "students_present": 398}})
    keeping.save_hour(session, school="s1", hour_start=RAISED.replace(minute=0, second=0), frames=hour.pack(),
                      minutes=hour.mask, seen=0, now=RAISED)
    session.commit()
    return found


LEDGER_SEED = _build


def test_the_timeline_is_the_alerts_records_in_order_with_its_response_times(session, seeded):
    found = reads.facts(session, alert_id=seeded["handled"], schools=frozenset({"s1"}))
    assert [(s.kind, s.who) for s in found.steps] == [
        ("raised", None), ("page", "值班员 张"), ("repeat", None), ("escalate", None), ("page", "保卫处长 王"),
        ("acknowledge", "duty1"), ("card", "duty1"), ("dispatch", "duty1"), ("resolve", "duty1")]
    # What the wall showed at each step's minute: kept at 19:14 and 19:16 (the repeat at 19:14:25 shows 19:14's
    # wall, the acknowledgement at 19:16:35 19:16's), none kept from 19:17 on (the dispatch, the resolution).
    walls = [s.wall and (s.wall["visitors_on_campus"], s.wall["people_on_campus"]) for s in found.steps]
    assert walls == [(3, 420)] * 3 + [(2, 419)] * 4 + [None] * 2
    details = [s.detail for s in found.steps]
    assert details[2] == "共 2 次" and "无法送达" in details[4] and details[6] == "火警处置卡"
    assert "保卫处 李" in details[7] and "真警" in details[8] and "宿舍吸烟引起" in details[8]
    assert found.times == {"acknowledge": 150.0, "dispatch": 200.0, "resolve": 900.0}
    assert found.review.version == 0 and found.school == "s1"
    assert reads.facts(session, alert_id=seeded["other"], schools=frozenset({"s1"})) is None  # another school's
    assert reads.facts(session, alert_id=10 ** 9, schools=None) is None
    still_open = reads.facts(session, alert_id=seeded["open"], schools=None)
    assert [s.kind for s in still_open.steps] == ["raised", "repeat"]
    assert still_open.times == {"acknowledge": None, "dispatch": None, "resolve": None}


def test_a_review_is_saved_versioned_never_overwritten_unseen_and_audited(session, seeded):
    alert = seeded["handled"]
    mine = frozenset({"s1"})

    def save(findings, measures, expected, schools=mine, alert_id=alert):
        return incident_reviews.save(session, actor=DUTY, alert_id=alert_id, schools=schools, findings=findings,
                                     measures=measures, expected=expected, now=RAISED + timedelta(hours=8))

    first = save("宿舍吸烟触发烟感\x07。\r\n值班员 2 分半确认。", "  宿舍巡查加密  ", 0)
    assert (first.version, first.written) == (1, True)
    again = save("宿舍吸烟触发烟感。\n值班员 2 分半确认。", "宿舍巡查加密", 0)  # a double submit
    assert again == incident_reviews.Saved(1, False)
    with pytest.raises(LedgerError) as stale:  # written over version 0 while version 1 exists
        save("另一种说法", "", 0)
    assert "他人已修改此评估（第 1 版）" in stale.value.text("zh") and "version 1" in str(stale.value)
    assert save("另一种说法", "宿舍巡查加密", 1).version == 2
    for refused in ({"schools": frozenset({"s2"})}, {"alert_id": "1"}, {"alert_id": 10 ** 9}):
        with pytest.raises(NotFound):
            save("x", "y", 2, **refused)
    with pytest.raises(LedgerError, match="at most 4000"):
        save("长" * 4001, "", 2)
    with pytest.raises(LedgerError, match="findings or the measures"):
        save("  ", "", 2)
    session.commit()
    review = reads.facts(session, alert_id=alert, schools=mine).review
    assert (review.findings, review.measures, review.version, review.updated_by) == (
        "另一种说法", "宿舍巡查加密", 2, "duty1")
    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "incident_review.save")
                                   .order_by(AuditEntry.id)))
    assert [(e.actor, e.school, e.after["version"]) for e in entries] == [("duty1", "s1", 1), ("duty1", "s1", 2)]
    assert entries[0].after["findings"] == "宿舍吸烟触发烟感。\n值班员 2 分半确认。"  # the bell dropped, CR LF one LF
    assert entries[1].before["version"] == 1


@pytest.mark.backends("postgresql")  # SQLite's BEGIN IMMEDIATE queues the second save behind the first whole
def test_a_double_submit_of_a_first_review_says_unchanged_not_someone_elses(engine, seeded):
    """A double click on "保存评估" for a review not yet written, on PostgreSQL: neither save finds a row and
    both insert; the second waits on the first's row. Once the first is in, the second is this person's
    own text, already saved: "unchanged", not "someone saved meanwhile, reload" (the page would say the
    save was refused, though it was kept)."""
    alert, sessions, answers = seeded["handled"], sql_sessions(engine), {}

    def save(db):
        return incident_reviews.save(db, actor=DUTY, alert_id=alert, schools=frozenset({"s1"}), findings="宿舍吸烟",
                                     measures="加装烟感", expected=0, now=RAISED + timedelta(hours=8))

    def second():
        with sessions() as db:
            try:
                answers["second"] = save(db)
                db.commit()
            except LedgerError as exc:
                answers["second"] = exc

    def waiting() -> int:
        with engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                  "AND query ILIKE '%incident_review%'")).scalar()

    with sessions() as first:
        assert save(first) == incident_reviews.Saved(1, True)  # its row inserted, not yet committed
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 10
        while not waiting() and time.monotonic() < deadline:  # the second's INSERT waits on that row
            time.sleep(0.02)
        assert waiting()
        first.commit()
    thread.join(30)
    assert answers["second"] == incident_reviews.Saved(1, False)
    with sessions() as db:
        assert [e.after["version"] for e in db.scalars(
            select(AuditEntry).where(AuditEntry.action == "incident_review.save"))] == [1]


# -- the page, its callback and the PDF through the real app (SQLite) ---------------------------------
@pytest.fixture(scope="module")
def served(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("review"), secret_key="r" * 32)
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            seeded = _build(db)
            shared = hash_password(PASSWORD)
            units = dict(db.execute(select(OrgUnit.code, OrgUnit.id)).all())
            for name, (role, unit) in PEOPLE.items():
                db.add(User(username=name, display_name=f"测试 {name}", role=role, password_hash=shared,
                            unit_id=units[unit], created_at=RAISED, password_changed_at=RAISED))
            db.commit()
    finally:
        engine.dispose()
    return create_app(settings), seeded


def _save(app, client, alert: int, version: int, findings: str) -> str:
    key = next(k for k in app.callback_map if f"{ids.MESSAGE}." in k)
    body = _callback_body(app, key, {ids.SAVE: 1, ids.FINDINGS: findings, ids.MEASURES: "加装烟感",
                                     ids.VIEW: {"lang": "zh", "alert": alert, "version": version}})
    body["changedPropIds"] = [f"{ids.SAVE}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    return f"{answer.status_code} {answer.get_data(as_text=True)}"


def test_the_page_the_save_and_the_pdf_hold_to_role_and_school(served):
    app, seeded = served
    alert = seeded["handled"]
    duty1, duty2, insp1 = (signed_in(app, n) for n in ("duty1", "duty2", "insp1"))
    page = _router(duty1, f"?alert={alert}", "/review").get_data(as_text=True)
    assert "事后评估" in page and "火警处置卡" in page and "值班员 张" in page and "2分30秒" in page
    assert "03:14:05" in page  # local time (Asia/Shanghai)
    assert "未处置报警 1 · 其中紧急 1 · 在校人数 420 · 在校访客 3" in page  # the wall at the alarm's minute
    assert "?school=s1&at=2026-12-07T03%3A14" in page  # the wall as it was then, in its past view
    assert "火警处置卡" not in _router(duty2, f"?alert={alert}", "/review").get_data(as_text=True)  # not s2's
    assert "Incident review" in _router(duty1, f"?alert={alert}&lang=en", "/review").get_data(as_text=True)
    assert "已保存（第 1 版）" in _save(app, duty1, alert, 0, "宿舍吸烟")
    assert "内容未变" in _save(app, duty1, alert, 1, "宿舍吸烟")
    assert "他人已修改此评估" in _save(app, duty1, alert, 0, "另写一份")
    assert "您的学校中没有报警" in _save(app, duty2, alert, 1, "越权")  # the alert id is only a question
    assert _save(app, insp1, alert, 1, "无权").startswith("403")  # no DUTY_VIEW: the guard refuses the callback
    pdf = duty1.get(f"/api/v1/alerts/{alert}/review.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    for words in ("事后评估", "处置时间线", "火警处置卡", "宿舍吸烟", "加装烟感", "2分30秒", "真警", "在校人数 420"):
        assert words in text, words
    assert duty2.get(f"/api/v1/alerts/{alert}/review.pdf").status_code == 404
    english = subprocess.run(["pdftotext", "-", "-"], capture_output=True, check=True,
                             input=duty1.get(f"/api/v1/alerts/{alert}/review.pdf?lang=en").data).stdout.decode()
    assert "Incident review" in english and "Timeline" in english


def test_an_alert_id_past_the_ledgers_integers_is_no_such_alert_not_a_server_error(served):
    """An id no alert can have (past PostgreSQL's integer; past SQLite's, where the driver cannot even send
    it): the PDF is a 404, the page says not found, and a store edited to hold it saves nothing and says so."""
    app, _seeded = served
    duty1 = signed_in(app, "duty1")
    for alert in (2**31, 10**20):
        pdf = duty1.get(f"/api/v1/alerts/{alert}/review.pdf")
        assert pdf.status_code == 404 and pdf.get_json()["error"] == "no such alert", alert
        saved = _save(app, duty1, alert, 0, "越界")
        assert saved.startswith("200") and "没有报警" in saved, alert
    for asked in ("999999999999", "²"):  # past PostgreSQL's integer; a digit int() cannot read
        page = _router(duty1, f"?alert={asked}", "/review")
        assert page.status_code == 200 and "火警处置卡" not in page.get_data(as_text=True), asked
