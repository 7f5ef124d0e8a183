"""The notification channels page's callbacks, thin: every write through ledger/commands/notify_channels.py
(or notify.enqueue_test) in one transaction with its audit entry, for the signed-in admin's unit (from the
server's principal, never from the page); then the lists read again through queries/. Secrets typed in
leave the browser once, in the save, and come back only as hints. The test message is really enqueued
and the page follows its outbox row until the notifier has an answer: what it says is what happened."""

from __future__ import annotations

import json
import uuid

from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_notify import ids
from dashboard.pages.admin_notify import view as part
from dashboard.pages.admin_notify.text import tn
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.admin_text import ta
from layouts.i18n import language
from ledger import notify_text
from ledger.commands import notify, notify_channels, notify_policy
from ledger.errors import LedgerError
from queries.ledger import notify as reads
from queries.ledger import notify_policy as policy_reads

POLICY_FIELDS = ("quiet_start", "quiet_end", "reminder_days", "reminder_at", "digest_at")

ACTIONS = (ids.SAVE, ids.ENABLE, ids.DISABLE, ids.SAVE_ADDRESSES)
OUTPUTS = 6  # message, channels, channel options, failures, secret (cleared), signing secret (cleared)


def _refused(lang, reason: str, outputs: int):
    return (html.Span(ta(lang, "refused", reason=reason), className="tone-error"),) + (no_update,) * (outputs - 1)


def _int(value) -> int | None:
    return id_or_none(value)  # past INTEGER: a 500 (SQLite) or "cannot be written" (PostgreSQL)


def _config(text) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise LedgerError("the settings must be a JSON object", zh="配置须为 JSON 对象")
    return value


