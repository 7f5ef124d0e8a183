"""The Dash app factory. gunicorn serves `create_server()`; tests build their own app."""
from __future__ import annotations

from pathlib import Path

import dash

from dashboard.api import api, install
from queries.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the multi-page app. Nothing connects here: redis-py connects on first use."""
    settings = settings or Settings.from_env()
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "dashboard" / "pages"),
        assets_folder=str(ROOT / "assets"),
        serve_locally=True,  # command centres are often offline: no CDN
        title="校园安全指挥中心",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    install(app.server, settings)
    app.server.register_blueprint(api)
    app.layout = dash.page_container
    return app


def create_server():
    """The WSGI app for gunicorn: `gunicorn 'dashboard.app:create_server()'`."""
    return create_app().server
