"""The duty API on SQLite and a real PostgreSQL: the handover report (JSON and Excel), comments on
hazards, and who may use them (dashboard/roles.py): a wall token neither, leadership reads the
report but may not comment, duty officers both, each held to their school."""
from __future__ import annotations

import re
import threading
import zlib
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dashboard.app import create_app
from ledger.commands import alerts, hazard_comments, hazards
from ledger.models import Hazard, OrgUnit
from ledger.shifts import DEFAULT_SHIFTS, ShiftPlan
from tests.dashboard.conftest import client_with, issue_token

SCHOOL, OTHER = "t-school", "t-other"
TZ = ZoneInfo("Asia/Shanghai")
PLAN = ShiftPlan.load(DEFAULT_SHIFTS)
NIGHT = PLAN.shift_window(date(2026, 3, 1), "night", TZ)  # a past night: its report no longer changes
REPORT = f"/api/v1/schools/{SCHOOL}/handover?date=2026-03-01&shift=夜班"
COMMENTS = f"/api/v1/schools/{SCHOOL}/hazards/H-1/comments"
XSS = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>', "=HYPERLINK(\"http://evil\")"]


def at(minutes: float) -> datetime:
    return (NIGHT.start + timedelta(minutes=minutes)).astimezone(timezone.utc)


def build(session) -> None:
    school = OrgUnit(code=SCHOOL, kind="school", name_zh="测试学校")
    other = OrgUnit(code=OTHER, kind="school", name_zh="别的学校")
    session.add_all([school, other])
    session.flush()
    window = timedelta(minutes=10)
    smoke, _ = alerts.raise_alert(session, school=school, event_id="smoke-1", type="fire.smoke_alarm",
                                  domain="environment", severity="critical", raised_at=at(30), device="d1",
                                  building="b1", zone=None, detail=None, window=window)
    alerts.transition_alert(session, alert=smoke, action="acknowledge", by="值班员", at=at(31))
    alerts.transition_alert(session, alert=smoke, action="resolve", by="值班员", at=at(45), outcome="true_alarm")
    alerts.raise_alert(session, school=school, event_id="fence-1", type="perimeter.intrusion", domain="active_defence",
                       severity="high", raised_at=at(600), device="f1", building=None, zone=None, detail=None,
                       window=window)
    hazard = hazards.report_hazard(session, school=school, code="H-1", title="通风橱失效", found_at=at(-600), by="张三")
    hazards.transition_hazard(session, hazard=hazard, action="notify", by="王五", at=at(60))
    hazards.report_hazard(session, school=other, code="H-1", title="别校隐患", found_at=at(10))
    session.commit()


LEDGER_SEED = build  # the rows are written once per back-end; each test starts from a copy


@pytest.fixture
def built(seeded):
    return seeded


@pytest.fixture
def make_client(settings_factory, redis_client, ledger_settings, engine):
    settings = settings_factory(database_url=ledger_settings.database_url)
    app = create_app(settings)

    def make(role: str, school: str | None = None):
        return client_with(app, issue_token(settings, role=role, school=school))

    make.anonymous = app.server.test_client()
    return make


def test_the_report_of_a_shift_as_json(make_client, built):
    response = make_client("duty").get(REPORT)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.json
    assert body["school"] == SCHOOL and body["complete"] is True
    assert body["shift"] == {"name": "night", "name_zh": "夜班", "day": "2026-03-01",
                             "start": "2026-03-01T20:00:00+08:00", "end": "2026-03-02T08:00:00+08:00"}
    assert body["raised"]["total"] == 2 and body["raised"]["by_severity"]["critical"] == 1
    assert body["handled"]["resolved"] == 1 and body["handled"]["true_alarm"] == 1
    assert body["time_to_acknowledge"] == {"count": 1, "mean_s": 60.0, "p90_s": 60.0}
    assert body["time_to_resolve"] == {"count": 1, "mean_s": 900.0, "p90_s": 900.0}
    assert [a["code"] for a in body["open_at_end"]] == ["fence-1"]
    assert [(h["hazard_code"], h["to_stage"]) for h in body["hazard_changes"]] == [("H-1", "notified")]
    # The English name of the shift reads the same report.
    assert make_client("leader").get(REPORT.replace("夜班", "night")).json["raised"] == body["raised"]


