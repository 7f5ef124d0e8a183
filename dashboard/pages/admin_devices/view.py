"""The device register page's builders, pure. Names and addresses are rendered as text, never as
links: a stream address is for the video system, and a page of the ledger never opens one."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.admin_devices import ids
from dashboard.pages.admin_devices.text import td
from kernel.device_systems import DEVICE_SYSTEMS
from layouts.admin_choices import school_options
from layouts.i18n import Language


def table(lang: Language, rows) -> html.Div:
    if not rows:
        return html.P(td(lang, "empty"), className="lead-note")
    head = html.Tr([html.Th(td(lang, k)) for k in ("th_source", "th_name", "th_system", "th_place", "th_stream")])
    body = [html.Tr(**{"data-source": r.source}, children=[
        html.Td(html.Code(r.source)), html.Td(r.name), html.Td(td(lang, f"sys_{r.system}")),
        html.Td(" · ".join(p for p in (r.building_name, r.zone) if p)), html.Td(r.stream_url or "")]) for r in rows]
    return html.Div(html.Table([html.Thead(head), html.Tbody(body)], className="lead-table"),
                    className="lead-table-wrap")




def pick_options(rows) -> list[dict]:
    return [{"label": f"{r.source} {r.name}", "value": r.source} for r in rows]




def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def body(lang: Language, schools, school: str | None) -> html.Div:
    if not schools:
        return html.P(td(lang, "no_school"), className="lead-problem")
    systems = [{"label": td(lang, f"sys_{s}"), "value": s} for s in DEVICE_SYSTEMS]
    return html.Div(className="admin-devices", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        _field(td(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=school_options(lang, schools), value=school,
                                                clearable=False)),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(td(lang, "register")), html.Div(id=ids.TABLE)]),
            html.Section(className="lead-card admin-card", children=[
                html.H2(td(lang, "form")),
                _field(td(lang, "pick"), dcc.Dropdown(id=ids.PICK, options=[], placeholder=td(lang, "pick"))),
                _field(td(lang, "source"), dcc.Input(id=ids.SOURCE, type="text", maxLength=128, autoComplete="off")),
                _field(td(lang, "name"), dcc.Input(id=ids.NAME, type="text", maxLength=128)),
                _field(td(lang, "system"), dcc.Dropdown(id=ids.SYSTEM, options=systems, value="fire",
                                                        clearable=False)),
                _field(td(lang, "place"), dcc.Dropdown(id=ids.PLACE, options=[])),
                _field(td(lang, "stream"), dcc.Input(id=ids.STREAM, type="text", maxLength=500)),
                html.Div(className="admin-actions", children=[
                    html.Button(td(lang, "add"), id=ids.ADD, className="lead-button admin-primary", n_clicks=0),
                    html.Button(td(lang, "save"), id=ids.SAVE, className="lead-button", n_clicks=0),
                    html.Button(td(lang, "retire"), id=ids.RETIRE, className="lead-button admin-danger", n_clicks=0),
                ]),
            ]),
        ]),
    ])
