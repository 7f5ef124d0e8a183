"""Security headers on every response of the web app: a strict Content-Security-Policy, no framing
by other sites unless an administrator names them (FRAME_ANCESTORS), no MIME sniffing, no Referer
to other sites.

Every script, style, font and image is served by this app itself (Dash with serve_locally=True,
assets/), so a page's policy allows 'self' and nothing else but, by their hashes, the inline
pieces the app really has:
- scripts: Dash's renderer start-up and the clientside callbacks written inline (the pages' and
  Dash's own title updater), by Dash's `csp_hashes()`. Dash registers the page router's callbacks
  on the first request, so the hashes are read when a page is answered, not in the factory.
  Dash's `_dash-config` block is `type="application/json"`: data no browser runs, nothing to allow.
- no 'unsafe-eval': Dash's renderer, plotly.js drawing the pages' graphs and dash-ag-grid run
  without it. dash-ag-grid reads the grids' function strings (`rowClassRules`, `getRowId`) with
  its own parser (esprima + static-eval), never with `eval` or `new Function`.
- styles: every sheet of ours is a file; the inline ones are the fixed style of the sign-in and
  refusal pages (layouts/plain_page.py) and the sheets Dash 4's components, plotly.js and AG Grid
  write into the page at run time, each allowed by its hash (dashboard/csp_styles.py). Style
  attributes need nothing: React and plotly.js set styles through the CSSOM, which CSP leaves be.
- images, fonts, fetches: 'self' (no data: either: AG Grid's theme has data: SVG icons, but none
  of them is drawn by the grids as configured, and the test would see one that is); no plugins,
  no frames inside the pages, forms post only here, no <base>.
tests/dashboard/test_headers_browser.py opens every page kind under this policy in Chromium and
fails on any violation it reports.

Responses that are not HTML pages (API JSON, scripts, the Excel download) get the policy of a
document that may load nothing, as advised for APIs: opened in a tab, they run and embed nothing.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import threading
from collections.abc import Iterable
from importlib import metadata

import dash
from flask import Response

from dashboard import csp_styles
from kernel.settings import Settings
from layouts import plain_page

log = logging.getLogger(__name__)
HASH_ALGORITHM = "sha256"


def inline_hash(text: str) -> str:
    """The CSP source that allows exactly this inline script or style element's text."""
    digest = hashlib.new(HASH_ALGORITHM, text.encode("utf-8")).digest()
    return f"'{HASH_ALGORITHM}-{base64.b64encode(digest).decode('ascii')}'"


def page_policy(*, script_hashes: Iterable[str], style_hashes: Iterable[str] | None,
                frame_ancestors: Iterable[str] = ()) -> str:
    """The policy of an HTML page. `style_hashes` None: any inline style ('unsafe-inline'), the
    fallback for library versions whose sheets were never read (style_fallback)."""
    styles = "'unsafe-inline'" if style_hashes is None else " ".join(style_hashes)
    directives = {
        "default-src": "'none'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": f"'self' {styles}".rstrip(),
        # data: too: plotly.js draws a layout image (the campus plan under the four-colour map) by
        # loading it from this site and handing the <image> a data: copy made on a canvas. An image
        # runs no script; what may be loaded from elsewhere is unchanged ('self' only).
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "manifest-src": "'self'",
        "form-action": "'self'",
        "base-uri": "'none'",
        "frame-ancestors": " ".join(frame_ancestors) or "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def other_policy(frame_ancestors: Iterable[str] = ()) -> str:
    """The policy of every response that is not an HTML page."""
    ancestors = " ".join(frame_ancestors) or "'none'"
    return f"default-src 'none'; base-uri 'none'; frame-ancestors {ancestors}"


def common_headers(frame_ancestors: Iterable[str] = ()) -> dict[str, str]:
    """The headers every response carries besides its Content-Security-Policy."""
    ancestors = tuple(frame_ancestors)
    headers = {
        "X-Content-Type-Options": "nosniff",
        # Our own pages still get the full Referer (the same-site check's fallback); other sites
        # get nothing: no path, no query of a page people work in.
        "Referrer-Policy": "same-origin",
        # Another site's window cannot reach ours through window.opener, nor embed our responses
        # (JSON, the Excel download) as its image or script.
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    }
    # X-Frame-Options cannot name a list of origins: DENY when no one may frame the pages,
    # SAMEORIGIN when only this site may, and none when other sites may (browsers that know CSP
    # follow frame-ancestors and ignore X-Frame-Options then).
    if not ancestors:
        headers["X-Frame-Options"] = "DENY"
    elif ancestors == ("'self'",):
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return headers


def style_fallback(installed: dict[str, str | None]) -> list[str]:
    """The libraries whose installed version is not the one csp_styles.py's hashes were read from
    ([] when all match): their run-time sheets would be refused, so the pages' styles fall back."""
    return [f"{name} {installed.get(name)} (hashes read from {wanted})"
            for name, wanted in csp_styles.COLLECTED_WITH.items() if installed.get(name) != wanted]


def installed_versions() -> dict[str, str | None]:
    """The installed versions of the libraries csp_styles.py's hashes come from (None: missing)."""
    found: dict[str, str | None] = {}
    for name in csp_styles.COLLECTED_WITH:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


class SecurityHeaders:
    """The headers of one app's responses. The pages' policy is rebuilt only when Dash's inline
    scripts change (once, when the first request registers the page router's)."""

    def __init__(self, app: dash.Dash, settings: Settings):
        self.app = app
        self.ancestors = settings.frame_ancestor_origins
        self.common = common_headers(self.ancestors)
        self.other = other_policy(self.ancestors)
        stale = style_fallback(installed_versions())
        if stale:
            log.warning("Content-Security-Policy: inline styles allowed ('unsafe-inline'), because the style "
                        "hashes in dashboard/csp_styles.py were read from other versions: %s. Scripts stay "
                        "strict; refresh the hashes (tests/dashboard/test_headers_browser.py lists them)",
                        "; ".join(stale))
            self.style_hashes = None
        else:
            self.style_hashes = (inline_hash(plain_page.STYLE), *csp_styles.LIBRARY_STYLES)
        self._lock = threading.Lock()
        self._scripts: tuple[str, ...] | None = None
        self._page = ""

    def page(self) -> str:
        scripts = tuple(self.app.csp_hashes())  # a few short texts: microseconds
        if scripts != self._scripts:
            with self._lock:
                self._page = page_policy(script_hashes=scripts, style_hashes=self.style_hashes,
                                         frame_ancestors=self.ancestors)
                self._scripts = scripts
        return self._page

    def add(self, response: Response) -> Response:
        html = response.mimetype == "text/html"
        policy = self.page() if html else self.other
        if response.mimetype == "image/svg+xml":  # a campus plan opened on its own address runs nothing
            policy += "; sandbox"
        response.headers["Content-Security-Policy"] = policy
        for name, value in self.common.items():
            response.headers[name] = value
        return response


def install(app: dash.Dash, settings: Settings) -> SecurityHeaders:
    """Put the headers on every response: pages, API JSON, assets, redirects, and every refusal
    and error (Flask runs after_request for what before_request hooks and error handlers answer)."""
    found = SecurityHeaders(app, settings)
    app.server.after_request(found.add)
    return found
