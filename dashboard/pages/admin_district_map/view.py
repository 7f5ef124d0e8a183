"""The district map administration page's builders, pure: plain rows in, components out (names as
text). One unit at a time: its map image, each school's place, a form to place one school."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.admin_district_map import ids
from dashboard.pages.admin_district_map.text import tm
from layouts.i18n import Language

UPLOAD_LIMIT = 1_500_000  # a little over the ledger's 1.4 MB, so a file between the two gets its reason


def name_of(lang: Language, row: dict) -> str:
    return (row.get("name_en") or row["name_zh"]) if lang == "en" else row["name_zh"]


def body(lang: Language, units: list[dict]) -> html.Div:
    if not units:
        return html.P(tm(lang, "no_units"), className="lead-problem")
    options = [{"label": f"{name_of(lang, u)} ({u['code']})", "value": u["code"]} for u in units]
    return html.Div(className="admin-dmap", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}), dcc.Store(id=ids.REFRESH, data={"n": 0}),
        html.P(tm(lang, "intro")),
        html.Label([tm(lang, "unit"), dcc.Dropdown(id=ids.UNIT, options=options, value=units[0]["code"],
                                                   clearable=False)]),
        dcc.Upload(id=ids.UPLOAD, children=html.Button(tm(lang, "upload"), type="button"),
                   accept="image/png,image/jpeg", max_size=UPLOAD_LIMIT, multiple=False),
        html.Div(className="dmap-form", children=[
            html.Label([tm(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=[], clearable=False)]),
            html.Label([tm(lang, "x"), dcc.Input(id=ids.X, type="number", min=0, max=1, step=0.001)]),
            html.Label([tm(lang, "y"), dcc.Input(id=ids.Y, type="number", min=0, max=1, step=0.001)]),
            html.Button(tm(lang, "place"), id=ids.PLACE, type="button", className="lead-button"),
            html.Button(tm(lang, "off"), id=ids.OFF, type="button", className="lead-button"),
        ]),
        html.Div(id=ids.SAID, role="status", **{"data-testid": "dmap-said"}),
        html.Div(id=ids.PREVIEW, className="dmap-preview"),
        html.Ul(id=ids.PLACES, className="dmap-places", **{"data-testid": "dmap-places"}),
    ])


def school_options(lang: Language, district: dict) -> list[dict]:
    names = district["names"]
    return [{"label": name_of(lang, names[c]), "value": c} for c in district["schools"]]


def preview(lang: Language, district: dict) -> list:
    image = district.get("image")
    if not image:
        return [html.P(tm(lang, "no_map"))]
    return [html.Img(src=f"/district-maps/{district['code']}?v={image['sha256'][:16]}", alt=district["name_zh"],
                     className="dmap-image"),
            html.A(tm(lang, "wall"), href=f"/district?unit={district['code']}", className="lead-button")]


def places(lang: Language, district: dict) -> list:
    out = []
    for code in district["schools"]:
        where = district["places"].get(code)
        text = f"x {where[0]:.3f} · y {where[1]:.3f}" if where else tm(lang, "not_placed")
        out.append(html.Li([html.Span(name_of(lang, district["names"][code])), " ", html.Span(text)]))
    return out
