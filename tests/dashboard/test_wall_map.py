"""The four-colour map, the gates and the summary's wall fields: pure, no services."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from dashboard.pages.wall import map_fit
from dashboard.pages.wall import risk_map as wall_map
from dashboard.pages.wall.trends import MAX_GATES, gate_data, gate_rows, hour_labels
from kernel.catalogue import DOMAINS
from kernel.settings import DEFAULT_ALERT_DEADLINES
from layouts import site_plan
from ledger.escalation import Deadlines
from queries.summary import build_summary

PLAN = {
    "school": "s1", "extent": {"width": 200, "height": 100},
    "campuses": [{"id": "main", "name_zh": "本部", "box": [0, 0, 200, 100]}],
    "gates": [{"id": "south", "name_zh": "南大门"}],
    "buildings": [
        {"code": "lab", "name_zh": "实验楼", "name_en": "Lab", "colour": "red",
         "polygon": [[10, 10], [50, 10], [50, 40], [10, 40]]},
        # An L: main block 0..60 x 0..20 with a wing 0..20 x 20..60 on its left.
        {"code": "dorm", "name_zh": "<b>宿舍</b>", "colour": None,
         "polygon": [[100, 0], [160, 0], [160, 20], [120, 20], [120, 60], [100, 60]]},
    ],
    "risk_points": [{"code": "R1", "x": 20, "y": 20, "colour": "red"},
                    {"code": "R2", "x": 110, "y": 5, "colour": "blue"}],
}


def test_labels_and_rings_sit_inside_their_building_even_an_l():
    assert site_plan.label_point([[10, 10], [50, 10], [50, 40], [10, 40]]) == (30, 25)
    ell = PLAN["buildings"][1]["polygon"]
    assert not site_plan.inside(site_plan.centroid(ell), ell)  # the L's area centre is outside it
    assert site_plan.inside(site_plan.label_point(ell), ell)
    assert site_plan.centroid([[1, 1], [1, 1], [1, 1]]) == (1, 1)  # degenerate: no division by zero


def test_buildings_are_filled_by_their_colour_and_markers_sit_on_their_points():
    live = wall_map.overlay("zh", PLAN, {}, {})
    figure = wall_map.map_figure("zh", PLAN, live)
    fills = [s["fillcolor"] for s in figure["layout"]["shapes"] if s["type"] == "path"]
    assert fills == [wall_map.FILL["red"], wall_map.FILL[None]]  # no risk points: the neutral fill
    labels, points = figure["data"][wall_map.TRACE_LABELS], figure["data"][wall_map.TRACE_POINTS]
    assert labels["text"] == ["实验楼", "&lt;b&gt;宿舍&lt;/b&gt;"]  # Plotly shows an escaped name as written
    assert points["x"] == [20, 110] and points["marker"]["color"] == [wall_map.FILL["red"], wall_map.FILL["blue"]]
    assert figure["layout"]["yaxis"]["scaleanchor"] == "x"  # metres at one scale: the campus keeps its shape
    assert wall_map.map_figure("en", PLAN, live)["data"][wall_map.TRACE_LABELS]["text"][0] == "Lab"


def box_plan(width: float, height: float) -> dict:
    return {"campuses": [{"id": "main", "box": [0, 0, width, height]}], "buildings": []}


def test_the_map_panel_takes_the_plans_shape_within_what_the_other_panels_need():
    # Side by side campuses (wide): the usual width, the plan's own height, the hazards beneath.
    wide = map_fit.map_fit(box_plan(900, 480))
    assert wide.arrangement == "over" and wide.width == map_fit.WIDTH
    assert wide.plot[0] / wide.plot[1] == pytest.approx(wide.aspect, rel=0.01)
    assert map_fit.LOWER_HEIGHT - map_fit.GAP - map_fit.CHROME - wide.plot[1] >= map_fit.HAZARDS_MIN_HEIGHT
    # Tall: a narrower column (the live alerts get the rest), the plot as wide as the plan at its height.
    tall = map_fit.map_fit(box_plan(200, 400))
    assert tall.arrangement == "beside" and map_fit.MIN_WIDTH <= tall.width < map_fit.WIDTH
    assert tall.plot[0] / tall.plot[1] == pytest.approx(tall.aspect, abs=0.01)
    # A very tall one stops at the narrowest panel whose legend still fits; a squarish one at the usual width.
    assert map_fit.map_fit(box_plan(50, 400)).width == map_fit.MIN_WIDTH
    assert map_fit.map_fit(box_plan(300, 240)) == map_fit.MapFit("beside", map_fit.WIDTH, map_fit.USUAL.plot,
                                                                 pytest.approx(1.24, abs=0.01))
    assert map_fit.map_fit(None) == map_fit.USUAL
    # What the page is given, and the names are fitted for the plot the plan is drawn in.
    assert map_fit.lower_class(wide) == "lower map-over"
    assert map_fit.lower_style(tall)["--map-width"] == f"{tall.width}px"
    assert wall_map.style_for(box_plan(900, 480)).panel == wide.plot


def test_live_overlays_ring_buildings_with_open_alerts_and_mark_major_hazards_by_patch():
    quiet = wall_map.overlay("zh", PLAN, {}, {})
    assert quiet["rings"]["x"] == [] and quiet["major"]["x"] == []
    busy = wall_map.overlay("zh", PLAN, {"lab": {"open": 2, "top": "critical"}, "elsewhere": {"open": 1, "top": "low"}},
                            {"dorm": 1})
    assert busy["rings"]["customdata"] == ["lab"] and busy["rings"]["color"] == [wall_map.SEVERITY_RING["critical"]]
    assert busy["major"]["customdata"] == ["dorm"] and busy["major"]["text"] == ["重大隐患"]
    assert (busy["major"]["x"], busy["major"]["y"]) == ([160], [60])  # the building's top-right corner
    assert wall_map.overlay_patch(quiet, quiet) is None
    operations = wall_map.overlay_patch(quiet, busy).to_plotly_json()["operations"]
    touched = {tuple(op["location"]) for op in operations}
    assert ("data", wall_map.TRACE_PULSE, "x") in touched and ("data", wall_map.TRACE_MAJOR, "x") in touched
    # The pulse trace is the figure's last: assets/wall.css animates `.trace:last-child`.
    figure = wall_map.map_figure("zh", PLAN, busy)
    assert len(figure["data"]) - 1 == wall_map.TRACE_PULSE and figure["data"][-1]["x"] == busy["rings"]["x"]


def test_the_plan_digest_changes_with_the_plan_and_the_language_only():
    recoloured = {**PLAN, "buildings": [{**PLAN["buildings"][0], "colour": "orange"}, PLAN["buildings"][1]]}
    assert wall_map.plan_digest(PLAN, "zh") == wall_map.plan_digest(dict(PLAN), "zh")
    assert wall_map.plan_digest(PLAN, "zh") != wall_map.plan_digest(recoloured, "zh")
    assert wall_map.plan_digest(PLAN, "zh") != wall_map.plan_digest(PLAN, "en")


def test_gates_are_named_from_the_plan_busiest_first_and_bounded():
    summary = {"visitors": {"checkins_by_gate": {f"g{n}": n for n in range(8)} | {"south": 40}}}
    gates = gate_data(summary, PLAN)
    assert gates[0] == ["南大门", 40] and len(gates) == MAX_GATES and gates[1] == ["g7", 7]
    rows = gate_rows("zh", gates)
    assert rows[0].children[0].children == "南大门" and rows[0].children[2].children == "40"
    assert gate_rows("en", [])[0].children == "No visitor check-ins today"


def test_hour_labels_follow_the_schools_clock():
    labels = hour_labels("2026-11-23T18:00:00.000+08:00")
    assert labels[0] == "18" and labels[6] == "00" and labels[-1] == "17" and len(labels) == 24


def test_the_summary_counts_escalated_flashing_and_per_building_alerts_and_the_hourly_series():
    tz, now = ZoneInfo("Asia/Shanghai"), 1_764_000_000_000
    hour = {d: "1" for d in DOMAINS} | {"personal_safety|t|visitor.check_in": "4",
                                        "personal_safety|t|attendance.in": "9"}
    summary = build_summary(
        school="s1", now_ms=now, tz=tz, stale_after_s=10, meta={"last_applied_ms": str(now)}, caught_up_ms=None,
        recent_hours=[hour] + [{}] * 23, older_hours=[[None] * len(DOMAINS)] * 144,
        minutes=([None] * 60 * len(DOMAINS), [None] * 60 * len(DOMAINS)), day={}, alert_counts={}, alerts=[],
        devices={}, hazards={}, overdue=0, due_soon=0, dead_letter_hashes=[],
        open_alerts={"a1": f"critical|environment|{now - 30_000}|new",          # new: flashes
                     "a2": f"high|environment|{now - 301_000}|new",             # past 5 min: escalated
                     "a3": f"critical|environment|{now - 3_600_000}|acknowledged",  # handled in time
                     "a4": f"low|environment|{now - 10_000}|new"},
        open_places={"a1": "lab", "a2": "lab", "a3": "dorm", "a4": ""},
        deadlines=Deadlines.load(DEFAULT_ALERT_DEADLINES),
    )
    alerts = summary["alerts"]
    assert alerts["escalated"] == 1 and alerts["flashing"] == ["a1"]
    assert alerts["by_building"] == {"lab": {"open": 2, "top": "critical"}, "dorm": {"open": 1, "top": "critical"}}
    assert summary["domains"]["environment"]["trend_24h"] == [0] * 23 + [1]  # oldest first, this hour last
    assert summary["hourly"]["visitor_check_ins"][-1] == 4 and summary["hourly"]["attendance_in"][-1] == 9
    assert summary["hourly"]["first_hour"].endswith("+08:00")
