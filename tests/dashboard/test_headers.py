"""Security headers (dashboard/headers.py) on every response of a real app: pages, API JSON, assets,
redirects, refusals (401, 403), unknown paths (404) and a crash (500); the pages' policy allows
exactly the inline scripts and styles they carry; framing only where FRAME_ANCESTORS says."""
from __future__ import annotations

import re

import pytest

from dashboard import csp_styles
from dashboard.headers import common_headers, inline_hash, installed_versions, other_policy, page_policy, style_fallback
from kernel.settings import Settings, SettingsError
from tests.dashboard.conftest import client_with, issue_token, make_user, signed_in
from tests.dashboard.test_access import _router

COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
          "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Resource-Policy": "same-origin"}


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


def assert_protected(response, what: str) -> None:
    missing = {name: response.headers.get(name) for name, value in COMMON.items()
               if response.headers.get(name) != value}
    assert missing == {}, (what, response.status_code, missing)
    policy = directives(response.headers.get("Content-Security-Policy", ""))
    assert policy.get("frame-ancestors") == ["'none'"], (what, policy)
    assert policy.get("default-src") == ["'none'"], (what, policy)
    if response.mimetype == "text/html":
        for name in ("script-src", "style-src"):
            assert policy[name][0] == "'self'" and all(v.startswith("'sha256-") for v in policy[name][1:]), \
                (what, name, policy[name])
        assert policy["connect-src"] == ["'self'"] and policy["img-src"] == ["'self'", "data:"], what
    else:
        assert set(policy) == {"default-src", "base-uri", "frame-ancestors"}, (what, policy)


def inline_scripts(html: str) -> list[str]:
    """The texts of the inline scripts a browser would run (not JSON data blocks)."""
    return [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
            if "src=" not in attrs and "application/json" not in attrs and body.strip()
            and "[if IE]" not in html[max(0, html.find(body) - 40):html.find(body)]]


def test_every_kind_of_response_carries_the_headers(app, app_settings, redis_client):
    make_user(app_settings, "zhang", role="duty")
    wall = client_with(app, issue_token(app_settings))
    anyone = app.server.test_client()
    person = signed_in(app, "zhang")
    index = wall.get("/?school=demo-univ")
    bundle = re.search(r'<script src="(/_dash-component-suites/[^"]+)"', index.get_data(as_text=True))[1]

    def crash():
        raise RuntimeError("a bug in a view")

    app.server.view_functions["api.schools"] = crash
    seen = {
        "the wall page": index,
        "a Dash bundle": anyone.get(bundle),
        "an asset": anyone.get("/assets/wall.css"),
        "the favicon": anyone.get("/_favicon.ico"),
        "the sign-in page": anyone.get("/login"),
        "a sign-in refused": anyone.post("/login", data={"csrf": "x", "username": "a", "password": "b"}),
        "the health check": anyone.get("/healthz"),
        "a page for nobody (to sign in)": anyone.get("/duty"),
        "the wall for nobody (401 page)": anyone.get("/"),
        "the API for nobody (401)": anyone.get("/api/v1/schools/demo-univ/summary"),
        "the wall alias (302)": wall.get("/wall?school=demo-univ"),
        "a page the wall may not open (403 page)": wall.get("/duty"),
        "an API write the wall may not make (403)": wall.post("/api/v1/alerts/1/acknowledge", json={}),
        "an unknown API path (404)": wall.get("/api/v1/no-such-thing"),
        "a crash (500)": wall.get("/api/v1/schools"),
        "Dash's layout": wall.get("/_dash-layout"),
        "a callback answered": _router(person, "?school=demo-univ", "/duty"),
        "a callback no page registered (403)": person.post("/_dash-update-component", json={"output": "x.y"}),
        "the duty console": person.get("/duty?school=demo-univ"),
        "who am I": person.get("/api/v1/me"),
        "a download of a school not in the ledger (404)": person.get("/lead/hazards.xlsx?school=demo-univ"),
        "a cross-site write (403)": person.post("/logout", headers={"Origin": "https://evil.example"}),
    }
    statuses = {what: response.status_code for what, response in seen.items()}
    # The list covers what it says it does.
    assert {401, 403, 404, 500, 302, 303, 200} <= set(statuses.values()), statuses
    assert statuses["a crash (500)"] == 500 and statuses["a callback answered"] == 200
    for what, response in seen.items():
        assert_protected(response, what)


