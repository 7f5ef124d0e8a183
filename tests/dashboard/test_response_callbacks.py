"""Response cards through the real app's callbacks (dashboard/duty_response.py, /admin/cards), as
the browser posts them: the duty officer's card for their school's alert, its use recorded once; a
reader sees it and records nothing; another school's alert or card is refused, nothing written."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from dashboard.app import create_app
from dashboard.pages.admin_cards import ids as card_ids
from dashboard.pages.duty import ids
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import response_cards
from ledger.db import migrate
from ledger.models import AuditEntry, ResponseCard, ResponseCardUse
from tests.conftest import settings_for
from tests.dashboard.conftest import make_user, signed_in
from tests.dashboard.test_access import _callback_body, _callback_key
from tests.ledger.alarms import raise_alarm
from tests.ledger.register_support import ROOT, school_with_buildings

FORM = response_cards.CardForm(title="实验楼烟感处置", alert_type="fire", steps="确认火情", contacts="消防 119")


@pytest.fixture(scope="module")
def served(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("cards"), secret_key="k" * 32)
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            school_with_buildings(db)
            mine = response_cards.save_card(db, actor=ROOT, scope=None, school="s1", form=FORM, now=now).id
            theirs = response_cards.save_card(db, actor=ROOT, scope=None, school="s2", now=now,
                                              form=replace(FORM, title="二中火警")).id
            db.commit()
            alerts = {school: raise_alarm(db, event_id=f"smoke-{school}", at=now - timedelta(seconds=10), school=school,
                                          building=building, zone=None).id
                      for school, building in (("s1", "lab"), ("s2", "gym"))}
    finally:
        engine.dispose()
    make_user(settings, "duty1", role="duty", schools=("s1",), name="值班一")
    make_user(settings, "leader1", role="leader", schools=("s1",))
    make_user(settings, "admin1", role="admin", unit="s1")
    app = create_app(settings)
    return settings, app, {"mine": mine, "theirs": theirs, **alerts}


def uses(settings) -> list[tuple[int, str]]:
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return [(u.alert_id, u.used_by) for u in db.scalars(select(ResponseCardUse).order_by(ResponseCardUse.id))]
    finally:
        engine.dispose()


def open_card(app, client, alert_id: int, lang: str = "zh") -> str:
    client.get("/duty")
    body = _callback_body(app, _callback_key(app, ids.DUTY_CARD),
                          {ids.DUTY_SELECTED: alert_id, ids.DUTY_VIEW: {"school": None, "lang": lang}})
    answer = client.post("/_dash-update-component", json=body)
    return f"{answer.status_code} {answer.get_data(as_text=True)}"


def test_the_officer_gets_their_schools_card_once_and_never_another_schools(served):
    settings, app, made = served
    duty = signed_in(app, "duty1")
    shown = open_card(app, duty, made["s1"])
    assert shown.startswith("200") and "实验楼烟感处置" in shown and "tel:119" in shown and "值班一" in shown
    open_card(app, duty, made["s1"], "en")  # opened again: recorded once
    assert uses(settings) == [(made["s1"], "duty1")]
    other = open_card(app, duty, made["s2"])  # a forged pick: the other school's alert
    assert "二中火警" not in other and "此报警已不存在或不属于您可查看的学校" in other
    leader = signed_in(app, "leader1")
    assert "实验楼烟感处置" in open_card(app, leader, made["s1"])  # leadership reads the card
    assert uses(settings) == [(made["s1"], "duty1")]  # and records no use


def post_card(app, client, button: str, values: dict) -> str:
    client.get("/admin/cards")
    body = _callback_body(app, _callback_key(app, card_ids.MESSAGE), {card_ids.VIEW: {"lang": "zh"}, **values})
    body["changedPropIds"] = [f"{button}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    return f"{answer.status_code} {answer.get_data(as_text=True)}"


def test_admin_cards_are_held_to_the_admins_unit_and_refused_to_other_roles(served):
    settings, app, made = served
    admin = signed_in(app, "admin1")
    form = {card_ids.TITLE: "实验楼三层", card_ids.TYPE: "fire.smoke_alarm", card_ids.PLACE: "lab|3F",
            card_ids.STEPS: "一\n二", card_ids.CONTACTS: "值班室 0571-88881234", card_ids.ADD: 1}
    said = post_card(app, admin, card_ids.ADD, {card_ids.SCHOOL: "s1", **form})
    assert "已新建：实验楼三层" in said
    refused = post_card(app, admin, card_ids.ADD, {card_ids.SCHOOL: "s2", **form, card_ids.PLACE: None})
    assert "未保存" in refused and "管理范围" in refused
    # Another school's card by its id, with the admin's own school: not found there, untouched.
    retire = post_card(app, admin, card_ids.RETIRE, {card_ids.SCHOOL: "s1", card_ids.PICK: made["theirs"],
                                                     card_ids.RETIRE: 1})
    assert "没有处置卡" in retire
    bad = post_card(app, admin, card_ids.ADD, {card_ids.SCHOOL: "s1", **form, card_ids.TITLE: "标\x1b题"})
    assert "不可见字符" in bad
    duty = signed_in(app, "duty1")
    assert not post_card(app, duty, card_ids.ADD, {card_ids.SCHOOL: "s1", **form}).startswith("200")
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            titles = sorted(c.title for c in db.scalars(select(ResponseCard).where(ResponseCard.retired_at.is_(None))))
            audited = [e.actor for e in db.scalars(select(AuditEntry).where(AuditEntry.action.like("response_card%")))]
    finally:
        engine.dispose()
    assert titles == ["二中火警", "实验楼三层", "实验楼烟感处置"]
    assert audited == ["root", "root", "admin1"]


def test_a_picked_card_that_cannot_be_a_cards_id_is_refused_and_nothing_is_retired(served):
    """The pick is the browser's: True is 1 to Python and SQL (it retired card 1), 2**63 and more
    overflowed SQLite's driver (a 500); PostgreSQL refuses past INTEGER (it said "failed")."""
    settings, app, made = served
    admin = signed_in(app, "admin1")
    for odd in (True, 2**31, 2**63, 10**20, 0, -1):
        said = post_card(app, admin, card_ids.RETIRE, {card_ids.SCHOOL: "s1", card_ids.PICK: odd, card_ids.RETIRE: 1})
        assert said.startswith("200") and ("没有处置卡" in said or "请先选择" in said), (odd, said)
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            assert db.get(ResponseCard, made["mine"]).retired_at is None
    finally:
        engine.dispose()
