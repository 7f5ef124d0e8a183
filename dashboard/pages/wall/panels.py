"""The wall's moving parts as pure functions: a summary (queries/summary.py) in, text and small
components out. No I/O, so every rule here is tested without Redis or a browser.

The page's structure never changes while it is shown (dashboard/pages/wall/view.py); each second only
these values are written into it, so the browser updates text in place and holds a fixed number
of elements however long the wall runs.
"""
from __future__ import annotations

from datetime import datetime

from dash import html

from kernel import figures
from layouts.elapsed import since_text
from layouts.i18n import Language, alert_state_name, event_type_name, severity_name, t

MAX_ALERT_ROWS = 11  # what fits the panel at a size readable from 5 m; the wall runs for days
MAX_LISTED_HAZARDS = 3  # major hazards under listed supervision named on the hazard panel
LONG_COUNT = 10_000  # five digits and more are set smaller (a university has 30,000 students)
HUGE_COUNT = 100_000

# Every number on the wall, by its DOM id (also its data-testid), from the figures table.
FIGURE_NAMES: tuple[str, ...] = tuple(f.dom_id for f in figures.WALL_FIGURES)
_RATE = figures.HAZARDS_RATE.dom_id

# The colour a figure takes: "attention" figures turn red/amber only when not zero (a zero there
# is good news and should look calm); severity figures always carry their severity's colour.
FIGURE_TONES: dict[str, str] = {
    **{f.dom_id: "alert" for f in figures.DOMAIN_ALERTS.values()},
    figures.HAZARDS_OVERDUE.dom_id: "warn",
    figures.HAZARDS_DUE_SOON.dom_id: "warn",
    figures.HAZARDS_MAJOR.dom_id: "alert",
    figures.INSPECTIONS_MISSED.dom_id: "alert",
    figures.INSPECTIONS_LATE.dom_id: "warn",
    figures.ALERTS_OPEN.dom_id: "alert",
    figures.ALERTS_ESCALATED.dom_id: "alert",
    **{f.dom_id: f"sev-{s}" for s, f in figures.ALERTS_BY_SEVERITY.items()},
    **{f.dom_id: f"risk-{colour}" for colour, f in figures.RISK.items()},
}


def rectification_rate(summary: dict) -> float | None:
    """The hazard panel's rate, a percentage (查改率: closed over found): the SQL ledger's
    (`ledger`, kept in Redis by the recorder) when present, else accepted over every stage of the
    hazard lifecycle events counted in Redis; None when nothing was found."""
    if (summary.get("ledger") or {}).get("hazards") is not None:
        rate = figures.at(summary, figures.HAZARDS_RATE.json)
    else:
        by_stage = summary["hazards"]["by_stage"]
        found = sum(by_stage.values())
        rate = by_stage.get("accepted", 0) / found if found else None
    return None if rate is None else round(100 * rate, 1)


def listed_hazards(summary: dict | None) -> list[dict] | None:
    """The major hazards under listed supervision (挂牌督办) the panel names, overdue first as the
    ledger sorts them; None when the ledger's figures are absent (the events do not say)."""
    ledger = (summary or {}).get("ledger")
    if ledger is None:
        return None
    return ledger["hazards"]["listed_supervision"][:MAX_LISTED_HAZARDS]


def figure_values(summary: dict) -> dict[str, float | None]:
    """Each figure's number by its DOM id, read from the summary document at the figure's path
    (kernel/figures.py). The hazard panel shows the SQL ledger's figures (`ledger`) when present,
    else those of the hazard lifecycle events; risk points per colour come from the ledger only:
    unknown (a dash) without it. A count absent from a section that is there is 0."""
    ledger_hazards = (summary.get("ledger") or {}).get("hazards") is not None
    values: dict[str, float | None] = {}
    for figure in figures.WALL_FIGURES:
        path = figure.ledger if figure.ledger and ledger_hazards else figure.json
        values[figure.dom_id] = figures.at(summary, path, 0)
    values[_RATE] = rectification_rate(summary)
    return values


def count_text(value: int | None) -> str:
    """A count as people read it on the wall: 12,345; an unknown count is a dash, never 0."""
    return "—" if value is None else f"{value:,}"


def figure_text(name: str, value: float | None) -> str:
    """A figure as shown: counts with thousands separators, the rectification rate as 87.5%."""
    if name == _RATE and value is not None:
        return f"{value:g}%"
    return count_text(value)


