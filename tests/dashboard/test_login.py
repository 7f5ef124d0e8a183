"""People signing in (dashboard/login/), their sessions (dashboard/sessions.py, dashboard/access.py)
and the rules for writes, on a real app: the real Redis, the ledger on SQLite and PostgreSQL.
Requests are what a browser sends: the form with its CSRF token, Dash's callback posts with the
cookie it got."""
from __future__ import annotations

import dataclasses
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from dashboard import roles, sessions
from dashboard.access import COOKIE, EXTENSION
from dashboard.app import create_app
from dashboard.login_limits import Count, Limits, decide
from dashboard.pages.wall import ids
from dashboard.token_checks import FRESH_S
from kernel.connections import redis_client, sql_sessions
from ledger import passwords
from ledger.commands import users
from ledger.models import UserSession
from tests.dashboard.conftest import PASSWORD, client_with, issue_token, login_form, make_user, sign_in, signed_in
from tests.dashboard.test_access import _callback_body, _callback_key

# ---- plain rules -----------------------------------------------------------------------------------

@pytest.mark.parametrize("target, lands", [
    ("/duty?lang=en", "/duty?lang=en"),
    ("/wall", "/wall"),
    (None, "/duty"),
    ("", "/duty"),
    ("https://evil.example/", "/duty"),
    ("//evil.example/x", "/duty"),
    ("/\\evil.example", "/duty"),
    ("javascript:alert(1)", "/duty"),
    ("/login?next=/x", "/duty"),
    ("/ok\r\nSet-Cookie: x=1", "/duty"),
])
def test_only_local_paths_are_followed_after_signing_in(target, lands):
    assert sessions.safe_next(target) == lands


def test_the_rate_limit_decision():
    limits = Limits(per_username=5, per_address=20, window_s=900)
    assert decide(Count(4, 800), Count(19, 800), limits) is None
    assert decide(Count(5, 800), Count(0, 0), limits) == 800
    assert decide(Count(5, 100), Count(20, 700), limits) == 700
    assert decide(Count(9, 0), Count(0, 0), limits) == 1  # never "retry after 0"


@pytest.mark.parametrize("changed, action", [
    (["duty-tick.n_intervals"], False),
    (["wall-tick.n_intervals", "wall-view.data"], False),
    ([], False),  # fired because its components appeared
    (["duty-ack.n_clicks"], True),
    (["duty-tick.n_intervals", "duty-filter-domain.value"], True),
    (['{"alert":3,"type":"duty-ack"}.n_clicks'], True),
    (["_pages_location.pathname"], True),
])
def test_what_counts_as_the_persons_action(changed, action):
    assert sessions.is_action("POST", roles.CALLBACK, {"changedPropIds": changed}) is action


def test_cross_site_writes_are_refused_by_origin_or_referer():
    assert sessions.same_site("GET", "cc.school", "https://evil.example", None)  # reads are not writes
    assert sessions.same_site("POST", "cc.school", "https://cc.school", None)
    assert not sessions.same_site("POST", "cc.school", "https://evil.example", None)
    assert not sessions.same_site("POST", "cc.school", None, "https://evil.example/page")
    assert not sessions.same_site("DELETE", "cc.school", "null", None)
    assert sessions.same_site("POST", "cc.school", None, None)  # an API client, no browser


# ---- a real app ------------------------------------------------------------------------------------

@pytest.fixture
def person_settings(settings_factory, redis_client, ledger_settings, engine):
    settings = settings_factory(database_url=ledger_settings.database_url, secret_key="p" * 32)
    make_user(settings, "zhang", role="duty", name="张老师", schools=("s1",))
    return settings


@pytest.fixture
def app(person_settings):
    return create_app(person_settings)


@pytest.fixture
def clock(app):
    """The guard's clock, turned by hand."""
    now = [time.time()]
    app.server.extensions[EXTENSION].clock = lambda: now[0]
    return now