def change(
    _save,
    _enable,
    _disable,
    _addresses,
    channel,
    unit,
    kind,
    name,
    config,
    secret,
    signing,
    rate,
    phone,
    email,
    view_state,
):
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in ACTIONS or not any(t.get("value") for t in ctx.triggered):
        return (no_update,) * OUTPUTS
    principal = acting_admin()
    if principal is None:
        return (html.Span(ta(lang, "not_allowed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    live = services()
    now, actor, scope = live.now(), actor_of(principal), principal.unit
    try:
        with live.ledger_session() as db:
            if ctx.triggered_id == ids.SAVE:
                rate_value = rate if isinstance(rate, (int, float)) and not isinstance(rate, bool) else None
                if rate_value is None or int(rate_value) != rate_value:
                    raise LedgerError("the rate must be a whole number", zh="每分钟上限须为整数")
                notify_channels.save_channel(
                    db,
                    actor=actor,
                    scope=scope,
                    unit_id=_int(unit),
                    kind=kind if isinstance(kind, str) else "",
                    name=name if isinstance(name, str) else "",
                    config=_config(config),
                    secret=secret if isinstance(secret, str) else "",
                    signing_secret=signing if isinstance(signing, str) else "",
                    rate_per_minute=int(rate_value),
                    passphrases=live.settings.notify_secret_key,
                    now=now,
                    channel_id=_int(channel),
                )
            elif ctx.triggered_id in (ids.ENABLE, ids.DISABLE):
                if _int(channel) is None:
                    raise LedgerError(tn(lang, "pick"))
                notify_channels.set_enabled(
                    db,
                    actor=actor,
                    scope=scope,
                    channel_id=_int(channel),
                    enabled=ctx.triggered_id == ids.ENABLE,
                    now=now,
                )
            else:  # the admin's own addresses, for test SMS and e-mails
                notify_channels.set_address(
                    db, user_id=principal.user_id, kind="phone", value=phone if isinstance(phone, str) else ""
                )
                notify_channels.set_address(
                    db, user_id=principal.user_id, kind="email", value=email if isinstance(email, str) else ""
                )
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return _refused(lang, exc.text(lang), OUTPUTS)
    except SQLAlchemyError:
        return (html.Span(ta(lang, "failed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    said = html.Span(ta(lang, "saved"), className="tone-ok")
    try:
        with live.ledger_reads() as db:
            rows, failures = reads.channels(db, scope), reads.failures(db, scope)
    except SQLAlchemyError:
        return said, no_update, no_update, no_update, "", ""
    return (
        said,
        part.channels_table(lang, rows),
        part.channel_options(lang, rows),
        part.failures_table(lang, failures, live.settings.tz),
        "",
        "",
    )


def fill(channel, view_state):
    """The form filled with the chosen channel (its hints as placeholders: secrets are never sent back)."""
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None or _int(channel) is None:
        return None, None, "", "{}", 20, "", ""
    try:
        with services().ledger_reads() as db:
            row = next((r for r in reads.channels(db, principal.unit) if r.id == channel), None)
    except SQLAlchemyError:
        row = None
    if row is None:
        return (no_update,) * 7
    kept = [tn(lang, "kept", hint=h) if h else "" for h in (row.secret_hint, row.signing_hint)]
    config = {k: v for k, v in row.config.items() if k != "url"}  # the stored URL is kept unless retyped
    return row.unit_id, row.kind, row.name, json.dumps(config, ensure_ascii=False), row.rate_per_minute, *kept


def test(_clicks, channel, view_state):
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id != ids.TEST or not _clicks:
        return no_update, no_update, no_update
    principal = acting_admin()
    if principal is None:
        return html.Span(ta(lang, "not_allowed"), className="tone-error"), None, True
    live = services()
    now = live.now()
    console = (live.settings.public_url.rstrip("/") + "/duty") if live.settings.public_url else None
    if _int(channel) is None:
        return html.Span(tn(lang, "pick"), className="tone-error"), None, True
    try:
        with live.ledger_session() as db:
            found = notify_channels.channel_in_scope(db, principal.unit, _int(channel))
            title, text = notify_text.test_message(channel_name=found.name, at=now, tz=live.settings.tz, link=console)
            row_id = notify.enqueue_test(
                db,
                channel=found,
                user_id=principal.user_id,
                key=f"test:{found.id}:{uuid.uuid4().hex}",
                title=title,
                text=text,
                link=console,
                now=now,
            )
            db.commit()
    except LedgerError as exc:
        return html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"), None, True
    except SQLAlchemyError:
        return html.Span(ta(lang, "failed"), className="tone-error"), None, True
    return part.test_result(lang, None), {"row": row_id}, False


def follow(n_intervals, held, view_state):
    """The test message's outcome from its outbox row; the polling stops at an answer (then the lists are
    read again: the counts and any failure show it) or after 30 s."""
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None or not isinstance(held, dict):
        return no_update, True, no_update, no_update
    live = services()
    try:
        with live.ledger_reads() as db:
            found = reads.outcome(db, principal.unit, held.get("row"))
            done = found is not None and (found[0] in ("sent", "failed") or (found[0] == "retrying" and found[1] > 0))
            lists = (reads.channels(db, principal.unit), reads.failures(db, principal.unit)) if done else None
    except SQLAlchemyError:
        return no_update, False, no_update, no_update
    if found is None:
        return no_update, True, no_update, no_update
    if not done:
        if (n_intervals or 0) >= 29:
            return html.Span(tn(lang, "test_waiting"), className="tone-warn"), True, no_update, no_update
        return part.test_result(lang, found), False, no_update, no_update
    return (part.test_result(lang, found), True, part.channels_table(lang, lists[0]),
            part.failures_table(lang, lists[1], live.settings.tz))


def _unit_in_scope(db, principal, unit) -> int | None:
    """The unit id the page sent, if it is one of the admin's units (else None: nothing is shown of it)."""
    unit = _int(unit)
    return unit if unit is not None and unit in {i for i, _n in reads.units(db, principal.unit)} else None


def policy_fill(unit, _done, view_state):
    """The chosen unit's policy as it holds (its own, inherited, or the defaults) in the form."""
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None or _int(unit) is None:
        return ("",) * 6
    try:
        with services().ledger_reads() as db:
            unit = _unit_in_scope(db, principal, unit)
            found = policy_reads.shown(db, unit) if unit is not None else None
    except SQLAlchemyError:
        return (html.Span(ta(lang, "failed"), className="tone-error"),) + (no_update,) * 5
    if found is None:
        return (html.Span(tn(lang, "pick_unit"), className="tone-error"),) + ("",) * 5
    return (part.policy_holds(lang, found.own, found.holder),) + tuple(found.form[k] for k in POLICY_FIELDS)


def policy_change(_save, _clear, unit, quiet_start, quiet_end, reminder_days, reminder_at, digest_at, done,
                  view_state):
    """Save or remove a unit's policy through ledger/commands/notify_policy.py, which holds the unit id
    the page sent to the signed-in admin's unit. The same form again, or removing a policy that is not
    there, writes nothing and says so."""
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in (ids.POLICY_SAVE, ids.POLICY_CLEAR) or not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update
    principal = acting_admin()
    if principal is None:
        return html.Span(ta(lang, "not_allowed"), className="tone-error"), no_update
    if _int(unit) is None:
        return _refused(lang, tn(lang, "pick_unit"), 2)
    live = services()
    form = dict(zip(POLICY_FIELDS, (quiet_start, quiet_end, reminder_days, reminder_at, digest_at)))
    form = {k: v if isinstance(v, str) else "" for k, v in form.items()}
    try:
        with live.ledger_session() as db:
            if ctx.triggered_id == ids.POLICY_CLEAR:
                removed = notify_policy.clear_policy(db, actor=actor_of(principal), scope=principal.unit,
                                                     unit_id=_int(unit), now=live.now())
                key = "policy_cleared" if removed else "policy_none"
            else:
                before = policy_reads.shown(db, _int(unit))  # told only once the command let the unit in
                saved = notify_policy.set_policy(db, actor=actor_of(principal), scope=principal.unit,
                                                 unit_id=_int(unit), form=form, now=live.now())
                key = "policy_same" if before.own and before.form == saved.as_form() else "policy_saved"
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return _refused(lang, exc.text(lang), 2)
    except SQLAlchemyError:
        return html.Span(ta(lang, "failed"), className="tone-error"), no_update
    return html.Span(tn(lang, key), className="tone-ok"), (done or 0) + 1


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.POLICY_HOLDS, "children"),
        Output(ids.QUIET_START, "value"),
        Output(ids.QUIET_END, "value"),
        Output(ids.REMINDER_DAYS, "value"),
        Output(ids.REMINDER_AT, "value"),
        Output(ids.DIGEST_AT, "value"),
        Input(ids.POLICY_UNIT, "value"),
        Input(ids.POLICY_DONE, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(policy_fill)
    app.callback(
        Output(ids.POLICY_MESSAGE, "children"),
        Output(ids.POLICY_DONE, "data"),
        Input(ids.POLICY_SAVE, "n_clicks"),
        Input(ids.POLICY_CLEAR, "n_clicks"),
        State(ids.POLICY_UNIT, "value"),
        State(ids.QUIET_START, "value"),
        State(ids.QUIET_END, "value"),
        State(ids.REMINDER_DAYS, "value"),
        State(ids.REMINDER_AT, "value"),
        State(ids.DIGEST_AT, "value"),
        State(ids.POLICY_DONE, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(policy_change)
    app.callback(
        Output(ids.MESSAGE, "children"),
        Output(ids.CHANNELS, "children"),
        Output(ids.CHANNEL, "options"),
        Output(ids.FAILURES, "children"),
        Output(ids.SECRET, "value"),
        Output(ids.SIGNING, "value"),
        Input(ids.SAVE, "n_clicks"),
        Input(ids.ENABLE, "n_clicks"),
        Input(ids.DISABLE, "n_clicks"),
        Input(ids.SAVE_ADDRESSES, "n_clicks"),
        State(ids.CHANNEL, "value"),
        State(ids.UNIT, "value"),
        State(ids.KIND, "value"),
        State(ids.NAME, "value"),
        State(ids.CONFIG, "value"),
        State(ids.SECRET, "value"),
        State(ids.SIGNING, "value"),
        State(ids.RATE, "value"),
        State(ids.PHONE, "value"),
        State(ids.EMAIL, "value"),
        State(ids.VIEW, "data"),
        running=[(Output(ids.SAVE, "disabled"), True, False)],  # a double tap sends one save
        prevent_initial_call=True,
    )(change)
    app.callback(
        Output(ids.UNIT, "value"),
        Output(ids.KIND, "value"),
        Output(ids.NAME, "value"),
        Output(ids.CONFIG, "value"),
        Output(ids.RATE, "value"),
        Output(ids.SECRET, "placeholder"),
        Output(ids.SIGNING, "placeholder"),
        Input(ids.CHANNEL, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(fill)
    app.callback(
        Output(ids.TEST_RESULT, "children"),
        Output(ids.TEST_ROW, "data"),
        Output(ids.TEST_POLL, "disabled"),
        Input(ids.TEST, "n_clicks"),
        State(ids.CHANNEL, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(test)
    app.callback(
        Output(ids.TEST_RESULT, "children", allow_duplicate=True),
        Output(ids.TEST_POLL, "disabled", allow_duplicate=True),
        Output(ids.CHANNELS, "children", allow_duplicate=True),
        Output(ids.FAILURES, "children", allow_duplicate=True),
        Input(ids.TEST_POLL, "n_intervals"),
        State(ids.TEST_ROW, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(follow)
