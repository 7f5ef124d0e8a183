"""What the wall shows, as one plain model, and what changed since the screen last got one. Pure.

`wall_model` turns a summary (queries/summary.py) and the school's site plan into plain values,
one per slot of the fixed page (dashboard/pages/wall/view.py). `changes` compares it with the model the
screen already shows and returns only the slots that differ: a number's text, a bar's height, a
chart's arrays as a Patch. The screen then receives a few hundred bytes a tick, not the wall.
With no previous model (a new screen, or one whose last model is forgotten) everything is sent.
"""
from __future__ import annotations

from datetime import datetime

from dashboard.pages.wall import risk_map, trends
from dashboard.pages.wall.map_fit import lower_class, lower_style, map_fit
from dashboard.pages.wall.panels import (
    FIGURE_NAMES,
    alert_row_data,
    alert_rows,
    banner_text,
    clock_text,
    figure_class,
    figure_text,
    figure_values,
    lag_text,
    listed_hazards,
    listed_rows,
)
from kernel.catalogue import DOMAINS
from layouts.i18n import Language, t

BAR_SLOTS = tuple(f"{d}:{i}" for d in DOMAINS for i in range(trends.TREND_HOURS))


def wall_model(lang: Language, *, school: str | None, summary: dict | None, plan: dict | None,
               now: datetime) -> dict:
    values = figure_values(summary) if summary else dict.fromkeys(FIGURE_NAMES)
    banner = banner_text(lang, school=school, summary=summary)
    alerts = (summary or {}).get("alerts") or {}
    ledger = (summary or {}).get("ledger") or {}
    places: dict = {b["code"]: risk_map.building_name(lang, b) for b in (plan or {}).get("buildings", [])}
    places.update({(b["code"], z["code"]): z["name_zh"] for b in (plan or {}).get("buildings", [])
                   for z in b.get("zones") or () if z.get("name_zh")})
    bars = {}
    for domain in DOMAINS:
        per_hour = summary["domains"][domain].get("trend_24h", []) if summary else []
        for i, height in enumerate(trends.bar_heights(per_hour)):
            bars[f"{domain}:{i}"] = height
    flashing = list(alerts.get("flashing", [])) if summary and not banner else []
    return {
        "fig": {name: figure_text(name, values[name]) for name in FIGURE_NAMES},
        "cls": {name: figure_class(name, values[name]) for name in FIGURE_NAMES},
        "bars": bars,
        "alerts": alert_row_data(lang, alerts.get("recent", []), now, places),
        "listed": listed_hazards(summary),
        "gates": trends.gate_data(summary, plan),
        "hourly": trends.hourly_data(summary),
        "map_plan": risk_map.plan_digest(plan, lang) if plan else None,
        "map_live": risk_map.overlay(lang, plan, alerts.get("by_building", {}),
                                     (ledger.get("hazards") or {}).get("major_open_by_building", {})),
        # The map panel takes the plan's shape; the other panels share what is left (map_fit.py).
        "lower_class": lower_class(map_fit(plan)),
        "lower_style": lower_style(map_fit(plan)),
        "as_of": clock_text(summary["as_of"] if summary else None, now),
        "lag": lag_text(lang, summary),
        "banner": banner,
        # The edge flashes for a new critical alert nobody has acknowledged (ledger/escalation.py),
        # never over stale data: an old alarm must not look like a new one.
        "wall_class": "wall" + (" is-stale" if banner else "") + (" is-flashing" if flashing else ""),
        "flash": flashing,
    }


def changes(previous: dict | None, current: dict, *, lang: Language, plan: dict | None) -> dict:
    """The outputs to send: {output: value} for slots that changed (absent = unchanged).

    `fig` and `cls` map slot names to values for the changed slots only; `bars` maps a domain to
    a Patch of its sparkline; `map` and `hourly` are a whole figure for a new screen or plan, else
    a Patch."""
    before = previous or {}
    out: dict = {}
    for many in ("fig", "cls"):
        old = before.get(many, {})
        changed = {k: v for k, v in current[many].items() if old.get(k) != v}
        if changed:
            out[many] = changed
    old_bars = before.get("bars", {})
    moved = {slot: h for slot, h in current["bars"].items() if old_bars.get(slot) != h}
    if moved:
        out["bars"] = trends.bar_patches(moved)
    if previous is None or before.get("alerts") != current["alerts"]:
        out["alerts"] = alert_rows(lang, current["alerts"])
    if previous is None or before.get("listed") != current["listed"]:
        out["listed"] = listed_rows(lang, current["listed"])
    if previous is None or before.get("gates") != current["gates"]:
        out["gates"] = trends.gate_rows(lang, current["gates"])
    if previous is None:
        out["hourly"] = trends.hourly_figure(lang, current["hourly"])
    else:
        patch = trends.hourly_patch(before["hourly"], current["hourly"])
        if patch is not None:
            out["hourly"] = patch
    if previous is None or before.get("map_plan") != current["map_plan"]:
        out["map"] = (risk_map.map_figure(lang, plan, current["map_live"]) if plan
                      else {"data": [], "layout": {}})
        out["map_note"] = "" if plan else t(lang, "map_unavailable")
    else:
        patch = risk_map.overlay_patch(before["map_live"], current["map_live"])
        if patch is not None:
            out["map"] = patch
    for name in ("lower_class", "lower_style", "as_of", "lag", "banner", "wall_class", "flash"):
        if previous is None or before.get(name) != current[name]:
            out[name] = current[name]
    return out