def _rows(engine) -> list[UserSession]:
    with sql_sessions(engine)() as db:
        return list(db.scalars(select(UserSession).order_by(UserSession.id)))


def test_without_a_page_asked_for_each_role_lands_on_the_first_page_it_may_open(person_settings, app):
    """A reporter (a teacher on a phone) or an inspector may not open the duty console: signing in
    takes them to a page of theirs (their phone's "my work", issue 15), never to a refusal; also from
    the sign-in form as a browser posts it (it carries no `next` when no page asked for one)."""
    for username, role in (("r1", "reporter"), ("i1", "inspector"), ("l1", "leader"), ("d1", "duty")):
        make_user(person_settings, username, role=role, schools=("s1",))
    landed = {name: sign_in(app.server.test_client(), name).headers["Location"] for name in ("r1", "i1", "l1", "d1")}
    assert landed == {"r1": "/m", "i1": "/m", "l1": "/duty", "d1": "/duty"}
    reporter = app.server.test_client()
    sign_in(reporter, "r1")
    assert reporter.get(landed["r1"]).status_code == 200
    browser = app.server.test_client()
    form = browser.get("/login").get_data(as_text=True)
    assert 'name="next" value=""' in form
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    posted = browser.post("/login", data={"csrf": csrf, "next": "", "username": "i1", "password": PASSWORD})
    assert posted.headers["Location"] == "/m"


def test_signing_in_starts_a_new_session_and_goes_where_asked(app, engine):
    browser = app.server.test_client()
    login_form(browser)
    before = browser.get_cookie(COOKIE).value  # the pre-login session (its CSRF token)
    done = sign_in(browser, "ZHANG", next="/duty?lang=en")
    assert done.status_code == 303 and done.headers["Location"] == "/duty?lang=en"
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires=" not in cookie  # ends with the browser
    after = browser.get_cookie(COOKIE).value
    assert after != before
    me = browser.get("/api/v1/me").json
    assert me | {"csrf": None} == {"kind": "person", "role": "duty", "username": "zhang", "display_name": "张老师",
                                   "schools": ["s1"], "csrf": None, "logout": "/logout"}
    # The cookie from before signing in is nobody's.
    stranger = app.server.test_client()
    stranger.set_cookie(COOKIE, before)
    assert stranger.get("/api/v1/me").status_code == 401
    # Signing in again is another session, with another id.
    assert sign_in(browser, "zhang").status_code == 303 and browser.get_cookie(COOKIE).value != after
    rows = _rows(engine)
    assert len(rows) == 2 and rows[0].digest != rows[1].digest and rows[0].ip == "127.0.0.1"
    assert all(len(row.digest) == 64 and row.digest not in after for row in rows)
    # Open redirects are not followed.
    for target in ("https://evil.example/", "//evil.example"):
        assert sign_in(app.server.test_client(), "zhang", next=target).headers["Location"] == "/duty"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(app):
    def attempt(username, password):
        started = time.thread_time()
        answer = sign_in(app.server.test_client(), username, password)
        return answer, time.thread_time() - started

    # This thread's CPU time, not the clock's (the test client and argon2 at the tests' one lane run in
    # this thread; a database server's work is not counted): a busy machine's other processes stretch the
    # clock, not this thread's CPU. Interleaved, and compared by their quickest.
    stored = passwords.dummy_hash()
    pairs = [(attempt("zhang", "not the password"), attempt("nobody", "not the password"),
              _timed(lambda: passwords.verify_password(stored, "not the password"))) for _ in range(4)]
    hash_s = [pair[2] for pair in pairs]
    wrong, wrong_s = zip(*(pair[0] for pair in pairs))
    unknown, unknown_s = zip(*(pair[1] for pair in pairs))
    assert {r.status_code for r in wrong + unknown} == {401}
    def seen(answer, username):  # less the name typed and the form's own CSRF token
        return re.sub(r'name="csrf" value="[^"]+"', "", answer.get_data(as_text=True)).replace(username, "X")

    text = wrong[0].get_data(as_text=True)
    assert seen(wrong[0], "zhang") == seen(unknown[0], "nobody")
    assert "用户名或密码不正确" in text
    # An unknown name is checked against a dummy hash: it costs a hash's verification like a known one,
    # no quicker answer that tells it apart. (Measured against the hash itself, interleaved with the sign-ins:
    # at the tests' minimum hash cost the rest of a sign-in, ~30 ms of SQL, is as long as the hash, so
    # comparing the two answers' times was at the mercy of a busy machine; by the clock, a CI run once saw
    # four hashes all slower than a whole sign-in.)
    assert min(unknown_s) > 0.8 * min(hash_s)


