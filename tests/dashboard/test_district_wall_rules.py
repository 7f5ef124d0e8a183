"""The district wall's rules, pure (issue 17): the strip geometry (layouts/wall_canvas.py), a
school's marker colour and pulse, the model and what changes, the map's traces, and which map
images the ledger refuses."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from dashboard.pages.district_wall.markers import marker, marker_colour, pulses
from dashboard.pages.district_wall.model import changes, district_model
from dashboard.pages.district_wall.view import map_figure
from layouts.wall_canvas import WHOLE, Screen, canvas_size, parse_screen, placement
from ledger.commands.district_maps import check_map_image
from ledger.plan_images import MAX_BYTES, BadImage


def test_screens_parse_as_the_wall_script_reads_them():
    assert parse_screen("2/3") == Screen(1, 0, 3, 1) and parse_screen("2/3").strip
    assert parse_screen("3/2x2") == Screen(0, 1, 2, 2) and not parse_screen("3/2x2").strip
    assert not parse_screen("2/2").strip  # a pair keeps the centred 16:9 canvas
    for bad in (None, "", "0/3", "4/3", "1/0", "x", "1/3x0", "1/99"):
        assert parse_screen(bad) == WHOLE


def test_a_strip_widens_the_canvas_and_each_display_shows_a_third():
    assert canvas_size(parse_screen("1/3")) == (5760, 1080)
    assert canvas_size(parse_screen("1/4")) == (7680, 1080)
    assert canvas_size(parse_screen("1/2")) == canvas_size(parse_screen("1/2x2")) == (1920, 1080)
    for i, left in ((1, 0), (2, -1920), (3, -3840)):  # 1080p displays: scale 1, no bars anywhere
        assert placement(parse_screen(f"{i}/3"), 1920, 1080) == (left, 0, 1)
    assert placement(parse_screen("2/3"), 960, 540) == (-960, 0, 0.5)
    # The columns of the strip layout (24 px paddings, 12 px gaps) end on the displays' edges.
    column = (5760 - 2 * 24 - 2 * 12) / 3
    assert 24 + column == 1920 and 24 + 2 * column + 12 == 3828 and 24 + 2 * column + 2 * 12 == 3840


def test_grids_and_pairs_are_placed_as_before():
    assert placement(parse_screen("2/2x2"), 960, 540) == (-960, 0, 1)
    assert placement(parse_screen("3/2x2"), 960, 540) == (0, -540, 1)
    assert placement(parse_screen("2/2"), 960, 540) == (-480, 0, 0.5)  # centred, bars at the ends
    assert placement(WHOLE, 3840, 2160) == (0, 0, 2)


def test_a_marker_takes_the_highest_risk_colour_and_pulses_with_an_open_critical_alert():
    assert marker_colour({"red": 0, "orange": 2, "yellow": 5, "blue": 9}) == "orange"
    assert marker_colour({"red": 1, "blue": 3}) == "red"
    assert marker_colour({"blue": 4}) == "blue"
    assert marker_colour({}) == marker_colour(None) == marker_colour({"red": "x"}) == "none"
    assert pulses({"critical": 1, "high": 0}) and not pulses({"critical": 0, "high": 3}) and not pulses(None)
    m = marker("a1", "一中", {"open": {"critical": 1, "high": 2}, "risk": {"yellow": 1}}, [0.25, 0.5])
    assert m == {"school": "a1", "name": "一中", "colour": "yellow", "pulse": True, "open": 3, "x": 0.25, "y": 0.5}
    assert marker("a2", "二中", None, None)["x"] is None


DISTRICT = {"code": "d1", "name_zh": "甲区", "name_en": None, "kind": "district", "schools": ["a1", "a2"],
            "names": {"a1": {"name_zh": "一中", "name_en": "No. 1"}, "a2": {"name_zh": "二中", "name_en": None}},
            "image": {"sha256": "ab" * 32, "width": 1600, "height": 1000}, "places": {"a1": [0.25, 0.5]}}
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)


def live(critical: int = 1) -> dict:
    t = int(NOW.timestamp() * 1000)
    return {"as_of_ms": t - 500, "alerts": [
        {"id": "x2", "school": "a2", "severity": "high", "state": "new", "type": "fire.smoke_alarm",
         "ts": str(t - 1000)},
        {"id": "x1", "school": "a1", "severity": "critical", "state": "new", "type": "alarm.one_key",
         "ts": str(t - 9000)}],
        "schools": {"a1": {"open": {"critical": critical, "high": 0}, "risk": {"red": 1}, "as_of_ms": t,
                           "stale": False},
                    "a2": {"open": {"critical": 0, "high": 1}, "risk": None, "as_of_ms": t, "stale": False}}}


def test_the_model_names_schools_and_changes_carry_only_what_differs():
    league = [{"school": "a1", "name_zh": "一中", "name_en": "No. 1", "rank": 1, "rate": 0.5, "overdue": 2,
               "alerts_open": 1, "score": 91.25}]
    model = district_model("zh", district=DISTRICT, live=live(), league=league, due=[], now=NOW)
    assert model["figures"] == {"schools": 2, "open": 2, "critical": 1, "red": 1}
    assert [a["school"] for a in model["alerts"]] == ["二中", "一中"]  # newest first, by the school's name
    assert model["league"] == [{"school": "a1", "name": "一中", "rank": "1", "rate": "50%", "overdue": 2, "open": 1,
                                "score": "91.2"}]
    assert model["due"] == [] and model["banner"] is None and "has-critical" in model["wall_class"]
    english = district_model("en", district=DISTRICT, live=live(), league=league, due=[], now=NOW)
    assert english["league"][0]["name"] == "No. 1"
    calmer = district_model("zh", district=DISTRICT, live=live(critical=0), league=league, due=[], now=NOW)
    assert set(changes(model, calmer)) == {"figures", "map", "wall_class"}
    assert changes(model, model) == {} and set(changes(None, model)) == set(model)


def test_the_map_places_schools_on_the_image_and_rings_last():
    model = district_model("zh", district=DISTRICT, live=live(), league=[], due=[], now=NOW)
    figure = map_figure(model["map"])
    red = next(t for t in figure["data"] if t["name"] == "red")
    assert red["x"] == [400.0] and red["y"] == [500.0] and red["text"] == ["一中"]
    assert figure["data"][-1]["name"] == "critical" and figure["data"][-1]["x"] == [400.0]
    assert figure["layout"]["images"][0]["source"].startswith("/district-maps/d1?v=")
    assert sum(len(t["x"]) for t in figure["data"][:-1]) == 1  # a2 has no place: not on the map


def test_a_schools_name_on_the_map_is_text_never_plotlys_markup():
    """Plotly reads <b>, <br> and <a href> in a trace's text: a school's name, typed by an administrator,
    goes onto the map escaped and reads as written (a link would be clickable on a city's wall)."""
    typed = '<a href="https://evil.example">一中</a><br>&'
    district = {**DISTRICT, "names": {**DISTRICT["names"], "a1": {"name_zh": typed, "name_en": None}}}
    figure = map_figure(district_model("zh", district=district, live=live(), league=[], due=[], now=NOW)["map"])
    red = next(t for t in figure["data"] if t["name"] == "red")
    assert red["text"] == ["&lt;a href=\"https://evil.example\"&gt;一中&lt;/a&gt;&lt;br&gt;&amp;"]


def png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 40, 60)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 a spreadsheet", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                                  b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\xff\xd8\xff" + b"x" * MAX_BYTES])
def test_a_map_that_is_not_a_raster_image_or_too_large_is_refused_in_both_languages(data):
    with pytest.raises(BadImage) as refused:
        check_map_image(data)
    assert refused.value.zh


def test_a_png_map_is_kept_with_its_size():
    kept = check_map_image(png(160, 100))
    assert (kept.content_type, kept.pixel_width, kept.pixel_height) == ("image/png", 160, 100)


def test_a_district_without_a_map_gets_a_grid_of_school_tiles_coloured_and_pulsing():
    from dashboard.pages.district_wall.view import map_children

    model = district_model("zh", district={**DISTRICT, "image": None}, live=live(), league=[], due=[], now=NOW)
    _note, grid = map_children("zh", model["map"])
    tiles = grid.children
    assert [t.className for t in tiles] == ["school-tile risk-red is-pulsing", "school-tile risk-none"]
    assert [t.children[0].children for t in tiles] == ["一中", "二中"] and grid.className == "school-tiles cols-2"
