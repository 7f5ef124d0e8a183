"""The duty console (值班台): open alerts, unacknowledged first; one-tap acknowledge; dispatch and
resolve with notes; each alert's history; the shift handover report. /duty?school=&lang=en

For a desk screen and a tablet. Reads the SQL ledger (the alerts' record of handling), every
second, and resends the list only when what it shows changed. Actions go through
ledger/commands/alert_handling.py, which lets exactly one of two officers acting at once win and
tells the other who acted first; the guard (dashboard/access.py) refuses the action callback to
any role without `alert.handle` before it runs, and the callback checks again.
"""
from __future__ import annotations

from datetime import datetime, timezone

import dash
from dash import html

from dashboard import roles
from dashboard.access import csrf_token, current
from dashboard.api_duty import shift_plan
from dashboard.pages.duty import view
from dashboard.pages.duty.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from kernel.names import ROLE_NAMES, name_of
from kernel.row_ids import row_id
from layouts.i18n import language

dash.register_page(__name__, path="/duty", name="duty", title="值班台 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, alert: object = None, **_other) -> html.Div:
    lang = language(lang)
    principal = current()
    name = (principal.display_name or principal.username or "") if principal else ""
    role = name_of(ROLE_NAMES, principal.role, lang) if principal and principal.role != "wall" else ""
    person = principal is not None and principal.user_id is not None
    return view.console(lang, school=school if isinstance(school, str) else None, name=name, role=role,
                        may_handle=bool(principal and principal.may(roles.ALERT_HANDLE)),
                        csrf=csrf_token() if person else None, shift=_last_shift(lang), linked=linked_alert(alert))


def linked_alert(alert: object) -> int | None:
    """The alert a message's link names (/duty?school=&alert=<id>, ledger.notify_text.console_link):
    only which alert to open first. Every read of it is held to the signed-in principal's schools
    (callbacks.py), so an id of another school shows nothing of it. ASCII digits only: "²" is a digit
    to str.isdigit but not to int(), and an edited link must open the console, not fail it. Nor an id
    past the ledger's integer: the detail's read of it failed (SQLite's driver: OverflowError, a 500)."""
    text = alert.strip() if isinstance(alert, str) else ""
    return row_id(text)


def _last_shift(lang: str) -> dict:
    """The shift just handed over: what the incoming officer reads first."""
    live = services()
    plan = shift_plan(live.settings.shifts_file)
    window = plan.previous_shift(datetime.now(timezone.utc), live.settings.tz)
    shifts = [{"label": s.name_zh if lang == "zh" else s.name, "value": s.name} for s in plan.shifts]
    return {"date": window.day.isoformat(), "shifts": shifts, "shift": window.name}
