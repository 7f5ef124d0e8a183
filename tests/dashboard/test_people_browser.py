"""People and wall tokens in headless Chromium (issue 14): a district admin creates a person, who
signs in with the first password shown once and changes it; creates a wall token, whose address
opens the school's wall; and imports a sheet with bad rows, which is refused with its errors."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from openpyxl import Workbook

from dashboard.access import EXTENSION
from dashboard.token_checks import TokenChecks
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, users
from ledger.commands.audit import Actor
from ledger.db import migrate
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_wall_browser import (  # noqa: F401 (browser: the shared Chromium fixture)
    browser,
    screenshot_dir,
    wait_until,
)

pytestmark = pytest.mark.browser
ROOT = Actor("cli:test", "admin")


def _district(settings) -> None:
    """A district with one school, and its admin (the district's unit: manages what is below it)."""
    engine = sql_engine(settings)
    try:
        migrate(engine)
        now = datetime.now(timezone.utc)
        with sql_sessions(engine).begin() as db:
            org.create_unit(db, actor=ROOT, scope=None, kind="district", code="d1", name_zh="金水区", now=now)
            org.create_unit(db, actor=ROOT, scope=None, kind="school", code="s1", name_zh="第一中学", parent="d1",
                            school_type="middle", now=now)
            users.create_user(db, username="wang", display_name="王科长", role="admin", password=PASSWORD,
                              unit="d1", now=now)
    finally:
        engine.dispose()


def sign_in(page, url: str, username: str, password: str, lands: str) -> None:
    page.goto(url)
    page.wait_for_url("**/login?next=**")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lands)


def appears(page, selector: str, timeout: float = 20) -> None:
    """Wait for what a callback draws by looking between short waits in the page: under load, a
    wait_for_selector was seen to miss an element that had been there for seconds."""
    wait_until(lambda: page.wait_for_timeout(100) or page.locator(selector).count(), selector, timeout=timeout)


def choose(page, dropdown: str, label: str) -> None:
    page.click(f"#{dropdown}")
    page.get_by_role("option", name=label).first.click()


@pytest.fixture
def district(serve, settings_factory, redis_client):
    settings = settings_factory(secret_key="p" * 32)
    _district(settings)
    served = serve(settings)
    served.app.server.extensions[EXTENSION].checks = TokenChecks(fresh_s=0)  # see each change at once
    return served


def test_an_admin_creates_a_person_who_signs_in_and_changes_their_password(
        district, browser, tmp_path):  # noqa: F811 (the fixture)
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    person_context = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        admin = admin_context.new_page()
        sign_in(admin, district.url + "/admin/users", "wang", PASSWORD, "**/admin/users")
        admin.wait_for_selector("#admin-users-people")
        admin.fill("#admin-users-new-username", "li.new")
        admin.fill("#admin-users-new-name", "李新")
        choose(admin, "admin-users-new-unit", "第一中学")
        admin.click("#admin-users-create")
        appears(admin, "#admin-users-first-password")
        first = admin.inner_text("#admin-users-first-password").strip()
        assert len(first) == 16
        assert "li.new" in admin.inner_text("#admin-users-people")
        admin.screenshot(path=str(screenshot_dir(tmp_path) / "admin-users-1280.png"), full_page=True)

        person = person_context.new_page()
        sign_in(person, district.url + "/account/password", "li.new", first, "**/account/password")
        person.fill("#account-password-old", first)
        person.fill("#account-password-new", "my own long passphrase")
        person.fill("#account-password-again", "my own long passphrase")
        person.click("#account-password-save")
        appears(person, "#account-password-message .tone-ok")

        # The admin disables the person, whose session ends with it.
        choose(admin, "admin-users-person", "李新 (li.new)")
        admin.click("#admin-users-disable")
        appears(admin, "#admin-users-message >> text=已停用：li.new")
        assert "已停用" in admin.inner_text("#admin-users-people")
        # Their session ends: the page they had open goes to sign in at its next check.
        person.goto(district.url + "/account/password")
        person.wait_for_url("**/login?next=**")
        # The picker marks the account disabled; enabled again, it is active in the list.
        assert "李新 (li.new) · 已停用" in admin.inner_text("#admin-users-person")
        admin.click("#admin-users-enable")
        appears(admin, "#admin-users-message >> text=已重新启用：li.new")
        assert "已停用" not in admin.inner_text("#admin-users-people")
    finally:
        admin_context.close()
        person_context.close()


