"""The on-call roster in the ledger (ledger/commands/oncall.py, oncall_import.py, queries/ledger/oncall.py)
on SQLite and PostgreSQL: set, substitute and clear, each audited and harmless when repeated; who is
on call at a moment; the admin's scope and who may take a level; the Excel import whole or not at all."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from ledger import org_scope
from ledger.commands import oncall, oncall_import, org
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.exchange import ImportRejected
from ledger.handover_view import handover_view
from ledger.models import AuditEntry, OnCallEntry, User
from queries.ledger import oncall as reads
from queries.ledger.handover import handover_report
from tests.ledger.test_org_admin import NOW, ROOT, tree

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = Actor("s1admin", "admin", "192.0.2.7")
MONDAY = date(2026, 12, 7)
# (username, name, role, unit)
PEOPLE = [("zhang", "张三", "duty", "s1"), ("li", "李四", "safety", "s1-chem"), ("wang", "王五", "leader", "s1-east"),
          ("zhao", "赵六", "duty", "s1"), ("chen", "陈老师", "reporter", "s1"), ("s1admin", "管理员", "admin", "s1"),
          ("liu", "刘二", "duty", "s2")]


def _seed(db) -> None:
    tree(db)
    org.create_unit(db, actor=ROOT, scope=None, kind="school", code="s2", name_zh="第二小学", parent="d2",
                    school_type="primary", now=NOW)
    units = {u.code: u.id for u in db.scalars(select(org_scope.OrgUnit))}
    for username, name, role, unit in PEOPLE:  # nobody signs in here: no password worth hashing
        db.add(User(username=username, display_name=name, role=role, password_hash="-", unit_id=units[unit]))
    db.commit()


LEDGER_SEED = _seed


def _at(local_hour: int, day: date = MONDAY) -> datetime:
    """A moment given in Shanghai's hours, as UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(hours=local_hour)


def _names(found, level):
    return [p.name for p in found.people(level)]


def _audit(db):
    return [(e.action, e.target, e.before, e.after) for e in db.scalars(select(AuditEntry).where(
        AuditEntry.action.like("oncall.%")).order_by(AuditEntry.id))]


def test_set_substitute_and_clear_answer_truthfully_are_audited_and_resolve_who_is_on_call(session, seeded):
    db, common = session, {"actor": ADMIN, "scope": "s1", "school": "s1", "now": NOW}
    assert oncall.set_entry(db, day=MONDAY, shift="night", level=0, person="zhang", **common).action == "set"
    assert oncall.set_entry(db, day=MONDAY, shift="夜班", level=0, person="张三", **common).action == "unchanged"
    assert oncall.set_entry(db, day=MONDAY, shift="night", level=1, person="李四", **common).action == "set"
    assert oncall.set_entry(db, day=MONDAY, shift="night", level=2, person="wang", **common).action == "set"
    change = oncall.substitute(db, day=MONDAY, shift="night", level=0, person="zhao", **common)
    assert (change.action, change.person) == ("substituted", "赵六")
    assert oncall.substitute(db, day=MONDAY, shift="night", level=0, person="赵六", **common).action == "unchanged"
    db.commit()
    # 02:00 on Tuesday is Monday's night shift: Zhao stands in for Zhang.
    found = reads.on_call(db, "s1", _at(26))
    assert (found.window.day, found.window.name) == (MONDAY, "night")
    assert _names(found, 0) == ["赵六"] and found.levels[0][0].standing_in_for.name == "张三"
    assert _names(found, 1) == ["李四"] and _names(found, 2) == ["王五"]
    school_id = found.school_id
    assert reads.on_call(db, school_id, _at(10, date(2026, 12, 8))).nobody  # Tuesday's day shift: nobody set
    row = db.scalar(select(OnCallEntry).where(OnCallEntry.level == 0))
    assert (row.substituted_by, row.substituted_at, db.get(User, row.user_id).username) == ("s1admin", NOW, "zhang")
    assert oncall.substitute(db, day=MONDAY, shift="night", level=0, person="zhang",
                             **common).action == "substitution_ended"
    assert oncall.clear(db, day=MONDAY, shift="night", level=2, **common).action == "cleared"
    assert oncall.clear(db, day=MONDAY, shift="night", level=2, **common).action == "nothing"
    db.commit()
    found = reads.on_call(db, "s1", _at(21))
    assert _names(found, 0) == ["张三"] and _names(found, 2) == []
    report = handover_report(db, school_id=school_id, window=found.window, tz=SHANGHAI)
    assert [(p["level"], p["name"]) for p in report["on_call"]] == [(0, "张三"), (1, "李四")]
    assert handover_view(report, "zh")["on_call"] == "本班值班：张三（值班员）· 李四（安全负责人）"
    target = "oncall:s1/2026-12-07/night/0"
    assert _audit(db)[:1] == [("oncall.set", target, None, {"person": "zhang", "substitute": None})]
    assert [a for a, *_ in _audit(db)] == ["oncall.set"] * 3 + ["oncall.substitute"] * 2 + ["oncall.clear"]
    grid = reads.week(db, "s1", date(2026, 12, 10))
    assert grid.monday == MONDAY and grid.rows[1][2][0].person.name == "张三"
    assert {p.username: levels for p, _role, levels in reads.candidates(db, "s1")} == {
        "zhang": (0, 1), "zhao": (0, 1), "li": (1,), "wang": (2,), "s1admin": (0, 1)}


