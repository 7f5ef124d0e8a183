"""The campaigns page's callbacks, thin: the form's fields or an uploaded file become one campaign,
checked by ledger/campaign_files.py and written by ledger/commands/campaign_admin.py in one
transaction with its audit entry, for the signed-in admin's unit (from the server's principal, never
from the page); then the list is read again through queries/."""
from __future__ import annotations

import base64
import binascii
import re

from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_campaigns import ids
from dashboard.pages.admin_campaigns import view as part
from dashboard.pages.admin_campaigns.text import tc
from dashboard.services import services
from layouts.admin_text import ta
from layouts.i18n import language
from layouts.lead_ledger_text import local_name
from ledger.campaign_files import MAX_FILE, from_mapping
from ledger.commands import campaign_admin
from ledger.errors import LedgerError
from queries.ledger.campaign_admin import campaign_rows

OUTPUTS = 4  # message, list, the picker's options, the picker's value (the campaign just saved)
FIELDS = 9 + 2 * len(ids.PHASES)  # code, its disabled flag, names, types, building kinds, source, items, dates
_SPLIT = re.compile(r"[,，、\s]+")


def _said(text: str, tone: str) -> html.Span:
    return html.Span(text, className=f"tone-{tone}")


def _refused(lang: str, message: str) -> tuple:
    return (_said(message, "error"),) + (no_update,) * (OUTPUTS - 1)


def checklist(items, items_en) -> list:
    """The two item boxes as a file's `items`: the Chinese one a line (blank lines skipped), line n of
    the English box the n-th item's English (a blank line or none: that item has no English).
    More English lines than items would pair a translation with the wrong item: refused."""
    chinese = [line.strip() for line in items.splitlines() if line.strip()] if isinstance(items, str) else []
    english = [line.strip() for line in items_en.splitlines()] if isinstance(items_en, str) else []
    while english and not english[-1]:
        english.pop()
    if len(english) > len(chinese):
        raise LedgerError(f"items in English: {len(english)} lines for {len(chinese)} items; "
                          "line n is the English of item n",
                          zh=f"检查项英文有 {len(english)} 行，检查项只有 {len(chinese)} 项：第 n 行是第 n 项的英文")
    return [{"zh": zh, "en": english[n]} if n < len(english) and english[n] else zh for n, zh in enumerate(chinese)]


def _mapping(code, name, name_en, types, kinds, source, items, items_en, dates) -> dict:
    """The form's fields as a campaign file's table: one check for both (ledger/campaign_files.py)."""
    phases = []
    for phase, (starts, ends) in zip(ids.PHASES, zip(dates[::2], dates[1::2])):
        if starts or ends:
            phases.append({"phase": phase, "starts_on": starts or "", "ends_on": ends or ""})
    return {"code": code if isinstance(code, str) else "", "name_zh": name if isinstance(name, str) else "",
            "name_en": name_en if isinstance(name_en, str) else "",
            "school_types": list(types) if isinstance(types, list) else [],
            "building_kinds": [k for k in _SPLIT.split(kinds) if k] if isinstance(kinds, str) else [],
            "source": source if isinstance(source, str) else "", "items": checklist(items, items_en),
            "phases": phases}


def _upload(contents, filename) -> tuple[bytes, str]:
    name = filename if isinstance(filename, str) and filename else "upload.toml"
    if not name.lower().endswith(".toml"):
        raise LedgerError(f"{name[:80]}: not a .toml file", zh=f"{name[:80]}：不是 .toml 文件")
    data = contents.split(",", 1)[1] if isinstance(contents, str) and "," in contents else ""
    if len(data) > MAX_FILE * 4 // 3 + 4:
        raise LedgerError(f"{name[:80]}: larger than {MAX_FILE // 1024} KB",
                          zh=f"{name[:80]}：大于 {MAX_FILE // 1024} KB")
    try:
        return base64.b64decode(data, validate=True), name[:80]
    except (binascii.Error, ValueError):
        raise LedgerError(f"{name[:80]}: the upload arrived damaged; try again",
                          zh=f"{name[:80]}：上传的文件已损坏，请重试") from None


