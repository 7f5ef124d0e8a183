"""The organisation page's callbacks, thin: each write through ledger/commands/org.py, in one
transaction with its audit entry, for the signed-in admin's unit (from the server's principal, never
from the page); then the tree read again through queries/ and drawn by the page's builders."""
from __future__ import annotations

from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_org import ids
from dashboard.pages.admin_org import view as part
from dashboard.pages.admin_org.text import to
from dashboard.services import services
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import org
from ledger.errors import LedgerError
from queries.ledger.org_tree import tree_rows

# message, tree, parent options, editable options, the add form's code (cleared when added), move-to options
OUTPUTS = 6


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def change(_add, _save, parent, kind, code, name_zh, name_en, school_type, unit, new_zh, new_en, new_type,
           new_parent, view_state):
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in (ids.ADD, ids.SAVE) or not any(t.get("value") for t in ctx.triggered):
        return (no_update,) * OUTPUTS
    principal = acting_admin()
    if principal is None:
        return (html.Span(ta(lang, "not_allowed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    live = services()
    now = live.now()
    try:
        with live.ledger_session() as db:
            if ctx.triggered_id == ids.ADD:
                # The type field keeps its value from the last add (schools are added one after
                # another): it belongs to a school only, so a campus added next is not refused for it.
                made = org.create_unit(db, actor=actor_of(principal), scope=principal.unit, kind=kind or "",
                                       code=code or "", name_zh=name_zh or "", name_en=_text(name_en),
                                       parent=_text(parent), now=now,
                                       school_type=_text(school_type) if kind == "school" else None)
                said = to(lang, "added", name=made.name_zh)
            else:
                if not _text(unit):
                    return (html.Span(to(lang, "pick"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
                if _text(new_parent):  # a school known only from its events goes under its district
                    org.move_unit(db, actor=actor_of(principal), scope=principal.unit, code=unit,
                                  parent=new_parent, now=now)
                made = org.update_unit(db, actor=actor_of(principal), scope=principal.unit, code=unit,
                                       name_zh=_text(new_zh), name_en=_text(new_en),
                                       school_type=_text(new_type), now=now)
                said = to(lang, "renamed", name=made.name_zh)
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return (html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"),) + (no_update,) * (
            OUTPUTS - 1)
    except SQLAlchemyError:
        return (html.Span(ta(lang, "failed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    try:
        with live.ledger_reads() as db:
            rows = tree_rows(db, principal.unit)
    except SQLAlchemyError:  # saved, but the tree cannot be read again now: say what is true
        return (html.Span(said, className="tone-ok"),) + (no_update,) * (OUTPUTS - 1)
    return (html.Span(said, className="tone-ok"), part.tree(lang, rows),
            part.parent_options(lang, rows, whole_tree=principal.unit is None), part.editable_options(lang, rows),
            "" if ctx.triggered_id == ids.ADD else no_update, part.parent_options(lang, rows, whole_tree=False))


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.TREE, "children"), Output(ids.ADD_PARENT, "options"),
        Output(ids.EDIT_UNIT, "options"), Output(ids.ADD_CODE, "value"), Output(ids.EDIT_PARENT, "options"),
        Input(ids.ADD, "n_clicks"), Input(ids.SAVE, "n_clicks"),
        State(ids.ADD_PARENT, "value"), State(ids.ADD_KIND, "value"), State(ids.ADD_CODE, "value"),
        State(ids.ADD_NAME_ZH, "value"), State(ids.ADD_NAME_EN, "value"), State(ids.ADD_TYPE, "value"),
        State(ids.EDIT_UNIT, "value"), State(ids.EDIT_NAME_ZH, "value"), State(ids.EDIT_NAME_EN, "value"),
        State(ids.EDIT_TYPE, "value"), State(ids.EDIT_PARENT, "value"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(change)
