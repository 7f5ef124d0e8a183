"""The audit page in a real Chromium: an admin filters the log by actor, action and text, pages
through it, and reads a change as a diff of plain text."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import PASSWORD, make_user
from tests.dashboard.test_admin_audit import record
from tests.dashboard.test_wall_browser import browser, screenshot_dir  # noqa: F401 (shared fixtures)


@pytest.fixture
def audit_served(settings_factory, redis_client, serve):
    settings = settings_factory(secret_key="b" * 32)
    make_user(settings, "root", role="admin")
    make_user(settings, "head", role="admin", schools=("s1",))
    record(settings,
           ("root", "org.create", "school:s1", "s1", None, {"name_zh": "第一中学"}),
           ("root", "org.create", "school:s2", "s2", None, {"name_zh": "第二中学"}),
           ("head", "org.update", "campus:s1-east", "s1", {"name_zh": "东区"}, {"name_zh": "东校区"}),
           ("root", "user.create", "user:zhang", "s1", None, {"display_name": "<b>张</b>", "role": "duty"}))
    return serve(settings)


def open_as(browser, served, username: str, path: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(served.url + "/login?next=" + path.replace("?", "%3F").replace("&", "%26").replace("=", "%3D"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
    page.wait_for_selector(".admin-audit", timeout=15_000)
    return context, page


def entries(page) -> list[str]:
    return page.locator(".admin-audit-entry .admin-audit-target").all_inner_texts()


def test_an_admin_filters_the_audit_log(browser, audit_served, tmp_path):  # noqa: F811
    context, page = open_as(browser, audit_served, "root", "/admin/audit")
    try:
        assert entries(page) == ["user:zhang", "campus:s1-east", "school:s2", "school:s1"]  # newest first
        # The diff: plain text, the markup someone typed shown as they typed it.
        change = page.locator(".admin-audit-entry").first.locator(".admin-diff")
        assert "<b>张</b>" in change.inner_text() and change.locator("b").count() == 0
        page.screenshot(path=str(screenshot_dir(tmp_path) / "admin-audit.png"), full_page=True)

        page.fill("#admin-audit-actor", "head")
        page.click("#admin-audit-apply")
        page.wait_for_url(lambda url: "actor=head" in url)
        expect(page.locator(".admin-audit-entry")).to_have_count(1)
        assert entries(page) == ["campus:s1-east"]
        diff = page.locator(".admin-audit-entry .admin-diff").inner_text()
        assert "东区" in diff and "东校区" in diff
        # The downloads carry the same filter.
        assert "actor=head" in page.get_attribute("#admin-audit-xlsx", "href")

        page.fill("#admin-audit-actor", "")
        page.fill("#admin-audit-action", "org.create")
        page.fill("#admin-audit-q", "s2")
        page.click("#admin-audit-apply")
        page.wait_for_url(lambda url: "q=s2" in url)
        expect(page.locator(".admin-audit-entry")).to_have_count(1)
        assert entries(page) == ["school:s2"]

        page.fill("#admin-audit-q", "")
        page.fill("#admin-audit-since", "someday")
        page.click("#admin-audit-apply")
        page.wait_for_selector("#admin-audit-message .tone-error")
        assert "起始日期" in page.inner_text("#admin-audit-message") and entries(page) == []
    finally:
        context.close()


def test_a_scoped_admin_is_told_what_they_read(browser, audit_served):  # noqa: F811
    context, page = open_as(browser, audit_served, "head", "/admin/audit?lang=en")
    try:
        assert "school:s2" not in entries(page) and len(entries(page)) == 3
        assert "the schools within your unit" in page.inner_text(".admin-audit-scope")
        assert page.locator("button:has-text('Delete'), button:has-text('Edit')").count() == 0
    finally:
        context.close()