def change(_save, contents, filename, pick, code, name, name_en, types, kinds, source, items, items_en, *rest):
    *dates, view_state = rest
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in (ids.SAVE, ids.UPLOAD) or not any(t.get("value") for t in ctx.triggered):
        return (no_update,) * OUTPUTS
    principal = acting_admin()
    if principal is None:
        return _refused(lang, ta(lang, "not_allowed"))
    live = services()
    now = live.now()
    try:
        with live.ledger_session() as db:
            actor = actor_of(principal)
            if ctx.triggered_id == ids.UPLOAD:
                content, file_name = _upload(contents, filename)
                made, _created = campaign_admin.import_campaign(db, actor=actor, scope=principal.unit,
                                                               content=content, name=file_name, now=now)
                said = tc(lang, "imported", name=local_name(lang, made.name_zh, made.name_en))
            else:
                editing = pick if isinstance(pick, str) and pick else None
                spec = from_mapping(_mapping(editing or code, name, name_en, types, kinds, source, items, items_en,
                                             dates))
                if editing:
                    made = campaign_admin.update_campaign(db, actor=actor, scope=principal.unit, spec=spec, now=now)
                    said = tc(lang, "updated", name=local_name(lang, made.name_zh, made.name_en))
                else:
                    made = campaign_admin.create_campaign(db, actor=actor, scope=principal.unit, spec=spec, now=now)
                    said = tc(lang, "created", name=local_name(lang, made.name_zh, made.name_en))
            saved = made.code
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return _refused(lang, ta(lang, "refused", reason=exc.text(lang)))
    except SQLAlchemyError:
        return _refused(lang, ta(lang, "failed"))
    try:
        with live.ledger_reads() as db:
            rows = campaign_rows(db, principal.unit)
    except SQLAlchemyError:  # saved, but the list cannot be read again now: say what is true
        return _said(said, "ok"), no_update, no_update, no_update
    # The saved campaign is now the one being edited: a second click saves it again, unchanged.
    return _said(said, "ok"), part.campaign_list(lang, rows), part.pick_options(lang, rows), saved


def fill(pick, view_state):
    """The picked campaign's fields (an empty form for a new one); only one the admin manages."""
    empty = ("", False, "", "", [], "", "", "", "") + ("",) * (2 * len(ids.PHASES))
    if not isinstance(pick, str) or not pick:
        return empty
    principal = acting_admin()
    if principal is None:
        return empty
    try:
        with services().ledger_reads() as db:
            row = next((r for r in campaign_rows(db, principal.unit) if r.code == pick and r.editable), None)
    except SQLAlchemyError:
        return (no_update,) * FIELDS
    if row is None:
        return empty
    dates = {p: (s, e) for p, s, e in row.phases}
    flat = tuple(d for p in ids.PHASES for d in dates.get(p, ("", "")))
    return (row.code, True, row.name_zh, row.name_en, list(row.school_types), ", ".join(row.building_kinds),
            row.source, "\n".join(row.items), "\n".join(row.items_en).rstrip("\n")) + flat


def register_callbacks(app) -> None:
    date_inputs = [x for p in ids.PHASES for x in (ids.starts(p), ids.ends(p))]
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"), Output(ids.PICK, "options"),
        Output(ids.PICK, "value"),
        Input(ids.SAVE, "n_clicks"), Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
        State(ids.PICK, "value"), State(ids.CODE, "value"), State(ids.NAME, "value"), State(ids.NAME_EN, "value"),
        State(ids.TYPES, "value"), State(ids.BUILDING_KINDS, "value"), State(ids.SOURCE, "value"),
        State(ids.ITEMS, "value"), State(ids.ITEMS_EN, "value"),
        *[State(i, "value") for i in date_inputs], State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(change)
    app.callback(
        Output(ids.CODE, "value"), Output(ids.CODE, "disabled"), Output(ids.NAME, "value"),
        Output(ids.NAME_EN, "value"), Output(ids.TYPES, "value"), Output(ids.BUILDING_KINDS, "value"),
        Output(ids.SOURCE, "value"), Output(ids.ITEMS, "value"), Output(ids.ITEMS_EN, "value"),
        *[Output(i, "value") for i in date_inputs],
        Input(ids.PICK, "value"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(fill)