def _timed(call) -> float:
    started = time.thread_time()
    call()
    return time.thread_time() - started


def test_the_login_page_shows_what_was_typed_as_text(app):
    answer = sign_in(app.server.test_client(), '<script>alert(1)</script>"><img src=x onerror=alert(2)>')
    text = answer.get_data(as_text=True)
    assert answer.status_code == 401 and "<script>alert" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" not in text  # escaped once, not twice
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img" in text
    english = app.server.test_client().get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "Sign in" in english
    assert "登录" in app.server.test_client().get("/login").get_data(as_text=True)


def test_failed_sign_ins_are_limited_per_username_and_per_address(app):
    access = app.server.extensions[EXTENSION]
    for _ in range(5):
        assert sign_in(app.server.test_client(), "zhang", "wrong password").status_code == 401
    refused = sign_in(app.server.test_client(), "zhang")  # even the right password now
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 900
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    # Per address: many usernames from one address.
    access.logins.limits = Limits(per_username=100, per_address=8, window_s=60)
    for n in range(3):
        sign_in(app.server.test_client(), f"guess{n}", "wrong password")
    assert sign_in(app.server.test_client(), "li", "wrong password").status_code == 429


def test_with_redis_down_failures_are_still_limited(app, person_settings):
    access = app.server.extensions[EXTENSION]
    # Redis where nothing listens, with the web app's own client options (kernel/connections.py).
    down = dataclasses.replace(person_settings, redis_url="redis://127.0.0.1:1/0")
    access.logins.client = redis_client(down, fail_fast=True)
    access.logins.limits = Limits(per_username=2, per_address=50, window_s=60)
    started = time.monotonic()
    assert sign_in(app.server.test_client(), "zhang", "wrong password").status_code == 401
    assert sign_in(app.server.test_client(), "zhang", "wrong password").status_code == 401
    refused = sign_in(app.server.test_client(), "zhang")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    # Failing fast: redis-py's default retries took about 4 s a sign-in with Redis down.
    assert time.monotonic() - started < 6


def _poll(app, client, *, changed: list[str] | None = None):
    """The wall's refresh as a person's page sends it: by timer unless `changed` says otherwise."""
    key = _callback_key(app, ids.HEARTBEAT)
    body = _callback_body(app, key, {ids.POLL: {"n": 1}, ids.VIEW: {"school": "s1", "lang": "zh"}})
    if changed is not None:
        body["changedPropIds"] = changed
    return client.post("/_dash-update-component", json=body)


def test_a_session_goes_idle_from_the_last_action_not_from_timers(app, clock, engine):
    browser = signed_in(app, "zhang")
    start = clock[0]
    clock[0] = start + 20 * 60
    assert _poll(app, browser).status_code == 200  # a timer's refresh: not an action
    clock[0] = start + 30 * 60 + 1
    ended = _poll(app, browser)
    assert ended.status_code == 401 and ended.json["login"] == "/login"
    assert _rows(engine)[-1].end_reason == "idle"
    assert browser.get("/duty").headers["Location"] == "/login?next=%2Fduty"

    clicker = signed_in(app, "zhang")
    start = clock[0]
    clock[0] = start + 20 * 60
    assert _poll(app, clicker, changed=["wall-school-picker.value"]).status_code == 200  # a click
    clock[0] = start + 45 * 60
    assert _poll(app, clicker).status_code == 200  # 25 minutes after the click
    clock[0] = start + 50 * 60 + 1
    assert _poll(app, clicker).status_code == 401
    row = _rows(engine)[-1]
    assert row.end_reason == "idle" and row.last_active_at.timestamp() == pytest.approx(start + 20 * 60, abs=1)


