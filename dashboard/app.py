"""The Dash app factory. gunicorn serves `create_server()`; tests build their own app per test."""
from __future__ import annotations

import sys
from pathlib import Path

import dash
from flask import redirect, request

from dashboard import (
    access,
    admin_register,
    api,
    api_alerts,
    api_duty,
    api_events,
    api_ledger,
    api_reports,
    audit_export,
    bad_input,
    district_maps,
    headers,
    lead_export,
    metrics,
    phone_report_api,
    photos,
    plan_images,
    proxies,
    wall_stream,
)
from dashboard.services import install
from kernel.settings import Settings
from ledger import passwords

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "dashboard" / "pages"
ASSETS = ROOT / "assets"
TITLE = "校园安全指挥中心"


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the multi-page app. Nothing connects here: redis-py connects on first use and the
        SQL engine is created by the first request that reads the ledger."""
    settings = settings or Settings.from_env()
    passwords.use(settings)  # the cost of the hashes this process makes (PASSWORD_HASH_COST)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES),
        assets_folder=str(ASSETS),
        serve_locally=True,  # command centres are often on isolated networks: no CDN
        title=TITLE,
        update_title=None,  # no "Updating..." flicker in the tab title every second
        suppress_callback_exceptions=True,  # page components exist only while their page is shown
        on_error=bad_input.callback_error,  # values a page never sends: a 400, not a 500
    )
    bad_input.install(app.server)
    live = install(app.server, settings)
    metrics.install(app.server, settings, live)  # GET /metrics; times every request, so before the guard
    api.register(app.server)
    api_ledger.register(app.server)
    api_duty.register(app.server)
    api_reports.register(app.server)  # GET /api/v1/units/<unit>/reports/<YYYY-MM>.pdf|.xlsx: monthly reports
    api_alerts.register(app.server)
    api_events.register(app.server)  # POST /api/v1/events: campus systems send events with a source key
    lead_export.register(app.server)  # GET /lead/hazards.xlsx: the hazard ledger as filtered
    audit_export.register(app.server)  # GET /admin/audit.xlsx, .csv: the audit log as filtered
    plan_images.register(app.server)  # GET /plans/<school>/<campus>: a campus plan image (issue 14)
    district_maps.register(app.server)  # GET /district-maps/<unit>: a district wall's map image (issue 17)
    admin_register.register_routes(app.server)  # risk notice cards, spreadsheet uploads (issue 14)
    photos.register(app.server)  # POST /photos, GET /photos/<key>[/thumbnail]: hazard and inspection photos (issue 15)
    phone_report_api.register(app.server)  # POST /m/report/send: the phone's report (随手拍, issue 15)
    wall_stream.register(app.server)  # GET /wall/stream: a school wall's changes, pushed (issue 18)
    callback_pages, callback_permissions = _register_page_callbacks(app)
    _keep_query_on_alias(app, "/wall", "/")
    # Printed risk notice cards' QR codes hold /report?school=&point= (dashboard/risk_cards.py): kept working.
    _keep_query_on_alias(app, "/report", "/m/report")
    # Last, so the guard knows every route and callback; it runs before any of their views.
    access.install(app, settings, callback_pages=callback_pages,
                   callback_permissions=callback_permissions,
                   aliases={app.get_relative_path("/wall"): "/", app.get_relative_path("/report"): "/m/report"})
    app.layout = dash.page_container
    # The edge (issue 12): security headers on every response, and the proxies in front believed.
    headers.install(app, settings)
    proxies.install(app.server, settings.trusted_proxies)
    return app


def create_server():
    """The WSGI app for gunicorn: `gunicorn 'dashboard.app:create_server()'`."""
    app = create_app()
    _set_up_before_serving(app)
    return app.server


def _set_up_before_serving(app: dash.Dash) -> None:
    """Dash finishes setting itself up on its first request (the pages router registers its
    callback, the callback map is completed), without a lock. gunicorn's gthread workers (for the
    wall's streams) serve several requests at once, and two first requests raced: "dictionary
    changed size during iteration", a 500. So the worker runs the before-request hooks once here,
    for a public path (the guard does nothing for it), before it serves anyone."""
    with app.server.test_request_context(app.get_relative_path("/_favicon.ico")):
        app.server.preprocess_request()


def _register_page_callbacks(app: dash.Dash) -> tuple[dict[str, str], dict[str, str]]:
    """Each page module (a page folder's page.py, which takes `register_callbacks` from its
    callbacks.py, or a one-file page) registers its callbacks on this app, not on dash.callback's
    process-wide list: that list is handed to whichever app serves a request first, so a second app built in
    the same process (every test builds one) would otherwise get none or a duplicate set.
    Returns which page registered each callback (by its output): a callback needs its page's
    permission (dashboard/roles.py), and, second, the callbacks a page says need more (a page's
    `register_callbacks` may return {callback output: permission}, e.g. the duty console's
    actions need alert.handle where the page itself needs duty.view)."""
    pages: dict[str, str] = {}
    stricter: dict[str, str] = {}
    for page in dash.page_registry.values():
        module = sys.modules.get(page["module"])
        register = getattr(module, "register_callbacks", None)
        if register is not None:
            before = set(app.callback_map)
            stricter.update(register(app) or {})
            pages.update(dict.fromkeys(set(app.callback_map) - before, page["name"]))
    return pages, stricter


def _keep_query_on_alias(app: dash.Dash, alias: str, target: str) -> None:
    """Redirect `alias` to `target` keeping ?school=&lang= (Dash's redirect_from drops the query
    and answers 301, which browsers cache for good)."""

    def follow():
        query = request.query_string.decode("utf-8", "replace")
        return redirect(app.get_relative_path(target) + (f"?{query}" if query else ""), code=302)

    app.server.add_url_rule(app.get_relative_path(alias), endpoint=f"alias:{alias}", view_func=follow)