def test_the_pages_policy_allows_exactly_their_inline_scripts_and_styles(app, app_settings, redis_client):
    wall = client_with(app, issue_token(app_settings))
    wall.get("/")  # Dash registers the page router's callbacks (and their inline script) on the first request
    page = wall.get("/?school=demo-univ")
    policy = directives(page.headers["Content-Security-Policy"])
    scripts = inline_scripts(page.get_data(as_text=True))
    assert len(scripts) >= 3  # the renderer's start-up, the title updater, the pages' clientside callbacks
    assert sorted(policy["script-src"][1:]) == sorted({inline_hash(s) for s in scripts})
    assert "'unsafe-eval'" not in policy["script-src"] and "'unsafe-inline'" not in policy["style-src"]
    for response in (app.server.test_client().get("/login"), app.server.test_client().get("/")):
        styles = re.findall(r"<style>(.*?)</style>", response.get_data(as_text=True), re.S)
        assert styles and all(inline_hash(s) in response.headers["Content-Security-Policy"] for s in styles)


def test_the_library_style_hashes_were_read_from_the_installed_versions():
    # Else production falls back to 'unsafe-inline' styles (with a warning): refresh csp_styles.py
    # from tests/dashboard/test_headers_browser.py's list and set COLLECTED_WITH.
    assert style_fallback(installed_versions()) == []


def test_other_versions_fall_back_to_inline_styles_and_keep_scripts_strict():
    stale = style_fallback({**csp_styles.COLLECTED_WITH, "dash-ag-grid": "36.0.0"})
    assert stale == ["dash-ag-grid 36.0.0 (hashes read from 35.3.0)"]
    policy = directives(page_policy(script_hashes=["'sha256-abc='"], style_hashes=None))
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'", "'sha256-abc='"]


@pytest.mark.parametrize("setting, ancestors, frame_options", [
    ("", "'none'", "DENY"),
    ("self", "'self'", "SAMEORIGIN"),
    ("https://portal.example.edu.cn, 'self'", "https://portal.example.edu.cn 'self'", None),
    ("https://*.example.edu.cn:8443", "https://*.example.edu.cn:8443", None),
])
def test_framing_only_where_an_administrator_allows_it(settings_factory, redis_client, setting, ancestors,
                                                       frame_options):
    from dashboard.app import create_app

    settings = settings_factory(frame_ancestors=setting)
    page = create_app(settings).server.test_client().get("/login")
    assert directives(page.headers["Content-Security-Policy"])["frame-ancestors"] == ancestors.split()
    assert page.headers.get("X-Frame-Options") == frame_options
    assert f"frame-ancestors {ancestors}" in other_policy(settings.frame_ancestor_origins)
    assert common_headers(settings.frame_ancestor_origins).get("X-Frame-Options") == frame_options


@pytest.mark.parametrize("name, value", [
    ("frame_ancestors", "https://portal.example.edu.cn/path"),
    ("frame_ancestors", "https://a.example; script-src *"),
    ("frame_ancestors", "*"),
    ("frame_ancestors", "portal.example.edu.cn"),
    ("public_url", "https://*.example.edu.cn"),
    ("public_url", "https://a.example https://b.example"),
    ("public_url", "ftp://a.example"),
    ("trusted_proxies", 6),
    ("trusted_proxies", -1),
])
def test_settings_the_headers_could_not_say_safely_are_refused(name, value):
    with pytest.raises(SettingsError):
        Settings.from_env(environ={}, **{name: value})


def test_origins_are_written_as_browsers_send_them():
    settings = Settings.from_env(environ={"PUBLIC_URL": "HTTPS://Anquan.Example.edu.cn:443/",
                                          "FRAME_ANCESTORS": "http://portal.example:80 https://[::1]:8443"})
    assert settings.public_origin == "https://anquan.example.edu.cn"
    assert settings.frame_ancestor_origins == ("http://portal.example", "https://[::1]:8443")