def test_signing_out_ends_the_session_in_the_ledger(app, engine):
    browser = signed_in(app, "zhang")
    copied = browser.get_cookie(COOKIE).value
    assert browser.post("/logout", data={}).status_code == 403  # no CSRF token: not from our page
    csrf = browser.get("/api/v1/me").json["csrf"]
    out = browser.post("/logout", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["Location"] == "/login?out=1"
    assert _rows(engine)[-1].end_reason == "logout"
    thief = app.server.test_client()
    thief.set_cookie(COOKIE, copied)  # the cookie as it was before signing out
    refused = thief.get("/api/v1/me")
    assert refused.status_code == 401 and refused.json["login"] == "/login"
    page = thief.get("/duty?lang=en")
    assert page.status_code == 303 and unquote(page.headers["Location"]) == "/login?next=/duty?lang=en&lang=en"
    assert thief.post("/logout", data={"csrf": csrf}).headers["Location"] == "/login"


def test_a_disabled_user_is_refused_within_the_check_period(app, clock, engine):
    browser = signed_in(app, "zhang")
    assert browser.get("/api/v1/me").status_code == 200
    with sql_sessions(engine).begin() as db:
        users.disable_user(db, username="zhang", now=users_now())
    clock[0] += FRESH_S
    assert browser.get("/api/v1/me").status_code == 401
    assert sign_in(app.server.test_client(), "zhang").status_code == 401


def test_a_new_role_ends_the_session_and_the_next_sign_in_has_it(app, clock, engine):
    browser = signed_in(app, "zhang")
    with sql_sessions(engine).begin() as db:
        users.change_access(db, username="zhang", role="leader", now=users_now())
    clock[0] += FRESH_S
    assert browser.get("/api/v1/me").status_code == 401
    assert signed_in(app, "zhang").get("/api/v1/me").json["role"] == "leader"


def users_now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def test_writes_from_another_site_are_refused(app):
    browser = signed_in(app, "zhang")
    key = _callback_key(app, ids.HEARTBEAT)
    body = _callback_body(app, key, {ids.POLL: {"n": 1}, ids.VIEW: {"school": "s1", "lang": "zh"}})
    ours = browser.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    assert ours.status_code == 200
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {"Origin": "null"}):
        theirs = browser.post("/_dash-update-component", json=body, headers=headers)
        assert theirs.status_code == 403 and "this site" in theirs.json["error"], headers
    csrf = login_form(app.server.test_client())
    forged = app.server.test_client().post("/login", headers={"Origin": "https://evil.example"},
                                           data={"csrf": csrf, "username": "zhang", "password": PASSWORD})
    assert forged.status_code == 403
    # The form's CSRF token is bound to the session that got it.
    other = app.server.test_client()
    other.get("/login")
    assert other.post("/login", data={"csrf": csrf, "username": "zhang", "password": PASSWORD}).status_code == 400


def test_the_cookie_is_secure_when_configured(person_settings, settings_factory):
    app = create_app(settings_factory(database_url=person_settings.database_url, secret_key="p" * 32,
                                      cookie_secure=True))
    done = sign_in(app.server.test_client(), "zhang")
    assert "Secure" in done.headers["Set-Cookie"]


