"""The frame of every phone page (390×844 portrait first; tablets and desktops also work): a slim
header (who, language, sign out), the page's body or the reason there is none, and the bottom tabs
a thumb reaches. Pure: a PhoneView in, Dash components out; the look is assets/phone.css."""
from __future__ import annotations

from dash import dcc, html

from layouts.phone_text import tp
from layouts.phone_view import NAV, PhoneView

FRAME = "phone-frame"
BODY = "phone-body"


def frame(view: PhoneView, page: str, body, *, title: str | None = None, path: str | None = None) -> html.Div:
    """The page `page` (a NAV name, or another phone page's name: then no tab is marked current);
    `path` is the page's own path when it is not a tab's (e.g. /m/hazards/<school>/<code>), for the
    language switch, which keeps the page."""
    lang = view.lang
    return html.Div(id=FRAME, className=f"phone phone-{page.removeprefix('phone_')}",
                    lang="zh-CN" if lang == "zh" else "en", children=[
        _header(view, page, title, path),
        html.Main(id=BODY, className="phone-body", children=(
            html.Div(tp(lang, view.problem), className="phone-problem", role="alert") if view.problem else body)),
        html.Nav([dcc.Link(tp(lang, key), href=view.href(path), className="phone-tab" + (
            " is-current" if name == page else "")) for name, path, key in NAV if name in view.tabs],
            className="phone-tabs") if view.tabs else None,
    ])


def _header(view: PhoneView, page: str, title: str | None, path: str | None) -> html.Header:
    lang = view.lang
    here = path or dict((name, tab) for name, tab, _k in NAV).get(page, "/m")
    return html.Header(className="phone-header", children=[
        html.Span(title or tp(lang, "brand"), className="phone-title"),
        html.Span(view.who, className="phone-who") if view.who else None,
        dcc.Link(tp(lang, "language"), className="phone-button phone-lang",
                 href=view.href(here, lang=None if lang == "en" else "en")),
        html.Form(action="/logout", method="post", className="phone-sign-out", children=[
            dcc.Input(type="hidden", name="csrf", value=view.csrf),
            html.Button(tp(lang, "sign_out"), type="submit", className="phone-button")]) if view.csrf else None,
    ])
