"""What the district wall shows, as one plain model, and what changed since the screen last got one.
Pure. The slots are the page's (view.py); `changes` returns only those that differ, so a quiet
district sends the heartbeat and the tag, not the wall (the school wall's way: dashboard/wall_sync.py)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dashboard.pages.district_wall.markers import marker
from dashboard.pages.district_wall.text import td
from layouts.elapsed import since_text
from layouts.i18n import Language, alert_state_name, event_type_name, severity_name

SLOTS = ("figures", "map", "alerts", "league", "due", "as_of", "banner", "wall_class")
LEAGUE_SHOWN = 12
DUE_SHOWN = 8


def school_name(lang: Language, code: str, names: dict) -> str:
    found = names.get(code) or {}
    return (found.get("name_en") if lang == "en" else None) or found.get("name_zh") or code


def _iso(ms: int | None, tz: ZoneInfo) -> str | None:
    return datetime.fromtimestamp(ms / 1000, tz).isoformat() if ms else None


def district_model(lang: Language, *, district: dict, live: dict, league: list[dict], due: list[dict],
                   now: datetime) -> dict:
    """The screen's slots from the district (queries.ledger.district_wall.district), its live
    figures (queries.district_live), the league's and the due panel's rows."""
    tz = now.tzinfo or ZoneInfo("UTC")
    names, schools = district["names"], district["schools"]
    per_school = live.get("schools") or {}
    markers = [marker(code, school_name(lang, code, names), per_school.get(code), district["places"].get(code))
               for code in schools]
    alerts = [{
        "id": a.get("id") or "", "severity": a.get("severity") or "", "state": a.get("state") or "",
        "severity_text": severity_name(lang, a.get("severity") or ""),
        "school": school_name(lang, a["school"], names), "type_text": event_type_name(lang, a.get("type")),
        "since": since_text(lang, _iso(int(a.get("ts") or 0), tz), now),
        "state_text": alert_state_name(lang, a.get("state") or ""),
    } for a in live.get("alerts") or ()]
    stale = sum(1 for s in per_school.values() if s.get("stale"))
    as_of = live.get("as_of_ms")
    return {
        "figures": {"schools": len(schools), "open": sum(m["open"] for m in markers),
                    "critical": sum(int(((per_school.get(c) or {}).get("open") or {}).get("critical") or 0)
                                    for c in schools),
                    "red": sum(1 for m in markers if m["colour"] == "red")},
        "map": {"unit": district["code"], "image": district["image"], "markers": markers},
        "alerts": alerts,
        "league": [{"school": r["school"], "name": school_name(lang, r["school"], {r["school"]: r}),
                    "rank": "—" if r.get("rank") is None else str(r["rank"]),
                    "rate": "—" if r.get("rate") is None else f"{100 * r['rate']:.0f}%",
                    "overdue": int(r.get("overdue") or 0), "open": int(r.get("alerts_open") or 0),
                    "score": "—" if r.get("score") is None else f"{r['score']:.1f}"} for r in league[:LEAGUE_SHOWN]],
        "due": [{"school": school_name(lang, r["school"], names),
                 "what": (r.get("what_en") if lang == "en" else None) or r.get("what_zh") or "",
                 "due": r["due_at"].astimezone(tz).strftime("%m-%d %H:%M") if r.get("due_at") else "",
                 "late": bool(r.get("late"))} for r in due[:DUE_SHOWN]],
        "as_of": datetime.fromtimestamp(as_of / 1000, tz).strftime("%H:%M:%S") if as_of else "--:--:--",
        "banner": (td(lang, "no_schools") if not schools
                   else td(lang, "stale", n=stale) if stale and stale == len(schools) else None),
        "wall_class": "wall district-wall" + (" is-stale" if schools and stale == len(schools) else "")
                      + (" has-critical" if any(m["pulse"] for m in markers) else ""),
    }


def changes(previous: dict | None, current: dict) -> dict:
    """The slots of `current` that differ from `previous` (all of them when there is none)."""
    if not previous:
        return dict(current)
    return {slot: current[slot] for slot in SLOTS if previous.get(slot) != current.get(slot)}
