"""The wall's moving parts as pure functions: a summary (queries/summary.py) in, text and small
components out. No I/O, so every rule here is tested without Redis or a browser.

The page's structure never changes while it is shown (layouts/wall_frame.py); each second only
these values are written into it, so the browser updates text in place and holds a fixed number
of elements however long the wall runs.
"""
from __future__ import annotations

from datetime import datetime

from dash import html

from layouts.i18n import Language, alert_state_name, event_type_name, severity_name, t
from kernel.catalogue import ALERT_SEVERITIES, DOMAINS, HAZARD_STAGES

RISK_COLOURS = ("red", "orange", "yellow", "blue")

MAX_ALERT_ROWS = 11  # what fits the panel at a size readable from 5 m; the wall runs for days
MAX_LISTED_HAZARDS = 3  # major hazards under listed supervision named on the hazard panel
LONG_COUNT = 10_000  # five digits and more are set smaller (a university has 30,000 students)
HUGE_COUNT = 100_000

# Every number on the wall, by name (also its data-testid), in reading order.
FIGURE_NAMES: tuple[str, ...] = (
    *(f"{d}-{part}" for d in DOMAINS for part in ("1h", "24h", "alerts")),
    "visitors-on-campus", "visitors-today",
    "staff-present", "students-present", "staff-today", "students-today",
    "vehicles-on-campus", "vehicles-today",
    *(f"hazards-stage-{stage}" for stage in HAZARD_STAGES),
    "hazards-open", "hazards-overdue", "hazards-due-soon", "hazards-major", "hazards-rate",
    *(f"alerts-{s}" for s in ALERT_SEVERITIES), "alerts-open", "alerts-escalated",
    *(f"risk-{colour}" for colour in RISK_COLOURS),
)

# The colour a figure takes: "attention" figures turn red/amber only when not zero (a zero there
# is good news and should look calm); severity figures always carry their severity's colour.
FIGURE_TONES: dict[str, str] = {
    **{f"{d}-alerts": "alert" for d in DOMAINS},
    "hazards-overdue": "warn",
    "hazards-due-soon": "warn",
    "hazards-major": "alert",
    "alerts-open": "alert",
    "alerts-escalated": "alert",
    **{f"alerts-{s}": f"sev-{s}" for s in ALERT_SEVERITIES},
    **{f"risk-{colour}": f"risk-{colour}" for colour in RISK_COLOURS},
}


def hazard_values(summary: dict) -> dict[str, float | int | None]:
    """The hazard panel's figures: from the SQL ledger's figures (`ledger`, kept in Redis by the
    recorder) when present, else from the hazard lifecycle events counted in Redis. The rate is a
    percentage (查改率: closed over found), None when nothing was found."""
    ledger = (summary.get("ledger") or {}).get("hazards")
    if ledger is not None:
        rate = ledger["rectification_rate"]
        source = ledger
    else:
        source = summary["hazards"]
        found = sum(source["by_stage"].values())
        rate = source["by_stage"].get("accepted", 0) / found if found else None
    by_stage = source.get("by_stage", {})
    return {
        **{f"hazards-stage-{stage}": by_stage.get(stage, 0) for stage in HAZARD_STAGES},
        "hazards-open": source["open"],
        "hazards-overdue": source["overdue"],
        "hazards-due-soon": source["due_soon"],
        "hazards-major": source["major_open"],
        "hazards-rate": None if rate is None else round(100 * rate, 1),
    }


def listed_hazards(summary: dict | None) -> list[dict] | None:
    """The major hazards under listed supervision (挂牌督办) the panel names, overdue first as the
    ledger sorts them; None when the ledger's figures are absent (the events do not say)."""
    ledger = (summary or {}).get("ledger")
    if ledger is None:
        return None
    return ledger["hazards"]["listed_supervision"][:MAX_LISTED_HAZARDS]


def figure_values(summary: dict) -> dict[str, int]:
    """Each figure's number, read from the summary document."""
    values: dict[str, int] = {}
    for domain in DOMAINS:
        data = summary["domains"][domain]
        values[f"{domain}-1h"] = data["events"]["1h"]
        values[f"{domain}-24h"] = data["events"]["24h"]
        values[f"{domain}-alerts"] = data["alerts_open"]
    visitors, attendance, vehicles = summary["visitors"], summary["attendance"], summary["vehicles"]
    alerts = summary["alerts"]
    risk = ((summary.get("ledger") or {}).get("risk") or {}).get("by_colour")
    values.update({
        "visitors-on-campus": visitors["on_campus"],
        "visitors-today": visitors["checked_in_today"],
        "staff-present": attendance["staff_present"],
        "students-present": attendance["students_present"],
        "staff-today": attendance.get("staff_today"),
        "students-today": attendance.get("students_today"),
        # Risk points per colour come from the ledger only: unknown (a dash) without it.
        **{f"risk-{c}": (risk or {}).get(c, 0) if risk is not None else None for c in RISK_COLOURS},
        "vehicles-on-campus": vehicles["on_campus"],
        "vehicles-today": vehicles["seen_today"],
        **hazard_values(summary),
        **{f"alerts-{s}": alerts["by_severity"][s] for s in ALERT_SEVERITIES},
        "alerts-open": alerts["open"],
        "alerts-escalated": alerts.get("escalated", 0),
    })
    return values


def count_text(value: int | None) -> str:
    """A count as people read it on the wall: 12,345; an unknown count is a dash, never 0."""
    return "—" if value is None else f"{value:,}"


def figure_text(name: str, value: float | int | None) -> str:
    """A figure as shown: counts with thousands separators, the rectification rate as 87.5%."""
    if name == "hazards-rate" and value is not None:
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


def since_text(lang: Language, iso: str | None, now: datetime) -> str:
    """How long ago an alert was raised, in the unit a person would say; a minute is the finest
    step after the first, so a row changes at most once a minute."""
    if not iso:
        return ""
    seconds = (now - datetime.fromisoformat(iso)).total_seconds()
    if seconds < 60:
        return t(lang, "since_now")
    if seconds < 3600:
        return t(lang, "minutes", n=int(seconds // 60))
    if seconds < 86_400:
        return t(lang, "hours", n=int(seconds // 3600))
    return t(lang, "days", n=int(seconds // 86_400))


def place_text(alert: dict, places: dict[str, str] | None = None) -> str:
    """Building (by its name on the site plan when known) and zone."""
    building = alert.get("building")
    building = (places or {}).get(building, building)
    return " · ".join(part for part in (building, alert.get("zone")) if part)


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
