"""The rules page: /admin/rules?lang=en. The alert rules and deadlines in use; editable by an admin
over the whole tree, read only for a scoped admin."""
from __future__ import annotations

import dash
from dash import html

from dashboard.access import current
from dashboard.admin_context import admin_layout
from dashboard.pages.admin_rules import ids
from dashboard.pages.admin_rules import view as part
from dashboard.pages.admin_rules.callbacks import register_callbacks, rule_files, whole_tree  # noqa: F401
from dashboard.services import services
from queries.ledger.rule_texts import rules_in_use

PAGE = "admin_rules"
dash.register_page(__name__, path="/admin/rules", name=PAGE, title="报警规则 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    settings = services().settings
    files = rule_files(settings)
    return admin_layout(lang, PAGE, lambda db, view: [rules_in_use(db, kind, files[kind]) for kind in ids.KINDS],
                        lambda view, in_use: part.body(view.lang, in_use, settings.tz,
                                                       editable=whole_tree(current())),
                        listed=True)  # read only for anyone not over the whole tree
