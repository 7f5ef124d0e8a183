"""The overview's drill panel and hazard backlog, pure: one building's risk points, open hazards and
recent alerts, and the school's open hazards most dangerous first. Data in, Dash components out;
what people typed (names, titles) goes in as Dash children strings, never markup."""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard.pages.lead_overview.text import to
from layouts.i18n import Language, alert_state_name, event_type_name, severity_name
from layouts.lead_ledger_text import COLOUR_NAMES, STAGE_NAMES, local_name, name_of

if TYPE_CHECKING:  # the rows the callbacks read (queries/ledger/lead_overview.py); annotations only
    from queries.ledger.lead_overview import AlertRow, BacklogRow, BuildingDrill, RiskPointRow

NONE = "—"


def days_overdue(row: BacklogRow, now: datetime) -> int | None:
    """Whole days past the deadline, a part day counting as one (as the hazard ledger counts);
    None when not overdue."""
    if not row.overdue(now):
        return None
    return max(1, math.ceil((now - row.deadline) / timedelta(days=1)))


def _date(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d") if moment else ""


def _table(head: list[str], rows: list, class_name: str) -> html.Div:
    return html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)], className=f"lead-table {class_name}"))


def _marks(lang: Language, row: BacklogRow, now: datetime) -> list:
    late = days_overdue(row, now)
    return [
        html.Span(to(lang, "major"), className="lead-chip red lead-overview-major") if row.major else None,
        html.Span(to(lang, "overdue_by", n=late), className="lead-overview-overdue") if late else None,
        html.Span(to(lang, "supervised"), className="lead-chip info") if row.listed_supervision else None,
    ]


def _place(lang: Language, row: BacklogRow) -> str:
    return " · ".join(p for p in (local_name(lang, row.building_zh, row.building_en), row.zone_zh or "") if p)


def _who(lang: Language, row: BacklogRow) -> str:
    return " · ".join(p for p in (local_name(lang, row.unit_zh, row.unit_en), row.person or "") if p)


def _hazard_data(row: BacklogRow, now: datetime) -> dict:
    return {"data-code": row.code, "data-grade": row.grade, "data-overdue": "1" if row.overdue(now) else "0"}


def hazard_rows(lang: Language, rows: list[BacklogRow], *, now: datetime, tz: ZoneInfo) -> list:
    """The backlog's table rows: hazard (title, code, marks), place, stage, deadline, who."""
    return [html.Tr([
        html.Td([html.Div(r.title, className="lead-overview-title"),
                 html.Div([html.Span(r.code, className="lead-code"), *_marks(lang, r, now)],
                          className="lead-overview-marks")]),
        html.Td(_place(lang, r) or NONE),
        html.Td(name_of(STAGE_NAMES, r.stage, lang)),
        html.Td(_date(r.deadline, tz) or to(lang, "no_deadline"), className="lead-overview-deadline"),
        html.Td(_who(lang, r) or NONE),
    ], className="is-overdue" if r.overdue(now) else None, **_hazard_data(r, now)) for r in rows]


def hazard_items(lang: Language, rows: list[BacklogRow], *, now: datetime, tz: ZoneInfo) -> html.Ul:
    """The drill panel's open hazards, two lines each (the panel is narrow): title and marks; code,
    stage, deadline and who."""
    return html.Ul(className="lead-overview-list lead-overview-hazards", children=[html.Li(
        className="is-overdue" if r.overdue(now) else None, **_hazard_data(r, now), children=[
            html.Div([html.Span(r.title, className="lead-overview-title"), *_marks(lang, r, now)],
                     className="lead-overview-marks"),
            html.Div(" · ".join(x for x in (r.code, name_of(STAGE_NAMES, r.stage, lang),
                                            _date(r.deadline, tz) or to(lang, "no_deadline"), _who(lang, r)) if x),
                     className="lead-note"),
        ]) for r in rows])


def backlog(lang: Language, rows: list[BacklogRow], total: int, *, now: datetime, tz: ZoneInfo,
            all_href: str) -> list:
    """The backlog section's contents: count line, table (or "none open"), link to the ledger."""
    if not rows:
        return [html.P(to(lang, "no_backlog"), className="lead-note")]
    count = to(lang, "backlog_count", total=total) if len(rows) >= total else \
        to(lang, "backlog_cut", total=total, shown=len(rows))
    head = [to(lang, k) for k in ("col_hazard", "col_place", "col_stage", "col_deadline", "col_unit")]
    return [
        html.P([html.Span(count, className="lead-overview-count"), " ",
                dcc.Link(to(lang, "backlog_all"), href=all_href, className="lead-button lead-overview-more")],
               className="lead-overview-listhead"),
        _table(head, hazard_rows(lang, rows, now=now, tz=tz), "lead-overview-backlog-table"),
    ]


