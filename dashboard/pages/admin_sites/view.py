"""The site administration page's builders, pure: plain rows in, Dash components out. Names are
rendered as text (Dash escapes them), never as markup. The drawing itself is an SVG that
assets/admin_sites.js builds from the PLAN store (no Plotly: a click anywhere on the plan must add
a point, and a point must be draggable)."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.admin_sites import ids
from dashboard.pages.admin_sites.text import to
from layouts.i18n import Language

# Building.kind (ledger.models.BUILDING_USES; the builders may not import the ledger).
# The browser's limit on a plan image: a little over the ledger's (1.4 MB), so a file between the two
# gets the ledger's reason; base64 of this much still fits a 2 MiB request.
UPLOAD_LIMIT = 1_500_000
USES = ("teaching", "lab", "canteen", "dormitory", "office", "library", "gym", "other")


def name_of(lang: Language, row: dict) -> str:
    return (row.get("name_en") or row["name_zh"]) if lang == "en" else row["name_zh"]


def campus_options(lang: Language, campuses: list[dict]) -> list[dict]:
    return [{"label": name_of(lang, c), "value": c["id"]} for c in campuses]


def campus_fields(campus: dict | None) -> tuple:
    """width, height, x, y of the campus plan as the inputs show them (blank when not set)."""
    box = (campus or {}).get("box")
    if not box:
        return None, None, 0, 0
    x, y, w, h = box
    return w, h, x, y


def on_campus(buildings: list[dict], campus: str | None) -> list[dict]:
    return [b for b in buildings if b.get("campus") == campus]


def building_options(lang: Language, buildings: list[dict]) -> list[dict]:
    return [{"label": to(lang, "new_building"), "value": ""}] + [
        {"label": f"{name_of(lang, b)} ({b['code']})", "value": b["code"]} for b in buildings]


def zone_options(lang: Language, building: dict | None) -> list[dict]:
    return [{"label": f"{name_of(lang, z)} ({z['code']})", "value": z["code"]} for z in (building or {}).get(
        "zones", [])]


def zone_names(buildings: list[dict], building: str | None, zone: str | None) -> tuple[str, str]:
    """The Chinese and English names of a building's zone, as the rename inputs show them ("" when none)."""
    row = next((b for b in buildings if b["code"] == building), None)
    found = next((z for z in (row or {}).get("zones", []) if z["code"] == zone), None) if zone else None
    return (found["name_zh"], found.get("name_en") or "") if found else ("", "")


def unit_options(lang: Language, units: list[dict]) -> list[dict]:
    return [{"label": name_of(lang, u), "value": u["code"]} for u in units]


def use_options(lang: Language) -> list[dict]:
    return [{"label": to(lang, f"use_{u}"), "value": u} for u in USES]


def plan_data(campus: dict | None, buildings: list[dict], editing: str | None) -> dict | None:
    """What the drawing shows: the campus box (school plan metres), its image, the other buildings'
    outlines for reference, and the outline of the building being edited (its points to move)."""
    if not campus or not campus.get("box"):
        return None
    edited = next((b for b in buildings if b["code"] == editing), None)
    return {
        "box": list(campus["box"]), "href": campus.get("image"),
        "others": [{"code": b["code"], "name": b["name_zh"], "polygon": b["polygon"]}
                   for b in buildings if b.get("polygon") and b["code"] != editing],
        "outline": (edited or {}).get("polygon") or [],
    }


def building_list(lang: Language, buildings: list[dict]) -> html.Div:
    if not buildings:
        return html.P(to(lang, "empty"), className="lead-note")
    items = []
    for b in buildings:
        outline = to(lang, "outline_points", n=len(b["polygon"])) if b.get("polygon") else to(lang, "no_outline")
        floors = f" · {b['floors']}F" if b.get("floors") else ""
        zones = "、".join(name_of(lang, z) for z in b.get("zones", [])) if lang == "zh" else ", ".join(
            name_of(lang, z) for z in b.get("zones", []))
        items.append(html.Li(className="admin-site-building", **{"data-code": b["code"]}, children=[
            html.Span(name_of(lang, b), className="admin-tree-name"),
            html.Span(f"{to(lang, 'use_' + b['kind']) if b.get('kind') in USES else (b.get('kind') or '')}{floors}"
                      f" · {outline}", className="admin-tree-kind"),
            html.Code(b["code"], className="admin-tree-code"),
            html.Div(f"{to(lang, 'zones')}: {zones}", className="admin-site-zones") if zones else None,
            contents(lang, b),
        ]))
    return html.Ul(items, className="admin-tree")


RISK_COLOURS = ("red", "orange", "yellow", "blue")


def contents(lang: Language, building: dict) -> html.Div:
    """What is in the building: its risk points in use by colour (a chip each, the colour and the
    count in words too) and its registered devices, or that nothing is yet."""
    points = building.get("risk_points") or {}
    total = sum(points.values())
    chips = [html.Span(to(lang, f"colour_{c}", n=points[c]), className=f"lead-chip {c}", **{"data-colour": c})
             for c in RISK_COLOURS if points.get(c)]
    return html.Div(className="admin-site-contents", children=[
        html.Span(to(lang, "risk_points", n=total)), *chips,
        html.Span(to(lang, "devices", n=building.get("devices") or 0)),
    ])


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def _number(id_: str, *, minimum: float = 0, step: str = "any") -> dcc.Input:
    return dcc.Input(id=id_, type="number", min=minimum, step=step, debounce=False)


