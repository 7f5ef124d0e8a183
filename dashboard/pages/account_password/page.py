"""The own-password page: /account/password?lang=en, for everyone signed in."""
from __future__ import annotations

import dash
from dash import html

from dashboard.access import csrf_token, current
from dashboard.pages.account_password import view as part
from dashboard.pages.account_password.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from layouts.i18n import language

PAGE = "account_password"
dash.register_page(__name__, path="/account/password", name=PAGE, title="修改密码 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    lang = language(lang)
    principal = current()
    person = principal is not None and principal.user_id is not None
    who = (principal.display_name or principal.username or "") if person else ""
    return part.page(lang, who=who, csrf=csrf_token() if person else None)
