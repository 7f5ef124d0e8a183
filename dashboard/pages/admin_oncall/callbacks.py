"""The on-call roster page's callbacks, thin: each write through ledger/commands/oncall.py (or the
import, oncall_import.py) in one transaction with its audit entries, for the signed-in admin's unit
(never the page's word): the school the page sends is a choice among the schools that unit manages,
checked here and again by the command. A repeated click answers "unchanged" and writes nothing."""
from __future__ import annotations

import base64
import binascii
from datetime import date, timedelta

from dash import Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.api_duty import shift_plan
from dashboard.pages.admin_oncall import ids
from dashboard.pages.admin_oncall import view as part
from dashboard.pages.admin_oncall.text import to
from dashboard.services import services
from kernel.names import ROLE_NAMES, name_of
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import oncall, oncall_import
from ledger.errors import LedgerError
from ledger.exchange import ImportRejected
from ledger.exchange_files import UnreadableFile
from queries.ledger import oncall as reads
from queries.ledger import register

WRITES = (ids.SET, ids.SUBSTITUTE, ids.CLEAR)
OUTPUTS = 3  # message, grid, person options


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


LAST_DAY = date.max - timedelta(days=7)


def _day(value) -> date | None:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    # Not in the last week Python has: its grid (Monday + 6) and a night shift ran past 9999-12-31 (a 500).
    return day if day is None or day <= LAST_DAY else None


def _refused(text: str) -> tuple:
    return (html.Span(text, className="tone-error"),) + (no_update,) * (OUTPUTS - 1)


def _managed(db, principal, school) -> bool:
    return isinstance(school, str) and school in {s.code for s in register.managed_schools(db, principal.unit)}


def _said(lang, change: oncall.Change, plan) -> html.Span:
    shift = plan.find(change.shift)
    when = f"{change.day.isoformat()} {shift.name_zh if lang == 'zh' else shift.name}"
    text = to(lang, f"done_{change.action}", when=when, level=to(lang, f"level_{change.level}"),
              name=change.person or "")
    return html.Span(text, className="tone-warn" if change.action in ("unchanged", "nothing") else "tone-ok")


def _write(live, principal, plan, school, day, shift, level, person):
    common = {"actor": actor_of(principal), "scope": principal.unit, "school": school, "day": day, "shift": shift,
              "level": level, "now": live.now(), "plan": plan}
    with live.ledger_session() as db:
        if ctx.triggered_id == ids.CLEAR:
            change = oncall.clear(db, **common)
        elif ctx.triggered_id == ids.SET:
            change = oncall.set_entry(db, person=person, **common)
        else:
            change = oncall.substitute(db, person=person, **common)
        db.commit()
    return change


