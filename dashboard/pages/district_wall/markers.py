"""A school's marker on the district wall, pure: its colour is the highest colour among its risk
points (red > orange > yellow > blue, the national four-colour scheme, as the ledger counts them
for the school wall's legend), grey when none is known; it pulses while the school has an open
critical alert (raised and not yet resolved, acknowledged or not)."""
from __future__ import annotations

RISK_ORDER = ("red", "orange", "yellow", "blue")  # highest first
FILL = {"red": "#d32f2f", "orange": "#f57c00", "yellow": "#f2c200", "blue": "#1e6fd9", "none": "#6d819c"}


def marker_colour(by_colour: dict | None) -> str:
    """"red", "orange", "yellow", "blue", or "none" (no risk points counted, or no figures yet)."""
    for colour in RISK_ORDER:
        try:
            if int((by_colour or {}).get(colour) or 0) > 0:
                return colour
        except (TypeError, ValueError):
            continue
    return "none"


def pulses(open_by_severity: dict | None) -> bool:
    """Whether the marker pulses: any open critical alert."""
    return int((open_by_severity or {}).get("critical") or 0) > 0


def marker(code: str, name: str, live: dict | None, place: list | None) -> dict:
    """One school's marker as plain data: {"school", "name", "colour", "pulse", "open", "x", "y"}
    (x, y None off the map)."""
    live = live or {}
    opened = live.get("open") or {}
    return {"school": code, "name": name, "colour": marker_colour(live.get("risk")), "pulse": pulses(opened),
            "open": sum(int(v or 0) for v in opened.values()),
            "x": place[0] if place else None, "y": place[1] if place else None}
