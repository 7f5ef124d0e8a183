"""Access by token (dashboard/access.py, dashboard/roles.py) on a real app: the real Redis, and the
ledger on SQLite and on a real PostgreSQL. Requests are what a wall's browser and an API client
send: the page with ?token=, Dash's own requests with the cookie it got, bearer headers."""
from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timezone

import dash
import pytest
from dash._utils import split_callback_id

from dashboard import roles
from dashboard.access import COOKIE, EXTENSION, ROUTER_OUTPUT
from dashboard.app import create_app
from dashboard.pages.wall import ids
from dashboard.services import LazyLedger
from dashboard.token_checks import Check, LedgerUnreachable, TokenChecks
from kernel.connections import sql_sessions
from kernel.settings import SettingsError
from ledger.commands import access as tokens
from ledger.models import ROLES, USER_ROLES, AccessToken
from tests.dashboard.conftest import client_with, issue_token, make_user, now_ms, signed_in
from tests.streams import events as ev

WALL = roles.Principal(role="wall", token_id=1)
SCOPED = roles.Principal(role="wall", token_id=2, schools=frozenset({"s1"}))


# ---- the table and the checks, pure ---------------------------------------------------------------

def test_every_role_the_ledger_stores_has_a_row_in_the_table():
    assert set(roles.GRANTS) == set(ROLES) | set(USER_ROLES)
    assert all(roles.SHELL in grants for grants in roles.GRANTS.values())


def test_the_hazard_loop_is_worked_by_people_each_to_their_part():
    """Issue 15: every person reports and works what is assigned to them; the safety office assigns
    and accepts; inspectors inspect and accept; leadership supervises; a reporter reads no screen;
    a token of any role does none of it (each step names the person who took it)."""
    def person(role):
        return roles.Principal(role=role, user_id=1, username="p")

    for role in USER_ROLES:
        assert person(role).may(roles.HAZARD_REPORT) and person(role).may(roles.HAZARD_WORK)
        assert person(role).may(roles.PHOTO_UPLOAD) and person(role).may(roles.PHOTO_VIEW)
    assert {r for r in USER_ROLES if person(r).may(roles.HAZARD_ASSIGN)} == {"safety", "admin"}
    assert {r for r in USER_ROLES if person(r).may(roles.HAZARD_ACCEPT)} == {"safety", "inspector", "admin"}
    assert {r for r in USER_ROLES if person(r).may(roles.HAZARD_SUPERVISE)} == {"leader", "admin"}
    assert {r for r in USER_ROLES if person(r).may(roles.INSPECT)} == {"duty", "safety", "inspector", "admin"}
    assert {r for r in USER_ROLES if person(r).may(roles.INSPECTION_PLAN)} == {"safety", "admin"}
    reporter = person("reporter")
    assert not any(reporter.may(p) for p in (roles.WALL, roles.API_READ, roles.DUTY_VIEW, roles.LEAD_VIEW))
    for role in ROLES:
        token = roles.Principal(role=role, token_id=7)
        assert not any(token.may(p) for p in roles.PERSON_ONLY), role


@pytest.mark.parametrize("principal, permission, school, status", [
    (None, roles.PUBLIC, None, 200),
    (None, roles.API_READ, None, 401),
    (None, None, None, 401),
    (WALL, roles.API_READ, "s9", 200),
    (WALL, roles.WALL, None, 200),
    (WALL, None, None, 403),  # not in the table: refused whoever asks
    (WALL, "alerts.handle", None, 403),  # a permission the wall role does not have
    (roles.Principal(role="nobody"), roles.SHELL, None, 403),
    (SCOPED, roles.API_READ, "s1", 200),
    (SCOPED, roles.API_READ, "s2", 403),
    (SCOPED, roles.API_READ, None, 200),
])
def test_verdicts(principal, permission, school, status):
    assert roles.verdict(principal, permission, school) == status


def test_api_blueprints_are_read_only_until_the_table_says_otherwise():
    assert roles.route_permission("api.schools", "GET") == roles.API_READ
    assert roles.route_permission("ledger_api.hazard_list", "HEAD") == roles.API_READ
    assert roles.route_permission("api.schools", "POST") is None
    assert roles.route_permission("someone_elses.view", "GET") is None


