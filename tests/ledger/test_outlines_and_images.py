"""Checking what an admin sends for a site: plan images by their content (never their name), and
building outlines (simple polygons on the plan). Pure."""
from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from PIL import Image

from ledger import outlines, plan_images
from ledger.outlines import BadOutline
from ledger.plan_images import BadImage


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says it is width × height: what a decompression bomb looks like."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return plan_images.PNG + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 80">{}</svg>'


def test_real_png_jpeg_and_svg_are_kept_with_their_type_from_the_bytes():
    kept = plan_images.check(png())
    assert (kept.content_type, kept.pixel_width, kept.pixel_height) == ("image/png", 40, 30)
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "grey").save(out, "JPEG")
    assert plan_images.check(out.getvalue()).content_type == "image/jpeg"
    svg = SVG.format('<rect width="100" height="80" fill="#eee"/><use href="#r"/>').encode()
    assert plan_images.check(svg).content_type == "image/svg+xml"
    assert len(kept.sha256) == 64


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"GIF89a" + b"\0" * 100, "not a PNG, JPG or SVG"),  # a GIF named plan.png: the name is never read
    (b"MZ\x90\0 an executable named plan.png", "not a PNG, JPG or SVG"),
    (plan_images.PNG + b"not really a png after its signature", "cannot be read"),
    (b"\xff\xd8\xff" + b"\0" * 50, "cannot be read"),
    (b"<html><body>hello</body></html>", "not a PNG, JPG or SVG"),
    (b"<?xml version='1.0'?><plan/>", "not an SVG"),
])
def test_a_fake_or_broken_image_is_refused_by_its_content(data, reason):
    with pytest.raises(BadImage, match=reason):
        plan_images.check(data)


def test_an_oversized_image_is_refused_in_bytes_and_in_pixels():
    with pytest.raises(BadImage, match="at most 1.4 MB"):
        plan_images.check(plan_images.PNG + b"\0" * (plan_images.MAX_BYTES + 1))
    with pytest.raises(BadImage, match="pixels"):  # a bomb: refused from its header, never unpacked
        plan_images.check(png_header_claiming(60_000, 60_000))
    with pytest.raises(BadImage, match="pixels"):
        plan_images.check(png_header_claiming(20_000, 10))


@pytest.mark.parametrize("inside, reason", [
    ("<script>alert(1)</script>", "script"),
    ('<rect onload="alert(1)" width="1" height="1"/>', "event handler"),
    ('<animate onbegin="alert(1)"/>', "event handler"),
    ('<image xlink:href="https://evil.example/x.png" width="10" height="10"/>', "outside itself"),
    ('<image href="javascript:alert(1)" width="10" height="10"/>', "outside itself"),
    ('<a href="https://evil.example"><text>x</text></a>', "outside itself"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>', "foreignobject"),
    ('<style>@import url(https://evil.example/x.css);</style>', "outside itself"),
    ('<rect style="fill: url(https://evil.example/x)" width="1" height="1"/>', "outside itself"),
    ('<rect fill="url(https://evil.example/x#p)" width="1" height="1"/>', "outside itself"),
    ('<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>', "animates its href"),
    ('<a><animate attributeName="xlink:href" values="javascript:alert(1)"/><text>x</text></a>', "animates its href"),
    ('<rect width="1" height="1"><set attributeName="onclick" to="alert(1)"/></rect>', "animates its onclick"),
    ('<style>rect { fill: \\75 rl(https://evil.example/x) }</style>', "CSS escape"),
    ('<style>@\\69mport "https://evil.example/x.css";</style>', "CSS escape"),
])
def test_an_svg_that_could_run_or_reach_out_is_refused(inside, reason):
    with pytest.raises(BadImage, match=reason):
        plan_images.check(SVG.format(inside).encode())


def test_an_svg_with_entities_is_refused_before_they_expand():
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><svg>&b;</svg>'
    with pytest.raises(BadImage, match="DTD or entities"):
        plan_images.check(bomb)
    with pytest.raises(BadImage, match="well-formed"):
        plan_images.check(b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>")


SQUARE = [[10, 10], [40, 10], [40, 30], [10, 30]]


def test_a_good_outline_is_kept_shifted_and_without_its_closing_point():
    assert outlines.check(SQUARE + [[10, 10]], width=100, height=50) == [[10, 10], [40, 10], [40, 30], [10, 30]]
    assert outlines.check(SQUARE, width=100, height=50, origin=(470, 0))[0] == [480, 10]
    ell = [[0, 0], [30, 0], [30, 10], [10, 10], [10, 30], [0, 30]]
    assert len(outlines.check(ell, width=100, height=50)) == 6


@pytest.mark.parametrize("raw, reason", [
    ([[0, 0], [20, 20], [20, 0], [0, 20]], "crosses itself"),  # a bow tie
    ([[0, 0], [30, 0], [30, 30], [10, 40], [20, 0]], "crosses itself"),  # a point on another edge
    ([[0, 0], [10, 0]], "at least 3 points"),
    ([[0, 0], [10, 0], [10, 0], [0, 0]], "at least 3 points"),  # repeated points are one point
    ([[0, 0], [10, 0], [20, 0]], "less than one square metre"),  # all on one line
    ([[0, 0], [120, 0], [0, 20]], "outside the plan"),
    ([[0, 0], [10, -5], [0, 20]], "outside the plan"),
    ([[0, 0], [10, "x"], [0, 20]], "not a number"),
    ([[0, 0], [10, float("nan")], [0, 20]], "not a number"),
    ([[0, 0], [10, True], [0, 20]], "not a number"),
    ("M 0 0 L 1 1", "not a list of points"),
    ([[0, 0], [5], [0, 20]], "not a pair"),
])
def test_a_bad_outline_is_refused_with_its_reason(raw, reason):
    with pytest.raises(BadOutline, match=reason):
        outlines.check(raw, width=100, height=50)


def test_a_thousand_vertex_outline_is_refused_not_silently_simplified():
    import math
    circle = [[50 + 20 * math.cos(2 * math.pi * i / 1000), 25 + 20 * math.sin(2 * math.pi * i / 1000)]
              for i in range(1000)]
    with pytest.raises(BadOutline, match="1000 points; at most 200"):
        outlines.check(circle, width=100, height=50)
    assert len(outlines.check(circle[::5], width=100, height=50)) == 200  # 200 is allowed


def _collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geometry} for props, geometry in features]})


def test_geojson_polygons_and_single_multipolygons_are_read_with_their_names():
    ring = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    found = outlines.read_geojson(_collection(({"code": "lab"}, {"type": "Polygon", "coordinates": [ring]}),
                                              ({"name": "食堂"}, {"type": "MultiPolygon", "coordinates": [[ring]]})))
    assert [(f.name, len(f.ring)) for f in found] == [("lab", 5), ("食堂", 5)]


@pytest.mark.parametrize("text, reason", [
    ("not json", "not JSON"),
    ("[1, 2]", "not a GeoJSON object"),
    ('{"type": "FeatureCollection", "features": []}', "no features"),
    (_collection(({}, {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1]]]})), "no code or name"),
    (_collection(({"code": "a"}, {"type": "Point", "coordinates": [0, 0]})), "not a Polygon"),
    (_collection(({"code": "a"}, {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [0, 1]]]] * 2})),
     "several shapes"),
    (_collection(({"code": "a"}, {"type": "Polygon", "coordinates": [[[0, 0], [9, 0], [0, 9]]] * 2})), "hole"),
])
def test_a_bad_geojson_file_is_refused_with_its_reason(text, reason):
    with pytest.raises(BadOutline, match=reason):
        outlines.read_geojson(text)
