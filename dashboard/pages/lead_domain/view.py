"""The domain page's parts (/lead/domain), pure: data in, Dash components out.

From the top: the six domains as tabs and the range (last 24 h, 7 days, 30 days) as a segmented
control — both links keeping ?school=&lang=, so no callback is needed, a tablet can bookmark any
view and the back button works — then the range's figures (events, alerts, time to acknowledge
and to resolve, false-alarm rate), the trend of events and alerts, alerts by type and by place,
the false-alarm rate per device system, and the devices of the domain's systems (live).
Every figure carries its raw value in a data- attribute, for the browser tests.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard.pages.lead_domain.figures import RANGES, OfflineDevice, SystemRate, Window, overall_false_rate
from dashboard.pages.lead_domain.ids import (
    BY_PLACE,
    BY_TYPE,
    DEVICES,
    DOMAIN_TABS,
    FALSE_RATES,
    FIGURES,
    LIVE_STATE,
    RANGE_CHOOSER,
    TREND,
)
from dashboard.pages.lead_domain.text import system_name, td
from kernel.catalogue import DOMAINS
from layouts.i18n import Language, domain_name, event_type_name

if TYPE_CHECKING:  # what the callbacks read (queries/ledger/lead_domain.py); annotations only
    from ledger.alert_times import DurationStats
    from queries.ledger.lead_domain import BuildingAlerts

PLACES_SHOWN = 8
OFFLINE_SHOWN = 12
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}
EVENTS_COLOUR, ALERTS_COLOUR = "#1d5fa8", "#d9363e"
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'


@dataclass(frozen=True)
class DomainData:
    """Everything the page shows of one school, domain and range (queries/ledger/lead_domain.py and
    the live summary). `events` None: the day range without live data."""

    domain: str
    window: Window
    events: list[int] | None
    alerts: list[int]
    by_type: list[tuple[str, int]]
    places: list[BuildingAlerts]
    places_total: int
    ack: DurationStats
    resolve: DurationStats
    rates: list[SystemRate]
    live_state: str  # "live" | "stale" | "none" | "unreachable" (layouts/lead_live.py)
    live_lag: float | None  # seconds the live data is behind (the summary's lag_seconds)
    systems: tuple[str, ...]
    devices: dict[str, dict[str, int]]
    offline: list[OfflineDevice]
    offline_total: int


def duration(lang: Language, seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return td(lang, "seconds", n=round(seconds))
    if seconds < 3600:
        minutes = seconds / 60
        return td(lang, "minutes", n=f"{minutes:.1f}".removesuffix(".0") if minutes < 10 else round(minutes))
    if seconds < 86_400:
        return td(lang, "hours", h=int(seconds // 3600), m=int(seconds % 3600 // 60))
    return td(lang, "days", d=int(seconds // 86_400), h=int(seconds % 86_400 // 3600))


def percent(lang: Language, rate: float | None) -> str:
    return "—" if rate is None else td(lang, "percent", n=f"{rate * 100:.1f}".removesuffix(".0"))


def domain_tabs(lang: Language, current: str, href: Callable[..., str]) -> html.Nav:
    return html.Nav(id=DOMAIN_TABS, className="lead-domain-tabs", **{"aria-label": td(lang, "domains")},
                    children=[dcc.Link(domain_name(lang, d), href=href(domain=d),
                                       className="lead-domain-tab" + (" is-current" if d == current else ""))
                              for d in DOMAINS])


def range_chooser(lang: Language, current: str, href: Callable[..., str]) -> html.Div:
    return html.Div(id=RANGE_CHOOSER, className="lead-domain-ranges", role="group",
                    **{"aria-label": td(lang, "range")},
                    children=[dcc.Link(td(lang, f"range_{r}"), href=href(range=r),
                                       className=f"lead-domain-range{' is-current' if r == current else ''}")
                              for r in RANGES])


def live_note(lang: Language, state: str, lag: float | None = None) -> html.P | None:
    """Nothing while the live data is current; else what is wrong with it."""
    if state == "live":
        return None
    if state == "stale":
        text = td(lang, "live_stale", lag=duration(lang, lag) if lag is not None else "—")
    else:
        text = td(lang, "live_unreachable" if state == "unreachable" else "live_none")
    return html.P(text, id=LIVE_STATE, className="lead-domain-warning", role="status",
                  **{"data-state": state})


def _figure_card(title: str, figure: str, name: str, value: object, notes: list) -> html.Section:
    return html.Section(className="lead-card", children=[
        html.H2(title),
        html.Div(figure, className="lead-figure", **{"data-figure": name, "data-value": str(value)}),
        *[html.P(note, className="lead-note") for note in notes if note]])


def _duration_card(lang: Language, key: str, stats: DurationStats, none_key: str) -> html.Section:
    if not stats.n:
        return _figure_card(td(lang, key), "—", key, "", [td(lang, none_key)])
    count = html.Span(td(lang, "over_n", n=f"{stats.n:,}"),
                      **{"data-figure": f"{key}_n", "data-value": str(stats.n)})
    return _figure_card(td(lang, key), duration(lang, stats.mean), key, round(stats.mean, 3), [
        td(lang, "median_p90", median=duration(lang, stats.median), p90=duration(lang, stats.p90)), count])


def figure_cards(lang: Language, data: DomainData) -> html.Div:
    events = None if data.events is None else sum(data.events)
    alerts = sum(data.alerts)
    overall = overall_false_rate(data.rates)
    span = td(lang, f"range_{data.window.range}")
    return html.Div(id=FIGURES, className="lead-cards lead-domain-cards", children=[
        _figure_card(td(lang, "events_total"), "—" if events is None else f"{events:,}", "events",
                     "" if events is None else events, [span]),
        _figure_card(td(lang, "alerts_total"), f"{alerts:,}", "alerts", alerts, [span]),
        _duration_card(lang, "mtta", data.ack, "none_acked"),
        _duration_card(lang, "mttr", data.resolve, "none_resolved"),
        _figure_card(td(lang, "false_total"), percent(lang, overall.rate), "false_rate",
                     "" if overall.rate is None else round(overall.rate, 6),
                     [td(lang, "false_total_note", false=overall.false_alarms, resolved=overall.resolved)
                      if overall.resolved else td(lang, "no_resolved")]),
    ])


def trend_figure(lang: Language, data: DomainData) -> dict:
    """Events (top) and alerts raised (bottom) per bucket, sharing the time axis."""
    labels = list(data.window.labels)
    hover = "%{x}: %{y}<extra></extra>"
    traces = [{"type": "bar", "x": labels, "y": data.alerts, "name": td(lang, "alerts_raised"),
               "marker": {"color": ALERTS_COLOUR}, "xaxis": "x", "yaxis": "y2", "hovertemplate": hover}]
    if data.events is not None:
        traces.insert(0, {"type": "bar", "x": labels, "y": data.events, "name": td(lang, "events"),
                          "marker": {"color": EVENTS_COLOUR}, "xaxis": "x", "yaxis": "y",
                          "hovertemplate": hover})
    axis = {"gridcolor": "#e3e8f0", "zeroline": False, "rangemode": "tozero", "fixedrange": True,
            "tickfont": {"size": 13}, "tickformat": ",d", "automargin": True}
    most = max(data.alerts, default=0)
    # Whole alerts only: a quiet range gets a tick per alert, not 0.5.
    few = {"dtick": 1, "range": [0, max(most, 1) * 1.15]} if most <= 4 else {}
    return {"data": traces, "layout": {
        "height": 360, "margin": {"l": 56, "r": 12, "t": 28, "b": 44}, "bargap": 0.2,
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": 14, "color": "#14213d"},
        "showlegend": True, "legend": {"orientation": "h", "x": 0, "y": 1.12},
        "xaxis": {"type": "category", "fixedrange": True, "tickfont": {"size": 12}, "anchor": "y2",
                  "nticks": 12 if len(labels) > 12 else len(labels)},
        "yaxis": {**axis, "domain": [0.42, 1], "title": {"text": td(lang, "events"), "font": {"size": 13}}},
        "yaxis2": {**axis, **few, "domain": [0, 0.32],
                   "title": {"text": td(lang, "alerts_raised"), "font": {"size": 13}}},
    }}


def trend_card(lang: Language, data: DomainData) -> html.Section:
    note = "trend_note_day" if data.window.range == "day" else "trend_note_days"
    return html.Section(className="lead-card lead-domain-trend", children=[
        html.H2(td(lang, "trend")),
        html.P(td(lang, note), className="lead-note"),
        html.P(td(lang, "events_unavailable"), className="lead-note") if data.events is None else None,
        dcc.Graph(id=TREND, figure=trend_figure(lang, data), config=GRAPH_CONFIG,
                  className="lead-domain-graph"),
    ])


def _num(value: int, alarm: bool = False) -> html.Td:
    return html.Td(f"{value:,}", className="lead-domain-num" + (" is-alarm" if alarm else ""))


def _share_bar(n: int, total: int) -> html.Td:
    width = f"{100 * n / total:.1f}%" if total else "0%"
    return html.Td(html.Span(className="lead-domain-bar", children=html.Span(style={"width": width})))


def _heads(lang: Language, *keys: str) -> list[str]:
    return [td(lang, key) if key else "" for key in keys]


def by_type_card(lang: Language, data: DomainData) -> html.Section:
    total = sum(n for _, n in data.by_type)
    rows = [html.Tr([html.Td(event_type_name(lang, t)), _num(n), _share_bar(n, total)],
                    **{"data-type": t, "data-count": str(n)})
            for t, n in data.by_type]
    return _table_card(BY_TYPE, td(lang, "by_type"), _heads(lang, "col_type", "col_count", "col_share"), rows,
                       td(lang, "no_alerts"))


def by_place_card(lang: Language, data: DomainData) -> html.Section:
    top = data.places[0].alerts if data.places else 0
    rows = []
    for place in data.places:
        name = (place.name_zh if lang == "zh" else place.name_en or place.name_zh) or place.code
        rows.append(html.Tr([html.Td(name if place.code else td(lang, "campus_wide")), _num(place.alerts),
                             _share_bar(place.alerts, top)],
                            **{"data-place": place.code or "", "data-count": str(place.alerts)}))
    cut = data.places_total > len(data.places)
    note = td(lang, "places_cut", total=data.places_total, shown=len(data.places)) if cut else None
    return _table_card(BY_PLACE, td(lang, "by_place"), _heads(lang, "col_place", "col_count", ""), rows,
                       td(lang, "no_alerts"), note)


def false_rate_card(lang: Language, data: DomainData) -> html.Section:
    rows = [html.Tr([html.Td(system_name(lang, r.system)), _num(r.resolved), _num(r.false_alarms),
                     html.Td(percent(lang, r.rate), className="lead-domain-num")],
                    **{"data-system": r.system, "data-resolved": str(r.resolved),
                       "data-false": str(r.false_alarms)})
            for r in data.rates]
    return _table_card(FALSE_RATES, td(lang, "false_rate"),
                       _heads(lang, "col_system", "col_resolved", "col_false", "col_rate"), rows,
                       td(lang, "no_resolved"), td(lang, "false_note"))


def devices_card(lang: Language, data: DomainData, tz: ZoneInfo) -> html.Section:
    """The domain's systems' devices online and offline, and those offline longest (live)."""
    parts: list = [html.H2(td(lang, "devices"))]
    if not data.systems:
        parts.append(html.P(td(lang, "no_systems"), className="lead-note"))
    elif data.live_state in ("unreachable", "none"):
        key = "live_unreachable" if data.live_state == "unreachable" else "live_none"
        parts.append(html.P(td(lang, key), className="lead-note", **{"data-state": data.live_state}))
    else:
        parts.append(_table(_heads(lang, "col_system", "col_online", "col_offline"), [
            html.Tr([html.Td(system_name(lang, s)), _num(c["online"]),
                     _num(c["offline"], alarm=bool(c["offline"]))],
                    **{"data-system": s, "data-online": str(c["online"]), "data-offline": str(c["offline"])})
            for s, c in data.devices.items()]))
        parts += _offline_list(lang, data, tz)
    return html.Section(id=DEVICES, className="lead-card", children=parts)


def _offline_list(lang: Language, data: DomainData, tz: ZoneInfo) -> list:
    if not data.offline:
        return [html.P(td(lang, "no_offline"), className="lead-note")]
    rows = [html.Tr([html.Td(d.device), html.Td(system_name(lang, d.system)),
                     html.Td(_clock(d.since_ms, tz))], **{"data-device": d.device})
            for d in data.offline]
    found = [html.H3(td(lang, "offline_list")),
             _table(_heads(lang, "col_device", "col_system", "col_since"), rows)]
    if data.offline_total > len(data.offline):
        found.append(html.P(td(lang, "offline_cut", total=data.offline_total, shown=len(data.offline)),
                            className="lead-note"))
    return found


def _clock(ms: int, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ms / 1000, tz).strftime("%m-%d %H:%M") if ms else "—"


def _table(heads: list[str], rows: list) -> html.Div:
    return html.Div(className="lead-table-wrap", children=html.Table(className="lead-table", children=[
        html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(rows)]))


def _table_card(id_: str, title: str, heads: list[str], rows: list, empty: str,
                note: str | None = None) -> html.Section:
    return html.Section(id=id_, className="lead-card", children=[
        html.H2(title),
        _table(heads, rows) if rows else html.P(empty, className="lead-note"),
        html.P(note, className="lead-note") if note and rows else None,
    ])


def body(lang: Language, data: DomainData, *, href: Callable[..., str], tz: ZoneInfo) -> html.Div:
    """The page under the frame; `href(**query)` links to this page with the query changed."""
    marks = {"data-domain": data.domain, "data-range": data.window.range}  # what the page shows, for tests
    return html.Div(className="lead-domain-page", **marks, children=[
        domain_tabs(lang, data.domain, href),
        html.Div(className="lead-domain-titlebar", children=[
            html.H1(domain_name(lang, data.domain), className="lead-page-title"),
            range_chooser(lang, data.window.range, href)]),
        live_note(lang, data.live_state, data.live_lag),
        figure_cards(lang, data),
        trend_card(lang, data),
        html.Div(className="lead-grid-2 lead-domain-pair", children=[
            by_type_card(lang, data), by_place_card(lang, data)]),
        html.Div(className="lead-grid-2 lead-domain-pair", children=[
            false_rate_card(lang, data), devices_card(lang, data, tz)]),
    ])