def test_a_wall_token_cannot_reach_the_duty_console(app, person_settings):
    wall = roles.Principal(role="wall", token_id=1)
    assert roles.verdict(wall, roles.page_permission("duty")) == 403
    assert all(roles.verdict(roles.Principal(role=r, user_id=1), roles.page_permission("duty")) == 200
               for r in ("leader", "duty", "admin"))
    api = client_with(app, issue_token(person_settings))
    assert api.post("/logout").status_code == 403  # a token has no session to end
    assert api.get("/api/v1/me").json == {"kind": "token", "role": "wall", "token_id": 1, "schools": None}
    page = app.server.test_client()
    page.get(f"/wall?token={issue_token(person_settings)}")
    # Once dashboard/pages/duty/page.py registers the page, the request itself is refused; until then
    # /duty is Dash's "not found" frame, which shows nothing.
    registered = app.server.extensions[EXTENSION].page_name("/duty") == "duty"
    assert page.get("/duty").status_code == (403 if registered else 200)


def test_the_wall_keeps_its_token_page_and_other_pages_send_people_to_sign_in(app):
    anonymous = app.server.test_client()
    wall = anonymous.get("/?school=s1")
    assert wall.status_code == 401 and "需要大屏令牌" in wall.get_data(as_text=True)
    assert anonymous.get("/wall").status_code in (302, 401)  # the alias sends to / first
    somewhere = anonymous.get("/somewhere?lang=en")
    assert somewhere.status_code == 303
    assert somewhere.headers["Location"] == "/login?next=%2Fsomewhere%3Flang%3Den&lang=en"
    callback = _poll(app, anonymous)
    assert callback.status_code == 401 and callback.json["login"] == "/login"


def test_a_link_carrying_a_token_never_touches_a_signed_in_person(app, person_settings):
    """Issue 12, defect 6: a cross-site link to /duty?token=x signed the officer out. A token in an
    address, bad or valid, leaves a person's session as it was."""
    officer = signed_in(app, "zhang")
    for link in ("/duty?token=x", "/lead?token=", f"/duty?token={issue_token(person_settings)}",
                 f"/?token={'9' * 400}"):
        cookie = officer.get_cookie(COOKIE).value
        answer = officer.get(link)
        assert answer.status_code in (302, 401), (link, answer.status_code)
        assert "Set-Cookie" not in answer.headers, link
        assert officer.get_cookie(COOKIE).value == cookie
        assert officer.get("/duty").status_code == 200, link
        assert officer.get("/api/v1/me").json["username"] == "zhang", link


def test_parallel_guesses_check_no_more_passwords_than_the_limit(app):
    """Issue 12, defect 8: 16 parallel guesses at one username checked 6 passwords against a limit
    of 5. Each guess is counted before its password is checked, atomically with the check."""
    forms = []
    for _ in range(16):
        client = app.server.test_client()
        forms.append((client, {"csrf": login_form(client)}))
    start = threading.Barrier(len(forms))

    def guess(client_and_form):
        client, form = client_and_form
        start.wait()
        return client.post("/login", data={**form, "username": "zhang", "password": "wrong password"})

    with ThreadPoolExecutor(len(forms)) as pool:
        answers = [a.status_code for a in pool.map(guess, forms)]
    assert sorted(answers) == [401] * 5 + [429] * 11
    # The right password afterwards is refused too, and hands nothing back.
    assert sign_in(app.server.test_client(), "zhang").status_code == 429


def test_a_right_password_hands_its_attempt_back_to_the_address(app):
    access = app.server.extensions[EXTENSION]
    access.logins.limits = Limits(per_username=100, per_address=3, window_s=60)
    for _ in range(10):  # an office behind one address signing in all day is never limited
        assert sign_in(app.server.test_client(), "zhang").status_code == 303
    for n in range(3):
        assert sign_in(app.server.test_client(), f"guess{n}", "wrong").status_code == 401
    assert sign_in(app.server.test_client(), "zhang").status_code == 429
