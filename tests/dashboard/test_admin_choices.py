"""The pickers the administration pages share (layouts/admin_choices.py): people read names in their
language, the values stay codes, and a stored place comes back as the value its picker shows."""
from __future__ import annotations

from layouts.admin_choices import PLACE_SEPARATOR, place_options, place_value, school_options, unit_options
from queries.ledger.register import Choice, SchoolParts

PARTS = SchoolParts(
    [Choice("lab", "化学楼", "Chemistry Building"), Choice("canteen", "食堂", None)],
    [Choice("3F-305", "305实验室", "Lab 305", "lab"), Choice("k1", "后厨", None, "canteen")],
    [Choice("t-chem", "化学学院", "School of Chemistry")],
)


def test_places_read_in_the_page_language_and_keep_their_codes():
    assert place_options("zh", PARTS) == [
        {"label": "食堂", "value": "canteen"}, {"label": "食堂 · 后厨", "value": f"canteen{PLACE_SEPARATOR}k1"},
        {"label": "化学楼", "value": "lab"}, {"label": "化学楼 · 305实验室", "value": f"lab{PLACE_SEPARATOR}3F-305"}]
    english = {o["value"]: o["label"] for o in place_options("en", PARTS)}
    assert english["lab|3F-305"] == "Chemistry Building · Lab 305"
    assert english["canteen|k1"] == "食堂 · 后厨"  # no English name: the Chinese, never the code


def test_a_stored_place_is_the_value_its_picker_shows():
    values = {o["value"] for o in place_options("zh", PARTS)}
    assert place_value("lab", "3F-305") in values and place_value("canteen", None) in values
    assert place_value(None, None) is None


def test_schools_and_units_by_name():
    assert school_options("en", [Choice("s1", "一中", "No. 1 Middle School")]) == [
        {"label": "No. 1 Middle School", "value": "s1"}]
    assert unit_options("zh", PARTS) == [{"label": "化学学院", "value": "t-chem"}]
