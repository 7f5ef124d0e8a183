"""The leadership frame, pure: which school a page shows, links that keep school and language, the
district tab only for someone over several schools, a problem shown instead of figures."""
from __future__ import annotations

from dashboard.roles import Principal
from layouts.lead_frame import frame
from layouts.lead_view import LeadView, pick_school
from tests.dashboard.lead_support import component_props, component_texts

SCHOOLS = {"s-a": {"name_zh": "甲校", "name_en": "School A"}, "s-b": {"name_zh": "乙校", "name_en": "School B"}}


def test_the_first_readable_school_is_shown_when_none_is_asked():
    view = pick_school("zh", None, SCHOOLS)
    assert view.school == "s-a" and view.problem is None and view.several


def test_a_school_not_readable_is_refused_not_swapped_for_another():
    assert pick_school("zh", "s-c", SCHOOLS).problem == "unknown_school"
    assert pick_school("zh", "s-c", SCHOOLS).school is None
    assert pick_school("zh", None, {}).problem == "no_school"


def test_links_keep_school_and_language():
    view = pick_school("en", "s-b", SCHOOLS)
    assert view.href("lead_hazards") == "/lead/hazards?school=s-b&lang=en"
    assert view.href("lead_hazards", stage="rectifying") == "/lead/hazards?school=s-b&lang=en&stage=rectifying"
    assert view.href("lead_overview", lang=None) == "/lead?school=s-b"


def test_district_tab_only_over_several_schools():
    several = frame(pick_school("zh", "s-a", SCHOOLS), "lead_overview", "body")
    one = frame(pick_school("zh", "s-a", {"s-a": SCHOOLS["s-a"]}), "lead_overview", "body")
    assert any(h.startswith("/lead/district") for h in component_props(several, "href"))
    assert not any(h.startswith("/lead/district") for h in component_props(one, "href"))
    # The school menu offers the same page for each school.
    assert "/lead?school=s-b" in component_props(several, "href")


def test_a_problem_replaces_the_body():
    view = LeadView("zh", None, SCHOOLS, "unknown_school", Principal(role="leader", user_id=1, username="li"))
    texts = component_texts(frame(view, "lead_overview", "SECRET FIGURES"))
    assert "SECRET FIGURES" not in texts
    assert any("无法查看该学校" in t for t in texts)
