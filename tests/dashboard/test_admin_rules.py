"""The rules page (/admin/rules) on a real app: in a real Chromium an admin over the whole tree
checks a bad rule (refused with the reason, nothing saved) and saves a good one (the next version,
audited); a scoped admin reads the rules and cannot save them, even by posting the callback."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kernel.connections import sql_engine, sql_sessions
from kernel.settings import DEFAULT_ALERT_RULES
from ledger import live_rules
from ledger.models import AuditEntry, RuleText
from tests.dashboard.conftest import PASSWORD, make_user, signed_in
from tests.dashboard.test_access import _callback_body
from tests.dashboard.test_wall_browser import browser, screenshot_dir  # noqa: F401 (shared fixtures)

SHIPPED = live_rules.file_text(DEFAULT_ALERT_RULES)


@pytest.fixture
def rules_settings(settings_factory, redis_client):
    settings = settings_factory(secret_key="r" * 32)
    make_user(settings, "root", role="admin")
    make_user(settings, "head", role="admin", schools=("s1",))
    return settings


def stored(settings):
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return (list(db.scalars(select(RuleText).order_by(RuleText.id))),
                    list(db.scalars(select(AuditEntry).order_by(AuditEntry.id))))
    finally:
        engine.dispose()


def open_page(browser, served, username: str, path: str = "/admin/rules"):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(served.url + "/login?next=" + path.replace("/", "%2F").replace("?", "%3F").replace("=", "%3D"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
    page.wait_for_selector(".admin-rules", timeout=15_000)
    return context, page


def test_an_admin_checks_and_saves_rules(browser, rules_settings, serve, tmp_path):  # noqa: F811
    served = serve(rules_settings)
    context, page = open_page(browser, served, "root")
    editor, message = "#admin-rules-alert_rules-text", "#admin-rules-alert_rules-message"
    try:
        assert page.input_value(editor) == SHIPPED
        assert "系统默认" in page.inner_text("#admin-rules-alert_rules-version")
        page.screenshot(path=str(screenshot_dir(tmp_path) / "admin-rules.png"), full_page=False)
        bad = SHIPPED + '\n[[rule]]\ntype = "fire.smoke_alarm"\nseverity = "urgent"\n'
        page.fill(editor, bad)
        page.click("#admin-rules-alert_rules-save")
        expect(page.locator(message)).to_contain_text("第 18 条规则：severity 应为")
        assert stored(rules_settings) == ([], [])  # refused: nothing stored, nothing audited

        page.fill(editor, SHIPPED + '\n[[rule]]\ntype = "device.online"\nseverity = "medium"\n')
        page.click("#admin-rules-alert_rules-check")
        expect(page.locator(message)).to_contain_text("检查通过")
        assert stored(rules_settings) == ([], [])  # a check stores nothing
        page.click("#admin-rules-alert_rules-save")
        expect(page.locator(message)).to_contain_text("已保存为第 1 版")
        expect(page.locator("#admin-rules-alert_rules-version")).to_contain_text("第 1 版")
        page.click("#admin-rules-alert_rules-save")  # a second click: the same text, nothing new
        expect(page.locator(message)).to_contain_text("内容与正在使用的版本相同")
        versions, entries = stored(rules_settings)
        assert [(v.kind, v.version, v.saved_by) for v in versions] == [("alert_rules", 1, "root")]
        assert [(e.action, e.target, e.actor) for e in entries] == [("rules.update", "rules:alert_rules", "root")]

        page.reload()
        page.wait_for_selector(".admin-rules")
        assert "device.online" in page.input_value(editor)  # the page shows the version in use
    finally:
        context.close()


def test_a_scoped_admin_reads_the_rules_and_cannot_save_them(browser, rules_settings, serve):  # noqa: F811
    served = serve(rules_settings)
    context, page = open_page(browser, served, "head", "/admin/rules?lang=en")
    try:
        assert "only an administrator over every unit" in page.inner_text(".admin-rules-read-only")
        assert page.locator("#admin-rules-alert_rules-save").count() == 0
        assert page.locator("#admin-rules-alert_rules-text").get_attribute("readonly") is not None
    finally:
        context.close()
    # The button is not there; posting its callback anyway is refused by the ledger's scope check.
    client = signed_in(served.app, "head")
    client.get("/admin/rules")
    key = next(k for k in served.app.callback_map if "admin-rules-alert_rules-message.children" in k)
    body = _callback_body(served.app, key, {"admin-rules-alert_rules-save": 1,
                                            "admin-rules-alert_rules-text": SHIPPED + "\n",
                                            "admin-rules-view": {"lang": "en"}})
    body["changedPropIds"] = ["admin-rules-alert_rules-save.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200 and "whole tree" in answer.get_data(as_text=True)
    body["state"] = [s if s["id"] != "admin-rules-view" else {**s, "value": {}} for s in body["state"]]
    answer = client.post("/_dash-update-component", json=body)  # zh-CN, the default: the same, in Chinese
    assert "只有全局管理员可以修改" in json.dumps(answer.get_json(), ensure_ascii=False)
    assert stored(rules_settings) == ([], [])


def test_the_web_app_takes_saved_deadlines_within_seconds(rules_settings):
    """The duty console and the wall read deadlines through the app's services: a saved version
    replaces the file there too, at the next check (every few seconds, ledger/live_rules.py)."""
    import time
    from datetime import datetime, timezone

    from dashboard.app import create_app
    from dashboard.services import EXTENSION
    from kernel.settings import DEFAULT_ALERT_DEADLINES
    from ledger.commands import rules
    from ledger.commands.audit import Actor

    app = create_app(rules_settings)
    live = app.server.extensions[EXTENSION]
    try:
        assert live.deadlines.acknowledge_within_ms["critical"] == 60_000
        shipped = live_rules.file_text(DEFAULT_ALERT_DEADLINES)
        engine = sql_engine(rules_settings)
        try:
            with sql_sessions(engine).begin() as db:
                rules.save(db, actor=Actor("root", "admin"), whole_tree=True, kind="alert_deadlines",
                           text=shipped.replace("critical = 60", "critical = 45"), current_text=shipped,
                           now=datetime.now(timezone.utc))
        finally:
            engine.dispose()
        deadline = time.monotonic() + live_rules.CHECK_EVERY_S + 3
        while live.deadlines.acknowledge_within_ms["critical"] != 45_000:
            assert time.monotonic() < deadline, "the web app still runs the old deadlines"
            time.sleep(0.1)
    finally:
        live.close()