def test_the_report_as_an_excel_download(make_client, built):
    response = make_client("leader").get(REPORT + "&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="handover-t-school-2026-03-01-night.xlsx"' in disposition and "filename*=UTF-8''" in disposition
    book = load_workbook(BytesIO(response.data))
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["本班新增报警"] == 2 and summary["平均处置用时（秒）"] == 900 and summary["时区"] == "Asia/Shanghai"
    assert [r[-1] for r in book["交班时未处置报警"].iter_rows(min_row=2, values_only=True)] == ["fence-1"]
    english = load_workbook(BytesIO(make_client("duty").get(REPORT + "&format=xlsx&lang=en").data))
    assert english.sheetnames[0] == "Summary"


def test_without_date_and_shift_the_last_shift_handed_over(make_client, built):
    body = make_client("duty").get(f"/api/v1/schools/{SCHOOL}/handover").json
    expected = PLAN.previous_shift(datetime.now(TZ), TZ)
    assert (body["shift"]["name"], body["shift"]["day"]) == (expected.name, expected.day.isoformat())


@pytest.mark.parametrize(("query", "parameter"), [
    ("date=2026-13-01&shift=night", "date"), ("date=yesterday&shift=night", "date"),
    ("date=2026-3-1&shift=night", "date"), ("date=2026-03-01&shift=evening", "shift"),
    ("date=2026-03-01", "shift"), ("shift=night", "date"), ("date=2026-03-01&shift=night&format=pdf", "format"),
    ("date=2026-03-01&shift=night&colour=red", "colour"),
    ("date=9999-12-31&shift=night", "date"),  # it ends past the last day Python has (it raised: a 500)
])
def test_bad_parameters_are_a_400_that_says_what_is_wrong(make_client, built, query, parameter):
    response = make_client("duty").get(f"/api/v1/schools/{SCHOOL}/handover?{query}")
    assert response.status_code == 400
    assert response.json["parameter"] == parameter and response.json["error"]
    if parameter == "shift" and "evening" in query:
        assert "night (夜班)" in response.json["error"]


def test_who_may_read_the_report(make_client, built):
    assert make_client("wall").get(REPORT).status_code == 403  # the wall reads the wall, not the duty desk
    assert make_client("leader").get(REPORT).status_code == 200
    assert make_client("admin").get(REPORT).status_code == 200
    assert make_client("duty", school=SCHOOL).get(REPORT).status_code == 200
    assert make_client("duty", school=OTHER).get(REPORT).status_code == 403  # held to its school
    assert make_client.anonymous.get(REPORT).status_code == 401
    assert make_client("duty").get("/api/v1/schools/nowhere/handover?date=2026-03-01&shift=night").status_code == 404


def test_a_duty_officer_comments_and_the_comment_joins_the_hazards_history(make_client, built):
    duty = make_client("duty")
    response = duty.post(COMMENTS, json={"text": "已电话通知实验室负责人"})
    assert response.status_code == 201, response.get_data(as_text=True)
    kept = response.json
    assert kept["hazard"] == "H-1" and kept["by"].startswith("token:") and kept["at"].endswith("+08:00")
    history = duty.get(f"/api/v1/schools/{SCHOOL}/hazards/H-1").json["history"]
    assert [(h["action"], h["to_stage"]) for h in history] == [("report", "reported"), ("notify", "notified"),
                                                               ("comment", None)]
    assert history[-1]["note"] == "已电话通知实验室负责人" and history[-1]["action_zh"] == "值班意见"
    # The other school's H-1 has no comment: the comment went to this school's hazard.
    assert [h["action"] for h in duty.get(f"/api/v1/schools/{OTHER}/hazards/H-1").json["history"]] == ["report"]


def test_comment_text_with_markup_is_kept_and_returned_as_text(make_client, built):
    duty = make_client("duty")
    for text in XSS:
        response = duty.post(COMMENTS, json={"text": text})
        assert response.status_code == 201
        raw = response.get_data(as_text=True)
        assert "<" not in raw and ">" not in raw  # escaped in the JSON text itself
        assert response.json["text"] == text and response.headers["X-Content-Type-Options"] == "nosniff"
    notes = [h["note"] for h in duty.get(f"/api/v1/schools/{SCHOOL}/hazards/H-1").json["history"]
             if h["action"] == "comment"]
    assert notes == XSS
    now = PLAN.current_shift(datetime.now(TZ), TZ)  # the comments were made in the current shift
    report = duty.get(f"/api/v1/schools/{SCHOOL}/handover?date={now.day.isoformat()}&shift={now.name}")
    assert "<" not in report.get_data(as_text=True)
    assert [c["text"] for c in report.json["comments"]] == XSS


def test_a_comment_keeps_its_lines_and_loses_control_characters(make_client, built):
    """Free text, as in an imported description (docs/ledger.md): PostgreSQL refuses NUL, and the
    answer says what was kept, on both back-ends."""
    duty = make_client("duty")
    response = duty.post(COMMENTS, json={"text": "已通知\x07\x00负责人\r\n第二行\t完\x1b[0m"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["text"] == "已通知负责人\n第二行\t完[0m"
    notes = [h["note"] for h in duty.get(f"/api/v1/schools/{SCHOOL}/hazards/H-1").json["history"]
             if h["action"] == "comment"]
    assert notes == ["已通知负责人\n第二行\t完[0m"]
    assert duty.post(COMMENTS, json={"text": "\x07\x00"}).json["error"] == "the comment is empty"


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"text": ""}, 400, "empty"), ({"text": "   "}, 400, "empty"), ({"text": "长" * 2001}, 400, "at most 2000"),
    ({"text": 5}, 400, "must be text"), ({"note": "x"}, 400, "JSON object"), ([], 400, "JSON object"),
])
def test_bad_comments_are_refused(make_client, built, body, status, says):
    response = make_client("duty").post(COMMENTS, json=body)
    assert response.status_code == status and says in response.json["error"]


