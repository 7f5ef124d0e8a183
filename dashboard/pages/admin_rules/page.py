"""The rules page: /admin/rules?lang=en. The alert rules and deadlines in use; editable by an admin
over the whole tree, read only for a scoped admin."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.admin_context import resolve
from dashboard.pages.admin_rules import ids
from dashboard.pages.admin_rules import view as part
from dashboard.pages.admin_rules.callbacks import register_callbacks, rule_files, whole_tree  # noqa: F401
from dashboard.services import services
from layouts.admin_frame import frame
from queries.ledger.rule_texts import rules_in_use

PAGE = "admin_rules"
dash.register_page(__name__, path="/admin/rules", name=PAGE, title="报警规则 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    live = services()
    files = rule_files(live.settings)
    try:
        with live.ledger_reads() as db:
            in_use = [rules_in_use(db, kind, files[kind]) for kind in ids.KINDS]
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    return frame(view, PAGE, part.body(view.lang, in_use, live.settings.tz, editable=whole_tree(current())))