def _unreachable():
    raise LedgerUnreachable("OperationalError")


def test_the_ledger_is_asked_again_only_after_the_fresh_period():
    checks, asked = TokenChecks(fresh_s=10, grace_s=60), []

    def load():
        asked.append(1)
        return WALL

    assert checks.resolve("t", load, now=100).principal == WALL
    assert checks.resolve("t", load, now=109.9).principal == WALL and len(asked) == 1
    assert checks.resolve("t", lambda: None, now=110).principal is None  # revoked: seen within fresh_s
    assert checks.resolve("t", load, now=115).principal is None  # and remembered as refused


def test_while_the_ledger_is_unreachable_a_recently_valid_token_is_honoured():
    checks = TokenChecks(fresh_s=10, grace_s=60)
    checks.resolve("t", lambda: WALL, now=100)
    kept = checks.resolve("t", _unreachable, now=150)
    assert (kept.principal, kept.valid_at, kept.checked_at) == (WALL, 100, 150)
    assert checks.resolve("t", _unreachable, now=155).principal == WALL  # not asked again within fresh_s
    with pytest.raises(LedgerUnreachable):
        checks.resolve("t", _unreachable, now=161)  # grace is over
    # What the signed cookie remembers counts like memory (a restarted process has none).
    cookie = Check(SCOPED, 90, 90)
    assert TokenChecks(grace_s=60).resolve("c", _unreachable, now=140, remembered=cookie).principal == SCOPED
    with pytest.raises(LedgerUnreachable):
        TokenChecks(grace_s=60).resolve("c", _unreachable, now=151, remembered=cookie)
    with pytest.raises(LedgerUnreachable):
        TokenChecks().resolve("never-seen", _unreachable, now=100)


def test_memory_is_bounded():
    checks = TokenChecks(max_entries=3)
    for n in range(5):
        checks.resolve(n, lambda: None, now=100)
    with pytest.raises(LedgerUnreachable):  # the oldest were forgotten
        checks.resolve(0, _unreachable, now=101)


# ---- a real app ------------------------------------------------------------------------------------

@pytest.fixture
def wall_settings(settings_factory, redis_client, ledger_settings, engine):
    return settings_factory(database_url=ledger_settings.database_url, secret_key="s" * 32)


@pytest.fixture
def wall_app(wall_settings):
    return create_app(wall_settings)


def _callback_key(app, output_id: str) -> str:
    server_side = (key for key, spec in app.callback_map.items() if "callback" in spec)
    return next(key for key in server_side if f"{output_id}." in key)


def _callback_body(app, key: str, values: dict) -> dict:
    """The body Dash's renderer posts for a callback: `values` by component id, no pattern matches."""
    spec = app.callback_map[key]
    parsed = split_callback_id(key)  # a list for several outputs, one dict for one

    def blank(item):
        return [] if item["id"].startswith("{") else item

    outputs = [blank(item) for item in parsed] if isinstance(parsed, list) else blank(parsed)
    return {"output": key, "outputs": outputs,
            "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
            "state": [{**s, "value": values.get(s["id"])} for s in spec["state"]],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in spec["inputs"]]}