def change(school, week, _imported, _set, _sub, _clear, day, shift, level, person, view_state):
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None:
        return _refused(ta(lang, "not_allowed"))
    live = services()
    plan = shift_plan(live.settings.shifts_file)
    said = ""
    if ctx.triggered_id in WRITES:
        if not any(t.get("value") for t in ctx.triggered):
            return (no_update,) * OUTPUTS
        the_day = _day(day)
        if not _text(school) or the_day is None or not _text(shift) or level is None:
            return _refused(to(lang, "pick_slot"))
        if ctx.triggered_id != ids.CLEAR and not _text(person):
            return _refused(to(lang, "pick_all"))
        try:
            try:
                written = _write(live, principal, plan, school, the_day, shift, level, person)
            except IntegrityError:
                # Two clicks at once on an empty slot: the other one made the entry first. Once more,
                # this one then finds it and answers truthfully (unchanged, or replaced).
                written = _write(live, principal, plan, school, the_day, shift, level, person)
            said = _said(lang, written, plan)
        except LedgerError as exc:
            return _refused(ta(lang, "refused", reason=exc.text(lang)))
        except SQLAlchemyError:
            return _refused(ta(lang, "failed"))
    shown = _day(week) or live.now().astimezone(live.settings.tz).date()
    try:
        with live.ledger_reads() as db:
            if not _managed(db, principal, school):
                return _refused(ta(lang, "not_allowed"))
            roster = reads.week(db, school, shown, plan=plan)
            people = reads.candidates(db, school)
    except SQLAlchemyError:
        return (said or html.Span(ta(lang, "ledger_down"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    rows = [(day.isoformat(), day.weekday(), roster.shift_names[name] if lang == "zh" else name,
             [(e.on_call.name, e.person.name if e.substitute else None) if (e := cells.get(level)) else None
              for level in part.LEVELS])
            for day, name, cells in roster.rows]
    choices = [(p.username, p.name, name_of(ROLE_NAMES, role, lang), levels) for p, role, levels in people]
    return said, part.grid(lang, rows), part.person_options(lang, choices)


def _sheet_bytes(contents: str) -> bytes | None:
    """The file dcc.Upload sent as a data URL; None when it is not one."""
    head, _comma, data = contents.partition(",")
    if not head.startswith("data:") or ";base64" not in head:
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def upload(contents, filename, school, view_state):
    """The Excel import: every row checked, then all written in one transaction, or none."""
    lang = language((view_state or {}).get("lang"))
    if not isinstance(contents, str) or not contents:
        return no_update, no_update
    principal = acting_admin()
    if principal is None:
        return html.Span(ta(lang, "not_allowed"), className="tone-error"), no_update
    data = _sheet_bytes(contents)
    if data is None or not str(filename or "").lower().endswith(".xlsx") or not _text(school):
        return html.Span(to(lang, "not_xlsx"), className="tone-error"), no_update
    live = services()
    try:
        with live.ledger_session() as db:
            done = oncall_import.import_sheet(db, actor=actor_of(principal), scope=principal.unit, school=school,
                                              data=data, now=live.now(), plan=shift_plan(live.settings.shifts_file))
            db.commit()
    except UnreadableFile as exc:
        return html.Span(to(lang, "unreadable", reason=exc.reason), className="tone-error"), no_update
    except ImportRejected as exc:
        return html.Div([html.Span(to(lang, "rejected", count=len(exc.errors)), className="tone-error"),
                         part.errors_table(lang, exc.errors)]), no_update
    except LedgerError as exc:
        return html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"), no_update
    except SQLAlchemyError:
        return html.Span(ta(lang, "failed"), className="tone-error"), no_update
    counts = {key: done.counts.get(key, 0) for key in ("set", "replaced", "cleared", "unchanged")}
    return html.Span(to(lang, "imported", rows=done.rows, **counts), className="tone-ok"), live.now().isoformat()


def template(_clicks):
    if not ctx.triggered_id or acting_admin() is None:
        return no_update
    return dcc.send_bytes(oncall_import.template_sheet(), "oncall-template.xlsx")


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.GRID, "children"), Output(ids.PERSON, "options"),
        Input(ids.SCHOOL, "value"), Input(ids.WEEK, "value"), Input(ids.IMPORTED, "data"),
        Input(ids.SET, "n_clicks"), Input(ids.SUBSTITUTE, "n_clicks"), Input(ids.CLEAR, "n_clicks"),
        State(ids.DAY, "value"), State(ids.SHIFT, "value"), State(ids.LEVEL, "value"), State(ids.PERSON, "value"),
        State(ids.VIEW, "data"),
        # The buttons rest while a change is on its way: a second tap would only be answered "unchanged".
        running=[(Output(b, "disabled"), True, False) for b in (ids.SET, ids.SUBSTITUTE, ids.CLEAR)],
    )(change)
    app.callback(
        Output(ids.IMPORT_MESSAGE, "children"), Output(ids.IMPORTED, "data"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"), State(ids.SCHOOL, "value"),
        State(ids.VIEW, "data"), prevent_initial_call=True,
    )(upload)
    app.callback(Output(ids.TEMPLATE_FILE, "data"), Input(ids.TEMPLATE, "n_clicks"),
                 prevent_initial_call=True)(template)