def test_an_admin_creates_a_wall_token_whose_address_opens_the_wall(
        district, browser, tmp_path):  # noqa: F811 (the fixture)
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    kiosk_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        admin = admin_context.new_page()
        sign_in(admin, district.url + "/admin/tokens", "wang", PASSWORD, "**/admin/tokens")
        choose(admin, "admin-tokens-school", "第一中学 (s1)")
        admin.fill("#admin-tokens-label", "东门大屏")
        admin.click("#admin-tokens-create")
        appears(admin, "#admin-tokens-wall-url")
        assert admin.inner_text("#admin-tokens-message") == "已保存"
        url = admin.input_value("#admin-tokens-wall-url")
        assert url.startswith(district.url + "/?school=s1&token=")
        assert admin.locator("table.admin-qr td.q1").count() > 300  # a QR code's dark modules
        assert "东门大屏" in admin.inner_text("#admin-tokens-list")
        admin.screenshot(path=str(screenshot_dir(tmp_path) / "admin-tokens-1280.png"), full_page=True)

        kiosk = kiosk_context.new_page()
        answers = []
        kiosk.on("response", lambda r: answers.append(r.status) if "_dash-update-component" in r.url else None)
        kiosk.goto(url)
        kiosk.wait_for_url(district.url + "/?school=s1")  # the token went into the wall's cookie
        appears(kiosk, "#wall-canvas")
        # The wall runs: Dash answers its refreshes (a refused token would get 401s).
        wait_until(lambda: kiosk.wait_for_timeout(100) or 200 in answers, "the wall's first refresh", timeout=20)
        assert 401 not in answers
    finally:
        admin_context.close()
        kiosk_context.close()


def _sheet(rows) -> bytes:
    book = Workbook()
    book.active.append(["用户名", "姓名", "角色", "机构代码", "初始密码"])
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_with_bad_rows_shows_its_errors_and_a_good_one_downloads_the_passwords(
        district, browser, tmp_path):  # noqa: F811 (the fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        admin = context.new_page()
        sign_in(admin, district.url + "/admin/users", "wang", PASSWORD, "**/admin/users")
        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(_sheet([("ok.one", "甲", "值班员", "s1", None), ("ok.one", "乙", "值班员", "s1", None),
                                ("far", "丙", "值班员", "nowhere", None)]))
        admin.set_input_files("#admin-users-upload input[type=file]", str(bad))
        appears(admin, "table.admin-import-errors")
        errors = admin.inner_text("table.admin-import-errors")
        assert "与第2行重复" in errors and "nowhere" in errors
        assert "ok.one" not in admin.inner_text("#admin-users-people")

        good = tmp_path / "good.xlsx"
        good.write_bytes(_sheet([(f"t{n}", f"教师{n}", "值班员", "s1", None) for n in range(20)]))
        with admin.expect_download() as download:
            admin.set_input_files("#admin-users-upload input[type=file]", str(good))
        saved = tmp_path / "result.xlsx"
        download.value.save_as(saved)
        from openpyxl import load_workbook
        rows = list(load_workbook(saved, read_only=True).worksheets[0].iter_rows(values_only=True))
        assert len(rows) == 21 and rows[1][0] == "t0" and len(rows[1][4]) == 16
        assert "t19" in admin.inner_text("#admin-users-people")
    finally:
        context.close()
