"""Issue 16's console link and admin forms through the real app, as the browser posts them (one app on
the real Redis and a SQLite ledger for the module; the commands' SQL on PostgreSQL too is
tests/ledger/test_notify_policy.py's): a message's link opens its alert after sign-in and never another
school's; sign-in returns only to this site; an admin sets a unit's notification policy and the people's
addresses of their own unit only, refused in the page's language, a second click harmless."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote, urlsplit

import pytest
from sqlalchemy import select

from dashboard.app import create_app
from dashboard.pages.admin_notify import ids as notify_ids
from dashboard.pages.admin_users import ids as user_ids
from dashboard.pages.duty import ids
from kernel.connections import sql_engine, sql_sessions
from ledger import notify_text
from ledger.commands import notify_policy, users
from ledger.db import migrate
from ledger.models import AuditEntry, NotifyAddress, NotifyPolicy, OrgUnit, User
from ledger.notify_addresses import masked
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, sign_in, signed_in
from tests.dashboard.test_access import _callback_body, _callback_key, _router
from tests.ledger.alarms import raise_alarm
from tests.ledger.register_support import ROOT, school_with_buildings

PUBLIC = "https://anquan.example.edu.cn"


@pytest.fixture(scope="module")
def served(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("link"), secret_key="l" * 32, public_url=PUBLIC)
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            school_with_buildings(db)
            units = {u.code: u.id for u in db.scalars(select(OrgUnit))}
            notify_policy.set_policy(db, actor=ROOT, scope=None, unit_id=units["d1"], now=now, form={
                "quiet_start": "22:00", "quiet_end": "06:30", "reminder_days": "2,0", "reminder_at": "09:00",
                "digest_at": ""})
            db.commit()
            alerts = {school: raise_alarm(db, event_id=f"smoke-{school}", at=now - timedelta(seconds=10), school=school,
                                          building=building, zone=None).id
                      for school, building in (("s1", "lab"), ("s2", "gym"))}
            for username, role, unit in (("duty1", "duty", "s1"), ("teacher1", "reporter", "s1"),
                                         ("admin1", "admin", "s1"), ("other2", "duty", "s2")):
                users.create_user(db, username=username, display_name=username, role=role, password=PASSWORD,
                                  unit=unit, now=now)
            db.commit()
    finally:
        engine.dispose()
    return settings, create_app(settings), {**{f"alert_{k}": v for k, v in alerts.items()}, **units}


def _post(app, client, output: str, values: dict, triggered: str | None = None) -> str:
    body = _callback_body(app, _callback_key(app, output), values)
    if triggered:
        body["changedPropIds"] = [f"{triggered}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    return f"{answer.status_code} {answer.get_data(as_text=True)}"


def _rows(settings, model, *where):
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return list(db.scalars(select(model).where(*where)))
    finally:
        engine.dispose()


def test_a_message_link_opens_its_alert_after_sign_in_and_nothing_of_another_school(served):
    settings, app, made = served
    link = notify_text.console_link(PUBLIC, made["alert_s1"], "s1")
    address = link.removeprefix(PUBLIC)
    assert address == f"/duty?school=s1&alert={made['alert_s1']}"
    browser = app.server.test_client()
    asked = browser.get(address)  # nobody signed in: to the sign-in page, the link kept whole
    assert asked.status_code == 303 and asked.headers["Location"] == "/login?next=" + quote(address, safe="")
    target = unquote(urlsplit(asked.headers["Location"]).query.removeprefix("next="))
    assert sign_in(browser, "duty1", next=target).headers["Location"] == address  # back to exactly it
    # Only ever this site: another site's address, or one a browser reads as another host, lands on /duty.
    for evil in ("https://evil.example/duty", "//evil.example", "/\\evil.example", "/\\/evil.example"):
        form = app.server.test_client().get("/login?next=" + quote(evil, safe="")).get_data(as_text=True)
        assert "evil" not in form
        assert sign_in(app.server.test_client(), "duty1", next=evil).headers["Location"] == "/duty"

    # The console opens with that alert picked: the store holds it, its row is marked, its button there.
    page = _router(browser, f"?school=s1&alert={made['alert_s1']}", "/duty").get_data(as_text=True)
    stores = {c["props"]["id"]: c["props"].get("data") for c in _components(json.loads(page))
              if c.get("type") == "Store"}
    assert stores[ids.DUTY_SELECTED] == made["alert_s1"] and stores[ids.DUTY_LINKED] == made["alert_s1"]
    view = {"school": "s1", "lang": "zh"}
    mine, theirs = made["alert_s1"], made["alert_s2"]
    rows = _post(app, browser, ids.DUTY_LIST, {ids.DUTY_TICK: 1, ids.DUTY_VIEW: view, ids.DUTY_SELECTED: mine,
                                                ids.DUTY_FILTER_DOMAIN: "", ids.DUTY_FILTER_BUILDING: "",
                                                ids.DUTY_FILTER_TYPE: ""})
    row = next(c for c in _components(json.loads(rows.split(" ", 1)[1]))
               if c["props"].get("data-alert") == str(made["alert_s1"]))
    assert "is-selected" in row["props"]["className"]
    assert ids.duty_ack(made["alert_s1"]) in [c["props"].get("id") for c in _components(row)]  # its acknowledge button
    detail = _post(app, browser, ids.DUTY_DETAIL, {ids.DUTY_SELECTED: mine, ids.DUTY_TICK: 1, ids.DUTY_VIEW: view})
    assert detail.startswith("200") and "实验楼" in detail
    # The other school's alert by its id, under this school's console: nothing of it, a clear message.
    for output in (ids.DUTY_DETAIL, ids.DUTY_CARD):
        other = _post(app, browser, output, {ids.DUTY_SELECTED: theirs, ids.DUTY_TICK: 1, ids.DUTY_VIEW: view})
        assert "此报警已不存在或不属于您可查看的学校" in other and "体育馆" not in other and "第二中学" not in other
    gone = _post(app, browser, ids.DUTY_DETAIL, {ids.DUTY_SELECTED: 99_999, ids.DUTY_TICK: 1, ids.DUTY_VIEW: view})
    assert "此报警已不存在" in gone
    assert _router(browser, "?alert=abc", "/duty").status_code == 200  # not a number: no alert picked, no error
    # The other school named in the link: the person's refusal, in words for a person.
    refused = browser.get(f"/duty?school=s2&alert={made['alert_s2']}")
    assert refused.status_code == 403 and "无权查看" in refused.get_data(as_text=True)
    assert "令牌" not in refused.get_data(as_text=True) and "体育馆" not in refused.get_data(as_text=True)
    # A role that may not read the console: after signing in, the existing refusal.
    reporter = app.server.test_client()
    assert sign_in(reporter, "teacher1", next=address).headers["Location"] == address
    assert reporter.get(address).status_code == 403


def _components(node):
    """Every Dash component in a router answer (its layout as JSON)."""
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
        for value in node.values():
            yield from _components(value)
    elif isinstance(node, list):
        for value in node:
            yield from _components(value)


POLICY = {notify_ids.QUIET_START: "21:30", notify_ids.QUIET_END: "07:00", notify_ids.REMINDER_DAYS: "3，1",
          notify_ids.REMINDER_AT: "08:15", notify_ids.DIGEST_AT: "07:45"}


def test_an_admin_sets_a_units_policy_sees_whose_holds_and_stays_in_their_unit(served):
    settings, app, made = served
    admin = signed_in(app, "admin1")  # the admin of school s1
    view = {notify_ids.VIEW: {"lang": "zh"}}
    shown = _post(app, admin, notify_ids.POLICY_HOLDS, view | {notify_ids.POLICY_UNIT: made["s1"]})
    assert "沿用 金水区 (d1) 的策略" in shown and "22:00" in shown and "2,0" in shown
    form = view | POLICY | {notify_ids.POLICY_UNIT: made["s1"], notify_ids.POLICY_SAVE: 1}
    assert "已保存通知策略" in _post(app, admin, notify_ids.POLICY_MESSAGE, form, notify_ids.POLICY_SAVE)
    assert "未改变" in _post(app, admin, notify_ids.POLICY_MESSAGE, form, notify_ids.POLICY_SAVE)  # a double click
    shown = _post(app, admin, notify_ids.POLICY_HOLDS, view | {notify_ids.POLICY_UNIT: made["s1"]})
    assert "本单位自己的策略" in shown and "3,1" in shown and "08:15" in shown
    # Refused in the page's language, nothing saved: a bad time; a unit above or beside the admin's.
    english = form | {notify_ids.REMINDER_AT: "25:00", notify_ids.VIEW: {"lang": "en"}}
    bad = _post(app, admin, notify_ids.POLICY_MESSAGE, english, notify_ids.POLICY_SAVE)
    assert "Not saved" in bad and "is not a time" in bad
    for unit in (made["s2"], made["d1"], "1"):
        refused = _post(app, admin, notify_ids.POLICY_MESSAGE, form | {notify_ids.POLICY_UNIT: unit},
                        notify_ids.POLICY_SAVE)
        assert "未保存" in refused, refused
        assert "沿用" not in _post(app, admin, notify_ids.POLICY_HOLDS, view | {notify_ids.POLICY_UNIT: unit})
    [row] = _rows(settings, NotifyPolicy, NotifyPolicy.unit_id == made["s1"])
    assert (row.reminder_at, row.reminder_days) == ("08:15", "3,1")
    assert len(_rows(settings, NotifyPolicy)) == 2  # d1's and s1's: nothing for s2
    clear = view | {notify_ids.POLICY_UNIT: made["s1"], notify_ids.POLICY_CLEAR: 1}
    assert "已删除本单位策略" in _post(app, admin, notify_ids.POLICY_MESSAGE, clear, notify_ids.POLICY_CLEAR)
    assert "未改变" in _post(app, admin, notify_ids.POLICY_MESSAGE, clear, notify_ids.POLICY_CLEAR)
    audited = [e.action for e in _rows(settings, AuditEntry, AuditEntry.target == "unit:s1")]
    assert audited == ["notify_policy.set", "notify_policy.clear"]
    duty = signed_in(app, "duty1")  # not an admin: the guard refuses the callback before it runs
    assert _post(app, duty, notify_ids.POLICY_MESSAGE, form, notify_ids.POLICY_SAVE).startswith("403")


def test_an_admin_sets_the_addresses_of_their_people_only_shown_and_audited_masked(served):
    settings, app, _made = served
    admin = signed_in(app, "admin1")

    def send(person, value, kind="phone", button=user_ids.ADDRESS_SAVE, lang="zh"):
        values = {user_ids.VIEW: {"lang": lang}, user_ids.PERSON: person, user_ids.ADDRESS_KIND: kind,
                  user_ids.ADDRESS_VALUE: value, button: 1}
        return _post(app, admin, user_ids.ADDRESS_VALUE, values, button)

    said = send("duty1", "13800138000")
    assert "已保存 duty1 的手机号" in said and "138****8000" in said and "13800138000" not in said
    assert "未改变" in send("duty1", " 13800138000 ")  # the same again: nothing written
    assert "已保存" in send("duty1", "duty1@school.edu.cn", "email")
    for value, reason in (("138-0013-8000", "手机号格式不正确"), ("1380013\x1b8000", "不可见字符"),
                          ("13800\t138000", "不可见字符")):
        assert reason in send("duty1", value), value
    assert "invisible character" in send("duty1", "a\x01b@school.edu.cn", "email", lang="en")
    refused = send("other2", "13900139000")  # a person of another school: answered as unknown
    assert "未保存" in refused and "您管理的人员中没有用户" in refused
    assert "未保存" in send("nobody", "13900139000")
    page = _router(admin, "", "/admin/users").get_data(as_text=True)
    assert "138****8000" in page and "d***@school.edu.cn" in page and "13800138000" not in page
    [duty] = _rows(settings, User, User.username == "duty1")
    kept = {a.kind: a.value for a in _rows(settings, NotifyAddress, NotifyAddress.user_id == duty.id)}
    assert kept == {"phone": "13800138000", "email": "duty1@school.edu.cn"}
    assert "已清除" in send("duty1", "", button=user_ids.ADDRESS_CLEAR)
    entries = _rows(settings, AuditEntry, AuditEntry.action == "notify_address.set")
    assert [(e.before, e.after) for e in entries] == [
        ({"phone": None}, {"phone": "138****8000"}), ({"email": None}, {"email": "d***@school.edu.cn"}),
        ({"phone": "138****8000"}, {"phone": None})]
    assert not _rows(settings, NotifyAddress, NotifyAddress.user_id != duty.id)  # other2 untouched


def test_addresses_are_masked_to_tell_them_apart_not_to_copy_them():
    assert masked("phone", "13800138000") == "138****8000"
    assert masked("phone", "+8613800138000") == "+861****8000"
    assert masked("email", "wang@school.edu.cn") == "w***@school.edu.cn"
    assert masked("phone", "") == "" and masked("phone", "123456") == "****56"


def test_a_link_whose_alert_is_not_ascii_digits_opens_the_console_with_nothing_picked(served):
    """`?alert=` takes ASCII digits only: "²" or "①" are digits to str.isdigit but not to int(), and a
    link edited by hand (or a phone's autocorrect) must open the console, not fail it."""
    _settings, app, _made = served
    browser = app.server.test_client()
    sign_in(browser, "duty1")
    for odd in ("²", "①", "7²"):
        page = _router(browser, "?school=s1&alert=" + quote(odd), "/duty")
        assert page.status_code == 200, page.get_data(as_text=True)
        stores = {c["props"]["id"]: c["props"].get("data") for c in _components(json.loads(page.get_data()))
                  if c.get("type") == "Store"}
        assert stores[ids.DUTY_SELECTED] is None


# Values no page of ours sends but a link or a forged store can: past the ledger's integer (SQLite's
# driver raises OverflowError, a 500; PostgreSQL refuses them), a bool (True is 1 to Python and SQL),
# below 1, a fraction.
NOT_ALERT_IDS = (2**31, 2**63, 10**20, True, 0, -1, 1.5)


def test_an_alert_id_that_cannot_be_an_alert_picks_nothing_and_fails_nothing(served):
    _settings, app, made = served
    browser = app.server.test_client()
    sign_in(browser, "duty1")
    for odd in ("2147483648", "999999999999999999"):  # a link's id past the ledger's integer: nothing picked
        page = _router(browser, "?school=s1&alert=" + odd, "/duty")
        stores = {c["props"]["id"]: c["props"].get("data") for c in _components(json.loads(page.get_data()))
                  if c.get("type") == "Store"}
        assert page.status_code == 200 and stores[ids.DUTY_SELECTED] is None
    view = {"school": "s1", "lang": "zh"}
    for odd in NOT_ALERT_IDS:
        for output in (ids.DUTY_DETAIL, ids.DUTY_CARD):
            answer = _post(app, browser, output, {ids.DUTY_SELECTED: odd, ids.DUTY_TICK: 1, ids.DUTY_VIEW: view})
            assert answer.startswith(("200", "204")), (odd, output, answer)
            assert "实验楼" not in answer  # True is not alert 1
        body = _callback_body(app, _callback_key(app, ids.DUTY_FEEDBACK),
                              {ids.DUTY_SELECTED: odd, ids.DUTY_VIEW: view, ids.DUTY_RESOLVE_NOTE: "处理完毕",
                               ids.DUTY_OUTCOME: "false_alarm"})
        body["changedPropIds"] = [f"{ids.DUTY_RESOLVE}.n_clicks"]
        body["inputs"] = [[] if i["id"].startswith("{") else {**i, "value": 1 if i["id"] == ids.DUTY_RESOLVE else None}
                          for i in body["inputs"]]  # the acknowledge buttons (a pattern): none drawn
        answer = browser.post("/_dash-update-component", json=body)
        text = answer.get_data(as_text=True)
        assert answer.status_code in (200, 204) and "失败" not in text, (odd, answer.status_code, text)
    assert _rows(_settings, AuditEntry, AuditEntry.action.like("alert.%")) == []  # no alert was touched


def test_a_shift_on_the_last_day_python_has_is_refused_in_words_not_failed(served):
    _settings, app, _made = served
    browser = app.server.test_client()
    sign_in(browser, "duty1")
    view = {"school": "s1", "lang": "zh"}
    for day in ("9999-12-31", "0001-01-01"):
        for shift in ("day", "night"):
            answer = _post(app, browser, ids.DUTY_HANDOVER, {ids.DUTY_SHIFT_DATE: day, ids.DUTY_SHIFT: shift,
                                                             ids.DUTY_VIEW: view})
            assert answer.startswith("200"), (day, shift, answer)