def _section_title(text: str, shown: int, total: int, lang: Language) -> list:
    return [html.H3(text), html.P(to(lang, "shown_of", shown=shown, total=total), className="lead-note")
            if shown < total else None]


def risk_items(lang: Language, points: list[RiskPointRow]) -> html.Ul:
    """The drill panel's risk points: colour and name; zone, responsible person and unit."""
    return html.Ul(className="lead-overview-list lead-overview-risks", children=[html.Li(
        **{"data-code": p.code, "data-colour": p.colour}, children=[
            html.Div([html.Span(name_of(COLOUR_NAMES, p.colour, lang), className=f"lead-chip {p.colour}"), " ",
                      html.Span(p.name, className="lead-overview-title")], className="lead-overview-marks"),
            html.Div(" · ".join(x for x in (p.zone_zh or "", p.person or "", local_name(lang, p.unit_zh, p.unit_en))
                                if x) or NONE, className="lead-note"),
        ]) for p in points])


def _alert_rows(lang: Language, alerts: list[AlertRow], tz: ZoneInfo) -> list:
    return [html.Tr([
        html.Td(a.last_raised_at.astimezone(tz).strftime("%m-%d %H:%M"), className="lead-when"),
        html.Td([event_type_name(lang, a.type),
                 html.Span(" " + to(lang, "times", n=a.count), className="lead-note") if a.count > 1 else None]),
        html.Td(html.Span(severity_name(lang, a.severity), className=f"lead-chip {a.severity}")),
        html.Td(alert_state_name(lang, a.state), className="is-open" if a.state != "resolved" else None),
    ], **{"data-code": a.code}) for a in alerts]


def drill_panel(lang: Language, drill: BuildingDrill | None, *, now: datetime, tz: ZoneInfo,
                ledger_href: str | None, recent_days: int) -> list:
    """The tapped building: its name and unit, its risk points per colour, then what to act on
    first — its open hazards (with a link to them in the hazard ledger) and the alerts of the last
    `recent_days` days (the query's RECENT_ALERT_DAYS) — and last the list of its risk points, the
    longest part."""
    if drill is None:
        return [html.P(to(lang, "no_building"), className="lead-note")]
    unit = local_name(lang, drill.unit_zh, drill.unit_en)
    chips = [html.Span(f"{name_of(COLOUR_NAMES, c, lang)} {n}", className=f"lead-chip {c}")
             for c, n in drill.colours.items() if n]
    days = recent_days
    return [
        html.H2(local_name(lang, drill.name_zh, drill.name_en) or drill.code, className="lead-overview-drill-name",
                **{"data-building": drill.code}),
        html.P(to(lang, "unit", name=unit), className="lead-note") if unit else None,
        html.Div(chips, className="lead-overview-chips"),
        html.Section(className="lead-overview-drill-hazards", children=[
            *_section_title(to(lang, "open_hazards", n=drill.hazards_total), len(drill.hazards),
                            drill.hazards_total, lang),
            hazard_items(lang, drill.hazards, now=now, tz=tz) if drill.hazards
            else html.P(to(lang, "no_open_hazards"), className="lead-note"),
            dcc.Link(to(lang, "in_ledger"), href=ledger_href, className="lead-button lead-overview-ledger-link")
            if ledger_href else None,
        ]),
        html.Section(className="lead-overview-drill-alerts", children=[
            *_section_title(to(lang, "recent_alerts", days=days, n=drill.alerts_total), len(drill.alerts),
                            drill.alerts_total, lang),
            _table([to(lang, k) for k in ("col_time", "col_type", "col_severity", "col_state")],
                   _alert_rows(lang, drill.alerts, tz), "lead-overview-alerts")
            if drill.alerts else html.P(to(lang, "no_recent_alerts", days=days), className="lead-note"),
        ]),
        html.Section(className="lead-overview-drill-risks", children=[
            *_section_title(to(lang, "risk_points", n=drill.risk_total), len(drill.risk_points), drill.risk_total,
                            lang),
            risk_items(lang, drill.risk_points) if drill.risk_points
            else html.P(to(lang, "no_risk_points"), className="lead-note"),
        ]),
    ]


def drill_placeholder(lang: Language) -> list:
    return [html.H2(to(lang, "pick_building"), className="lead-overview-drill-name"),
            html.P(to(lang, "map_hint"), className="lead-note")]
