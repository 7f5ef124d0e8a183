"""The rules page's callbacks, thin: "check" parses with the processes' own parser
(ledger/live_rules.py); "save" also stores the next version with its audit entry
(ledger/commands/rules.py), for an admin over the whole tree only (from the server's principal,
never from the page). Each answers truthfully: valid / refused with the parser's words / saved."""
from __future__ import annotations

from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_rules import ids
from dashboard.pages.admin_rules import view as part
from dashboard.pages.admin_rules.text import tr
from dashboard.services import services
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import rules
from ledger.errors import LedgerError
from queries.ledger.rule_texts import rules_in_use


def rule_files(settings) -> dict[str, str]:
    return {"alert_rules": settings.alert_rules_file, "alert_deadlines": settings.alert_deadlines_file}


def whole_tree(principal) -> bool:
    """An admin over every unit and school: the only one who may change global rules."""
    return principal is not None and principal.unit is None and principal.schools is None


def _error(text: str):
    return html.Span(text, className="tone-error"), no_update


def act(kind: str, _check, _save, text, view_state):
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in (ids.check(kind), ids.save(kind)) or not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update
    principal = acting_admin(listed=True)  # rules.save refuses anyone not over the whole tree
    if principal is None:
        return _error(ta(lang, "not_allowed"))
    text = text if isinstance(text, str) else ""
    if ctx.triggered_id == ids.check(kind):
        try:
            parsed = rules.check(kind, text)
        except LedgerError as exc:
            return _error(ta(lang, "refused", reason=exc.text(lang)))
        count = len(parsed.types) if kind == "alert_rules" else 0
        return html.Span(tr(lang, f"valid_{kind}", n=count), className="tone-ok"), no_update
    live = services()
    files = rule_files(live.settings)
    try:
        with live.ledger_session() as db:
            in_use = rules_in_use(db, kind, files[kind])
            saved = rules.save(db, actor=actor_of(principal), whole_tree=whole_tree(principal), kind=kind, text=text,
                               current_text=in_use.text, now=live.now())
            db.commit()
            now_in_use = rules_in_use(db, kind, files[kind])
    except rules.Unchanged:
        return _error(tr(lang, "unchanged"))
    except LedgerError as exc:  # refused, nothing saved: the parser's or the scope's own words
        return _error(ta(lang, "refused", reason=exc.text(lang)))
    except IntegrityError:  # two saves of the same next version: the other one won
        return _error(tr(lang, "race"))
    except SQLAlchemyError:
        return _error(ta(lang, "failed"))
    return (html.Span(tr(lang, "saved", version=saved.version), className="tone-ok"),
            part.version_line(lang, now_in_use, live.settings.tz))


def register_callbacks(app) -> None:
    for kind in ids.KINDS:
        app.callback(
            Output(ids.message(kind), "children"), Output(ids.version(kind), "children"),
            Input(ids.check(kind), "n_clicks"), Input(ids.save(kind), "n_clicks"),
            State(ids.editor(kind), "value"), State(ids.VIEW, "data"),
            prevent_initial_call=True,
        )(lambda c, s, t, v, kind=kind: act(kind, c, s, t, v))
