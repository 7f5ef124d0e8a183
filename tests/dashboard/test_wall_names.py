"""What the wall shows a person for a school, building and zone: their names, pure (the browser tests
in test_wall_browser.py check the header and the picker in Chromium)."""
from __future__ import annotations

from dashboard.pages.wall.panels import place_text
from dashboard.pages.wall.view import school_name, school_options

NAMES = {"demo-univ": {"name_zh": "示范大学", "name_en": "Demo University"},
         "demo-middle": {"name_zh": "示范中学", "name_en": None}}


def test_a_school_is_read_by_its_name_and_its_code_stays_the_value():
    assert school_name("zh", "demo-univ", NAMES) == "示范大学"
    assert school_name("en", "demo-univ", NAMES) == "Demo University"
    assert school_name("en", "demo-middle", NAMES) == "示范中学"  # no English name: the Chinese one
    assert school_name("zh", "camera-7", NAMES) == "camera-7"  # not in the ledger: nothing else to show
    assert school_options("zh", ["demo-univ", "camera-7"], NAMES) == [
        {"label": "示范大学", "value": "demo-univ"}, {"label": "camera-7", "value": "camera-7"}]


def test_an_alerts_place_is_read_by_the_building_and_zone_names():
    places = {"chem": "化学实验楼", ("chem", "3F"): "三层"}
    assert place_text({"building": "chem", "zone": "3F"}, places) == "化学实验楼 · 三层"
    assert place_text({"building": "chem", "zone": "4F"}, places) == "化学实验楼 · 4F"
    assert place_text({"building": "b7", "zone": None}, places) == "b7"