def listed_rows(lang: Language, listed: list[dict] | None) -> list[html.Li]:
    """The named major hazards, one line each; nothing when the ledger's figures are absent.
    Titles are user text: string children, which Dash renders as text, never as HTML."""
    if listed is None:
        return []
    if not listed:
        return [html.Li(t(lang, "listed_none"), className="empty")]
    return [html.Li(className="listed" + (" is-overdue" if h.get("overdue") else ""), children=[
        html.Span(t(lang, "listed_badge"), className="listed-badge"),
        html.Span(h.get("title") or h.get("code") or "", className="listed-title"),
    ]) for h in listed]


def figure_class(name: str, value: int | None) -> str:
    tone = FIGURE_TONES.get(name)
    classes = ["figure"] + ([f"tone-{tone}"] if tone else [])
    if value is None:
        classes.append("is-unknown")
    elif value == 0:
        classes.append("is-zero")
    else:
        classes.append("is-raised")
    if value is not None and value >= LONG_COUNT:
        # Set smaller, so long numbers still fit their box (wall.css): the box keeps its size.
        classes.append("is-huge" if value >= HUGE_COUNT else "is-long")
    return " ".join(classes)


def clock_text(iso: str | None, now: datetime) -> str:
    """hh:mm:ss of an ISO time in the school's zone; with the date (MM-DD) when not today."""
    if not iso:
        return "--:--:--"
    moment = datetime.fromisoformat(iso)
    local_now = now.astimezone(moment.tzinfo)
    if moment.date() == local_now.date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%m-%d %H:%M")


def place_text(alert: dict, places: dict[str, str] | None = None) -> str:
    """Building and zone, by their names on the site plan when known (`places`: building code ->
    name, and (building code, zone code) -> the zone's name); else their codes."""
    code, zone = alert.get("building"), alert.get("zone")
    building = (places or {}).get(code, code)
    zone = (places or {}).get((code, zone), zone) if zone else zone
    return " · ".join(part for part in (building, zone) if part)


def alert_row_data(lang: Language, alerts: list[dict], now: datetime,
                   places: dict[str, str] | None = None) -> list[dict]:
    """The newest alerts as the list shows them (plain strings), newest first, bounded."""
    rows = []
    for alert in alerts[:MAX_ALERT_ROWS]:
        severity, state = alert.get("severity") or "", alert.get("state") or ""
        escalated = bool(alert.get("escalated"))
        rows.append({
            "id": alert.get("id") or "",
            "severity": severity, "state": state, "escalated": escalated,
            "severity_text": severity_name(lang, severity),
            "type_text": event_type_name(lang, alert.get("type")),
            "place": place_text(alert, places),
            "since": since_text(lang, alert.get("raised_at"), now),
            "raised": clock_text(alert.get("raised_at"), now),
            "state_text": t(lang, "escalated") if escalated else alert_state_name(lang, state),
        })
    return rows


def alert_rows(lang: Language, rows: list[dict]) -> list[html.Tr]:
    """The alert list's rows from `alert_row_data`. All text is plain text (Dash renders string
    children as text, never markup)."""
    if not rows:
        return [html.Tr(html.Td(t(lang, "empty_alerts"), colSpan=5, className="empty"))]
    return [html.Tr(className=f"sev-{r['severity']} state-{r['state']}" + (" is-escalated" if r["escalated"] else ""),
                    children=[
        html.Td(html.Span(r["severity_text"], className="sev-badge"), className="sev"),
        html.Td(r["type_text"], className="type"),
        html.Td(r["place"], className="place"),
        html.Td(r["since"], className="time", title=r["raised"]),
        html.Td(r["state_text"], className="state"),
    ]) for r in rows]


def banner_text(lang: Language, *, school: str | None, summary: dict | None) -> str | None:
    """Why the figures are not current, or None when they are."""
    if school is None:
        return t(lang, "no_school")
    if summary is None:
        return t(lang, "unknown_school")
    if not summary["stale"]:
        return None
    if summary["lag_seconds"] is None:
        return t(lang, "stale_never")
    return t(lang, "stale", duration=duration_text(lang, summary["lag_seconds"]))


def duration_text(lang: Language, seconds: float) -> str:
    """How long, in the unit a person would say: 45 秒, 12 分钟, 3 小时."""
    whole = int(seconds)
    if whole < 120:
        return t(lang, "seconds", n=whole)
    if whole < 2 * 3600:
        return t(lang, "minutes", n=whole // 60)
    return t(lang, "hours", n=whole // 3600)


def lag_text(lang: Language, summary: dict | None) -> str:
    if not summary or summary["lag_seconds"] is None:
        return ""
    return t(lang, "lag", seconds=f"{summary['lag_seconds']:.1f}")
