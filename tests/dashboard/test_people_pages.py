"""The people and tokens pages' server side on a real app (SQLite and PostgreSQL, the real Redis):
a refused sign-in is kept for admins without its password; the callbacks take the admin's unit from
the signed-in session, so a forged request for another district is refused and saves nothing; the
own-password callback keeps the session in use and ends the others."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from dashboard.access import EXTENSION
from dashboard.app import create_app
from dashboard.pages.account_password import ids as own
from dashboard.pages.admin_tokens import ids as walls
from dashboard.pages.admin_users import ids
from dashboard.token_checks import TokenChecks
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, users
from ledger.commands.audit import Actor
from ledger.db import migrate
from ledger.models import AccessToken, AuditEntry, SignInFailure, User
from tests.dashboard.conftest import PASSWORD, sign_in, signed_in
from tests.dashboard.test_access import _callback_body, _callback_key, _router

ROOT = Actor("cli:test", "admin")


@pytest.fixture
def district_settings(settings_factory, redis_client, ledger_settings, engine):
    settings = settings_factory(database_url=ledger_settings.database_url, secret_key="q" * 32)
    ledger = sql_engine(settings)
    try:
        migrate(ledger)
        now = datetime.now(timezone.utc)
        with sql_sessions(ledger).begin() as db:
            for code, name in (("d1", "金水区"), ("d2", "二七区")):
                org.create_unit(db, actor=ROOT, scope=None, kind="district", code=code, name_zh=name, now=now)
            for code, parent in (("s1", "d1"), ("s2", "d2")):
                org.create_unit(db, actor=ROOT, scope=None, kind="school", code=code, name_zh=f"{code}中学",
                                parent=parent, school_type="middle", now=now)
            users.create_user(db, username="wang", display_name="王", role="admin", password=PASSWORD, unit="d1",
                              now=now)
            users.create_user(db, username="zhao", display_name="赵", role="duty", password=PASSWORD, unit="s1",
                              now=now)
    finally:
        ledger.dispose()
    return settings


def _read(settings, query):
    ledger = sql_engine(settings)
    try:
        with sql_sessions(ledger)() as db:
            return list(db.scalars(query))
    finally:
        ledger.dispose()


def _post(app, client, output: str, values: dict, triggered: str):
    key = _callback_key(app, output)
    body = _callback_body(app, key, values)
    body["changedPropIds"] = [f"{triggered}.n_clicks"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_a_refused_sign_in_is_kept_with_its_username_and_address_never_its_password(district_settings):
    app = create_app(district_settings)
    client = app.server.test_client()
    assert sign_in(client, "zhao", "not the password at all").status_code == 401
    assert sign_in(client, "nobody\x1b", "another wrong one").status_code == 401
    kept = _read(district_settings, select(SignInFailure).order_by(SignInFailure.id))
    assert [(f.username, f.ip) for f in kept] == [("zhao", "127.0.0.1"), ("nobody\u241b", "127.0.0.1")]
    admin = signed_in(app, "wang")
    assert admin.get("/admin/users").status_code == 200
    shown = _router(admin, "", "/admin/users").get_data(as_text=True)
    assert "最近登录失败" in shown and "zhao" in shown and "nobody" not in shown  # not a person of theirs
    english = _router(admin, "?lang=en", "/admin/users").get_data(as_text=True)
    assert "Recent failed sign-ins" in english and "127.0.0.1" in english
    assert "大屏令牌" in _router(admin, "", "/admin/tokens").get_data(as_text=True)


def test_a_forged_request_for_another_district_is_refused_and_saves_nothing(district_settings):
    app = create_app(district_settings)
    admin = signed_in(app, "wang")
    said = _post(app, admin, ids.MESSAGE, {
        ids.CREATE: 1, ids.NEW_USERNAME: "far", ids.NEW_NAME: "外区", ids.NEW_ROLE: "admin", ids.NEW_UNIT: "d2",
        ids.VIEW: {"lang": "en"}}, ids.CREATE)
    assert "Not saved" in said and "outside what you manage" in said
    # The same refusal on a zh-CN page (the default) reads in Chinese, with the same facts.
    said = _post(app, admin, ids.MESSAGE, {
        ids.CREATE: 1, ids.NEW_USERNAME: "far", ids.NEW_NAME: "外区", ids.NEW_ROLE: "admin", ids.NEW_UNIT: "d2",
        ids.VIEW: {}}, ids.CREATE)
    assert "未保存：" in said and "不在您的管理范围" in said and "outside" not in said
    said = _post(app, admin, ids.MESSAGE, {ids.CREATE: 1, ids.NEW_USERNAME: "top", ids.NEW_NAME: "全局",
                                           ids.NEW_ROLE: "admin", ids.NEW_UNIT: "", ids.VIEW: {}}, ids.CREATE)
    assert "未保存：请选择您管理的机构" in said
    said = _post(app, admin, walls.MESSAGE, {walls.CREATE: 1, walls.SCHOOL: "s2", walls.LABEL: "x",
                                             walls.VIEW: {}}, walls.CREATE)
    assert "未保存：" in said and "不在您的管理范围" in said
    said = _post(app, admin, walls.MESSAGE, {walls.CREATE: 1, walls.SCHOOL: "d2", walls.LABEL: "x",
                                             walls.VIEW: {}}, walls.CREATE)  # another district's own wall
    assert "未保存：" in said and "不在您的管理范围" in said
    assert not _read(district_settings, select(User).where(User.username.in_(["far", "top"])))
    assert not _read(district_settings, select(AccessToken))
    # The district's own wall (the bureau's command centre): its address opens /district?unit=d1.
    said = _post(app, admin, walls.MESSAGE, {walls.CREATE: 1, walls.SCHOOL: "d1", walls.LABEL: "区指挥中心",
                                             walls.VIEW: {}}, walls.CREATE)
    assert "\\u002fdistrict?unit=d1&token=" in said  # Dash's JSON escapes the slashes
    assert [t.school for t in _read(district_settings, select(AccessToken))] == ["d1"]
    # Within the district: saved, audited with who and from where.
    said = _post(app, admin, ids.MESSAGE, {ids.CREATE: 1, ids.NEW_USERNAME: "near", ids.NEW_NAME: "本区",
                                           ids.NEW_ROLE: "duty", ids.NEW_UNIT: "s1", ids.VIEW: {}}, ids.CREATE)
    assert "已新建账号：near" in said
    entry = _read(district_settings, select(AuditEntry).where(AuditEntry.action == "user.create"))[-1]
    assert (entry.actor, entry.actor_role, entry.ip, entry.school) == ("wang", "admin", "127.0.0.1", "s1")


def test_the_own_password_callback_keeps_this_session_and_ends_the_others(district_settings):
    app = create_app(district_settings)
    app.server.extensions[EXTENSION].checks = TokenChecks(fresh_s=0)  # see each change at once
    here, elsewhere = signed_in(app, "zhao"), signed_in(app, "zhao")
    new = "a brand new passphrase"
    said = _post(app, here, own.MESSAGE, {own.SAVE: 1, own.OLD: PASSWORD, own.NEW: new, own.AGAIN: new + "x",
                                          own.VIEW: {}}, own.SAVE)
    assert "不一致" in said
    said = _post(app, here, own.MESSAGE, {own.SAVE: 1, own.OLD: PASSWORD, own.NEW: new, own.AGAIN: new,
                                          own.VIEW: {}}, own.SAVE)
    assert "密码已修改" in said
    assert here.get("/account/password").status_code == 200
    refused = elsewhere.get("/account/password")
    assert refused.status_code == 303 and refused.headers["Location"].startswith("/login")
    assert _read(district_settings, select(AuditEntry).where(AuditEntry.action == "account.password"))


def test_a_disabled_person_is_enabled_again_from_the_page_and_signs_in_but_old_sessions_stay_ended(
        district_settings):
    app = create_app(district_settings)
    app.server.extensions[EXTENSION].checks = TokenChecks(fresh_s=0)  # see each change at once
    before, admin = signed_in(app, "zhao"), signed_in(app, "wang")
    act = {ids.PERSON: "zhao", ids.VIEW: {}}
    assert "已停用：zhao" in _post(app, admin, ids.MESSAGE, {ids.DISABLE: 1, **act}, ids.DISABLE)
    assert sign_in(app.server.test_client(), "zhao").status_code == 401
    said = _post(app, admin, ids.MESSAGE, {ids.ENABLE: 1, **act}, ids.ENABLE)
    assert "已重新启用：zhao" in said
    assert "未被停用" in _post(app, admin, ids.MESSAGE, {ids.ENABLE: 1, **act}, ids.ENABLE)  # a double submit
    assert "Pick a person" in _post(app, admin, ids.MESSAGE, {ids.ENABLE: 1, ids.VIEW: {"lang": "en"}}, ids.ENABLE)
    refused = before.get("/account/password")  # the session from before the disabling stays ended
    assert refused.status_code == 303 and refused.headers["Location"].startswith("/login")
    again = signed_in(app, "zhao")  # the real sign-in route, with their own password
    assert again.get("/account/password").status_code == 200
    # A duty officer cannot use the action (nor enable anyone): refused before the callback runs.
    duty = _callback_body(app, _callback_key(app, ids.MESSAGE), {ids.ENABLE: 1, **act})
    duty["changedPropIds"] = [f"{ids.ENABLE}.n_clicks"]
    assert again.post("/_dash-update-component", json=duty).status_code == 403
    entries = _read(district_settings, select(AuditEntry).where(AuditEntry.action.in_(["user.disable", "user.enable"]))
                    .order_by(AuditEntry.id))
    assert [(e.actor, e.action, e.target) for e in entries] == [("wang", "user.disable", "user:zhao"),
                                                                  ("wang", "user.enable", "user:zhao")]


def test_an_admin_held_to_a_list_of_schools_is_no_admin_of_the_whole_tree(district_settings):
    # An admin made on the command line with --school s1 and no unit (or kept from before units,
    # docs/admin.md) reads s1 only; with no unit the administration pages took them for an admin
    # over the whole tree: they could make themselves an admin of everything, or one of another district.
    ledger = sql_engine(district_settings)
    try:
        with sql_sessions(ledger).begin() as db:
            users.create_user(db, username="sun", display_name="孙", role="admin", password=PASSWORD,
                              schools=["s1"], now=datetime.now(timezone.utc))
    finally:
        ledger.dispose()
    app = create_app(district_settings)
    admin = signed_in(app, "sun")
    for unit in ("", "d2"):
        said = _post(app, admin, ids.MESSAGE, {ids.CREATE: 1, ids.NEW_USERNAME: "top", ids.NEW_NAME: "全局",
                                               ids.NEW_ROLE: "admin", ids.NEW_UNIT: unit, ids.VIEW: {}}, ids.CREATE)
        assert "未保存" in said
    said = _post(app, admin, ids.MESSAGE, {ids.RESET: 1, ids.PERSON: "wang", ids.VIEW: {}}, ids.RESET)
    assert "未保存" in said
    assert not _read(district_settings, select(User).where(User.username == "top"))
    assert not _read(district_settings, select(AuditEntry).where(AuditEntry.actor == "sun"))
    shown = _router(admin, "", "/admin/users").get_data(as_text=True)
    assert "wang" not in shown  # another district's admin is not even listed


def test_a_double_click_on_create_answers_created_not_already_a_user(district_settings):
    # Two clicks of 新建 send the same form twice; Dash shows the later answer, which said "not
    # saved: there is already a user" of the account the first had just made.
    app = create_app(district_settings)
    admin = signed_in(app, "wang")
    form = {ids.CREATE: 1, ids.NEW_USERNAME: "qin", ids.NEW_NAME: "秦老师", ids.NEW_ROLE: "duty",
            ids.NEW_UNIT: "s1", ids.VIEW: {}}
    first = _post(app, admin, ids.MESSAGE, form, ids.CREATE)
    assert "已新建账号：qin" in first and "admin-users-first-password" in first
    again = _post(app, admin, ids.MESSAGE, form, ids.CREATE)
    assert "已新建账号：qin" in again and "未保存" not in again and "重置密码" in again
    typed = {**form, ids.NEW_USERNAME: "lu", ids.NEW_PASSWORD: "a long passphrase 7"}
    _post(app, admin, ids.MESSAGE, typed, ids.CREATE)
    again = _post(app, admin, ids.MESSAGE, typed, ids.CREATE)
    assert "已新建账号：lu" in again and "密码为您输入的密码" in again
    # Another form with a taken username is refused as before.
    other = _post(app, admin, ids.MESSAGE, {**form, ids.NEW_NAME: "另一位秦老师"}, ids.CREATE)
    assert "未保存" in other and "已有用户" in other
    made = _read(district_settings, select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert [e.target for e in made] == ["user:qin", "user:lu"]
