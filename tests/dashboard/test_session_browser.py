"""assets/session.js in headless Chromium: a person's page whose session ends goes to the sign-in
page and comes back after it; a wall whose token is revoked stays where it is (nobody is there to
type a password)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dashboard.access import EXTENSION
from dashboard.token_checks import TokenChecks
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import access as tokens
from ledger.commands import users
from tests.dashboard.conftest import PASSWORD, authenticated, make_user
from tests.dashboard.test_wall_browser import (  # noqa: F401 (browser: the shared Chromium fixture)
    browser,
    wait_until,
)

pytestmark = pytest.mark.browser


def _in_ledger(settings, change) -> None:
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine).begin() as db:
            change(db)
    finally:
        engine.dispose()


def test_an_ended_session_takes_the_page_to_sign_in_and_the_wall_stays(
        serve, settings_factory, redis_client, browser):  # noqa: F811 (the fixture)
    settings = settings_factory(secret_key="b" * 32)
    make_user(settings, "zhang", role="duty")
    served = serve(settings)
    served.app.server.extensions[EXTENSION].checks = TokenChecks(fresh_s=0)  # see each change at once
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        console = context.new_page()
        console.goto(served.url + "/duty?school=s1")
        console.wait_for_url("**/login?next=**")
        console.fill("#username", "zhang")
        console.fill("#password", PASSWORD)
        console.click("button[type=submit]")
        console.wait_for_url("**/duty?school=s1")

        wall = context.browser.new_page()  # a kiosk of its own, signed in by its token
        answers = []
        wall.on("response", lambda r: answers.append(r.status) if "_dash-update-component" in r.url else None)
        wall.goto(authenticated(served.url + "/?school=s1"))
        wall.wait_for_url(served.url + "/?school=s1")
        # The wall runs (Dash loaded its layout and answers its refreshes) before anything is revoked:
        # revoked before then, the page never starts polling, which is not the case this test is about.
        wait_until(lambda: wall.wait_for_timeout(100) or 200 in answers, "the wall's first refresh", timeout=15)

        # The officer is disabled: the console's next refresh is refused and the page goes to sign in.
        _in_ledger(settings, lambda db: users.disable_user(db, username="zhang", now=datetime.now(timezone.utc)))
        console.wait_for_url("**/login?next=%2Fduty%3Fschool%3Ds1", timeout=15_000)

        # The wall's token is revoked: its refreshes are refused, and it stays on its address.
        def revoke(db):
            for row in tokens.list_tokens(db):
                tokens.revoke_token(db, token_id=row.id, now=datetime.now(timezone.utc))

        _in_ledger(settings, revoke)
        refused = []
        wall.on("response", lambda r: refused.append(r.status) if r.status == 401 else None)
        # Playwright hands events over only while it is called: wait in the page between looks.
        wait_until(lambda: wall.wait_for_timeout(300) or len(refused) >= 3, "the wall's refreshes to be refused",
                   timeout=15)
        assert wall.url == served.url + "/?school=s1"
        wall.close()
    finally:
        context.close()
