"""The notification channels page's builders, pure: plain rows in, Dash components out. Names, settings
and providers' answers are rendered as text (Dash escapes them); secrets never reach here, only hints."""

from __future__ import annotations

import json
from datetime import tzinfo

from dash import dcc, html

from dashboard.pages.admin_notify import ids
from dashboard.pages.admin_notify.text import KIND_NAMES, tn
from layouts.i18n import Language

KINDS = ("wecom", "dingtalk", "feishu", "email", "sms", "webhook")
NEW = "new"


def _counts(lang: Language, counts: dict) -> str:
    return tn(lang, "counts", **{k: counts.get(k, 0) for k in ("sent", "pending", "retrying", "failed")})


def _secret(lang: Language, row) -> str:
    hints = [h for h in (row.secret_hint, row.signing_hint) if h]
    return " / ".join(hints) if hints else "—"


def channels_table(lang: Language, rows):
    if not rows:
        return html.P(tn(lang, "empty"), className="lead-note")
    head = [
        tn(lang, k) for k in ("name", "kind", "unit", "state", "config", "secret", "rate", "outbox", "last_failure")
    ]
    body = [
        html.Tr(
            className="" if r.enabled else "is-revoked",
            children=[
                html.Td(r.name),
                html.Td(KIND_NAMES[lang].get(r.kind, r.kind)),
                html.Td(r.unit_name),
                html.Td(tn(lang, "enabled") if r.enabled else tn(lang, "disabled")),
                html.Td(html.Code(json.dumps(r.config, ensure_ascii=False))),
                html.Td(_secret(lang, r)),
                html.Td(str(r.rate_per_minute)),
                html.Td(_counts(lang, r.counts)),
                html.Td(r.last_failure or "—", className="tone-error" if r.last_failure else None),
            ],
        )
        for r in rows
    ]
    return html.Table(
        className="admin-table admin-notify-table",
        children=[html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
    )


def failures_table(lang: Language, rows, tz: tzinfo):
    if not rows:
        return html.P(tn(lang, "no_failures"), className="lead-note")
    head = [tn(lang, k) for k in ("at", "channel", "rows", "answer")]
    return html.Table(
        className="admin-table",
        children=[
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(r.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")),
                            html.Td(r.channel),
                            html.Td(str(r.rows)),
                            html.Td(r.answer),
                        ]
                    )
                    for r in rows
                ]
            ),
        ],
    )


def ladder_gaps(lang: Language, rows, tz: tzinfo) -> html.Section:
    """The escalation ladder's latest gaps (queries/ledger/ladder.gaps): who stood in for an empty roster
    level, a level nobody could take, a person paged with no address to reach them."""
    def what(r) -> str:
        if r.how == "nobody":
            return tn(lang, "gap_nobody")
        return tn(lang, "gap_unreachable") if not r.reachable else tn(lang, "gap_fallback")

    head = [tn(lang, k) for k in ("at", "gap_school", "gap_alert", "gap_level", "gap_person", "gap_what")]
    table = html.Table(className="admin-table", children=[
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(r.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")), html.Td(r.school),
                             html.Td(str(r.alert_id)), html.Td(str(r.level)), html.Td(r.name), html.Td(what(r))])
                    for r in rows])]) if rows else html.P(tn(lang, "no_gaps"), className="lead-note")
    return html.Section(className="lead-card admin-card", children=[html.H2(tn(lang, "gaps")), table])


def channel_options(lang: Language, rows) -> list[dict]:
    return [{"label": tn(lang, "new"), "value": NEW}] + [
        {"label": f"{r.name} · {KIND_NAMES[lang].get(r.kind, r.kind)} · {r.unit_name}", "value": r.id} for r in rows
    ]


def _field(label: str, control, help_text: str | None = None) -> html.Label:
    parts = [html.Span(label, className="admin-label"), control]
    if help_text:
        parts.append(html.Small(help_text, className="lead-note"))
    return html.Label(parts, className="admin-field")


def test_result(lang: Language, found) -> html.Span:
    """The truthful outcome of a test message: (status, attempts, answer) from the outbox, or still queued."""
    if found is None:
        return html.Span(tn(lang, "test_queued"), className="lead-note")
    status, attempts, answer = found
    if status == "sent":
        return html.Span(tn(lang, "test_sent", n=attempts, answer=answer or ""), className="tone-ok")
    if status in ("retrying", "failed") and attempts:
        return html.Span(tn(lang, f"test_{status}", n=attempts, answer=answer or ""), className="tone-error")
    return html.Span(tn(lang, "test_queued"), className="lead-note")


def policy_holds(lang: Language, own: bool, holder: str | None) -> str:
    """Whose policy holds for the chosen unit."""
    if own:
        return tn(lang, "holds_own")
    return tn(lang, "holds_inherited", unit=holder) if holder else tn(lang, "holds_default")


