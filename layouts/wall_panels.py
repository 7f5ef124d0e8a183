"""Pure builders of the wall's panels: summary dict in, Dash components out.

Every number carries a `data-testid`, so the browser tests read what a person reads.
"""
from __future__ import annotations

from datetime import datetime

from dash import html

from layouts.i18n import event_label, t
from streams.catalogue import ALERT_SEVERITIES, DOMAINS

MAX_ALERT_ROWS = 8  # bounded: the wall runs for days


def figure(label: str, value, testid: str, tone: str = "") -> html.Div:
    return html.Div(className=f"figure {tone}", children=[
        html.Div(str(value), className="figure-value", **{"data-testid": testid}),
        html.Div(label, className="figure-label"),
    ])


def domain_tile(lang: str, domain: str, data: dict) -> html.Div:
    alerts = data["alerts_open"]
    return html.Div(className="tile" + (" tile-alert" if alerts else ""), children=[
        html.H3(t(lang, domain)),
        html.Div(className="tile-figures", children=[
            figure(t(lang, "events_1h"), data["events"]["1h"], f"{domain}-1h"),
            figure(t(lang, "events_24h"), data["events"]["24h"], f"{domain}-24h"),
            figure(t(lang, "alerts_open"), alerts, f"{domain}-alerts", "warn" if alerts else ""),
        ]),
    ])


def panel(title: str, *children) -> html.Div:
    return html.Div(className="panel", children=[html.H2(title), html.Div(list(children), className="panel-body")])


def _age(raised_at: str | None, now: datetime) -> str:
    if not raised_at:
        return ""
    seconds = max(0, int((now - datetime.fromisoformat(raised_at)).total_seconds()))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def alert_rows(lang: str, alerts: list[dict], now: datetime) -> html.Table:
    rows = []
    for alert in alerts[:MAX_ALERT_ROWS]:
        place = " · ".join(p for p in (alert.get("building"), alert.get("zone")) if p)
        rows.append(html.Tr(className=f"sev-{alert.get('severity')}", children=[
            html.Td(t(lang, alert.get("severity") or "low"), className="sev"),
            html.Td(event_label(lang, alert.get("type") or "")),
            html.Td(place),
            html.Td(_age(alert.get("raised_at"), now), className="age"),
            html.Td(alert.get("state") or ""),
        ]))
    return html.Table(html.Tbody(rows), className="alerts", **{"data-testid": "alert-list"})


def wall_body(lang: str, summary: dict, now: datetime) -> list:
    """Everything below the header, from one summary."""
    tiles = [domain_tile(lang, d, summary["domains"][d]) for d in DOMAINS]
    visitors, attendance, hazards = summary["visitors"], summary["attendance"], summary["hazards"]
    alerts = summary["alerts"]
    return [
        html.Div(tiles, className="tiles"),
        html.Div(className="panels", children=[
            panel(t(lang, "visitors"),
                  figure(t(lang, "on_campus"), visitors["on_campus"], "visitors-on-campus"),
                  figure(t(lang, "checked_in_today"), visitors["checked_in_today"], "visitors-today")),
            panel(t(lang, "attendance"),
                  figure(t(lang, "staff_present"), attendance["staff_present"], "staff-present"),
                  figure(t(lang, "students_present"), attendance["students_present"], "students-present"),
                  figure(t(lang, "vehicles"), summary["vehicles"]["on_campus"], "vehicles-on-campus")),
            panel(t(lang, "hazards"),
                  figure(t(lang, "hazards_open"), hazards["open"], "hazards-open"),
                  figure(t(lang, "overdue"), hazards["overdue"], "hazards-overdue", "warn" if hazards["overdue"] else ""),
                  figure(t(lang, "major_open"), hazards["major_open"], "hazards-major", "danger" if hazards["major_open"] else "")),
            panel(t(lang, "alerts"), *[
                figure(t(lang, s), alerts["by_severity"][s], f"alerts-{s}", f"sev-{s}") for s in ALERT_SEVERITIES
            ], figure(t(lang, "alerts_open"), alerts["open"], "alerts-open")),
        ]),
        html.Div(className="panel recent", children=[
            html.H2(t(lang, "recent")), alert_rows(lang, alerts["recent"], now),
        ]),
    ]
