"""The wall's fixed structure on its 1920x1080 design canvas: built once per page view, in one
language, with an empty slot (a pattern-matching id) for every number that the refresh fills.
"""
from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from layouts.i18n import Language, domain_name, severity_name, t
from layouts.wall_panels import SPARKLINE_MINUTES, count_text, figure_class, sparkline_bars
from streams.catalogue import ALERT_SEVERITIES, DOMAINS

HTML_LANG = {"zh": "zh-CN", "en": "en"}  # lang="zh-CN" makes the browser pick SC glyph shapes
REFRESH_MS = 1000


def figure(name: str, label: str, *, size: str = "") -> html.Div:
    """A labelled number; the number element carries the figure's id and data-testid."""
    return html.Div(className=f"figure-box {size}".strip(), children=[
        html.Div(count_text(None), id=ids.figure(name), className=figure_class(name, None),
                 **{"data-testid": name}),
        html.Div(label, className="figure-label"),
    ])


def domain_tile(lang: Language, domain: str) -> html.Section:
    return html.Section(className=f"tile domain-{domain}", children=[
        html.Div(className="tile-head", children=[
            html.H2(domain_name(lang, domain)),
            figure(f"{domain}-alerts", t(lang, "alerts_pill"), size="pill"),
        ]),
        # Stacked, each number on its own line: a busy campus has five-digit hours.
        figure(f"{domain}-1h", t(lang, "events_1h"), size="inline large"),
        figure(f"{domain}-24h", t(lang, "events_24h"), size="inline"),
        html.Div(sparkline_bars([0] * SPARKLINE_MINUTES), id=ids.sparkline(domain), className="sparkline",
                 title=t(lang, "trend_60m"), **{"data-testid": f"{domain}-sparkline"}),
    ])


def panel(title: str, *figures: html.Div, className: str = "") -> html.Section:
    return html.Section(className=f"panel {className}".strip(), children=[
        html.H2(title), html.Div(list(figures), className="panel-figures"),
    ])


def hazards_panel(lang: Language) -> html.Section:
    """隐患治理: the closed loop's backlog and, below it, the major hazards under listed supervision."""
    return html.Section(className="panel hazards", children=[
        # Five numbers do not fit one row of the panel at wall size: the rate sits beside the title.
        html.Div(className="panel-head", children=[
            html.H2(t(lang, "hazards")),
            figure("hazards-rate", t(lang, "hazards_rate"), size="rate"),
        ]),
        html.Div(className="panel-figures", children=[
            figure("hazards-open", t(lang, "hazards_open")),
            figure("hazards-overdue", t(lang, "hazards_overdue")),
            figure("hazards-due-soon", t(lang, "hazards_due_soon")),
            figure("hazards-major", t(lang, "hazards_major")),
        ]),
        html.Ul(id=ids.LISTED_HAZARDS, className="listed-hazards", **{"data-testid": "listed-hazards"}),
    ])


def header(lang: Language, school: str | None) -> html.Header:
    return html.Header(className="wall-header", children=[
        html.Div(className="wall-title", children=[
            html.H1(t(lang, "title")),
            dcc.Dropdown(id=ids.SCHOOL_PICKER, className="school-picker", options=[school] if school else [],
                         value=school, clearable=False, searchable=False, placeholder=t(lang, "school")),
        ]),
        html.Div(className="as-of-block", children=[
            html.Span(t(lang, "as_of"), className="as-of-label"),
            html.Span("--:--:--", id=ids.AS_OF, className="as-of", **{"data-testid": "as-of"}),
            html.Span("", id=ids.LAG, className="lag", **{"data-testid": "lag"}),
        ]),
    ])


def alerts_panel(lang: Language) -> html.Section:
    columns = ("col_severity", "col_type", "col_place", "col_time", "col_state")
    return html.Section(className="panel alerts-panel", children=[
        html.H2(t(lang, "alerts")),
        html.Div(className="severity-figures", children=[
            *[figure(f"alerts-{s}", severity_name(lang, s)) for s in ALERT_SEVERITIES],
            figure("alerts-open", t(lang, "alerts_total")),
        ]),
        html.H3(t(lang, "recent")),
        html.Table(className="alert-list", children=[
            html.Thead(html.Tr([html.Th(t(lang, c), className=c) for c in columns])),
            html.Tbody(id=ids.ALERT_LIST, **{"data-testid": "alert-list"}),
        ]),
    ])


def wall_frame(lang: Language, school: str | None) -> html.Div:
    """The whole wall page, every figure empty ("—") until the first refresh answers."""
    return html.Div(id=ids.WALL, className="wall", lang=HTML_LANG[lang], children=[
        dcc.Location(id=ids.LOCATION, refresh=True),
        dcc.Interval(id=ids.TICK, interval=REFRESH_MS),
        dcc.Store(id=ids.VIEW, data={"school": school, "lang": lang}),
        dcc.Store(id=ids.HEARTBEAT),
        header(lang, school),
        html.Div(t(lang, "link_lost"), id=ids.LINK_BANNER, className="banner link-banner", hidden=True,
                 role="alert", **{"data-testid": "link-banner"}),
        html.Div(id=ids.STALE_BANNER, className="banner", hidden=True, role="alert",
                 **{"data-testid": "stale-banner"}),
        html.Div([domain_tile(lang, d) for d in DOMAINS], className="tiles"),
        html.Div(className="lower", children=[
            html.Div(className="panels", children=[
                panel(t(lang, "visitors"),
                      figure("visitors-on-campus", t(lang, "visitors_on_campus"), size="large"),
                      figure("visitors-today", t(lang, "visitors_today"))),
                panel(t(lang, "attendance"),
                      figure("staff-present", t(lang, "staff_present"), size="large"),
                      figure("students-present", t(lang, "students_present"), size="large")),
                panel(t(lang, "vehicles"),
                      figure("vehicles-on-campus", t(lang, "vehicles_on_campus"), size="large"),
                      figure("vehicles-today", t(lang, "vehicles_today"))),
                hazards_panel(lang),
            ]),
            alerts_panel(lang),
        ]),
    ])