def policy_section(lang: Language, units) -> html.Section:
    """The notification policy of a unit: pick the unit, see whose policy holds, edit it."""
    def clock(key: str, id_: str) -> html.Label:
        return _field(tn(lang, key), dcc.Input(id=id_, type="time", value=""))

    return html.Section(className="lead-card admin-card admin-notify-policy", children=[
        html.H2(tn(lang, "policy")),
        html.P(tn(lang, "policy_help"), className="lead-note"),
        dcc.Store(id=ids.POLICY_DONE, data=0),
        _field(tn(lang, "policy_unit"), dcc.Dropdown(id=ids.POLICY_UNIT, options=[{"label": n, "value": i}
                                                                                 for i, n in units],
                                                     placeholder=tn(lang, "pick_unit"))),
        html.P(id=ids.POLICY_HOLDS, className="lead-note", role="status"),
        clock("quiet_start", ids.QUIET_START), clock("quiet_end", ids.QUIET_END),
        _field(tn(lang, "reminder_days"), dcc.Input(id=ids.REMINDER_DAYS, type="text", value="", maxLength=64)),
        clock("reminder_at", ids.REMINDER_AT), clock("digest_at", ids.DIGEST_AT),
        html.Div(className="admin-button-row", children=[
            html.Button(tn(lang, "policy_save"), id=ids.POLICY_SAVE, className="lead-button admin-primary",
                        n_clicks=0),
            html.Button(tn(lang, "policy_clear"), id=ids.POLICY_CLEAR, className="lead-button", n_clicks=0)]),
        html.Div(id=ids.POLICY_MESSAGE, role="status", className="admin-message"),
    ])


def body(lang: Language, rows, units, failures, addresses: dict, tz: tzinfo) -> html.Div:
    kinds = [{"label": KIND_NAMES[lang][k], "value": k} for k in KINDS]
    return html.Div(
        className="admin-notify",
        children=[
            dcc.Store(id=ids.VIEW, data={"lang": lang}),
            dcc.Store(id=ids.TEST_ROW),
            dcc.Interval(id=ids.TEST_POLL, interval=1000, disabled=True, max_intervals=30),
            html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
            html.Section(
                className="lead-card admin-card",
                children=[html.H2(tn(lang, "channels")), html.Div(channels_table(lang, rows), id=ids.CHANNELS)],
            ),
            html.Div(
                className="admin-columns",
                children=[
                    html.Section(
                        className="lead-card admin-card",
                        children=[
                            html.H2(tn(lang, "edit")),
                            _field(
                                tn(lang, "channel"),
                                dcc.Dropdown(
                                    id=ids.CHANNEL, options=channel_options(lang, rows), value=NEW, clearable=False
                                ),
                            ),
                            _field(
                                tn(lang, "unit"),
                                dcc.Dropdown(
                                    id=ids.UNIT,
                                    options=[{"label": n, "value": i} for i, n in units],
                                    placeholder=tn(lang, "pick_unit"),
                                ),
                            ),
                            _field(
                                tn(lang, "kind"),
                                dcc.Dropdown(id=ids.KIND, options=kinds, placeholder=tn(lang, "pick_kind")),
                            ),
                            _field(tn(lang, "name"), dcc.Input(id=ids.NAME, type="text", maxLength=128)),
                            _field(
                                tn(lang, "config"),
                                dcc.Textarea(id=ids.CONFIG, value="{}", className="admin-textarea"),
                                tn(lang, "config_help"),
                            ),
                            _field(
                                tn(lang, "secret"),
                                dcc.Input(id=ids.SECRET, type="password", autoComplete="new-password"),
                                tn(lang, "secret_help"),
                            ),
                            _field(
                                tn(lang, "signing"),
                                dcc.Input(id=ids.SIGNING, type="password", autoComplete="new-password"),
                                tn(lang, "signing_help"),
                            ),
                            _field(
                                tn(lang, "rate"),
                                dcc.Input(id=ids.RATE, type="number", min=1, max=600, step=1, value=20),
                            ),
                            html.Div(
                                className="admin-button-row",
                                children=[
                                    html.Button(
                                        tn(lang, "save"), id=ids.SAVE, className="lead-button admin-primary", n_clicks=0
                                    ),
                                    html.Button(tn(lang, "test"), id=ids.TEST, className="lead-button", n_clicks=0),
                                    html.Button(tn(lang, "enable"), id=ids.ENABLE, className="lead-button", n_clicks=0),
                                    html.Button(
                                        tn(lang, "disable"),
                                        id=ids.DISABLE,
                                        className="lead-button admin-danger",
                                        n_clicks=0,
                                    ),
                                ],
                            ),
                            html.Div(id=ids.TEST_RESULT, role="status"),
                        ],
                    ),
                    html.Div(
                        className="admin-forms",
                        children=[
                            html.Section(
                                className="lead-card admin-card",
                                children=[
                                    html.H2(tn(lang, "failures")),
                                    html.Div(failures_table(lang, failures, tz), id=ids.FAILURES),
                                ],
                            ),
                            html.Section(
                                className="lead-card admin-card",
                                children=[
                                    html.H2(tn(lang, "mine")),
                                    _field(
                                        tn(lang, "phone"),
                                        dcc.Input(id=ids.PHONE, type="tel", value=addresses.get("phone", "")),
                                    ),
                                    _field(
                                        tn(lang, "email"),
                                        dcc.Input(id=ids.EMAIL, type="email", value=addresses.get("email", "")),
                                    ),
                                    html.Button(
                                        tn(lang, "save_addresses"),
                                        id=ids.SAVE_ADDRESSES,
                                        className="lead-button",
                                        n_clicks=0,
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            policy_section(lang, units),
        ],
    )
