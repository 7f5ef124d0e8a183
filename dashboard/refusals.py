"""What a refused request is answered: a page of its own for a wall (a token's screen), the sign-in
page for a person's page when nobody or an ended session asks, JSON for the rest (dashboard/access.py
decides; this says it). Simplified Chinese first on the pages, with the English beneath.
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from flask import Response, g, jsonify, redirect, request

from layouts import plain_page

if TYPE_CHECKING:
    from dashboard.access import Access

# Simplified Chinese first: the people in front of a wall read it; the English is for vendors.
_PAGES = {
    401: ("需要大屏令牌", "请用带令牌的大屏地址打开本页：/?token=…（管理员用 python -m ledger token create 生成）。",
          "A wall token is needed", "Open this page with the wall address that carries its token: /?token=… "
          "(an administrator creates one with python -m ledger token create)."),
    "revoked": ("令牌无效或已被吊销", "请向管理员索取新的大屏地址。",
                "The token is not valid or has been revoked", "Ask an administrator for a new wall address."),
    403: ("此令牌无权查看", "此令牌的角色或学校范围不包括所请求的页面或学校。",
          "Not allowed with this token", "The token's role or school does not cover what was asked for."),
    # A signed-in person (e.g. a message's link to another school's console, or a reporter's): not a token.
    "person": ("无权查看", "您账号的角色或学校范围不包括所请求的页面或学校；如需查看，请联系管理员。",
               "Not allowed", "Your account's role or schools do not cover the page or school asked for; "
               "ask an administrator if you need it."),
    503: ("暂时无法核验令牌", "安全台账数据库暂时无法访问，请稍后刷新本页。",
          "The token cannot be checked right now",
          "The safety ledger cannot be reached; reload in a moment."),
}
_JSON = {
    401: "an access token is needed: Authorization: Bearer <token>",
    "revoked": "the access token is not valid or has been revoked",
    "ended": "the session has ended: sign in again",
    403: "this access token may not read this",
    "cross_site": "refused: a request that changes something must come from this site's own pages",
    503: "access cannot be checked now: safety ledger unavailable",
}
LOGIN_PATH = "/login"


def refuse(access: Access, status: int, page: bool, *, revoked: bool = False, school: str | None = None,
            ended: bool = False, anonymous: bool = False, cross_site: bool = False) -> Response:
    """The refusal: a page of its own for the wall (a token's screen), the sign-in page for any
    other page when nobody or an ended session asks, JSON for the rest. JSON refusals a person can
    cure by signing in say where (`login`): assets/session.js takes the browser there."""
    key = "revoked" if revoked else "ended" if ended else "cross_site" if cross_site else status
    person = ended or anonymous
    if page and person and not _is_wall_request(access):
        return _to_login()
    if page and key == "ended":
        key = 401
    if page and key == 403 and getattr(g.get("principal"), "user_id", None) is not None:
        key = "person"
    if page:
        title_zh, text_zh, title_en, text_en = _PAGES[key]
        response = Response(_PAGE.format(title_zh=escape(title_zh), text_zh=escape(text_zh),
                                         title_en=escape(title_en), text_en=escape(text_en),
                                         style=plain_page.STYLE),  # allowed by its hash (headers.py)
                            status=status, mimetype="text/html")
    else:
        body = {"error": _JSON[key], **({"school": school} if school is not None else {}),
                **({"login": LOGIN_PATH} if person else {})}
        response = jsonify(body)
        response.status_code = status
    if status == 401:
        challenge = 'Bearer realm="campus"' + (', error="invalid_token"' if revoked else "")
        response.headers["WWW-Authenticate"] = challenge
    response.headers["Cache-Control"] = "no-store"
    return response


def bad_request(message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    return response


def _is_wall_request(access: Access) -> bool:
    return request.endpoint != "auth.logout" and access.page_name(request.path) == "wall"


def _to_login() -> Response:
    """To the sign-in page, coming back here after it (a local path; dashboard/login/ checks)."""
    target = LOGIN_PATH
    if request.endpoint != "auth.logout":
        here = request.full_path.rstrip("?")
        target += "?next=" + quote(here, safe="")
        if request.args.get("lang") == "en":
            target += "&lang=en"
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>{title_zh} · {title_en}</title>
<style>{style}</style></head>
<body><main><h1>{title_zh}</h1><p>{text_zh}</p>
<h2 lang="en">{title_en}</h2><p lang="en">{text_en}</p></main></body></html>
"""
