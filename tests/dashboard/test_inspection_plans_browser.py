"""The inspection plans page in headless Chromium on a tablet (1024×768), on the demo ledger, one
server and one browser for the module: a safety officer sees a plan missed this month (made with the
ledger's commands and a clock in the past), creates a plan (a second tap saves the same plan, not a
second one), changes its frequency, and retires it; a duty officer cannot open the page; an admin of
another school who sends the page's callbacks for this school's plan is refused on the server and
nothing changes; the leadership overview shows the school's missed inspections as the ledger counts
them. With UPDATE_SCREENSHOTS=1 it saves docs/img/inspection-plans-*.png for docs/hazards.md."""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from dashboard.pages.inspection_plans import ids
from ledger import inspection_schedule as schedule
from ledger.commands import inspection_plans as plans
from ledger.models import AuditEntry, InspectionPlan, User
from queries.ledger import org
from queries.ledger.inspections import school_figures
from tests.dashboard.conftest import make_user
from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
    browser,
    demo_ledger,
    no_horizontal_overflow,
    read_ledger,
    tablet,
)
from tests.dashboard.test_wall_browser import wait_until

pytestmark = pytest.mark.browser
SCHOOL = "demo-univ"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"


def shot(page, name: str, size: tuple[int, int] | None = None) -> None:
    """A screenshot for docs/hazards.md, only when asked for (UPDATE_SCREENSHOTS=1), at `size` if given."""
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        return
    before = page.viewport_size
    if size:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / f"inspection-plans-{name}.png"))
    if size:
        page.set_viewport_size(before)


def appears(page, selector: str, timeout: float = 20) -> None:
    wait_until(lambda: page.wait_for_timeout(100) or page.locator(selector).count(), selector, timeout=timeout)


