"""The four-colour map's legibility, pure: names placed clear of the dots inside or beside their
building, long names fitted with the whole name on hover, dense buildings grouped, the plan
filling its panel, the uploaded plan image under the buildings."""
from __future__ import annotations

import pytest

from dashboard.pages.lead_overview import map as overview_map
from dashboard.pages.wall import risk_map as wall_map
from layouts import map_labels as ml
from layouts.site_plan import plan_images
from ledger.site_plans import SITE_PLANS, marker

COLOURS = ("red", "orange", "yellow", "blue")
LONG = "化学化工学院与材料科学工程学院联合实验中心（化学北楼东翼）"


def demo_like(school: str, dots: dict[str, int] | None = None, default: int = 12) -> dict:
    """A plan dict as queries.ledger.lookups.site_plan returns it, from a demo school's geometry,
    with `dots[building]` risk points (else `default`) placed as the ledger places them."""
    plan = SITE_PLANS[school]
    buildings, points = [], []
    for n, building in enumerate(plan.buildings):
        polygon = building.polygon
        name = LONG if n == 0 else f"{building.building}楼"
        buildings.append({"code": building.building, "name_zh": name, "colour": COLOURS[n % 4], "polygon": polygon})
        for i in range((dots or {}).get(building.building, default)):
            x, y = marker(polygon, i)
            points.append({"code": f"{building.building}-{i}", "name": f"风险点{i}", "colour": COLOURS[i % 4],
                           "building": building.building, "x": x, "y": y})
    return {"school": school, "extent": {"width": plan.width, "height": plan.height},
            "campuses": plan.as_json()["campuses"], "buildings": buildings, "risk_points": points}


def names(plan: dict) -> dict[str, str]:
    return {b["code"]: b["name_zh"] for b in plan["buildings"]}


def dot_box(dot: ml.Dot, per_metre: float) -> ml.Box:
    half = dot.size / 2 / per_metre
    return dot.x - half, dot.y - half, dot.x + half, dot.y + half


def bounds(polygon):
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def with_loose_points(plan: dict) -> dict:
    """Points placed on the plan but in no building (just above and below each building)."""
    loose = []
    for b in plan["buildings"]:
        x0, y0, x1, y1 = bounds(b["polygon"])
        loose += [{"code": f"{b['code']}-n", "colour": "red", "x": (x0 + x1) / 2, "y": y1 + 8},
                  {"code": f"{b['code']}-s", "colour": "blue", "x": (x0 + x1) / 2, "y": y0 - 8}]
    return {**plan, "risk_points": plan["risk_points"] + loose}


PLANS = [demo_like(school, dots, default) for school in SITE_PLANS
         for dots, default in ((None, 12), (None, 3), ({"chem-north": 30, "teaching": 30}, 5))]
PLANS += [with_loose_points(demo_like(school, None, 3)) for school in SITE_PLANS]
STYLES = {"wall": wall_map.style_for, "overview": overview_map.style_for}  # each plan's own plot area


@pytest.mark.parametrize("surface", STYLES)
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: f"{p['school']}-{len(p['risk_points'])}")
def test_no_name_covers_a_dot_and_each_stays_inside_or_beside_its_building(plan, surface):
    style = STYLES[surface](plan)
    laid = ml.lay_out(plan, names(plan), style)
    per_metre = ml.scale(laid.view, style.panel)
    outlines = {b["code"]: b["polygon"] for b in plan["buildings"]}
    for label in laid.labels.values():
        assert label.where in ("inside", "beside"), label
        for dot in laid.dots:
            assert not ml.overlaps(label.box, dot_box(dot, per_metre)), (label, dot)
        polygon = outlines[label.code]
        if label.where == "inside":
            assert ml.box_inside(label.box, polygon)
        else:  # touching one side of its building's box, over no other building
            x0, y0, x1, y1 = bounds(polygon)
            gap = min(abs(label.box[1] - y1), abs(label.box[3] - y0), abs(label.box[0] - x1), abs(label.box[2] - x0))
            assert gap < 1e-6
            assert not any(ml.overlaps(label.box, bounds(p)) for code, p in outlines.items() if code != label.code)
        # Names never sit on one another.
        assert not any(ml.overlaps(label.box, other.box) for other in laid.labels.values() if other is not label)


