"""The wall's fixed structure on its 1920x1080 design canvas: built once per page view, in one
language, with an empty slot (a pattern-matching id) for every value that the refresh fills.

Layout, top to bottom: header (title, school, as-of time), banners, the six domain tiles with
their 24-hour trends, then three columns: the four-colour risk map; people and visitors over the
hazard backlog; live alerts. The canvas is scaled to the screen by assets/wall.js; `?view=`
classes (assets/wall.css) enlarge one part for playlists and split walls.
"""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.wall import ids
from dashboard.pages.wall.map_fit import USUAL, lower_class, lower_style
from dashboard.pages.wall.panels import count_text, figure_class
from dashboard.pages.wall.trends import TREND_HOURS
from kernel import figures as F
from kernel.catalogue import DOMAINS
from kernel.figures import Figure
from layouts.i18n import Language, domain_name, severity_name, t

HTML_LANG = {"zh": "zh-CN", "en": "en"}  # lang="zh-CN" makes the browser pick SC glyph shapes
# Plotly on a wall: no toolbar, no hover, no zoom; a static plot also costs the browser less.
GRAPH_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}


def label(lang: Language, figure: Figure) -> str:
    """A figure's label: its text key's (kernel/figures.py), or its member's name (a severity)."""
    return t(lang, figure.text) if figure.text else severity_name(lang, figure.member)


def number(figure: Figure) -> html.Div:
    """The element showing a figure's number: its id and data-testid are the figure's DOM id."""
    return html.Div(count_text(None), id=ids.figure(figure.dom_id),
                    className=figure_class(figure.dom_id, None), **{"data-testid": figure.dom_id})


def figure(lang: Language, shown: Figure, *, size: str = "") -> html.Div:
    """A labelled number."""
    return html.Div(className=f"figure-box {size}".strip(), children=[
        number(shown), html.Div(label(lang, shown), className="figure-label"),
    ])


def domain_tile(lang: Language, domain: str) -> html.Section:
    return html.Section(className=f"tile domain-{domain}", children=[
        html.Div(className="tile-head", children=[
            html.H2(domain_name(lang, domain)),
            figure(lang, F.DOMAIN_ALERTS[domain], size="pill"),
        ]),
        html.Div(className="tile-figures", children=[
            figure(lang, F.DOMAIN_1H[domain], size="inline large"),
            figure(lang, F.DOMAIN_24H[domain], size="inline"),
        ]),
        html.Div([html.Div(className="bar", style={"height": "0%"}) for _ in range(TREND_HOURS)],
                 id=ids.sparkline(domain), className="sparkline", title=t(lang, "trend_24h"),
                 **{"data-testid": f"{domain}-trend"}),
    ])


def school_name(lang: Language, code: str, names: dict[str, dict]) -> str:
    """What a person reads for a school: its name (English with ?lang=en when it has one), the code
    only for a school the ledger does not know (yet)."""
    found = names.get(code) or {}
    return (found.get("name_en") if lang == "en" else None) or found.get("name_zh") or code


def school_options(lang: Language, codes: list[str], names: dict[str, dict]) -> list[dict]:
    """The picker's choices: each school by its name; its code stays the value (the URL carries it)."""
    return [{"label": school_name(lang, code, names), "value": code} for code in codes]


def header(lang: Language, school: str | None, names: dict[str, dict] | None = None) -> html.Header:
    options = school_options(lang, [school], names or {}) if school else []
    return html.Header(className="wall-header", children=[
        html.Div(className="wall-title", children=[
            html.H1(t(lang, "title")),
            dcc.Dropdown(id=ids.SCHOOL_PICKER, className="school-picker", options=options,
                         value=school, clearable=False, searchable=False, placeholder=t(lang, "school")),
        ]),
        html.Div(className="as-of-block", children=[
            html.Span(t(lang, "as_of"), className="as-of-label"),
            html.Span("--:--:--", id=ids.AS_OF, className="as-of", **{"data-testid": "as-of"}),
            html.Span("", id=ids.LAG, className="lag", **{"data-testid": "lag"}),
        ]),
    ])


def map_panel(lang: Language) -> html.Section:
    legend = [html.Div(className=f"legend-item risk-{c}", children=[
        html.Span(className="chip"), html.Span(label(lang, risk), className="legend-name"), number(risk),
    ]) for c, risk in F.RISK.items()]
    return html.Section(className="panel map-panel", children=[
        html.H2(t(lang, "map")),
        html.Div(legend, className="map-legend"),
        html.Div(className="map-body", children=[
            dcc.Graph(id=ids.RISK_MAP, config=GRAPH_CONFIG, className="risk-map", responsive=True,
                      figure={"data": [], "layout": {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
                                                     "xaxis": {"visible": False}, "yaxis": {"visible": False}}}),
            html.Div("", id=ids.MAP_NOTE, className="map-note", **{"data-testid": "map-note"}),
        ]),
        html.Div(className="map-keys", children=[
            html.Span([html.Span(className="key-ring"), t(lang, "map_alerts")]),
            html.Span([html.Span(className="key-diamond"), t(lang, "map_major")]),
        ]),
    ])


