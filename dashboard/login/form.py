"""The sign-in page as a pure builder: the language, where to go after, the session's CSRF token and
what to say in, the page's HTML out. A small server-rendered form (no Dash, no scripts, no CDN),
every piece of text escaped; views.py answers with it."""
from __future__ import annotations

from html import escape
from urllib.parse import quote

from dashboard.login.text import LOGIN_TEXT
from layouts import plain_page


def page(lang: str, *, target: str, csrf: str, error: str | None = None, note: str | None = None,
         username: str = "") -> str:
    text = LOGIN_TEXT[lang]
    other = "zh" if lang == "en" else "en"
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    message += f'<p class="note">{escape(note)}</p>' if note else ""
    return _FORM.format(
        html_lang="en" if lang == "en" else "zh-CN", title=escape(text["title"]), heading=escape(text["heading"]),
        message=message, csrf=escape(csrf), next=escape(target), lang=escape(lang),
        username_label=escape(text["username"]), password_label=escape(text["password"]),
        username=escape(username[:128]), submit=escape(text["submit"]),
        switch=escape(f"/login?lang={other}&next={quote(target, safe='')}"),
        other=escape(text["other_language"]), hint=escape(text["wall_hint"]),
        style=plain_page.STYLE)  # the one inline style the policy allows, by its hash (dashboard/headers.py)


_FORM = """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style></head>
<body><main class="form"><h1>{heading}</h1>{message}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<input type="hidden" name="lang" value="{lang}">
<label for="username">{username_label}</label>
<input type="text" id="username" name="username" value="{username}" autocomplete="username" autofocus required>
<label for="password">{password_label}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">{submit}</button></form>
<p class="hint">{hint} · <a href="{switch}">{other}</a></p></main></body></html>
"""
