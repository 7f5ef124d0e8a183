"""The inspection plans page's and the inspection figures' builders, pure (no services): the form's
choices and what comes back from the browser, the plan list, the leadership card and line, the
frame's plans tab, and the wall's line "巡查 本月 漏检 N / 迟检 M"."""
from __future__ import annotations

import json
from datetime import date

from dashboard.pages.inspection_plans import form
from dashboard.pages.inspection_plans import view as part
from dashboard.pages.inspection_plans.callbacks import plan_form
from dashboard.pages.wall.model import wall_model
from dashboard.pages.wall.view import inspections_line
from kernel import figures
from layouts.lead_frame import frame
from layouts.lead_inspections import inspections_card, inspections_strip
from layouts.lead_view import LeadView, pick_school
from ledger.commands.inspection_plans import PlanForm
from ledger.inspection_schedule import FREQUENCIES
from queries.ledger.inspection_plans import PlanChoices, PlanRow
from queries.ledger.inspections import Owed, Place
from tests.dashboard.lead_support import component_props, component_texts

CHOICES = PlanChoices(
    risk_points=[("RP-305", "化学实验室305", 3)], buildings=[("lab", "实验楼", [("3F", "三楼")])],
    campaigns=[("fire-2026", "消防专项", 2)], units=[("s1-chem", "化学组")], roles=("duty", "inspector"),
    people=[("insp1", "张巡查", "inspector")])


def row(**changes) -> PlanRow:
    values = dict(plan_id=7, name="<b>305实验室</b>日查", frequency="daily",
                  place=Place("s1", "一中", "lab", "实验楼", "3F", "三楼", "RP-305", "化学实验室305"),
                  checklist="risk_point", campaign=None, campaign_name=None, items=["a", "b", "c"],
                  assignee_role="inspector", assignee_username=None, assignee_name=None, unit="s1-chem",
                  unit_name="化学组", starts_on=date(2026, 12, 7), retired_on=None)
    values.update(changes)
    return PlanRow(**values)


def test_the_frequencies_are_the_ledgers():
    assert form.FREQUENCIES == FREQUENCIES


def test_choices_are_named_by_kind_and_code_and_junk_is_no_choice():
    values = [o["value"] for o in form.target_options("zh", CHOICES)]
    assert [form.decode(v) for v in values] == [["risk_point", "RP-305"], ["building", "lab"], ["zone", "lab", "3F"]]
    assert form.decode(form.encode("zone", "a|b", "c\"d")) == ["zone", "a|b", "c\"d"]  # any code, whole
    for junk in (None, "", "x", "{}", "[]", '[""]', "[1]", '"risk_point"', "[" * 5000, json.dumps(["a"] * 400)):
        assert form.decode(junk) is None, junk
    labels = [o["label"] for o in form.assignee_options("en", CHOICES)]
    assert labels == ["Role: Duty officer", "Role: Inspector", "张巡查 (insp1)"]
    assert [o["label"] for o in form.checklist_options("zh", CHOICES)] == [
        "按风险点的管控措施", "专项治理：消防专项（2 项）"]


def test_what_the_browser_sends_back_becomes_the_ledgers_form_or_a_reason():
    sent = dict(name="实验楼三楼周查", frequency="weekly", target=form.encode("zone", "lab", "3F"),
                checklist=form.encode("campaign", "fire-2026"), assignee=form.encode("person", "insp1"), unit="",
                starts="2026-12-08")
    assert plan_form(**sent) == PlanForm(name="实验楼三楼周查", frequency="weekly", checklist="campaign",
                                         building="lab", zone="3F", campaign="fire-2026",
                                         assignee_username="insp1", starts_on=date(2026, 12, 8))
    for bad in (dict(name="  "), dict(name=None), dict(name="x" * 1000), dict(frequency="hourly"),
                dict(frequency=["daily"]), dict(target=form.encode("building")), dict(target=form.encode("moon", "x")),
                dict(checklist=form.encode("campaign")), dict(assignee=form.encode("role")),
                dict(assignee=form.encode("team", "x")), dict(unit={"code": "x"}), dict(target=None)):
        assert plan_form(**{**sent, **bad}) == "bad_form", bad
    for bad in ("2026-13-01", "tomorrow", "2026-12-08T00:00", 20261208):
        assert plan_form(**{**sent, "starts": bad}) == "bad_date", bad
    # Codes and names are the ledger's to judge (a code of another school, control characters).
    odd = plan_form(**{**sent, "name": "周查\u0007", "target": form.encode("risk_point", "RP-other")})
    assert isinstance(odd, PlanForm) and odd.risk_point == "RP-other" and odd.starts_on == date(2026, 12, 8)


