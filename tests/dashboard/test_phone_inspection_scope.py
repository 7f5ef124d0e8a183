"""The phone's inspection pages on the real app (the real Redis; the ledger on SQLite and PostgreSQL):
the checklist opens only the person's own plan of today, and every step (start, record, finish) on
another person's or another school's inspection is refused alike as "not found or not yours"; a
token does none of it; double taps save once and a second finish says it was finished already.
Requests are what the page's renderer posts. One app and ledger per module; each test its own plans."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from dashboard.app import create_app
from dashboard.callback_scope import split_callback_id
from dashboard.pages.phone_inspection import ids
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import inspection_plans as plans
from ledger.commands import users
from ledger.db import migrate
from ledger.models import Building, Inspection, InspectionResult, OrgUnit, RiskPoint, User
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, client_with, issue_token, signed_in
from tests.dashboard.test_access import _router
from tests.ledger.register_support import school_with_buildings

PEOPLE = {  # username: (name, role, unit)
    "chen": ("陈安全", "safety", "s1"), "zhang": ("张巡查", "inspector", "s1"), "li": ("李巡查", "inspector", "s1"),
    "sun": ("孙安全", "safety", "s2"), "zhao": ("赵巡查", "inspector", "s2"),
}
NOT_FOUND = "未找到，或不在您的范围内"


class Site:
    def __init__(self, settings, plan_ids: dict[str, int]):
        self.settings = settings
        self.plans = plan_ids
        self.app = create_app(settings)
        self.clients = {name: signed_in(self.app, name) for name in ("zhang", "li", "zhao")}  # who asks
        self.token = issue_token(settings)

    def read(self, query):
        engine = sql_engine(self.settings)
        try:
            with sql_sessions(engine)() as db:
                return query(db)
        finally:
            engine.dispose()


def _risk_point(db, school: str, code: str, measures: str) -> None:
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school))
    building = db.scalar(select(Building).where(Building.school_id == found.id))
    today = datetime.now(timezone.utc).date()
    db.add(RiskPoint(code=code, name=f"风险点 {code}", building_id=building.id, control_measures=measures,
                     school_id=found.id, method="LEC", l_value=3, e_value=6, c_value=15, score=270, level="high",
                     colour="orange", identified_on=today, last_reviewed_on=today))


@pytest.fixture(scope="module")
def site(module_database_url, redis_url, tmp_path_factory) -> Site:
    settings = settings_for(redis_url, tmp_path_factory.mktemp("phone-inspect-scope"),
                            database_url=module_database_url, secret_key="s" * 32)
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    today = now.astimezone(settings.tz).date()
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            school_with_buildings(db)
            for code in ("RP-A", "RP-C"):
                _risk_point(db, "s1", code, "灭火器在有效期内\n疏散通道畅通")
            _risk_point(db, "s2", "RP-B", "消防栓水压正常")
            for username, (name, role, unit) in PEOPLE.items():
                users.create_user(db, username=username, display_name=name, role=role, password=PASSWORD, unit=unit,
                                  now=now)
            db.flush()
            ids_of = {u.username: u.id for u in db.scalars(select(User))}

            def plan(who, school, point, assignee):
                return plans.create_plan(db, user_id=ids_of[who], school=school, now=now, today=today,
                                         form=plans.PlanForm(name=f"{point} 日查", frequency="daily", risk_point=point,
                                                             assignee_username=assignee)).id

            plan_ids = {"A": plan("chen", "s1", "RP-A", "zhang"), "C": plan("chen", "s1", "RP-C", "zhang"),
                        "B": plan("sun", "s2", "RP-B", "zhao")}
    finally:
        engine.dispose()
    return Site(settings, plan_ids)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return json.dumps(response.json, ensure_ascii=False)


def _callback(site: Site, client, input_type: str, values: dict, *, item: int | None = None):
    """Post the callback one of whose inputs has `input_type` as the renderer does; `values` by
    component id (a pattern id's type for the item's own components); `input_type` changed."""
    key, spec = next((k, s) for k, s in site.app.callback_map.items()
                     if "callback" in s and any(input_type in i["id"] for i in s["inputs"]))

    def concrete(raw: str):
        if not raw.startswith("{"):
            return raw, raw
        pattern = json.loads(raw)
        return {k: (item if v == ["MATCH"] else v) for k, v in pattern.items()}, pattern["type"]

    def items(declared):
        out = []
        for d in declared:
            id_, name = concrete(d["id"])
            out.append({"id": id_, "property": d["property"], "value": values.get(name)})
        return out

    parsed = split_callback_id(key)
    outputs = [{"id": concrete(o["id"])[0], "property": o["property"]} for o in parsed]
    inputs = items(spec["inputs"])
    changed = next(i for i in inputs if (i["id"]["type"] if isinstance(i["id"], dict) else i["id"]) == input_type)
    changed_id = json.dumps(changed["id"], sort_keys=True, separators=(",", ":")) if isinstance(
        changed["id"], dict) else changed["id"]
    body = {"output": key, "outputs": outputs, "inputs": inputs, "state": items(spec["state"]),
            "changedPropIds": [f"{changed_id}.{changed['property']}"]}
    return client.post("/_dash-update-component", json=body)


def start(site, who, plan, lang="zh"):
    return _callback(site, site.clients[who], ids.START, {ids.START: 1, ids.VIEW: {"lang": lang, "plan": plan}})


def record(site, who, inspection, position, result="pass", *, note="", keys=None, client=None):
    values = {ids.answer(result, 0)["type"]: 1, ids.NOTE: note, ids.PHOTOS: keys, ids.ANSWERED: None,
              ids.INSPECTION: {"inspection": inspection}, ids.VIEW: {"lang": "zh", "plan": None}}
    return _callback(site, client or site.clients[who], ids.answer(result, 0)["type"], values, item=position)


def note_left(site, who, inspection, position, note, *, answered):
    values = {ids.NOTE: note, ids.ANSWERED: answered, ids.INSPECTION: {"inspection": inspection},
              ids.VIEW: {"lang": "zh", "plan": None}}
    return _callback(site, site.clients[who], ids.NOTE, values, item=position)


def finish(site, who, inspection, lang="zh"):
    return _callback(site, site.clients[who], ids.FINISH, {ids.FINISH: 1, ids.INSPECTION: {"inspection": inspection},
                                                           ids.VIEW: {"lang": lang, "plan": None}})


def inspection_of(site, plan: int) -> int:
    return site.read(lambda db: db.scalar(select(Inspection.id).where(Inspection.plan_id == plan)))


def results_of(site, inspection: int) -> list[tuple]:
    rows = select(InspectionResult).where(InspectionResult.inspection_id == inspection)
    return site.read(lambda db: [(r.position, r.result, r.by)
                                 for r in db.scalars(rows.order_by(InspectionResult.position))])


def test_the_checklist_opens_only_the_persons_own_plan_of_today(site):
    a, b = site.plans["A"], site.plans["B"]
    assert "开始巡查" in _text(_router(site.clients["zhang"], "", f"/m/inspections/{a}"))
    for who, path in (("li", f"/m/inspections/{a}"),  # the same school's plan, another inspector's
                      ("zhao", f"/m/inspections/{a}"),  # another school's
                      ("zhang", f"/m/inspections/{b}"),  # another school's, asked by the s1 inspector
                      ("zhang", "/m/inspections/99999"), ("zhang", "/m/inspections/abc"),
                      ("zhang", "/m/inspections/1%2F2"), ("zhang", "/m/inspections/" + "9" * 40),
                      ("zhang", "/m/inspections/2147483648"), ("zhang", "/m/inspections/%C2%B2")):  # past INTEGER, "²"
        shown = _text(_router(site.clients[who], "", path))
        assert NOT_FOUND in shown and "开始巡查" not in shown, (who, path)
    assert "今天没有需要做的巡查" in _text(_router(site.clients["li"], "", "/m/inspections"))
    today = _text(_router(site.clients["zhang"], "", "/m/inspections"))
    assert f"/m/inspections/{a}" in today and f"/m/inspections/{b}" not in today


def test_steps_on_another_persons_or_schools_inspection_are_refused_alike(site):
    a, b = site.plans["A"], site.plans["B"]
    assert "phone-inspection-checklist" in _text(start(site, "zhang", a))
    assert "phone-inspection-checklist" in _text(start(site, "zhao", b))
    ia, ib = inspection_of(site, a), inspection_of(site, b)
    # Starting another's plan: the plan id is the page's store, the browser's to edit.
    for who, plan in (("li", a), ("zhao", a), ("zhang", b), ("zhang", 2**31), ("zhang", 2**40)):  # past INTEGER
        shown = _text(start(site, who, plan))
        assert NOT_FOUND in shown and "phone-inspection-checklist" not in shown, (who, plan)
    for who, inspection in (("li", ia), ("zhao", ia), ("zhang", ib), ("zhang", 10**9),
                            ("zhang", 2**31), ("zhang", 2**40)):  # past INTEGER: PostgreSQL said "cannot write"
        assert NOT_FOUND in _text(record(site, who, inspection, 0, "fail")), (who, inspection)
        assert NOT_FOUND in _text(finish(site, who, inspection)), (who, inspection)
    assert results_of(site, ia) == [] and results_of(site, ib) == []
    assert "Not found, or outside your scope" in _text(finish(site, "li", ia, lang="en"))
    # Junk in the stores: refused, not a 500.
    assert NOT_FOUND in _text(record(site, "zhang", "1 or 1=1", 0))
    assert "没有第 5 项" in _text(record(site, "zhang", ia, 5)).replace("\\", "")
    # A wall token (no person) does none of it: the guard refuses before the callback runs.
    wall = client_with(site.app, site.token)
    assert record(site, "zhang", ia, 0, client=wall).status_code in (401, 403)
    assert wall.get(f"/m/inspections/{a}").status_code in (401, 403)
    assert results_of(site, ia) == []


def test_double_taps_save_once_and_a_second_finish_says_it_is_finished(site):
    c = site.plans["C"]
    assert "phone-inspection-checklist" in _text(start(site, "zhang", c))
    assert "phone-inspection-checklist" in _text(start(site, "zhang", c))  # a second tap opens the same one
    assert site.read(lambda db: db.scalar(select(func.count()).select_from(Inspection)
                                          .where(Inspection.plan_id == c))) == 1
    ic = inspection_of(site, c)
    for _ in range(2):
        shown = _text(record(site, "zhang", ic, 0, "pass"))
        assert "已保存" in shown and "is-pass" in shown
    assert results_of(site, ic) == [(0, "pass", "zhang")]
    early = _text(finish(site, "zhang", ic))
    assert "还有 1 项未检查（第 2 项）" in early and "tone-error" in early
    # A note left before any answer is not saved, and says so; left after a fail, it is saved with it.
    assert "请先选择合格、不合格或不适用" in _text(note_left(site, "zhang", ic, 1, "通道", answered=None))
    assert results_of(site, ic) == [(0, "pass", "zhang")]
    shown = _text(record(site, "zhang", ic, 1, "fail"))
    assert "/m/report?draft=" in shown
    assert "已保存" in _text(note_left(site, "zhang", ic, 1, "<b>通道堵塞</b>", answered="fail"))
    first = _text(finish(site, "zhang", ic))
    assert "phone-inspection-summary" in first and "未保存" not in first
    again = _text(finish(site, "zhang", ic))
    assert "该巡查已完成（张巡查 于" in again and "无需再次提交" in again and "tone-ok" in again
    assert "未保存" not in again
    after = _text(record(site, "zhang", ic, 0, "fail"))
    assert "签字完成，不能再修改" in after
    assert results_of(site, ic) == [(0, "pass", "zhang"), (1, "fail", "zhang")]
    note = site.read(lambda db: db.scalar(select(InspectionResult.note).where(
        InspectionResult.inspection_id == ic, InspectionResult.position == 1)))
    assert note == "<b>通道堵塞</b>"  # kept as typed; the page shows it as text
