"""How long ago something happened, as a person says it: shared by the wall's alert list and the
duty console's."""
from __future__ import annotations

from datetime import datetime

from layouts.i18n import Language, t


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