def test_long_names_are_wrapped_or_shortened_to_their_building_with_the_whole_name_on_hover():
    plan = demo_like("demo-univ")
    figure = wall_map.map_figure("zh", plan, wall_map.overlay("zh", plan, {}, {}))
    labels = figure["data"][wall_map.TRACE_LABELS]
    first = labels["text"][0].split("<br>")
    assert len(first) == 2 and first[1].endswith("…") and labels["hovertext"][0] == LONG
    laid = ml.lay_out(plan, names(plan), wall_map.STYLE)
    per_metre = ml.scale(laid.view, wall_map.STYLE.panel)
    x0, _, x1, _ = bounds(plan["buildings"][0]["polygon"])
    widest = max(ml.text_em(line) for line in laid.labels["chem-north"].lines) * wall_map.STYLE.font / per_metre
    assert laid.labels["chem-north"].shortened and widest <= x1 - x0


@pytest.mark.parametrize("name, width, lines", [
    ("勤政楼", 6, ("勤政楼",)),
    ("化学化工学院（化学北楼）", 7, ("化学化工学院", "（化学北楼）")),  # broken before the bracket
    ("Chemistry North Building", 8, ("Chemistry", "North Build…")),  # at spaces, 0.6 em a letter
    ("一二三四五六七八九十十一", 5, ("一二三四五", "六七八九…")),  # anywhere between CJK characters
    ("西寓10号楼", 4, ("西寓10", "号楼"))])
def test_fitting_a_name(name, width, lines):
    assert ml.fit_name(name, width) == lines
    assert all(ml.text_em(line) <= width for line in lines)


def test_typed_markup_in_a_name_stays_text():
    plan = {**demo_like("demo-middle", default=0)}
    plan["buildings"][1] = {**plan["buildings"][1], "name_zh": "<b>Lab & Store</b>"}
    figure = wall_map.map_figure("zh", plan, wall_map.overlay("zh", plan, {}, {}))
    assert figure["data"][wall_map.TRACE_LABELS]["text"][1] == "&lt;b&gt;Lab &amp; Store&lt;/b&gt;"
    assert figure["data"][wall_map.TRACE_LABELS]["hovertext"][1] == "&lt;b&gt;Lab &amp; Store&lt;/b&gt;"


def test_dense_buildings_show_one_dot_per_colour_with_its_count():
    plan = demo_like("demo-middle", {"teaching": 30, "science": 3}, 0)
    laid = ml.lay_out(plan, names(plan), wall_map.STYLE)
    assert "teaching" in laid.grouped and "science" not in laid.grouped
    teaching = [d for d in laid.dots if d.building == "teaching"]
    assert sorted(d.colour for d in teaching) == sorted(COLOURS) and sum(d.count for d in teaching) == 30
    assert all(d.grouped and d.size == wall_map.STYLE.group for d in teaching)
    science = [d for d in laid.dots if d.building == "science"]
    placed = [(p["x"], p["y"]) for p in plan["risk_points"] if p["building"] == "science"]
    assert [(d.x, d.y) for d in science] == placed
    # The wall draws the count in the group's dot; a single point has none.
    figure = wall_map.map_figure("zh", plan, wall_map.overlay("zh", plan, {}, {}))
    points = figure["data"][wall_map.TRACE_POINTS]
    shown = dict(zip(points["text"], points["marker"]["size"]))
    assert {"8", "7"} <= set(points["text"]) and shown[""] == wall_map.STYLE.dot - 1
    # On the overview a group hovers with its count and names, and a tap names its building.
    dots = overview_map.figure("zh", plan, {})["data"][len(plan["buildings"]) + 1]
    grouped = [h for h in dots["hovertext"] if h.startswith("8: ")]
    assert grouped and grouped[0].endswith("…") and set(dots["customdata"]) == {"teaching", "science"}