def test_refusals_scope_school_and_role_in_both_languages(session, seeded):
    db = session
    base = {"actor": ADMIN, "now": NOW, "day": MONDAY, "shift": "day", "level": 0}
    with pytest.raises(org_scope.OutOfScope) as refused:
        oncall.set_entry(db, scope="s1", school="s2", person="liu", **base)
    assert "管理范围" in refused.value.zh
    with pytest.raises(org_scope.OutOfScope):
        oncall.clear(db, scope="d2", school="s1", now=NOW, actor=ADMIN, day=MONDAY, shift="day", level=0)
    for person, level, english, chinese in (("liu", 0, "nobody of", "没有人员"),
                                            ("chen", 0, "role is Reporter", "上报员"),
                                            ("zhang", 2, "school leadership must be", "校领导须为领导"),
                                            ("", 0, "username or name", "请填写")):
        with pytest.raises(LedgerError, match=english) as refused:
            oncall.set_entry(db, scope="s1", school="s1", person=person, **{**base, "level": level})
        assert chinese in refused.value.zh
    with pytest.raises(LedgerError, match="no shift") as refused:
        oncall.set_entry(db, scope="s1", school="s1", person="zhang", **{**base, "shift": "evening"})
    assert "白班、夜班" in refused.value.zh
    with pytest.raises(LedgerError, match="set somebody first"):
        oncall.substitute(db, scope="s1", school="s1", person="zhao", **base)
    with pytest.raises(LedgerError, match="the level is"):
        oncall.set_entry(db, scope="s1", school="s1", person="zhang", **{**base, "level": 3})
    assert db.scalar(select(OnCallEntry)) is None and _audit(db) == []


def _sheet(rows, header=("日期", "班次", "值班员", "安全负责人", "校领导")) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_takes_a_good_sheet_whole_and_refuses_a_bad_one_whole(session, seeded):
    db, common = session, {"actor": ADMIN, "scope": "s1", "school": "s1", "now": NOW}
    oncall.set_entry(db, day=MONDAY, shift="day", level=2, person="wang", **common)
    good = _sheet([(datetime(2026, 12, 7), "白班", "zhang", "李四", ""), ("2026-12-08", "全天", "赵六", "li", "王五")])
    done = oncall_import.import_sheet(db, data=good, **common)
    db.commit()
    assert done.rows == 3 and done.counts == {"set": 8, "cleared": 1}  # Monday's leader cleared by the empty cell
    assert _names(reads.on_call(db, "s1", _at(23, date(2026, 12, 8))), 2) == ["王五"]
    assert _names(reads.on_call(db, "s1", _at(9)), 2) == []
    bad = _sheet([("2026-12-09", "白班", "zhang", "", ""), ("2026-12-09", "午班", "liu", "chen", ""),
                  ("明天", "夜班", "", "", "zhang"), ("2026-12-09", "day", "zhao", "", "")])
    with pytest.raises(ImportRejected) as refused:
        oncall_import.import_sheet(db, data=bad, **common)
    said = [str(e) for e in refused.value.errors]
    assert said == ["第3行【班次】没有班次“午班”，班次为白班、夜班", "第3行【值班员】第一中学没有人员“liu”（或已停用）",
                    "第3行【安全负责人】陈老师的角色是隐患上报员，安全负责人须为安全管理员、值班员、管理员",
                    "第4行【日期】“明天”不是日期（如 2026-12-07）", "第4行【值班员】请填写值班员（用户名或姓名）",
                    "第4行【校领导】张三的角色是值班员，校领导须为领导", "第5行【班次】2026-12-09 白班与第2行重复"]
    with pytest.raises(ImportRejected) as refused:
        oncall_import.import_sheet(db, data=_sheet([("2026-12-09", "zhang")], header=("日期", "值班员")), **common)
    assert [str(e) for e in refused.value.errors] == ["第1行【班次】缺少这一列"]
    assert db.scalar(select(OnCallEntry.id).where(OnCallEntry.day == date(2026, 12, 9))) is None
    with pytest.raises(org_scope.OutOfScope):
        oncall_import.import_sheet(db, data=good, **{**common, "school": "s2"})
