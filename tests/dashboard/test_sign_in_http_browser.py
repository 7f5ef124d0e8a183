"""The image's default, COOKIE_SECURE=on, with no HTTPS in front, in real Chromium: the browser drops
the HTTPS-only cookie, so nobody can sign in, and the sign-in page says so and how to fix it
instead of "the page had expired" (dashboard/login/). Chromium keeps Secure cookies on loopback
addresses over http, so the app is opened by a name (mapped to 127.0.0.1), as a school's server is."""
from __future__ import annotations

import pytest

from dashboard.login.text import LOGIN_TEXT
from tests.dashboard import csp_watch
from tests.dashboard.conftest import PASSWORD, make_user
from tests.dashboard.test_wall_browser import CHROMIUM_ARGS

pytestmark = pytest.mark.browser
NAME = "anquan.example.test"


@pytest.fixture(scope="module")
def named_browser(playwright_driver):
    """Chromium that finds NAME at 127.0.0.1, as a school's browsers find its server (launched for
    this module alone: the name's mapping is a launch option; each test opens its own page)."""
    mapped = f"--host-resolver-rules=MAP {NAME} 127.0.0.1"
    chromium = playwright_driver.chromium.launch(executable_path="/usr/bin/chromium", args=[*CHROMIUM_ARGS, mapped])
    csp_watch.watch(chromium)
    yield chromium
    chromium.close()


def try_to_sign_in(browser, url: str):
    page = browser.new_page()
    page.goto(f"{url}/login?next=/duty")
    before = page.locator("[role=alert]").all_inner_texts()
    page.fill("#username", "zhang")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    return page, before


def test_over_plain_http_an_https_only_cookie_is_explained(serve, settings_factory, redis_client, named_browser):
    settings = settings_factory(secret_key="c" * 32, cookie_secure=True)
    make_user(settings, "zhang", role="duty")
    url = f"http://{NAME}:{serve(settings).port}"
    page, before = try_to_sign_in(named_browser, url)
    # Said on the form, before a password was typed ...
    assert len(before) == 1 and "COOKIE_SECURE=off" in before[0] and f"https://{NAME}/login" in before[0]
    # ... and again after the attempt, which could not work: not "the page had expired".
    assert page.url.startswith(f"{url}/login")
    after = page.locator("[role=alert]").inner_text()
    assert "COOKIE_SECURE" in after and LOGIN_TEXT["zh"]["expired"] not in after
    page.close()


def test_with_cookies_allowed_over_http_the_same_browser_signs_in(serve, settings_factory, redis_client,
                                                                   named_browser):
    # The other side of the test above: on plain http it is the Secure cookie that fails.
    settings = settings_factory(secret_key="c" * 32, cookie_secure=False)
    make_user(settings, "zhang", role="duty")
    url = f"http://{NAME}:{serve(settings).port}"
    page, before = try_to_sign_in(named_browser, url)
    assert before == []
    page.wait_for_url(f"{url}/duty", timeout=15_000)
    page.close()
