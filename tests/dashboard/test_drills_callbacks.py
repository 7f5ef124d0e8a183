"""The drills page's save through the real app (dashboard/pages/drills): a form sent twice for a new
record — a double tap whose second request left before the first answered, both with no record to
correct yet — is one record, as the ledger's request id promises (ledger/commands/drills.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dashboard.app import create_app
from dashboard.pages.drills import ids
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, users
from ledger.commands.audit import Actor
from ledger.db import migrate
from ledger.models import Drill
from tests.dashboard.conftest import PASSWORD, signed_in
from tests.dashboard.test_access import _callback_body, _router

ROOT = Actor("root", "admin")
YESTERDAY = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat()


@pytest.fixture
def drills_app(app_settings):
    engine = sql_engine(app_settings)
    now = datetime.now(timezone.utc)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            org.create_unit(db, actor=ROOT, scope=None, kind="school", code="s1", name_zh="一中",
                            school_type="middle", now=now)
            users.create_user(db, username="safety1", display_name="安全员", role="safety", password=PASSWORD,
                              unit="s1", now=now)
    finally:
        engine.dispose()
    return app_settings, create_app(app_settings)


def _stores(answer) -> dict:
    found = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Store":
                found[node["props"]["id"]] = node["props"].get("data")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(answer.get_json())
    return found


def _records(settings) -> list[Drill]:
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return list(db.scalars(select(Drill)))
    finally:
        engine.dispose()


def test_a_new_record_sent_twice_before_the_first_answer_is_one_record(drills_app):
    settings, app = drills_app
    client = signed_in(app, "safety1")
    page = _stores(_router(client, "?school=s1", "/drills"))
    assert page[ids.EDITING] is None
    key = next(k for k, spec in app.callback_map.items()
               if "callback" in spec and any(i["id"] == ids.SAVE for i in spec["inputs"]))
    form = {ids.TITLE: "消防疏散演练", ids.KIND: "drill", ids.HELD_ON: YESTERDAY, ids.UNIT: None, ids.COUNT: 300,
            ids.NAMES: "", ids.PLAN: "火灾专项预案", ids.NOTES: "", ids.EDITING: None, ids.VIEW: page[ids.VIEW],
            **{k: v for k, v in page.items() if k not in (ids.VIEW, ids.EDITING)}}  # the form's own stores
    answers = []
    for clicks in (1, 2):  # the second tap's request carries what the page held then: no record yet
        body = _callback_body(app, key, form | {ids.SAVE: clicks})
        body["changedPropIds"] = [f"{ids.SAVE}.n_clicks"]
        answers.append(client.post("/_dash-update-component", json=body))
    assert [a.status_code for a in answers] == [200, 200]
    assert "已保存" in answers[0].get_data(as_text=True)
    assert len(_records(settings)) == 1, answers[1].get_data(as_text=True)
    # A new form (新建) is a new record: its request id is its own.
    new = next(k for k, spec in app.callback_map.items()
               if "callback" in spec and any(i["id"] == ids.NEW for i in spec["inputs"]))
    body = _callback_body(app, new, {ids.NEW: 1, ids.VIEW: page[ids.VIEW]})
    body["inputs"] = [[] if i["id"].startswith("{") else i for i in body["inputs"]]  # no row buttons tapped
    body["changedPropIds"] = [f"{ids.NEW}.n_clicks"]
    fresh = client.post("/_dash-update-component", json=body).get_json()
    assert "response" in fresh, fresh
    fresh = fresh["response"]
    renewed = {k: v.get("data") for k, v in fresh.items() if "data" in v and k != ids.EDITING}
    body = _callback_body(app, key, form | renewed | {ids.SAVE: 3, ids.TITLE: "全员安全培训", ids.KIND: "training"})
    body["changedPropIds"] = [f"{ids.SAVE}.n_clicks"]
    assert "已保存" in client.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert sorted(r.title for r in _records(settings)) == ["全员安全培训", "消防疏散演练"]
    # Withdrawn, the form is for a new record again, with a request id of its own.
    withdraw = next(k for k, spec in app.callback_map.items()
                    if "callback" in spec and any(i["id"] == ids.WITHDRAW for i in spec["inputs"]))
    training = next(r.id for r in _records(settings) if r.title == "全员安全培训")
    body = _callback_body(app, withdraw, {ids.WITHDRAW: 1, ids.REASON: "录入错误", ids.EDITING: training,
                                          ids.VIEW: page[ids.VIEW]})
    body["changedPropIds"] = [f"{ids.WITHDRAW}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    assert answer[ids.EDITING]["data"] is None and answer[ids.REQUEST]["data"] not in (None, *renewed.values())