def _router(client, search: str, path: str = "/"):
    return client.post("/_dash-update-component", json={
        "output": ROUTER_OUTPUT, "outputs": [{"id": "_pages_content", "property": "children"},
                                             {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})


def _refresh(app, client, school: str | None):
    key = _callback_key(app, ids.HEARTBEAT)
    return client.post("/_dash-update-component", json=_callback_body(
        app, key, {ids.POLL: {"n": 1}, ids.VIEW: {"school": school, "lang": "zh"}}))


def _example_url(rule) -> str:
    examples = {"school": "s1", "code": "H-1", "filename": "wall.css", "package_name": "dash",
                "fingerprinted_path": "nothing.js", "path": "somewhere", "_unknown": "nothing",
                "alert_id": "1", "action": "acknowledge", "campus": "main", "photo": "0" * 32,
                "unit": "d1", "period": "2026-11", "fmt": "pdf"}
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: examples[m.group(1)], rule.rule)


def _refused(response) -> bool:
    """Refused by the guard: 401/403 (a page of its own or JSON), or sent to sign in."""
    if response.status_code == 303:
        return response.headers["Location"].startswith("/login")
    return response.status_code in (401, 403) and response.mimetype in ("application/json", "text/html")


def test_every_route_and_callback_has_a_row_in_the_table(app, wall_token):
    client_with(app, wall_token).get("/")  # Dash adds its page router on the first request
    for rule in app.server.url_map.iter_rules():
        for method in rule.methods - {"OPTIONS"}:
            assert roles.route_permission(rule.endpoint, method) is not None, (rule.rule, method)
    guard = app.server.extensions[EXTENSION]
    server_side = [key for key, spec in app.callback_map.items() if "callback" in spec]
    assert ROUTER_OUTPUT in server_side
    for key in server_side:
        assert key == ROUTER_OUTPUT or guard.callback_permission(key), key
    assert {page["name"] for page in dash.page_registry.values()} <= set(roles.PAGES)


def test_anonymous_gets_static_files_and_the_health_check_and_nothing_else(app, wall_token):
    anonymous = app.server.test_client()
    for rule in app.server.url_map.iter_rules():
        for method in rule.methods - {"OPTIONS", "HEAD"}:
            body = {} if method == "POST" else None
            response = anonymous.open(_example_url(rule), method=method, json=body)
            public = roles.route_permission(rule.endpoint, method) == roles.PUBLIC
            assert (not _refused(response)) == public, (rule.rule, method, response.status_code)
    index = client_with(app, wall_token).get("/").get_data(as_text=True)
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert scripts and all(anonymous.get(src).status_code == 200 for src in scripts[:3])
    assert anonymous.get("/assets/wall.css").status_code == 200
    assert anonymous.get("/healthz").json["parts"]["redis"] == {"status": "ok"}
    assert anonymous.post("/api/v1/schools").status_code == 401  # no route, still nothing said

    page = anonymous.get("/?school=s1")
    text = page.get_data(as_text=True)
    assert page.status_code == 401 and page.mimetype == "text/html" and 'lang="zh-CN"' in text
    assert text.index("需要大屏令牌") < text.index("A wall token is needed")
    assert page.headers["WWW-Authenticate"].startswith("Bearer")
    api = anonymous.get("/api/v1/schools/s1/summary")
    assert api.status_code == 401 and api.json["error"].startswith("an access token is needed")
    assert "Set-Cookie" not in api.headers


def test_a_wall_opened_with_its_token_gets_a_cookie_and_an_address_without_the_token(
        wall_app, wall_settings, apply_events):
    apply_events([ev.smoke(now_ms() - 1000, school="s1")])
    token = issue_token(wall_settings)
    browser = wall_app.server.test_client()
    signed_in = browser.get(f"/wall?school=s1&lang=en&token={token}")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/wall?school=s1&lang=en"
    cookie = signed_in.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie and token not in cookie  # outlives a browser restart; the id, not the token
    assert browser.get("/wall?school=s1&lang=en").headers["Location"] == "/?school=s1&lang=en"
    # The rest of the query is kept as it was written.
    again = browser.get(f"/?school=s1&token={token}&playlist=wall,map&every=30")
    assert again.headers["Location"] == "/?school=s1&playlist=wall,map&every=30"
    assert browser.get("/?school=s1&lang=en").status_code == 200
    for shell in ("/_dash-layout", "/_dash-dependencies"):
        assert browser.get(shell).status_code == 200
    assert _router(browser, "?school=s1&lang=en").status_code == 200
    refreshed = _refresh(wall_app, browser, "s1")
    assert refreshed.status_code == 200, refreshed.get_data(as_text=True)
    assert refreshed.json["response"][ids.HEARTBEAT]["data"]["school"] == "s1"
    assert browser.get("/api/v1/schools/s1/summary").json["school"] == "s1"  # the API with the cookie too
    # A bad token in an address (a link from anywhere) is refused and leaves the session alone.
    refused = browser.get("/?token=not-a-token")
    assert refused.status_code == 401 and "Set-Cookie" not in refused.headers
    assert browser.get("/?school=s1").status_code == 200


def test_api_clients_send_a_bearer_token(wall_app, wall_settings, apply_events):
    apply_events([ev.smoke(now_ms() - 1000, school="s1")])
    api = client_with(wall_app, issue_token(wall_settings))
    assert api.get("/api/v1/schools").json["schools"] == ["s1"]
    assert api.get("/api/v1/schools/s1/trend?minutes=5").status_code == 200
    assert api.get("/api/v1/schools/s1/hazards").status_code == 404  # let in: the ledger knows no s1
    refused = client_with(wall_app, "not-a-token").get("/api/v1/schools")
    assert refused.status_code == 401
    assert refused.json["error"] == "the access token is not valid or has been revoked"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert client_with(wall_app, "").get("/api/v1/schools").status_code == 401


def test_a_revoked_token_is_refused_at_its_next_check(wall_app, wall_settings, engine):
    wall_app.server.extensions[EXTENSION].checks = TokenChecks(fresh_s=0)  # check on every request
    token = issue_token(wall_settings)
    browser = wall_app.server.test_client()
    browser.get(f"/?token={token}")
    api = client_with(wall_app, token)
    assert browser.get("/").status_code == 200 and api.get("/api/v1/schools").status_code == 200
    with sql_sessions(engine).begin() as session:
        tokens.revoke_token(session, token_id=tokens.active_token(session, token=token).id,
                            now=datetime.now(timezone.utc))
    page = browser.get("/")
    assert page.status_code == 401 and "令牌无效或已被吊销" in page.get_data(as_text=True)
    assert f"{COOKIE}=;" in page.headers["Set-Cookie"]  # the session is dropped
    assert _refresh(wall_app, browser, None).status_code == 401
    assert api.get("/api/v1/schools").status_code == 401
    assert wall_app.server.test_client().get(f"/?token={token}").status_code == 401


def test_a_token_scoped_to_a_school_sees_that_school_only(wall_app, wall_settings, apply_events):
    apply_events([ev.smoke(now_ms() - 1000, school="s1"), ev.smoke(now_ms() - 1000, school="s2")])
    token = issue_token(wall_settings, school="s2", label="s2 门卫室")
    api = client_with(wall_app, token)
    assert api.get("/api/v1/schools").json["schools"] == ["s2"]
    assert api.get("/api/v1/schools/s2/summary").status_code == 200
    for path in ("s1/summary", "s1/trend", "s1/hazards", "s1/site-plan", "nowhere/summary"):
        refused = api.get(f"/api/v1/schools/{path}")
        assert refused.status_code == 403 and refused.json["school"] == path.split("/")[0], path

    browser = wall_app.server.test_client()
    assert browser.get(f"/?school=s1&token={token}").status_code == 302
    assert browser.get("/?school=s1").status_code == 403
    assert browser.get("/").status_code == 200
    assert _router(browser, "?school=s1").status_code == 403
    assert _router(browser, "?school=s2").status_code == 200
    first = _refresh(wall_app, browser, None)  # no school asked for: its own, not the first of all
    assert first.json["response"][ids.HEARTBEAT]["data"]["school"] == "s2"
    assert first.json["response"][ids.SCHOOL_PICKER]["options"] == [{"label": "s2", "value": "s2"}]
    assert _refresh(wall_app, browser, "s1").status_code == 403  # a forged request, past the page


def test_use_is_noted_in_the_ledger(wall_app, wall_settings, engine):
    token = issue_token(wall_settings)
    client_with(wall_app, token).get("/api/v1/schools")
    with sql_sessions(engine)() as session:
        row = session.get(AccessToken, tokens.active_token(session, token=token).id)
        assert row.last_used_at is not None and row.revoked_at is None


def test_when_the_link_to_the_ledger_is_cut_checked_tokens_keep_working_for_a_while(
        wall_app, wall_settings, settings_factory, apply_events):
    apply_events([ev.smoke(now_ms() - 1000, school="s1")])
    guard = wall_app.server.extensions[EXTENSION]
    guard.checks = TokenChecks(fresh_s=0)  # ask the ledger on every request
    token, unseen = issue_token(wall_settings), issue_token(wall_settings)
    api = client_with(wall_app, token)
    assert api.get("/api/v1/schools/s1/summary").status_code == 200
    # Cut: the ledger is now a PostgreSQL port nobody listens on.
    wall_app.server.extensions["campus"].ledger = LazyLedger(
        settings_factory(database_url="postgresql+psycopg://campus@127.0.0.1:1/none"))
    assert api.get("/api/v1/schools/s1/summary").status_code == 200  # checked a moment ago
    never = client_with(wall_app, unseen).get("/api/v1/schools/s1/summary")
    assert never.status_code == 503 and never.json["error"].startswith("access cannot be checked")
    page = wall_app.server.test_client().get(f"/?token={unseen}")
    assert page.status_code == 503 and "暂时无法核验令牌" in page.get_data(as_text=True)
    guard.checks.grace_s = 0  # an outage longer than the grace
    assert api.get("/api/v1/schools/s1/summary").status_code == 503


def test_the_secret_key_signs_sessions_and_must_not_be_short(settings_factory, caplog):
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        create_app(settings_factory(secret_key="short"))
    with caplog.at_level(logging.WARNING, logger="dashboard.access"):
        app = create_app(settings_factory())
    assert "SECRET_KEY is not set" in caplog.text and len(app.server.secret_key) >= 32
    assert create_app(settings_factory(secret_key="k" * 32)).server.secret_key == "k" * 32


def test_a_cookie_signed_with_another_key_is_nobody(wall_settings, settings_factory):
    token = issue_token(wall_settings)
    one = create_app(wall_settings).server.test_client()
    one.get(f"/?token={token}")
    other = create_app(settings_factory(database_url=wall_settings.database_url, secret_key="o" * 32))
    stranger = other.server.test_client()
    stranger.set_cookie(COOKIE, one.get_cookie(COOKIE).value)
    assert stranger.get("/").status_code == 401
    # And a cookie cannot be made up: its content is signed, not just encoded.
    forged = json.dumps({"access": {"id": 1, "role": "admin", "ok": 0, "schools": None}})
    stranger.set_cookie(COOKIE, forged)
    assert stranger.get("/").status_code == 401


# ---- the role matrix: every route and callback, for anonymous callers, a wall and each person's role

# Every role a person can have (issue 15 added safety, inspector and reporter), each signed in.
PEOPLE_ROLES = ("leader", "duty", "safety", "inspector", "reporter", "admin")


def test_the_matrix_signs_in_every_role_a_person_can_have():
    assert set(PEOPLE_ROLES) == set(USER_ROLES)


@pytest.fixture
def matrix_settings(settings_factory, redis_client, ledger_settings, engine):
    settings = settings_factory(database_url=ledger_settings.database_url, secret_key="m" * 32)
    for role in PEOPLE_ROLES:
        make_user(settings, role, role=role)
    return settings


def _callers(app, settings) -> dict[str, tuple[roles.Principal | None, object]]:
    token = issue_token(settings)
    wall = app.server.test_client()
    assert wall.get(f"/?token={token}").status_code == 302
    callers = {"anonymous": (None, app.server.test_client()), "wall": (roles.Principal(role="wall"), wall)}
    for role in PEOPLE_ROLES:
        callers[role] = (roles.Principal(role=role, user_id=1), signed_in(app, role))
    return callers


def test_every_route_and_callback_refuses_whoever_may_not_use_it(matrix_settings):
    app = create_app(matrix_settings)
    callers = _callers(app, matrix_settings)
    guard = app.server.extensions[EXTENSION]
    rules = [rule for rule in app.server.url_map.iter_rules() if rule.endpoint != "/_dash-update-component"]
    server_side = [key for key, spec in app.callback_map.items() if "callback" in spec]
    for name, (principal, client) in callers.items():
        for rule in rules:
            for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
                if rule.endpoint == "auth.logout" and principal is not None:
                    continue  # signing out ends the session the rest of the matrix needs; test_login.py
                url = _example_url(rule)
                needs = roles.route_permission(rule.endpoint, method)
                if needs == roles.PAGE:
                    needs = roles.page_permission(guard.page_name(url.split("?")[0]))
                expected = roles.verdict(principal, needs) != 200
                response = client.open(url, method=method, json={} if method == "POST" else None)
                assert _refused(response) == expected, (name, rule.rule, method, response.status_code)
        for key in server_side:
            needs = roles.SHELL if key == ROUTER_OUTPUT else guard.callback_permission(key)
            body = _callback_body(app, key, {}) if key != ROUTER_OUTPUT else None
            response = (_router(client, "") if key == ROUTER_OUTPUT
                        else client.post("/_dash-update-component", json=body))
            if key == ROUTER_OUTPUT:
                needs = roles.WALL  # the router asked for "/": the wall
            assert _refused(response) == (roles.verdict(principal, needs) != 200), (name, key, response.status_code)


def test_every_page_kind_lets_in_exactly_the_roles_its_permission_names(matrix_settings):
    """Every registered page (the phone pages too, once registered), opened directly and through
    Dash's router, by every caller: let in exactly when its permission (roles.PAGES) is granted. A
    reporter reads no screen: only pages of a person's own work (PERSON_ONLY) and their account; a
    token never reaches a page that needs a person. (Issue 14's people, token and password pages are
    among them; their callbacks are in the matrix above.)"""
    app = create_app(matrix_settings)
    guard = app.server.extensions[EXTENSION]
    callers = _callers(app, matrix_settings)
    pages = {page["path"]: page["name"] for page in dash.page_registry.values()}
    assert len(pages) == len(roles.PAGES) and set(pages.values()) == set(roles.PAGES)
    own_work = roles.PERSON_ONLY | {roles.ACCOUNT}
    # Issue 14, said outright rather than derived: people and tokens for admins only, one's own
    # password for every signed-in person, never a wall's token.
    account = {"/account/password"}
    expected = {"anonymous": set(), "wall": set(), **{role: account for role in PEOPLE_ROLES},
                "admin": {"/admin/users", "/admin/tokens", "/account/password"}}
    for caller, (principal, _) in callers.items():
        for path in ("/admin/users", "/admin/tokens", "/account/password"):
            assert (roles.verdict(principal, roles.page_permission(guard.page_name(path))) == 200) == (
                path in expected[caller]), (caller, path)
    for path, name in sorted(pages.items()):
        needs = roles.page_permission(guard.page_name(path))
        assert needs == roles.PAGES[name], path
        for caller, (principal, client) in callers.items():
            allowed = roles.verdict(principal, needs) == 200
            if caller == "reporter":  # own work only (not every such page: planning inspections is not theirs)
                assert not allowed or needs in own_work, (path, needs)
            if caller == "wall" and needs in own_work:
                assert not allowed, path
            assert _refused(client.get(path)) == (not allowed), (caller, path)
            assert _refused(_router(client, "", path)) == (not allowed), (caller, path)


def test_the_duty_consoles_actions_need_alert_handling_not_just_the_page(app, wall_token):
    """Leadership reads the console (duty.view) but its action callback needs alert.handle: the
    role matrix above then proves a leader's acknowledge is refused before the callback runs."""
    client_with(app, wall_token).get("/")
    guard = app.server.extensions[EXTENSION]
    acting = [key for key in app.callback_map if "duty-feedback.children" in key]
    reading = [key for key in app.callback_map if "duty-alert-list.children" in key]
    assert acting and {guard.callback_permission(key) for key in acting} == {roles.ALERT_HANDLE}
    assert reading and {guard.callback_permission(key) for key in reading} == {roles.DUTY_VIEW}
    assert "leader" not in {r for r, grants in roles.GRANTS.items() if roles.ALERT_HANDLE in grants}


# ---- event sources (issue 12): a source key sends events and opens nothing else ---------------------

def test_a_source_key_opens_nothing_but_sending_events(matrix_settings):
    """The matrix above shows that no token and no person may send events (the route's kind,
    SOURCE, is granted to no role); here, that a source key reaches no other route."""
    from tests.dashboard.source_support import issue_source

    app = create_app(matrix_settings)
    _, key = issue_source(matrix_settings, "s1")
    source = client_with(app, key)
    for rule in app.server.url_map.iter_rules():
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            needs = roles.route_permission(rule.endpoint, method)
            if needs == roles.PUBLIC:
                continue
            response = source.open(_example_url(rule), method=method, json={} if method == "POST" else None)
            # Sending `{}`: let in, and the event refused by the contract (nothing reaches Kafka).
            assert _refused(response) == (needs != roles.SOURCE), (rule.rule, method, response.status_code)
            if needs == roles.SOURCE:
                assert response.json["events"][0]["reason"] == "missing_field"
    assert roles.SOURCE not in set().union(*roles.GRANTS.values())
