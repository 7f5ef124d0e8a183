"""The demo schools' site plans: every building drawn, zones inside buildings, no overlaps."""
from __future__ import annotations

import itertools

import pytest

from demo.sites import SCHOOLS
from ledger.site_plans import SITE_PLANS, bounding_box, marker, point_in_polygon, rects_overlap, zone_polygons


@pytest.mark.parametrize("school", SCHOOLS, ids=lambda s: s.id)
def test_every_building_of_the_school_has_a_plan_inside_its_campus(school):
    plan = SITE_PLANS[school.id]
    assert {b.building for b in plan.buildings} == {b.id for b in school.buildings}
    boxes = {cid: box for cid, _, box in plan.campuses}
    assert {c.id for c in school.campuses} == set(boxes)
    for building in school.buildings:
        x, y, w, h = bounding_box(plan.building(building.id).polygon)
        bx, by, bw, bh = boxes[building.campus]
        assert bx <= x and by <= y and x + w <= bx + bw and y + h <= by + bh, building.id
    assert plan.as_json()["width"] == plan.width


@pytest.mark.parametrize("school", SCHOOLS, ids=lambda s: s.id)
def test_every_zone_lies_inside_its_building_and_zones_do_not_overlap(school):
    for building in school.buildings:
        outline = SITE_PLANS[school.id].building(building.id).polygon
        zones = zone_polygons(school.id, building.id, [z.id for z in building.zones])
        assert list(zones) == [z.id for z in building.zones]
        for zone, polygon in zones.items():
            assert all(point_in_polygon(tuple(corner), outline) for corner in polygon), (building.id, zone)
        for a, b in itertools.combinations(zones.values(), 2):
            assert not rects_overlap(bounding_box(a), bounding_box(b))


@pytest.mark.parametrize("school", SCHOOLS, ids=lambda s: s.id)
def test_buildings_do_not_overlap(school):
    blocks = [(plan.building, block) for plan in SITE_PLANS[school.id].buildings for block in plan.blocks]
    for (a, ra), (b, rb) in itertools.combinations(blocks, 2):
        if a != b:
            assert not rects_overlap(ra, rb), (a, b)


def test_an_l_shaped_outline_excludes_its_notch_and_markers_stay_inside():
    outline = SITE_PLANS["demo-univ"].building("chem-north").polygon  # main block with a wing on the left
    assert len(outline) == 6
    assert point_in_polygon((40, 400), outline)  # in the wing
    assert not point_in_polygon((180, 400), outline)  # beside the wing, above the main block
    assert all(point_in_polygon(marker(outline, i), outline) for i in range(30))
