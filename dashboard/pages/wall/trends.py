"""The wall's trends as pure functions: the six domains' 24-hour bars, the hourly chart of people
and visitors coming in, and visitor check-ins per gate.

Every shape is fixed (24 bars per domain, 24 points per series, at most MAX_GATES gates), so an
update changes values in place: bar heights, a chart's y arrays through a Patch, never the number
of elements on the page.
"""
from __future__ import annotations

from datetime import datetime

from dash import Patch, html

from layouts.i18n import Language, t

TREND_HOURS = 24
MAX_GATES = 5  # what fits the panel; the busiest gates first
IN_COLOUR, VISITOR_COLOUR = "#3aa0ff", "#33d17a"


def bar_heights(per_hour: list[int]) -> list[str]:
    """One CSS height per hour, oldest first, relative to the busiest hour shown. A quiet hour
    with one event still shows a visible stub, not an invisible sliver."""
    values = (list(per_hour) + [0] * TREND_HOURS)[:TREND_HOURS]
    peak = max(values, default=0)
    return [f"{max(4, round(100 * v / peak)) if v else 0}%" for v in values]


def bar_patches(changed: dict[str, str]) -> dict[str, Patch]:
    """{domain: Patch of its sparkline's children} for the bars whose height changed, from
    {"<domain>:<hour index>": height}. The bars stay the same elements; only a style moves."""
    patches: dict[str, Patch] = {}
    for slot, height in changed.items():
        domain, index = slot.rsplit(":", 1)
        patches.setdefault(domain, Patch())[int(index)]["props"]["style"] = {"height": height}
    return patches


def hour_labels(first_hour_iso: str | None) -> list[str]:
    """"HH" for each of the 24 hours (the school's local time), oldest first."""
    if not first_hour_iso:
        return [""] * TREND_HOURS
    first = datetime.fromisoformat(first_hour_iso)
    return [f"{(first.hour + i) % 24:02d}" for i in range(TREND_HOURS)]


def hourly_data(summary: dict | None) -> dict:
    hourly = (summary or {}).get("hourly") or {}
    return {
        "labels": hour_labels(hourly.get("first_hour")),
        "people_in": (hourly.get("attendance_in") or [0] * TREND_HOURS)[:TREND_HOURS],
        "visitors": (hourly.get("visitor_check_ins") or [0] * TREND_HOURS)[:TREND_HOURS],
    }


def hourly_figure(lang: Language, data: dict) -> dict:
    """People coming in (bars, left axis) and visitors checking in (line, right axis) per hour:
    two scales, since a school has hundreds of visitors against thousands of swipes."""
    axis_font = {"size": 14, "color": "#8fa6c2"}
    return {
        "data": [
            {"type": "bar", "x": data["labels"], "y": data["people_in"], "name": t(lang, "hourly_in"),
             "marker": {"color": IN_COLOUR}, "hoverinfo": "skip"},
            {"type": "scatter", "mode": "lines+markers", "x": data["labels"], "y": data["visitors"],
             "name": t(lang, "hourly_visitors"), "yaxis": "y2", "hoverinfo": "skip",
             "line": {"color": VISITOR_COLOUR, "width": 3}, "marker": {"size": 5}},
        ],
        "layout": {
            "margin": {"l": 44, "r": 36, "t": 30, "b": 26}, "hovermode": False, "dragmode": False,
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "bargap": 0.25,
            "font": {"family": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif",
                     "color": "#c4d3e6"},
            "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 15}},
            # Category axis: the labels are the hours themselves, in the order sent.
            "xaxis": {"type": "category", "tickfont": axis_font, "fixedrange": True, "tickangle": 0, "dtick": 3},
            "yaxis": {"tickfont": axis_font, "gridcolor": "#1d5fa833", "fixedrange": True, "rangemode": "tozero"},
            "yaxis2": {"tickfont": axis_font, "overlaying": "y", "side": "right", "showgrid": False,
                       "fixedrange": True, "rangemode": "tozero"},
        },
    }


def hourly_patch(previous: dict, current: dict) -> Patch | None:
    """Only the arrays that changed; None when nothing did."""
    if previous == current:
        return None
    patch = Patch()
    if previous.get("labels") != current["labels"]:
        patch["data"][0]["x"] = current["labels"]
        patch["data"][1]["x"] = current["labels"]
    if previous.get("people_in") != current["people_in"]:
        patch["data"][0]["y"] = current["people_in"]
    if previous.get("visitors") != current["visitors"]:
        patch["data"][1]["y"] = current["visitors"]
    return patch


def gate_data(summary: dict | None, plan: dict | None) -> list[list]:
    """[[gate name, check-ins today], ...] for the busiest gates, names from the site plan."""
    by_gate = ((summary or {}).get("visitors") or {}).get("checkins_by_gate") or {}
    names = {g["id"]: g.get("name_zh") or g["id"] for g in (plan or {}).get("gates", [])}
    busiest = sorted(by_gate.items(), key=lambda item: (-item[1], item[0]))[:MAX_GATES]
    return [[names.get(gate, gate), count] for gate, count in busiest]


def gate_rows(lang: Language, gates: list[list]) -> list[html.Li]:
    """A bar per gate, its length relative to the busiest; gate names are data, shown as text."""
    if not gates:
        return [html.Li(t(lang, "gates_none"), className="empty")]
    peak = max(count for _, count in gates) or 1
    return [html.Li(className="gate", children=[
        html.Span(name, className="gate-name"),
        html.Span(className="gate-bar", children=html.Span(style={"width": f"{max(2, round(100 * count / peak))}%"})),
        html.Span(f"{count:,}", className="gate-count"),
    ]) for name, count in gates]
