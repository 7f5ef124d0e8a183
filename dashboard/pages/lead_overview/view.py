"""The leadership overview's parts (/lead), pure: the live status line, the summary cards (hazards,
alerts today, visitors, attendance), the six domains' headlines, the four-colour map with its
building list, and the page around them. Data in, Dash components out.

The map and the building list beneath it both pick a building for the drill panel
(drill.py); the list is the accessible way in (named buttons, 44 px, for a
screen reader or a finger too big for a small building on the plan).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard.pages.lead_overview import map as overview_map
from dashboard.pages.lead_overview.drill import backlog, drill_panel, drill_placeholder
from dashboard.pages.lead_overview.figures import DomainHeadline, People
from dashboard.pages.lead_overview.ids import (
    ALERTS,
    ATTENDANCE,
    BACKLOG,
    BUILDING,
    DOMAINS,
    DRILL,
    DRILL_SHOWN,
    HAZARDS,
    MAP,
    STATUS,
    TICK,
    VIEW,
    VISITORS,
)
from dashboard.pages.lead_overview.text import to
from layouts.i18n import Language, domain_name, severity_name
from layouts.lead_ledger_text import local_name
from layouts.map_labels import view_box

if TYPE_CHECKING:  # the rows the callbacks read (queries/ledger/lead_overview.py); annotations only
    from queries.ledger.lead_overview import BuildingDrill, BuildingFigures

REFRESH_MS = 60_000  # the live figures; a leader reads trends, not seconds (the wall does seconds)
BACKLOG_LIMIT = 10
DRILL_LIMIT = 20  # risk points and open hazards the drill panel lists
DRILL_ALERTS = 10  # recent alerts it lists (the hazard ledger and the duty console have the rest)
SELECTED = "is-selected"


def _n(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _average(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}".removesuffix(".0")


def _duration(lang: Language, seconds: float) -> str:
    if seconds < 120:
        return to(lang, "seconds", n=int(seconds))
    if seconds < 7200:
        return to(lang, "minutes", n=int(seconds // 60))
    return to(lang, "hours", n=int(seconds // 3600))


def status_line(lang: Language, state: str, summary: dict | None) -> list:
    """What the live figures are: current (as of when), stale (by how long) or unavailable (why)."""
    as_of = (summary or {}).get("as_of")
    clock = datetime.fromisoformat(as_of).strftime("%H:%M:%S") if isinstance(as_of, str) else "—"
    if state == "live":
        return [html.Span(to(lang, "live_as_of", clock=clock), className="lead-note", **{"data-state": state})]
    if state == "stale":
        lag = _duration(lang, float((summary or {}).get("lag_seconds") or 0))
        text = to(lang, "live_stale", lag=lag, clock=clock)
    else:
        text = to(lang, "live_none" if state == "none" else "live_unreachable")
    return [html.P(text, className="lead-overview-warning", role="status", **{"data-state": state})]


def hazards_card(lang: Language, totals: dict[str, int], *, due_soon_days: float, href) -> html.Section:
    """Open hazards, with overdue and major as links into the hazard ledger filtered so.
    `href(**query)`: a link to the hazard ledger."""
    days = f"{due_soon_days:g}"
    return html.Section(id=HAZARDS, className="lead-card lead-overview-card", children=[
        html.H2(to(lang, "hazards")),
        dcc.Link(className="lead-overview-big", href=href(), children=[
            html.Span(_n(totals["open"]), className="lead-figure", **{"data-figure": "hazards_open"}),
            html.Span(to(lang, "hazards_open"), className="lead-note")]),
        html.Div(className="lead-overview-pair", children=[
            dcc.Link(className="lead-overview-sub is-alarm" if totals["overdue"] else "lead-overview-sub",
                     href=href(overdue="1"), children=[
                html.Span(_n(totals["overdue"]), **{"data-figure": "hazards_overdue"}), " ", to(lang, "overdue")]),
            dcc.Link(className="lead-overview-sub is-alarm" if totals["major"] else "lead-overview-sub",
                     href=href(grade="major"), children=[
                html.Span(_n(totals["major"]), **{"data-figure": "hazards_major"}), " ", to(lang, "major_open")]),
        ]),
        html.P([to(lang, "due_soon", days=days), " ",
                html.B(_n(totals["due_soon"]), **{"data-figure": "hazards_due_soon"})], className="lead-note"),
    ])


def alerts_card(lang: Language, by_severity: dict[str, int]) -> list:
    return [
        html.H2(to(lang, "alerts_today")),
        html.Div(_n(sum(by_severity.values())), className="lead-figure", **{"data-figure": "alerts_today"}),
        html.Div(className="lead-overview-chips", children=[
            html.Span([severity_name(lang, s), " ", html.B(str(n), **{"data-severity": s})],
                      className=f"lead-chip {s}" if n else "lead-chip lead-overview-zero")
            for s, n in by_severity.items()]),
        html.P(to(lang, "alerts_today_note"), className="lead-note"),
    ]


def visitors_card(lang: Language, people: People) -> list:
    return [
        html.H2(to(lang, "visitors")),
        html.Div(_n(people.visitors_on_campus), className="lead-figure", **{"data-figure": "visitors_on_campus"}),
        html.P(to(lang, "visitors_on_campus"), className="lead-note"),
        html.P(to(lang, "visitors_today", n=_n(people.visitors_today)), **{"data-figure": "visitors_today"}),
    ]


def attendance_card(lang: Language, people: People) -> list:
    return [
        html.H2(to(lang, "attendance")),
        html.Div(className="lead-overview-pair", children=[
            html.Div([html.Div(_n(people.staff_present), className="lead-figure", **{"data-figure": "staff_present"}),
                      html.Div(to(lang, "staff_present"), className="lead-note"),
                      html.Div(to(lang, "seen_today", n=_n(people.staff_today)), className="lead-note")]),
            html.Div([html.Div(_n(people.students_present), className="lead-figure",
                               **{"data-figure": "students_present"}),
                      html.Div(to(lang, "students_present"), className="lead-note"),
                      html.Div(to(lang, "seen_today", n=_n(people.students_today)), className="lead-note")]),
        ]),
    ]


def _change(lang: Language, headline: DomainHeadline) -> html.P | None:
    change = headline.change
    if headline.last_24h is None:
        return None
    if change is None:
        return html.P(to(lang, "vs_average_none", n=_n(headline.last_24h)), className="lead-note")
    percent = round(change * 100)
    arrow = "▲" if percent > 0 else "▼" if percent < 0 else "＝"
    text = f"{arrow} {'+' if percent > 0 else '−' if percent < 0 else ''}{abs(percent)}%"
    return html.P(to(lang, "vs_average", n=_n(headline.last_24h), change=text),
                  className="lead-note lead-overview-change", **{"data-change": str(percent)})


def domain_cards(lang: Language, headlines: list[DomainHeadline]) -> list:
    """One card per domain: events today, the 7-day daily average, the last 24 h against it, and
    its alerts (open now, raised today)."""
    cards = []
    for h in headlines:
        alerts = [to(lang, "alerts_today_n", n=h.alerts_today)]
        if h.alerts_open is not None:
            alerts.insert(0, to(lang, "open_alerts", n=h.alerts_open))
        cards.append(html.Article(className="lead-card lead-overview-domain", **{"data-domain": h.domain}, children=[
            html.H3(domain_name(lang, h.domain)),
            html.Div([html.Span(_n(h.today), className="lead-figure", **{"data-figure": "today"}),
                      html.Span(to(lang, "today"), className="lead-note")], className="lead-overview-big"),
            html.P(to(lang, "daily_average", n=_average(h.daily_average)), className="lead-note",
                   **{"data-figure": "daily_average"}),
            _change(lang, h),
            html.P(" · ".join(alerts),
                   className="lead-overview-domain-alerts" + (" is-alarm" if h.alerts_open else "")),
        ]))
    return cards


def building_buttons(lang: Language, plan: dict | None, marks: dict[str | None, BuildingFigures],
                     selected: str | None) -> html.Div:
    """Every building of the plan as a button: its colour, name, open hazards, overdue, alerts."""
    buttons = []
    for b in (plan or {}).get("buildings", []):
        figures = marks.get(b["code"])  # None: nothing open in the building
        opened, overdue = (figures.hazards_open, figures.hazards_overdue) if figures else (0, 0)
        alerts, major = (figures.alerts_open, figures.hazards_major) if figures else (0, 0)
        counts = [to(lang, "b_hazards", n=opened)]
        if overdue:
            counts.append(to(lang, "b_overdue", n=overdue))
        if alerts:
            counts.append(to(lang, "b_alerts", n=alerts))
        colour = b.get("colour") or "none"
        alarm = " is-alarm" if overdue or major else ""
        buttons.append(html.Button(
            id={"type": BUILDING, "code": b["code"]}, n_clicks=0, type="button",
            className=button_class(colour, b["code"] == selected),
            children=[html.Span(className=f"lead-overview-swatch {colour}"),
                      html.Span(className="lead-overview-btext", children=[
                          html.Span(local_name(lang, b.get("name_zh"), b.get("name_en")) or b["code"],
                                    className="lead-overview-bname"),
                          html.Span(" · ".join(counts), className="lead-overview-bcounts" + alarm)])]))
    return html.Div(buttons, className="lead-overview-buildings", role="group", **{"aria-label": to(lang, "buildings")})


def button_class(colour: str, selected: bool) -> str:
    return f"lead-overview-bbtn {colour}" + (f" {SELECTED}" if selected else "")


def select_buttons(classes: list[str | None], codes: list[str], selected: str) -> list[str]:
    """The buttons' classes with only `selected` marked (the others unmarked)."""
    out = []
    for name, code in zip(classes, codes):
        kept = [c for c in (name or "").split() if c != SELECTED]
        out.append(" ".join(kept + ([SELECTED] if code == selected else [])))
    return out


