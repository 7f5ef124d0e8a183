"""The on-call roster page's callbacks through the real app (dashboard/pages/admin_oncall): a school
admin sets, swaps and clears entries of their own school and imports a sheet, with truthful answers
and a harmless repeat; another school and another role are refused whatever the page sends."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, users
from ledger.commands.audit import Actor
from ledger.db import migrate
from ledger.models import AuditEntry, OnCallEntry, OrgUnit, User
from tests.dashboard.conftest import PASSWORD, signed_in
from tests.dashboard.test_access import _callback_body, _callback_key, _refused
from tests.ledger.test_oncall import _sheet

ROOT = Actor("root", "admin")
# Today in the school's zone (SCHOOL_TIMEZONE's default): the duty console shows who is on call now.
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()
DAY, YESTERDAY = TODAY.isoformat(), (TODAY - timedelta(days=1)).isoformat()


@pytest.fixture
def oncall_ledger(app_settings):
    """Schools s1 and s2; admin1 (admin of s1), duty1 (a duty officer of s1, who may not edit the
    roster), and people of s1 and s2 who are put on call."""
    engine = sql_engine(app_settings)
    now = datetime.now(timezone.utc)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            for code in ("s1", "s2"):
                org.create_unit(db, actor=ROOT, scope=None, kind="school", code=code, name_zh=f"{code}中学",
                                school_type="middle", now=now)
            for username, role in (("admin1", "admin"), ("duty1", "duty")):
                users.create_user(db, username=username, display_name=username, role=role, password=PASSWORD,
                                  unit="s1", now=now)
            units = {u.code: u.id for u in db.scalars(select(OrgUnit))}
            for username, name, role, unit in (("zhang", "张三", "duty", "s1"), ("zhao", "赵六", "duty", "s1"),
                                               ("wang", "王五", "leader", "s1"), ("liu", "刘二", "duty", "s2")):
                db.add(User(username=username, display_name=name, role=role, password_hash="-",
                            unit_id=units[unit]))
    finally:
        engine.dispose()
    return app_settings


def _post(app, client, output: str, values: dict, changed: str):
    body = _callback_body(app, _callback_key(app, output), values)
    body["changedPropIds"] = [changed]
    return client.post("/_dash-update-component", json=body)


def _write(app, client, button: str, school: str = "s1", lang: str = "zh", **values):
    response = _post(app, client, "admin-oncall-grid", {
        f"admin-oncall-{button}": 1, "admin-oncall-school": school, "admin-oncall-week": DAY,
        "admin-oncall-day": DAY, "admin-oncall-shift": "night", "admin-oncall-level": 0,
        "admin-oncall-person": "zhang", "admin-oncall-view": {"lang": lang}, **values},
        f"admin-oncall-{button}.n_clicks")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json()["response"], ensure_ascii=False)


def _upload(app, client, data: bytes, school: str = "s1"):
    contents = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + \
        base64.b64encode(data).decode()
    body = _callback_body(app, _callback_key(app, "admin-oncall-import-message"), {
        "admin-oncall-upload": contents, "admin-oncall-school": school, "admin-oncall-view": {"lang": "zh"}})
    body["state"][0]["value"] = "值班表.xlsx"  # the upload's filename: the same component as its contents
    body["changedPropIds"] = ["admin-oncall-upload.contents"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json()["response"], ensure_ascii=False)


def test_the_roster_page_writes_only_the_admins_school_and_answers_truthfully(app, oncall_ledger):
    duty = signed_in(app, "duty1")
    refused = _post(app, duty, "admin-oncall-grid", {"admin-oncall-set": 1, "admin-oncall-school": "s1"},
                    "admin-oncall-set.n_clicks")
    assert _refused(refused)
    admin = signed_in(app, "admin1")
    answer = _write(app, admin, "set")
    assert f"已设置：{DAY} 夜班 值班员 张三" in answer and "张三" in answer.split("admin-oncall-grid")[1]
    assert f"未改变：{DAY} 夜班 值班员 已是 张三" in _write(app, admin, "set")  # a double submit
    answer = _write(app, admin, "substitute", lang="en", **{"admin-oncall-person": "zhao"})
    assert f"Substituted: {DAY} night Duty officer is 赵六" in answer and "赵六 (for 张三)" in answer
    assert "校领导须为领导" in _write(app, admin, "set", **{"admin-oncall-level": 2})
    answer = _write(app, admin, "set", school="s2", **{"admin-oncall-person": "liu"})
    assert "不在您的管理范围" in answer
    assert f"已清除：{DAY} 夜班 值班员" in _write(app, admin, "clear")
    assert f"未改变：{DAY} 夜班 值班员 本无排班" in _write(app, admin, "clear")
    bad = _upload(app, admin, _sheet([(DAY, "白班", "liu", "", "")]))
    assert "未导入：表中有 1 处错误" in bad and "没有人员“liu”" in bad
    good = _upload(app, admin, _sheet([(YESTERDAY, "全天", "zhang", "", "王五"), (DAY, "全天", "zhang", "", "王五")]))
    assert "已导入 4 个班次：新排 8 人" in good
    on_call = _post(app, duty, "duty-on-call", {"duty-on-call-tick": 1, "duty-view": {"school": "s1", "lang": "zh"}},
                    "duty-on-call-tick.n_intervals")  # the duty console's header, for a duty officer
    assert on_call.json["response"]["duty-on-call"]["children"] == "当前值班：张三（值班员）· 王五（校领导）"
    assert "不在您的管理范围" in _upload(app, admin, _sheet([(DAY, "白班", "liu", "", "")]), school="s2")
    engine = sql_engine(oncall_ledger)
    try:
        with sql_sessions(engine)() as db:
            assert db.scalar(select(OnCallEntry.id).join(OrgUnit).where(OrgUnit.code == "s2")) is None
            actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.actor == "admin1")
                                      .order_by(AuditEntry.id)))
            assert actions == ["oncall.set", "oncall.substitute", "oncall.clear"] + ["oncall.set"] * 8
    finally:
        engine.dispose()


def test_the_first_and_last_weeks_python_has_are_shown_or_refused_in_words(app, oncall_ledger):
    """The week of 9999-12-31 runs past the last day Python has (its grid raised OverflowError); a
    slot on 9999-12-31 at night, or 0001-01-01, is answered in words too."""
    admin = signed_in(app, "admin1")
    for day in ("9999-12-31", "0001-01-01"):
        shown = _post(app, admin, "admin-oncall-grid", {"admin-oncall-school": "s1", "admin-oncall-week": day,
                                                        "admin-oncall-view": {"lang": "zh"}},
                      "admin-oncall-week.value")
        assert shown.status_code == 200, (day, shown.get_data(as_text=True)[:300])
        answer = _write(app, admin, "set", **{"admin-oncall-week": day, "admin-oncall-day": day})
        assert "失败" not in answer and "无法" not in answer, (day, answer[:300])