def people_panel(lang: Language) -> html.Section:
    return html.Section(className="panel people", children=[
        html.H2(t(lang, "people")),
        html.Div(className="people-grid", children=[
            html.Div(t(lang, "now"), className="row-label"),
            *(figure(lang, f) for f in (F.VISITORS_ON_CAMPUS, F.STAFF_PRESENT, F.STUDENTS_PRESENT,
                                        F.VEHICLES_ON_CAMPUS)),
            html.Div(t(lang, "today"), className="row-label"),
            *(figure(lang, f) for f in (F.VISITORS_TODAY, F.STAFF_TODAY, F.STUDENTS_TODAY, F.VEHICLES_TODAY)),
        ]),
        html.Div(className="people-lower", children=[
            html.Div(className="gates", children=[
                html.H3(t(lang, "gates")),
                html.Ul(id=ids.GATE_LIST, className="gate-list", **{"data-testid": "gate-list"}),
            ]),
            dcc.Graph(id=ids.HOURLY_CHART, config=GRAPH_CONFIG, className="hourly-chart", responsive=True,
                      figure={"data": [], "layout": {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
                                                     "xaxis": {"visible": False}, "yaxis": {"visible": False}}}),
        ]),
    ])


def hazards_panel(lang: Language) -> html.Section:
    """隐患治理: the closed loop stage by stage, what is late, and the supervised major hazards."""
    return html.Section(className="panel hazards", children=[
        html.Div(className="panel-head", children=[
            html.H2(t(lang, "hazards")),
            figure(lang, F.HAZARDS_RATE, size="rate"),
        ]),
        html.Ol(className="stages", children=[
            html.Li(figure(lang, f), className=f"stage stage-{stage}") for stage, f in F.HAZARD_STAGE.items()
        ]),
        html.Div(className="panel-figures", children=[
            *(figure(lang, f)
              for f in (F.HAZARDS_OPEN, F.HAZARDS_OVERDUE, F.HAZARDS_DUE_SOON, F.HAZARDS_MAJOR)),
        ]),
        html.Ul(id=ids.LISTED_HAZARDS, className="listed-hazards", **{"data-testid": "listed-hazards"}),
        inspections_line(lang),
    ])


def inspections_line(lang: Language) -> html.Div:
    """巡查 本月 漏检 N / 迟检 M: this month's missed and late routine inspections, one line under
    the listed hazards (each a labelled number, its label first as the line reads)."""
    def counted(shown: Figure) -> html.Div:
        return html.Div(className="figure-box inline", children=[
            html.Div(label(lang, shown), className="figure-label"), number(shown)])
    return html.Div(className="inspections-line", **{"data-testid": "inspections-line"}, children=[
        html.Span(t(lang, "inspections_month"), className="inspections-title"),
        counted(F.INSPECTIONS_MISSED), html.Span("/", className="inspections-sep"), counted(F.INSPECTIONS_LATE),
    ])


def alerts_panel(lang: Language) -> html.Section:
    columns = ("col_severity", "col_type", "col_place", "col_since", "col_state")
    return html.Section(className="panel alerts-panel", children=[
        html.H2(t(lang, "alerts")),
        html.Div(className="severity-figures", children=[
            *(figure(lang, f) for f in (*F.ALERTS_BY_SEVERITY.values(), F.ALERTS_OPEN, F.ALERTS_ESCALATED)),
        ]),
        html.Table(className="alert-list", children=[
            html.Thead(html.Tr([html.Th(t(lang, c), className=c) for c in columns])),
            html.Tbody(id=ids.ALERT_LIST, **{"data-testid": "alert-list"}),
        ]),
    ])


def wall_frame(lang: Language, school: str | None, *, screen: str, refresh_ms: int,
               names: dict[str, dict] | None = None, history: html.Div | None = None,
               at: str | None = None, push: bool = False) -> html.Div:
    """The whole wall page, every figure empty ("—") until the first refresh answers; the school's
    name in the header from the start when `names` has it. `history` is the time control or the past
    view's banner (past.py), for the roles that may see the past; `at` (ISO, UTC) makes it the past
    view: one answer, no timer, nothing pushed. `push`: the screen opens the school's stream after its
    first answer (assets/wall_push.js), else it polls every `refresh_ms`."""
    return html.Div(id=ids.WALL, className="wall" + (" is-past" if at else ""), lang=HTML_LANG[lang], children=[
        dcc.Location(id=ids.LOCATION, refresh=True),
        dcc.Interval(id=ids.TICK, interval=refresh_ms, disabled=at is not None),
        dcc.Store(id=ids.VIEW, data={"school": school, "lang": lang, "push": push and not at,
                                     **({"at": at} if at else {})}),
        dcc.Store(id=ids.HEARTBEAT),
        dcc.Store(id=ids.POLL),
        dcc.Store(id=ids.SYNC, data={"screen": screen, "tag": None}),
        dcc.Store(id=ids.FLASH, data=[]),
        dcc.Store(id=ids.SOUNDED, data=[]),
        header(lang, school, names),
        *([history] if history is not None else []),
        html.Div(t(lang, "link_lost"), id=ids.LINK_BANNER, className="banner link-banner", hidden=True,
                 role="alert", **{"data-testid": "link-banner"}),
        html.Div(id=ids.STALE_BANNER, className="banner", hidden=True, role="alert",
                 **{"data-testid": "stale-banner"}),
        html.Div([domain_tile(lang, d) for d in DOMAINS], className="tiles"),
        html.Div(id=ids.LOWER, className=lower_class(USUAL), style=lower_style(USUAL), children=[
            map_panel(lang),
            html.Div([people_panel(lang), hazards_panel(lang)], className="middle"),
            alerts_panel(lang),
        ]),
    ])
