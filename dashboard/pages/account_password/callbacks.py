"""The own-password page's callback, thin: the change through ledger/commands/user_admin.py for the
signed-in person (the user and session from the server's cookie, never from the page), audited; the
session in use stays open, every other one of theirs ends."""
from __future__ import annotations

from dash import Input, Output, State, ctx, html, no_update
from flask import session
from sqlalchemy.exc import SQLAlchemyError

from dashboard import sessions
from dashboard.access import current
from dashboard.admin_context import actor_of
from dashboard.pages.account_password import ids
from dashboard.pages.account_password.text import tp
from dashboard.services import services
from layouts.i18n import language
from ledger.commands import user_admin
from ledger.errors import LedgerError

OUTPUTS = 4  # message, and the three fields (cleared once changed)


def _said(text: str, tone: str) -> tuple:
    return (html.Span(text, className=f"tone-{tone}"),) + (no_update,) * (OUTPUTS - 1)


def change(_clicks, old, new, again, view_state):
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id != ids.SAVE or not any(t.get("value") for t in ctx.triggered):
        return (no_update,) * OUTPUTS
    principal = current()
    held = sessions.from_cookie(session.get(sessions.USER_KEY))
    if principal is None or principal.user_id is None or held is None:
        return _said(tp(lang, "not_allowed"), "error")
    old, new, again = (v if isinstance(v, str) else "" for v in (old, new, again))
    if new != again:
        return _said(tp(lang, "mismatch"), "error")
    live = services()
    try:
        with live.ledger_session() as db:
            user_admin.change_own_password(db, actor=actor_of(principal), user_id=principal.user_id, old=old,
                                           new=new, now=live.now(), keep_session=held.session_id)
            db.commit()
    except LedgerError as exc:
        return _said(tp(lang, "refused", reason=exc.text(lang)), "error")
    except SQLAlchemyError:
        return _said(tp(lang, "failed"), "error")
    return html.Span(tp(lang, "done"), className="tone-ok"), "", "", ""


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.OLD, "value"), Output(ids.NEW, "value"),
        Output(ids.AGAIN, "value"),
        Input(ids.SAVE, "n_clicks"), State(ids.OLD, "value"), State(ids.NEW, "value"), State(ids.AGAIN, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(change)