def _map_box(plan: dict | None, drawn: list) -> dict:
    """The map's box: the campus's own proportions (no empty bands), hidden with nothing to draw."""
    if not drawn:
        return {"display": "none"}
    x0, y0, x1, y1 = view_box(plan or {})
    return {"aspectRatio": f"{x1 - x0:g} / {y1 - y0:g}"}


def map_section(lang: Language, plan: dict | None, marks: dict[str | None, BuildingFigures],
                selected: str | None) -> html.Section:
    drawn = overview_map.drawn_buildings(plan)
    return html.Section(className="lead-card lead-overview-map", children=[
        html.Div(className="lead-overview-maphead", children=[
            html.H2(to(lang, "map")),
            html.Span([html.Span(to(lang, "legend_major"), className="lead-overview-legend-major"), "  ",
                       html.Span(to(lang, "legend_alerts"), className="lead-overview-legend-ring")],
                      className="lead-note")]),
        # Always in the layout (the tap callback listens to it), hidden when there is nothing to draw.
        dcc.Graph(id=MAP, figure=overview_map.figure(lang, plan or {}, marks, selected), config=overview_map.CONFIG,
                  className="lead-overview-graph", responsive=True, style=_map_box(plan, drawn)),
        None if drawn else html.P(to(lang, "no_plan"), className="lead-note"),
        html.P(to(lang, "map_hint"), className="lead-note"),
        building_buttons(lang, plan, marks, selected),
    ])