# The sizes the map is read at: the wall's panel at 1080p (the design canvas) and the overview's
# map on tablets (the graph takes the plan's shape, width from the page's column).
PANELS = [wall_map.STYLE.panel, (560, 300), (700, 373), (1200, 640), (628, 900)]


@pytest.mark.parametrize("panel", PANELS)
@pytest.mark.parametrize("plan", [demo_like(s) for s in SITE_PLANS]
                         + [{"extent": {"width": 2000, "height": 2000}, "buildings": [
                             {"code": "a", "polygon": [[900, 900], [1200, 900], [1200, 1100], [900, 1100]]}]}],
                         ids=lambda p: p.get("school", "corner"))
def test_the_plan_fills_the_panels_limiting_dimension(plan, panel):
    x0, y0, x1, y1 = ml.content_box(plan)
    per_metre = ml.scale(ml.view_box(plan), panel)
    assert max((x1 - x0) * per_metre / panel[0], (y1 - y0) * per_metre / panel[1]) >= 0.9


def test_a_plan_with_a_small_corner_drawn_is_cropped_to_it():
    plan = {"extent": {"width": 2000, "height": 2000},
            "buildings": [{"code": "a", "polygon": [[900, 900], [1200, 900], [1200, 1100], [900, 1100]]}]}
    x0, y0, x1, y1 = ml.view_box(plan)
    assert 880 < x0 < 900 and 1200 < x1 < 1220 and 880 < y0 < 900 and 1100 < y1 < 1120
    figure = wall_map.map_figure("zh", plan, wall_map.overlay("zh", plan, {}, {}))
    assert figure["layout"]["xaxis"]["range"] == [x0, x1] and figure["layout"]["yaxis"]["scaleanchor"] == "x"


IMAGE = {"href": "/plans/demo-middle/main?v=3f2a", "box": [0, 0, 300, 240]}


def test_the_uploaded_plan_lies_under_the_buildings_from_this_site_only():
    elsewhere = [{"href": "https://tiles.example.com/a.png", "box": [0, 0, 1, 1]},
                 {"href": "//evil.example/a.png", "box": [0, 0, 1, 1]}, {"href": "/plans/x", "box": [0, 0, -1, 5]}]
    plan = {**demo_like("demo-middle"), "images": [IMAGE, *elsewhere, "junk"]}
    for figure in (wall_map.map_figure("zh", plan, wall_map.overlay("zh", plan, {}, {})),
                   overview_map.figure("zh", plan, {})):
        assert [dict((k, i[k]) for k in ("source", "x", "y", "sizex", "sizey", "sizing", "layer", "xref", "yref"))
                for i in figure["layout"]["images"]] == [
            {"source": IMAGE["href"], "x": 0, "y": 240, "sizex": 300, "sizey": 240, "sizing": "stretch",
             "layer": "below", "xref": "x", "yref": "y"}]
    # The overview's white campus paper turns see-through over the plan.
    assert {s["fillcolor"] for s in overview_map.figure("zh", plan, {})["layout"]["shapes"]} == {"rgba(0,0,0,0)"}
    # An image wider than the campus widens the view.
    wider = {**plan, "images": [{"href": "/plans/demo-middle/main?v=1", "box": [-50, 0, 400, 240]}]}
    assert ml.view_box(wider)[0] < -50 and ml.view_box(wider)[2] > 350


def test_without_images_the_map_is_drawn_as_before():
    plan = demo_like("demo-middle")
    assert plan_images(plan) == [] and plan_images({**plan, "images": []}) == []
    figure = wall_map.map_figure("zh", plan, wall_map.overlay("zh", plan, {}, {}))
    assert figure["layout"]["images"] == []
    assert {s.get("opacity") for s in figure["layout"]["shapes"] if s["type"] == "path"} == {1}
    assert "#ffffff" in {s["fillcolor"] for s in overview_map.figure("zh", plan, {})["layout"]["shapes"]}