def choose(page, dropdown: str, label: str, search: str | None = None) -> None:
    """Pick an option by its label; in a long list, typed into the dropdown's search first (it draws
    only the options in view)."""
    option = page.get_by_role("option", name=label, exact=True).first
    for _attempt in range(3):
        # On a loaded machine the menu may open after the first keys were typed (they then went
        # nowhere): opened and typed again until the option shows.
        page.click(f"#{dropdown}")
        if search:
            page.keyboard.type(search, delay=20)
        try:
            option.wait_for(state="visible", timeout=8000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()


def missed_plan(settings) -> tuple[int, int]:
    """A daily plan of the chemistry building's lobby begun on the first of this month and never
    inspected: made as the safety office would have made it then (the ledger's commands, a clock in
    the past). Returns (the plan's id, the safety officer's user id)."""
    now = datetime.now(timezone.utc)
    first = schedule.local_date(now, settings.tz).replace(day=1)
    then = datetime.combine(first, datetime.min.time(), settings.tz) + timedelta(hours=9)

    def make(db):
        officer = db.scalar(select(User).where(User.username == "safety1"))
        plan = plans.create_plan(db, user_id=officer.id, school=SCHOOL, now=then, today=first, form=plans.PlanForm(
            name="化学北楼大厅日查", frequency="daily", risk_point="RP-chem-north-01", assignee_role="inspector"))
        db.commit()
        return plan.id, officer.id
    return read_ledger(settings, make)


def figures_now(settings) -> dict[str, int]:
    return read_ledger(settings, lambda db: school_figures(db, school_id=org.school(db, SCHOOL).id,
                                                          now=datetime.now(timezone.utc), tz=settings.tz))


def plan_state(settings, name: str) -> list[tuple[str, object]]:
    return read_ledger(settings, lambda db: [(p.frequency, p.retired_on) for p in db.scalars(
        select(InspectionPlan).where(InspectionPlan.name == name))])


def callback_key(app, output: str) -> str:
    return next(key for key in app.callback_map if key.startswith(f"..{output}.") or key.startswith(output))


def send(page, url: str, body: dict) -> tuple[int, str]:
    """A callback request as the page's own script would send it, from this browser's session."""
    answer = page.request.post(url + "/_dash-update-component", data=json.dumps(body),
                               headers={"Content-Type": "application/json", "Origin": url})
    return answer.status, answer.text()


def test_the_safety_office_plans_inspections_and_others_cannot(demo_ledger, serve, tablet):  # noqa: F811
    settings = demo_ledger
    make_user(settings, "safety1", role="safety", schools=(SCHOOL,), name="王安全")
    make_user(settings, "admin2", role="admin", schools=("demo-middle",), name="示范中学管理员")
    missed_id, _officer = missed_plan(settings)
    served = serve(settings)
    url = served.url

    page = tablet(served, f"/inspection-plans?school={SCHOOL}", username="safety1")
    appears(page, f"#{ids.LIST} tr[data-plan='{missed_id}']")
    month = figures_now(settings)
    row = page.locator(f"tr[data-plan='{missed_id}'] [data-missed]")
    assert int(row.get_attribute("data-missed")) == month["month_missed"]
    if schedule.local_date(datetime.now(timezone.utc), settings.tz).day > 1:
        assert month["month_missed"] >= 1  # every day of the month before today was missed
    assert page.locator(".lead-tab", has_text="巡查计划").count() == 1  # its tab, in the lead frame
    assert no_horizontal_overflow(page) == []

    # A new plan, starting tomorrow (so its frequency may still change).
    tomorrow = (schedule.local_date(datetime.now(timezone.utc), settings.tz) + timedelta(days=1)).isoformat()
    page.fill(f"#{ids.NAME}", "图书信息楼消防巡查")
    choose(page, ids.TARGET, "楼宇 · 图书信息楼", search="图书信息楼")
    choose(page, ids.CHECKLIST, "专项治理：消防安全专项整治（6 项）")
    choose(page, ids.ASSIGNEE, "角色：检查验收员")
    page.fill(f"#{ids.STARTS}", tomorrow)
    page.click(f"#{ids.SAVE}")
    appears(page, f"#{ids.MESSAGE} .tone-ok")
    assert "已保存：图书信息楼消防巡查" in page.inner_text(f"#{ids.MESSAGE}")
    shot(page, "1200", size=(1200, 820))
    # A second tap saves the same plan again: still one plan, and the answer says nothing changed.
    page.click(f"#{ids.SAVE}")
    wait_until(lambda: "没有改动" in page.inner_text(f"#{ids.MESSAGE}"), "the second save's answer")
    assert plan_state(settings, "图书信息楼消防巡查") == [("daily", None)]
    new_id = int(page.locator("tr", has_text="图书信息楼消防巡查").get_attribute("data-plan"))

    # Its frequency changed from the row's edit button.
    page.click(f"#{ids.NEW}")
    wait_until(lambda: page.input_value(f"#{ids.NAME}") == "", "the form emptied")
    page.click(f"tr[data-plan='{new_id}'] button:has-text('修改')")
    wait_until(lambda: page.input_value(f"#{ids.NAME}") == "图书信息楼消防巡查", "the form filled")
    page.get_by_label("每周", exact=True).check()
    page.click(f"#{ids.SAVE}")
    wait_until(lambda: page.locator(f"tr[data-plan='{new_id}'][data-frequency='weekly']").count(), "weekly")
    assert plan_state(settings, "图书信息楼消防巡查") == [("weekly", None)]
    # The plan begun on the first keeps its frequency: the ledger's reason, in the page's language.
    page.click(f"tr[data-plan='{missed_id}'] button:has-text('修改')")
    wait_until(lambda: page.input_value(f"#{ids.NAME}") == "化学北楼大厅日查", "the missed plan in the form")
    page.get_by_label("每周", exact=True).check()
    page.click(f"#{ids.SAVE}")
    appears(page, f"#{ids.MESSAGE} .tone-error")
    assert "已开始执行的计划不能改频次" in page.inner_text(f"#{ids.MESSAGE}")

    # Retired, after the browser's confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"tr[data-plan='{new_id}'] .inspection-plans-retire")
    wait_until(lambda: "已停用：图书信息楼消防巡查" in page.inner_text(f"#{ids.MESSAGE}"), "retired")
    wait_until(lambda: not page.locator(f"tr[data-plan='{new_id}']").count(), "the retired plan leaves the list")
    assert plan_state(settings, "图书信息楼消防巡查")[0][1] is not None

    # In English, and in a tablet's portrait: nothing wider than the screen.
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(url + f"/inspection-plans?school={SCHOOL}&lang=en")
    appears(page, f"tr[data-plan='{missed_id}']")
    assert page.inner_text("h1") == "Inspection plans" and "missed" in page.inner_text(f"tr[data-plan='{missed_id}']")
    assert no_horizontal_overflow(page) == []
    page.set_viewport_size({"width": 1024, "height": 768})

    # The leadership overview shows the school's missed inspections as the ledger counts them.
    page.goto(url + f"/lead?school={SCHOOL}")
    appears(page, "#lead-inspections [data-figure='inspections_missed']")
    shown = page.inner_text("#lead-inspections [data-figure='inspections_missed']")
    assert int(shown.replace(",", "")) == figures_now(settings)["month_missed"]
    assert page.locator("#lead-inspections a", has_text="巡查计划").count() == 1
    page.locator("#lead-inspections").scroll_into_view_if_needed()
    shot(page, "lead-overview")
    page.goto(url + f"/lead/hazards?school={SCHOOL}")
    appears(page, "#lead-inspections-strip [data-figure='inspections_missed']")
    assert int(page.inner_text("#lead-inspections-strip [data-figure='inspections_missed']")) == \
        figures_now(settings)["month_missed"]

    # A duty officer cannot open the page, and sees no tab for it.
    duty = tablet(served, "/lead?school=" + SCHOOL, username="officer")
    appears(duty, ".lead-tabs")
    assert duty.locator(".lead-tab", has_text="巡查计划").count() == 0
    assert duty.goto(url + "/inspection-plans?school=" + SCHOOL).status == 403

    # An admin of another school sends the page's callbacks for this school's plan: refused on the
    # server (by the page, and by the ledger for a plan of a school not theirs); nothing changes.
    other = tablet(served, "/inspection-plans?school=demo-middle", username="admin2")
    appears(other, f"#{ids.LIST}")
    audit_before = read_ledger(settings, lambda db: db.scalar(select(func.count()).select_from(AuditEntry)))
    save_key = callback_key(served.app, ids.MESSAGE)
    form = {ids.NAME: "改别人的计划", ids.FREQUENCY: "daily",
            ids.TARGET: json.dumps(["risk_point", "RP-chem-north-01"]),
            ids.CHECKLIST: json.dumps(["risk_point"]), ids.ASSIGNEE: json.dumps(["role", "inspector"]),
            ids.UNIT: None, ids.STARTS: ""}

    def save_body(school: str) -> dict:
        spec = served.app.callback_map[save_key]
        values = {**form, ids.SAVE: 1, ids.EDITING: missed_id, ids.VIEW: {"school": school, "lang": "zh"}}
        return {"output": save_key, "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                                                for o in save_key.strip(".").split("...")],
                "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
                "state": [{**s, "value": values.get(s["id"])} for s in spec["state"]],
                "changedPropIds": [f"{ids.SAVE}.n_clicks"]}
    # Naming this school: the guard refuses before the callback runs (dashboard/callback_scope.py).
    assert send(other, url, save_body(SCHOOL))[0] == 403
    # Naming their own: the callback runs, and the ledger finds no such plan of theirs.
    status, text = send(other, url, save_body("demo-middle"))
    assert status == 200 and "没有巡查计划" in text
    retire_key = next(k for k in served.app.callback_map if k.startswith(f"..{ids.MESSAGE}.children@")
                      and ids.LIST in k)
    button = {"plan": missed_id, "type": ids.RETIRE}
    retire_body = {"output": retire_key, "outputs": [{"id": o.split(".")[0], "property": o.split(".", 1)[1]}
                                                      for o in retire_key.strip(".").split("...")],
                   "inputs": [[{"id": button, "property": "submit_n_clicks", "value": 1}]],
                   "state": [{"id": ids.VIEW, "property": "data", "value": {"school": "demo-middle", "lang": "zh"}}],
                   "changedPropIds": [json.dumps(button, separators=(",", ":")) + ".submit_n_clicks"]}
    status, text = send(other, url, retire_body)
    assert status == 200 and "没有巡查计划" in text
    assert plan_state(settings, "化学北楼大厅日查") == [("daily", None)]
    assert read_ledger(settings, lambda db: db.scalar(select(func.count()).select_from(AuditEntry))) == audit_before