def body(lang: Language, *, school: str, title: str, state: str, summary: dict | None, hazard_totals: dict[str, int],
         due_soon_days: float, alerts_by_severity: dict[str, int], people: People, headlines: list[DomainHeadline],
         plan: dict | None, marks: dict[str | None, BuildingFigures], backlog_rows: list, backlog_total: int,
         drill: BuildingDrill | None, selected: str | None, now: datetime, tz: ZoneInfo, hazards_href,
         recent_days: int, inspections: html.Section | None = None) -> html.Div:
    """The page under the frame. `hazards_href(**query)`: a link to the hazard ledger; `recent_days`:
    the days of alerts the drill panel lists; `inspections`: the month's inspections card
    (layouts/lead_inspections.py), beside the hazards."""
    panel = drill_placeholder(lang) if selected is None else drill_panel(
        lang, drill, now=now, tz=tz, ledger_href=hazards_href(building=selected) if drill else None,
        recent_days=recent_days)
    return html.Div(className="lead-overview-body", children=[
        dcc.Store(id=VIEW, data={"school": school, "lang": lang}),
        dcc.Store(id=DRILL_SHOWN),
        dcc.Interval(id=TICK, interval=REFRESH_MS),
        html.Div(className="lead-overview-titlebar", children=[
            html.H1(title, className="lead-page-title"),
            html.Div(status_line(lang, state, summary), id=STATUS, className="lead-overview-status")]),
        html.Div(className="lead-cards lead-overview-summary", children=[
            hazards_card(lang, hazard_totals, due_soon_days=due_soon_days, href=hazards_href),
            inspections,
            html.Section(alerts_card(lang, alerts_by_severity), id=ALERTS, className="lead-card lead-overview-card"),
            html.Section(visitors_card(lang, people), id=VISITORS, className="lead-card lead-overview-card"),
            html.Section(attendance_card(lang, people), id=ATTENDANCE, className="lead-card lead-overview-card"),
        ]),
        html.Div(className="lead-overview-mapgrid", children=[
            map_section(lang, plan, marks, selected),
            html.Section(panel, id=DRILL, className="lead-card lead-overview-drill", **{"aria-live": "polite"}),
        ]),
        html.Section(id=BACKLOG, className="lead-card lead-overview-backlog", children=[
            html.H2(to(lang, "backlog")), html.P(to(lang, "backlog_note"), className="lead-note"),
            *backlog(lang, backlog_rows, backlog_total, now=now, tz=tz, all_href=hazards_href())]),
        html.Section(className="lead-overview-domains-section", children=[
            html.H2(to(lang, "domains")),
            html.Div(domain_cards(lang, headlines), id=DOMAINS, className="lead-overview-domains"),
            html.P(to(lang, "domains_note"), className="lead-note")]),
    ])


SCROLL_TO_DRILL = """function (children) {
    const panel = document.getElementById('%s');
    if (panel && panel.getBoundingClientRect().top > window.innerHeight - 160) {
        panel.scrollIntoView({behavior: 'smooth', block: 'start'});
    }
    return window.dash_clientside.no_update;
}""" % DRILL
