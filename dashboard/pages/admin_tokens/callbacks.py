"""The wall tokens page's callbacks, thin: each write through ledger/commands/token_admin.py in one
transaction with its audit entry, for the signed-in admin's unit (from the server's principal, never
from the page); then the list read again through queries/. A new token leaves the server once, in
this callback's answer (the wall's address and its QR code), and is kept nowhere."""
from __future__ import annotations

import segno
from dash import Input, Output, State, ctx, html, no_update
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_tokens import ids
from dashboard.pages.admin_tokens import view as part
from dashboard.pages.admin_tokens.text import tt
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import access, token_admin
from ledger.errors import LedgerError
from queries.ledger import people

ACTIONS = (ids.CREATE, ids.REVOKE, ids.ROTATE)
OUTPUTS = 5  # message, the issued token, the list, the token options, the label (cleared)
QUIET = 4  # the quiet zone, in modules, that scanners need around a QR code


def qr_matrix(text: str) -> list[list[bool]]:
    code = segno.make(text, error="m", micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix_iter(border=QUIET)]


def wall_url(token: str, school: str, *, unit_wall: bool = False) -> str:
    """Where the wall opens: PUBLIC_URL when set (the address people use, behind the proxy), else the
    address this request came to; a district's token opens the district's wall."""
    base = services().settings.public_url or request.host_url
    return base.rstrip("/") + access.wall_path(token, school, unit_wall=unit_wall)


def _token_id(value) -> int | None:
    return id_or_none(value)  # past INTEGER: a 500 (SQLite) or "cannot be written" (PostgreSQL)


def change(_create, _revoke, _rotate, school, label, token_id, view_state):
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in ACTIONS or not any(t.get("value") for t in ctx.triggered):
        return (no_update,) * OUTPUTS
    principal = acting_admin()
    if principal is None:
        return (html.Span(ta(lang, "not_allowed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    live = services()
    now, actor, scope = live.now(), actor_of(principal), principal.unit
    shown = no_update
    try:
        with live.ledger_session() as db:
            if ctx.triggered_id == ids.CREATE:
                if not isinstance(school, str) or not school:
                    raise LedgerError(tt(lang, "pick_school"))
                made = token_admin.issue(db, actor=actor, scope=scope, school=school,
                                         label=label if isinstance(label, str) else "", now=now)
            else:
                chosen = _token_id(token_id)
                if chosen is None:
                    raise LedgerError(tt(lang, "pick"))
                if ctx.triggered_id == ids.REVOKE:
                    row = token_admin.revoke(db, actor=actor, scope=scope, token_id=chosen, now=now)
                    said = html.Span(tt(lang, "revoked_done", label=row.label), className="tone-ok")
                    made = None
                else:
                    made = token_admin.rotate(db, actor=actor, scope=scope, token_id=chosen, now=now)
            if made is not None:
                unit_wall = token_admin.wall_unit(db, made.row.school, scope).kind != "school"
                url = wall_url(made.token, made.row.school, unit_wall=unit_wall)
                shown = part.issued(lang, label=made.row.label, school=made.row.school, url=url,
                                    matrix=qr_matrix(url))
                said = html.Span(ta(lang, "saved"), className="tone-ok")
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return (html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"),) + (no_update,) * (
            OUTPUTS - 1)
    except SQLAlchemyError:
        return (html.Span(ta(lang, "failed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    if shown is no_update:
        shown = None  # a revoke hides any address shown before
    cleared = "" if ctx.triggered_id == ids.CREATE else no_update
    try:
        with live.ledger_reads() as db:
            rows = people.tokens(db, scope)
    except SQLAlchemyError:
        return said, shown, no_update, no_update, cleared
    return said, shown, part.tokens_table(lang, rows, live.settings.tz), part.token_options(lang, rows), cleared


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.ISSUED, "children"), Output(ids.TOKENS, "children"),
        Output(ids.TOKEN, "options"), Output(ids.LABEL, "value"),
        Input(ids.CREATE, "n_clicks"), Input(ids.REVOKE, "n_clicks"), Input(ids.ROTATE, "n_clicks"),
        State(ids.SCHOOL, "value"), State(ids.LABEL, "value"), State(ids.TOKEN, "value"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(change)
