"""GET /plans/<school>/<campus>: a campus plan image, as the ledger keeps it (ledger/models/site.py).

Readable by anyone who may read the school (the wall and the leadership maps draw it): the route
needs `wall.view`, which every role has, and the guard holds the <school> of the path to the
principal. The bytes were checked when they came in (ledger/plan_images.py); they go out with the
type read from them then, `nosniff`, and the non-page policy (dashboard/headers.py: default-src
'none' and sandbox), so an SVG opened on its own address can never run anything. The address the
maps use carries the image's digest (?v=), so the image may be cached for a day.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, abort

from dashboard.services import services
from kernel.contract import SCHOOL_ID
from queries.ledger.sites import plan_image

plans = Blueprint("plans", __name__)


@plans.get("/plans/<school>/<campus>")
def image(school: str, campus: str):
    if not SCHOOL_ID.fullmatch(school) or not SCHOOL_ID.fullmatch(campus):
        abort(404)
    with services().ledger_reads() as session:
        found = plan_image(session, school, campus)
        if found is None:
            abort(404)
        return stored_image(found)


def stored_image(found) -> Response:
    """An image kept in the ledger (data, content_type, sha256), as served: its digest the ETag, never
    sniffed, shown inline, cached by the browser only (it is behind the sign-in). The district maps too."""
    response = Response(bytes(found.data), mimetype=found.content_type)
    response.set_etag(found.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def register(server: Flask) -> None:
    server.register_blueprint(plans)
