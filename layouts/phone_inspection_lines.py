"""The lines both phone inspection pages write (the list, /m/inspections, and a plan's checklist,
/m/inspections/<plan>): a local time, a place, a period, the address of a finding's report form.
Pure: plain values in, text out."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kernel.names import FREQUENCY_NAMES, local_name, name_of
from layouts.phone_inspection_text import ti
from layouts.phone_view import PhoneView

if TYPE_CHECKING:  # the row the reads return, named without importing the reads (pure builders)
    from queries.ledger.inspections import Place

REPORT_PATH = "/m/report"  # the report form; ?draft=<result id> fills it from a failed item


def clock(at: datetime | None, tz: ZoneInfo, *, day: bool = False) -> str:
    """A moment as the school's local time: 09:05, or 12-07 09:05 with `day`."""
    if at is None:
        return ""
    local = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(tz)
    return local.strftime("%m-%d %H:%M" if day else "%H:%M")


def place_line(lang, place: Place) -> str:
    """Where: the building (and zone) or the risk point, in the page's language where it has a name."""
    parts = [local_name(lang, place.building_name, place.building_name_en),
             local_name(lang, place.zone_name, place.zone_name_en), place.risk_point_name or ""]
    shown = " · ".join(p for p in parts if p)
    return shown or local_name(lang, place.school_name, place.school_name_en)


def period_line(lang, frequency: str, period_key: str, last_day=None) -> str:
    """How often and which period: 每日 · 2026-12-07, or 每周 · 2026-W50 · 至 12-13."""
    shown = [name_of(FREQUENCY_NAMES, frequency, lang), period_key]
    if frequency != "daily" and last_day is not None:
        shown.append(ti(lang, "until", day=last_day.strftime("%m-%d")))
    return " · ".join(shown)


def draft_href(view: PhoneView, result_id: int) -> str:
    return view.href(REPORT_PATH, draft=str(result_id))
