"""What the phone's hazard pages share (issue 15): a hazard's address on the phone, a moment in the
school's local time, and a deadline as a person reads it (overdue / due soon). Pure."""
from __future__ import annotations

from datetime import datetime, tzinfo
from urllib.parse import quote

from layouts.phone_view import PhoneView

WORDS = {
    "zh": {"overdue": "已逾期 {days} 天", "due_soon": "剩 {days} 天", "left": "剩 {days} 天",
           "overdue_today": "今天已逾期", "due_today": "今天到期"},
    "en": {"overdue": "{days} days overdue", "due_soon": "{days} days left", "left": "{days} days left",
           "overdue_today": "overdue today", "due_today": "due today"},
}


def hazard_path(school: str, code: str) -> str:
    """/m/hazards/<school>/<code>: the page of one hazard (codes are the ledger's; quoted all the same)."""
    return f"/m/hazards/{quote(school, safe='')}/{quote(code, safe='')}"


def hazard_href(view: PhoneView, school: str, code: str) -> str:
    return view.href(hazard_path(school, code))


def local(at: datetime | None, tz: tzinfo, *, year: bool = False) -> str:
    """A moment as the school's clock shows it: 12-06 14:30 (with the year when asked)."""
    if at is None:
        return ""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M" if year else "%m-%d %H:%M")


def days_text(lang: str, days_left: float | None, overdue: bool) -> str:
    """How far a deadline is, in whole days a person counts: "3 days overdue", "2 days left"."""
    if days_left is None:
        return ""
    words = WORDS["en" if lang == "en" else "zh"]
    whole = int(abs(days_left))
    if overdue:
        return words["overdue"].format(days=whole) if whole else words["overdue_today"]
    return words["left"].format(days=whole) if whole else words["due_today"]


def urgency_class(overdue: bool, due_soon: bool) -> str:
    """The phone.css marks of an item: is-overdue (red edge) or is-due-soon (orange)."""
    return " is-overdue" if overdue else (" is-due-soon" if due_soon else "")
