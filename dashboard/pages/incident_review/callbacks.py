"""The incident review page's callback, thin: "保存评估" saves the findings and measures through
ledger/commands/incident_reviews.py, as the signed-in person (never a token), for an alert among their
schools; the alert and the version the page carries are only questions (the command checks both)."""
from __future__ import annotations

from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.access import current
from dashboard.pages.incident_review import ids
from dashboard.pages.incident_review import view as part
from dashboard.pages.incident_review.text import trv
from dashboard.services import services
from layouts.i18n import language
from ledger.commands import incident_reviews as commands
from ledger.commands.audit import Actor
from ledger.errors import LedgerError


def save(clicks, findings, measures, view_state):
    if not clicks:
        raise PreventUpdate
    state = view_state if isinstance(view_state, dict) else {}
    lang = language(state.get("lang"))
    principal = current()
    if principal is None or principal.user_id is None or not principal.may(roles.INCIDENT_REVIEW):
        return part.message(False, trv(lang, "not_allowed")), no_update
    live = services()
    actor = Actor(principal.actor, principal.role, request.remote_addr if has_request_context() else None)
    try:
        with live.ledger_session() as db:
            done = commands.save(db, actor=actor, alert_id=state.get("alert"), schools=principal.schools,
                                 findings=findings, measures=measures, expected=state.get("version"), now=live.now())
            db.commit()
    except LedgerError as exc:
        return part.message(False, trv(lang, "refused", reason=exc.text(lang))), no_update
    except SQLAlchemyError:
        return part.message(False, trv(lang, "failed")), no_update
    said = trv(lang, "saved", version=done.version) if done.written else trv(lang, "unchanged")
    return part.message(True, said), {**state, "version": done.version}


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.VIEW, "data"),
        Input(ids.SAVE, "n_clicks"), State(ids.FINDINGS, "value"), State(ids.MEASURES, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(save)
    return {}
