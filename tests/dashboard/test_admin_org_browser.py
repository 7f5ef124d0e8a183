"""The organisation page in headless Chromium: from an empty ledger an admin over the whole tree adds
a district and a school under it; a district admin then sees only their district, adds a school of
their own, and what each did is in the audit log with their name and address."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from kernel.connections import sql_engine, sql_sessions
from ledger.models import AuditEntry, OrgUnit
from tests.dashboard.conftest import PASSWORD, make_user
from tests.dashboard.test_wall_browser import (  # noqa: F401 (browser: the shared Chromium fixture)
    browser,
    wait_until,
)

pytestmark = pytest.mark.browser


def sign_in(browser, served, username: str, path: str = "/admin/org"):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served.url + path)
    page.wait_for_url("**/login?next=**")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#admin-org-tree")
    return page


def choose(page, dropdown: str, label: str) -> None:
    """Pick `label` in a Dash dropdown; nothing to do when it shows it already. A menu that did not
    open (the click landed while another menu was closing, on a loaded machine) is opened again."""
    if page.inner_text(f"#{dropdown}").strip() == label:
        return
    for _ in range(3):
        page.click(f"#{dropdown}")
        try:
            page.get_by_role("option", name=label, exact=True).click(timeout=5_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"{dropdown}: no option {label!r}")


def add(page, *, parent: str, kind: str, code: str, name: str, school_type: str | None = None) -> str:
    choose(page, "admin-org-add-parent", parent)
    choose(page, "admin-org-add-kind", kind)
    page.fill("#admin-org-add-code", code)
    page.fill("#admin-org-add-name-zh", name)
    if school_type and school_type not in page.inner_text("#admin-org-add-type"):  # kept from the last add
        choose(page, "admin-org-add-type", school_type)
    before = page.inner_text("#admin-org-message")
    page.click("#admin-org-add")
    # The page's CSP allows no string eval (wait_for_function): look from here, waiting in the page.
    return wait_until(lambda: page.wait_for_timeout(100) or (
        (said := page.inner_text("#admin-org-message")) != before and said), "the page's answer", timeout=15)


def ledger_rows(settings, model):
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return list(db.scalars(select(model).order_by(model.id)))
    finally:
        engine.dispose()


def test_an_admin_builds_the_tree_and_a_district_admin_works_only_in_their_district(
        serve, settings_factory, browser):  # noqa: F811
    settings = settings_factory(secret_key="c" * 32)
    make_user(settings, "root", role="admin", name="信息中心 王工")
    served = serve(settings)
    page = sign_in(browser, served, "root")
    assert page.inner_text("#admin-org-tree").strip() == "暂无机构"  # an empty ledger: nothing to show

    assert add(page, parent="（顶级）", kind="区县", code="jinshui", name="金水区") == "已新增：金水区"
    assert add(page, parent="金水区", kind="学校", code="zz-no1", name="郑州市第一中学", school_type="中学") == \
        "已新增：郑州市第一中学"
    # A second click on the same form is a duplicate, refused with the reason: nothing is added twice.
    refused = add(page, parent="金水区", kind="学校", code="zz-no1", name="第一中学", school_type="中学")
    assert refused == "未保存：代码 'zz-no1' 已被占用", refused  # the ledger's reason, in the page's language
    tree = page.inner_text("#admin-org-tree")
    assert "金水区" in tree and "郑州市第一中学" in tree and "zz-no1" in tree
    # A school that reached the ledger with no district (as one known only from its events does) is
    # put under its district from the rename card.
    assert add(page, parent="（顶级）", kind="学校", code="zz-no5", name="第五中学") == "已新增：第五中学"
    choose(page, "admin-org-edit-unit", "第五中学")
    choose(page, "admin-org-edit-parent", "金水区")
    before = page.inner_text("#admin-org-message")
    page.click("#admin-org-save")
    wait_until(lambda: page.wait_for_timeout(100) or page.inner_text("#admin-org-message") not in ("", before),
               "the move saved", timeout=15)
    assert page.inner_text("#admin-org-message") == "已保存：第五中学"
    page.close()

    make_user(settings, "wang", role="admin", name="金水区 王科长", unit="jinshui")
    other = ledger_rows(settings, OrgUnit)
    page = sign_in(browser, served, "wang")
    assert "管理范围：金水区" in page.inner_text(".admin-scope")
    assert add(page, parent="金水区", kind="学校", code="zz-no2", name="<b>第二小学</b>", school_type="小学") == \
        "已新增：<b>第二小学</b>"  # a name is text, shown as typed, never markup
    assert page.query_selector("#admin-org-tree b") is None
    page.click("#admin-org-add-parent")  # their own district and below: nothing else is offered
    offered = page.get_by_role("option").all_inner_texts()
    assert sorted(o.strip() for o in offered) == sorted(["金水区", "郑州市第一中学", "第五中学", "<b>第二小学</b>"])
    page.close()

    units = {u.code: u for u in ledger_rows(settings, OrgUnit)}
    assert units["zz-no2"].parent_id == units["jinshui"].id and len(units) == len(other) + 1
    assert units["zz-no5"].parent_id == units["jinshui"].id
    entries = ledger_rows(settings, AuditEntry)
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("root", "org.create", "district:jinshui"), ("root", "org.create", "school:zz-no1"),
        ("root", "org.create", "school:zz-no5"), ("root", "org.move", "school:zz-no5"),
        ("wang", "org.create", "school:zz-no2")]
    assert entries[-1].ip == "127.0.0.1" and entries[-1].school == "zz-no2"
