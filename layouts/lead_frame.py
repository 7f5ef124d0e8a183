"""The frame of every leadership page: header (school, language, sign out), the page tabs, and the
page's body or the reason there is none. Pure: a LeadView in, Dash components out.

No callback is needed to move around: the tabs and the school menu are links that keep ?school=
and ?lang=, so a tablet can bookmark any page and the back button works. The school menu is a
<details> list, touch-sized, rather than a dropdown wired to a callback.
"""
from __future__ import annotations

from dash import dcc, html

from layouts.lead_text import tl
from layouts.lead_view import BUREAU_REPORTS, DRILLS, MORE, NAV, PLANS, REPORTS, LeadView

FRAME = "lead-frame"  # the root element of every leadership page
BODY = "lead-body"


def frame(view: LeadView, page: str, body) -> html.Div:
    """The page `page` (a layouts.lead_view.NAV name) around `body`; `body` is ignored when the view has
    a problem (no readable school, the ledger down), which is shown instead. A signed-in person
    (the view has their session's CSRF token) gets a sign-out button."""
    lang = view.lang
    return html.Div(id=FRAME, className=f"lead lead-{page.removeprefix('lead_')}",
                    lang="zh-CN" if lang == "zh" else "en", children=[
        _header(view, page, view.csrf),
        _tabs(view, page),
        html.Main(id=BODY, className="lead-body", children=(
            html.Div(tl(lang, view.problem), className="lead-problem", role="alert")
            if view.problem else body)),
    ])


def _header(view: LeadView, page: str, csrf: str | None) -> html.Header:
    lang = view.lang
    principal = view.principal
    who = ""
    if principal is not None and principal.user_id is not None:
        role = tl(lang, f"role_{principal.role}") if principal.role in ("leader", "duty", "admin", "safety") \
            else ""
        who = f"{principal.display_name or principal.username}（{role}）" if lang == "zh" else \
            f"{principal.display_name or principal.username} ({role})"
    other_lang = {"lang": None} if lang == "en" else {"lang": "en"}
    return html.Header(className="lead-header", children=[
        html.Span(tl(lang, "brand"), className="lead-brand"),
        _school_menu(view, page),
        html.Span(who, className="lead-who"),
        dcc.Link(tl(lang, "language"), className="lead-button lead-lang",
                 href=view.href(page, **other_lang)),
        # A person's own hazard work and inspections (the phone pages, /m): the safety office assigns and
        # accepts there, whatever page it landed on.
        html.A(tl(lang, "my_work"), className="lead-button lead-my-work",
               href="/m" + ("?lang=en" if lang == "en" else "")) if csrf else None,
        dcc.Link(tl(lang, "password"), className="lead-button lead-password",
                 href="/account/password" + ("?lang=en" if lang == "en" else "")) if csrf else None,
        html.Form(action="/logout", method="post", className="lead-sign-out", children=[
            dcc.Input(type="hidden", name="csrf", value=csrf),
            html.Button(tl(lang, "sign_out"), type="submit", className="lead-button")]) if csrf else None,
    ])


def _school_menu(view: LeadView, page: str):
    """The school shown; over several schools, a menu of the others (this page, that school)."""
    if not view.schools:
        return None
    name = view.school_name() if view.school else tl(view.lang, "school")
    if not view.several:
        return html.Span(name, className="lead-school")
    # The district page is not about one school: its menu opens a school's overview.
    target = "lead_overview" if page == "lead_district" else page
    return html.Details(className="lead-school-menu", children=[
        html.Summary(name, className="lead-button lead-school"),
        html.Ul([html.Li(dcc.Link(view.school_name(code), href=view.href(target, school=code),
                                  className="lead-menu-item" + (" is-current" if code == view.school else "")))
                 for code in view.schools]),
    ])


def _tabs(view: LeadView, page: str) -> html.Nav:
    links = []
    for name, _path, key in (*NAV, PLANS, DRILLS, REPORTS, BUREAU_REPORTS, *MORE):
        if (name == "lead_district" and not view.several) or (name == PLANS[0] and not view.plans_tab) or \
                (name == DRILLS[0] and not view.drills_tab) or (name == REPORTS[0] and not view.reports_tab) or \
                (name == BUREAU_REPORTS[0] and not view.bureau_tab) or \
                (name in {m[0] for m in MORE} and name not in view.more_tabs):
            continue
        links.append(dcc.Link(tl(view.lang, key), href=view.href(name),
                              className="lead-tab" + (" is-current" if name == page else "")))
    return html.Nav(links, className="lead-tabs")