def plan_card(lang: Language, schools: list[dict], school: str | None) -> html.Section:
    return html.Section(className="lead-card admin-card", children=[
        html.H2(to(lang, "plan")),
        _field(to(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=[
            {"label": name_of(lang, s), "value": s["code"]} for s in schools], value=school, clearable=False)),
        _field(to(lang, "campus"), dcc.Dropdown(id=ids.CAMPUS, options=[], clearable=False)),
        _field(to(lang, "width"), _number(ids.WIDTH)),
        _field(to(lang, "height"), _number(ids.HEIGHT)),
        _field(to(lang, "x"), _number(ids.X)),
        _field(to(lang, "y"), _number(ids.Y)),
        dcc.Upload(id=ids.UPLOAD, children=html.Div(to(lang, "upload")), className="admin-upload",
                   accept="image/png,image/jpeg,image/svg+xml", multiple=False, max_size=UPLOAD_LIMIT),
        # A file over the upload's limit never reaches the server: assets/admin_sites.js says so here.
        html.Div(id=ids.UPLOAD_NAME, className="lead-note", role="status",
                 **{"data-too-large": to(lang, "too_large"), "data-limit": str(UPLOAD_LIMIT)}),
        html.Button(to(lang, "save_plan"), id=ids.SAVE_PLAN, className="lead-button admin-primary", n_clicks=0),
        html.Div(id=ids.PLAN_MESSAGE, role="status", className="admin-message"),
        dcc.Upload(id=ids.GEOJSON, children=html.Div(to(lang, "geojson")), className="admin-upload",
                   accept=".geojson,.json,application/geo+json,application/json", multiple=False,
                   max_size=1_000_000),
    ])


def draw_card(lang: Language) -> html.Section:
    return html.Section(className="lead-card admin-card admin-draw-card", children=[
        html.H2(to(lang, "draw")),
        html.P(to(lang, "draw_help"), className="lead-note"),
        html.Div(id=ids.DRAW, className="admin-draw", **{"data-points-text": to(lang, "points", n="{n}")}),
        html.Div(className="admin-draw-tools", children=[
            html.Button(to(lang, "undo"), id=ids.UNDO, className="lead-button", n_clicks=0, type="button"),
            html.Button(to(lang, "clear"), id=ids.CLEAR, className="lead-button", n_clicks=0, type="button"),
            html.Span(id=ids.POINTS, className="lead-note"),
        ]),
        dcc.Store(id=ids.OUTLINE, data=[]),
        dcc.Store(id=ids.PLAN, data=None),
        html.Span(id=ids.PLAN_SHOWN, hidden=True),
    ])


def building_card(lang: Language) -> html.Section:
    return html.Section(className="lead-card admin-card", children=[
        html.H2(to(lang, "building")),
        _field(to(lang, "building"), dcc.Dropdown(id=ids.BUILDING, options=[], value="", clearable=False)),
        _field(to(lang, "code"), dcc.Input(id=ids.CODE, type="text", maxLength=64, autoComplete="off")),
        _field(to(lang, "name_zh"), dcc.Input(id=ids.NAME_ZH, type="text", maxLength=128)),
        _field(to(lang, "name_en"), dcc.Input(id=ids.NAME_EN, type="text", maxLength=128)),
        _field(to(lang, "use"), dcc.Dropdown(id=ids.USE, options=use_options(lang), value="teaching",
                                             clearable=False)),
        _field(to(lang, "floors"), _number(ids.FLOORS, minimum=1, step="1")),
        _field(to(lang, "unit"), dcc.Dropdown(id=ids.UNIT, options=[])),
        html.Div(className="admin-draw-tools", children=[
            html.Button(to(lang, "save_building"), id=ids.SAVE_BUILDING, className="lead-button admin-primary",
                        n_clicks=0),
            html.Button(to(lang, "retire"), id=ids.RETIRE_BUILDING, className="lead-button", n_clicks=0),
        ]),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        html.H3(to(lang, "zones")),
        _field(to(lang, "zone_code"), dcc.Input(id=ids.ZONE_CODE, type="text", maxLength=64, autoComplete="off")),
        _field(to(lang, "zone_name"), dcc.Input(id=ids.ZONE_NAME, type="text", maxLength=128)),
        html.Button(to(lang, "add_zone"), id=ids.ADD_ZONE, className="lead-button", n_clicks=0),
        _field(to(lang, "zone"), dcc.Dropdown(id=ids.ZONE, options=[])),
        _field(to(lang, "zone_edit_zh"), dcc.Input(id=ids.ZONE_EDIT_ZH, type="text", maxLength=128)),
        _field(to(lang, "zone_edit_en"), dcc.Input(id=ids.ZONE_EDIT_EN, type="text", maxLength=128)),
        html.Div(className="admin-draw-tools", children=[
            html.Button(to(lang, "save_zone"), id=ids.SAVE_ZONE, className="lead-button", n_clicks=0),
            html.Button(to(lang, "retire_zone"), id=ids.RETIRE_ZONE, className="lead-button", n_clicks=0),
        ]),
        html.Div(id=ids.ZONE_MESSAGE, role="status", className="admin-message"),
    ])


def body(lang: Language, schools: list[dict]) -> html.Div:
    if not schools:
        return html.P(to(lang, "no_schools"), className="lead-problem", role="alert")
    return html.Div(className="admin-sites", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        dcc.Store(id=ids.REFRESH, data=0),
        dcc.Store(id=ids.PLAN_REFRESH, data=0),
        html.Div(className="admin-columns admin-sites-columns", children=[
            plan_card(lang, schools, schools[0]["code"]),
            draw_card(lang),
            building_card(lang),
        ]),
        html.Section(className="lead-card admin-card", children=[
            html.H2(to(lang, "list")), html.Div(id=ids.BUILDINGS)]),
    ])