def test_a_plan_fills_the_form_with_what_saving_it_again_sends():
    building, zone = Place("s1", "一中", "lab", "实验楼"), Place("s1", "一中", "lab", "实验楼", "3F")
    for plan in (row(), row(place=building), row(place=zone),
                 row(checklist="campaign", campaign="fire-2026", assignee_role=None, assignee_username="insp1")):
        again = plan_form(*form.form_values(plan))
        assert isinstance(again, PlanForm) and again.frequency == plan.frequency and again.starts_on == plan.starts_on
        p = plan.place
        assert (again.risk_point, again.building, again.zone) == (
            (p.risk_point, None, None) if p.risk_point else (None, p.building, p.zone))
        assert (again.campaign, again.assignee_username, again.unit) == (
            plan.campaign, plan.assignee_username, "s1-chem")


def test_the_list_shows_each_plan_with_its_month_and_user_text_as_text():
    owed = [Owed("s1", None, None, 7, "p", f"2026-12-0{d}", date(2026, 12, d), date(2026, 12, d + 1), status, False)
            for d, status in ((1, "done"), (2, "missed"), (3, "missed"), (4, "late"), (5, "due"))]
    month = part.month_by_plan(owed)
    assert month == {7: {"done": 1, "late": 1, "missed": 2, "due": 1}}
    shown = part.plan_rows("zh", [row(), row(plan_id=8, name="旧计划", retired_on=date(2026, 12, 5))], month)
    texts = component_texts(shown)
    assert "<b>305实验室</b>日查" in texts  # a string child: Dash shows it as text, never markup
    assert "按时 1 · 迟检 1 · 漏检 2" in texts and "，当前周期待检" in texts and "2026-12-05 停用" in texts
    ids_ = component_props(shown, "id")
    edit = "inspection-plans-edit"
    assert {"type": edit, "plan": 7} in ids_ and {"type": edit, "plan": 8} not in ids_
    assert component_texts(part.plan_rows("en", [], {})) == ["The school has no inspection plan yet"]


def test_the_leadership_card_and_line_put_missed_and_late_first():
    month = {"due_now": 2, "in_progress_now": 1, "done_now": 3, "month_owed": 40, "month_done": 30,
             "month_late": 4, "month_missed": 5}
    card = inspections_card("zh", month, plans_href="/inspection-plans?school=s1")
    texts = component_texts(card)
    assert texts[:3] == ["日常巡查（本月）", "5", "漏检"] and "本月应检 40 次，其中尚在周期内 1 次" in texts
    assert component_props(card, "href") == ["/inspection-plans?school=s1"]
    assert component_props(inspections_card("en", month), "href") == []  # no link for who may not plan
    assert "The school has no inspection plan yet" in component_texts(inspections_card("en", dict.fromkeys(month, 0)))
    assert "巡查数据暂无法读取" in component_texts(inspections_card("zh", None))
    line = inspections_strip("en", month, plans_href="/inspection-plans")
    assert [t for t in component_texts(line) if t.strip()][:4] == [
        "Routine inspections (this month)", "Missed", "5", "Late"]
    assert inspections_strip("zh", dict.fromkeys(month, 0)).hidden is True


def test_the_plans_tab_is_in_the_frame_only_for_who_may_plan():
    schools = {"s1": {"name_zh": "一中"}}
    reader = frame(pick_school("zh", "s1", schools), "lead_overview", "body")
    planner = LeadView("zh", "s1", schools, plans_tab=True)
    assert not any(h.startswith("/inspection-plans") for h in component_props(reader, "href"))
    hrefs = component_props(frame(planner, "inspection_plans", "body"), "href")
    assert "/inspection-plans?school=s1" in hrefs


def test_the_wall_says_this_months_missed_and_late_inspections_in_both_languages():
    assert component_texts(inspections_line("zh"))[:2] == ["巡查 本月", "漏检"]
    assert "late" in component_texts(inspections_line("en"))
    summary = {"stale": False, "lag_seconds": 0.1, "as_of": "2026-12-07T10:00:00+08:00", "alerts": {},
               "domains": {}, "hazards": {"by_stage": {}}, "ledger": {"hazards": {"by_stage": {}},
                                                                   "inspections": {"month": {"missed": 3, "late": 0}}}}
    from dashboard.pages.wall.panels import figure_class, figure_values
    values = figure_values(summary)
    missed, late = figures.INSPECTIONS_MISSED.dom_id, figures.INSPECTIONS_LATE.dom_id
    assert (values[missed], values[late]) == (3, 0)
    assert "tone-alert is-raised" in figure_class(missed, 3) and "is-zero" in figure_class(late, 0)
    # Figures kept before inspections were counted: a dash, never a zero that looks like good news.
    older = {**summary, "ledger": {"hazards": {"by_stage": {}}}}
    assert figure_values(older)[missed] is None
    assert wall_model("zh", school="s1", summary=None, plan=None, now=date(2026, 12, 7))["fig"][missed] == "—"
