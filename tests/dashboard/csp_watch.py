"""Every browser test is also a Content-Security-Policy test: each page the shared Chromium opens
reports what the policy refused (dashboard/headers.py), and a test during which a page was refused
anything fails (the autouse fixture in tests/dashboard/conftest.py), whatever it was testing.
A test that provokes a refusal on purpose takes it out with `expect_refusal`."""
from __future__ import annotations

REFUSALS: list[str] = []


def _watch_page(page) -> None:
    def heard(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            REFUSALS.append(f"{page.url}: {message.text[:400]}")

    page.on("console", heard)


def watch(browser) -> None:
    """Make every page of `browser` (from new_page, or a context's) report its refusals."""
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("page", _watch_page)
        return context

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        _watch_page(page)
        return page

    browser.new_context, browser.new_page = watched_context, watched_page


def expect_refusal(part: str) -> list[str]:
    """Take the refusals naming `part` out of those heard (a test provoked them); returns them."""
    taken = [r for r in REFUSALS if part in r]
    REFUSALS[:] = [r for r in REFUSALS if part not in r]
    return taken