def test_a_comment_of_2000_characters_is_kept(make_client, built):
    assert make_client("duty").post(COMMENTS, json={"text": "长" * 2000}).status_code == 201


def test_a_comment_must_be_sent_as_json(make_client, built):
    response = make_client("duty").post(COMMENTS, data="text=hello", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_unknown_hazard_or_school_is_a_404(make_client, built):
    duty = make_client("duty")
    assert duty.post(f"/api/v1/schools/{SCHOOL}/hazards/H-none/comments", json={"text": "x"}).status_code == 404
    assert duty.post("/api/v1/schools/nowhere/hazards/H-1/comments", json={"text": "x"}).status_code == 404


def test_who_may_comment(make_client, built):
    body = {"text": "x"}
    assert make_client("wall").post(COMMENTS, json=body).status_code == 403
    assert make_client("leader").post(COMMENTS, json=body).status_code == 403  # leadership reads only
    assert make_client("duty", school=OTHER).post(COMMENTS, json=body).status_code == 403
    assert make_client.anonymous.post(COMMENTS, json=body).status_code == 401
    assert make_client("admin").post(COMMENTS, json=body).status_code == 201
    # Nothing of the refused ones was kept.
    history = make_client("leader").get(f"/api/v1/schools/{SCHOOL}/hazards/H-1").json["history"]
    assert sum(h["action"] == "comment" for h in history) == 1


# ---- the report as PDF (ledger/handover_pdf.py) ----------------------------------------------------------

PDF = f"/api/v1/schools/{SCHOOL}/handover.pdf?date=2026-03-01&shift=night"


def _pdf_facts(data: bytes) -> tuple[int, str, bool]:
    """(pages, the document's title and bookmarks, whether its pages are A4 landscape: the app's own
    stylesheet was applied) read from the PDF's compressed objects: no PDF library is locked."""
    pages, titles, landscape = 0, [], False
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        if found := re.search(rb"/Type /Pages/Kids \[[^\]]*\]/Count (\d+)", text):
            pages = int(found.group(1))
        titles += [bytes.fromhex(found.decode()).decode("utf-16-be")
                   for found in re.findall(rb"/Title <feff([0-9a-f]*)>", text)]
        landscape = landscape or b"/MediaBox [0 0 841.889764 595.275591]" in text
    return pages, " | ".join(titles), landscape


@pytest.mark.backends("sqlite")  # the report's SQL runs on both in this module's other tests; this one renders
def test_the_report_as_a_pdf_fetches_nothing_and_is_held_to_the_school(make_client, built, session):
    hits = []

    class Counting(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        outside = f"http://127.0.0.1:{server.server_port}"
        hazard = session.scalar(select(Hazard).where(Hazard.code == "H-1", Hazard.title == "通风橱失效"))
        hazard_comments.add_comment(session, hazard=hazard, by="值班员", at=at(90),
                                    text=f'<img src="{outside}/x.png"><link rel="stylesheet" href="{outside}/a.css">')
        session.commit()
        response = make_client("duty", school=SCHOOL).get(PDF)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert 'filename="handover-t-school-2026-03-01-night.pdf"' in response.headers["Content-Disposition"]
        pages, title, landscape = _pdf_facts(response.data)
        assert pages >= 1 and "测试学校" in title and "夜班" in title and landscape
        assert b"/FontFile" in response.data or b"/Subtype /OpenType" in response.data  # the CJK font embedded
        assert hits == []  # the comment's markup was text: nothing fetched
    finally:
        server.shutdown()
        server.server_close()
    assert make_client("wall").get(PDF).status_code == 403  # a role without duty.view
    assert make_client("duty", school=OTHER).get(PDF).status_code == 403  # another school's duty officer
    assert make_client("duty").get(PDF + "&format=xlsx").status_code == 400
