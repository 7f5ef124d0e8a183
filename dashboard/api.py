"""The JSON API (docs/api.md): what screens, tablets and education authorities read.

One `api` blueprint under /api/v1 holds the live endpoints (Redis); the ledger's endpoints (SQL)
are in dashboard/api_ledger.py under the same prefix. Who may read them, and which schools, is
checked before any view runs (dashboard/access.py, dashboard/roles.py). Errors are JSON, never
Flask's HTML pages: a client polling the API must be able to tell "no such school" (404) from
"the live store is down" (503).
"""
from __future__ import annotations

import json
import re

import redis
from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from dashboard import wall_past
from dashboard.access import readable_schools
from dashboard.health import report as health_report
from dashboard.services import services
from kernel.contract import SCHOOL_ID

API_PREFIX = "/api/v1"


def escaped_json(status: int, body: dict) -> Response:
    """A JSON answer that carries text people typed: <, > and & escaped, so no page or sniffing
    browser can take a note for markup; never cached."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    response = Response(text, status=status, mimetype="application/json")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
MAX_TREND_MINUTES = 1440  # the minute buckets Redis keeps answer one day back at most
DEFAULT_TREND_MINUTES = 60
_WHOLE_NUMBER = re.compile(r"[0-9]{1,5}")
NO_EVENTS = "no events received from this school"
STORE_DOWN = "live data store unavailable"

api = Blueprint("api", __name__, url_prefix=API_PREFIX)
health = Blueprint("health", __name__)


def error(status: int, message: str, **context):
    """A JSON error body: {"error": message, **context}."""
    response = jsonify({"error": message, **context})
    response.status_code = status
    return response


@api.errorhandler(redis.RedisError)
def _store_down(exc: redis.RedisError):
    return error(503, STORE_DOWN, detail=type(exc).__name__)


@api.get("/schools")
def schools():
    """Schools that sent events (Redis) and schools the safety ledger knows (SQL): a school just
    entered in the ledger is listed before its first event. Without the ledger, Redis's alone."""
    live = services()
    sending = set(live.schools())
    ledger = live.ledger_schools()
    codes = readable_schools(sorted(sending | set(ledger or ())))  # a token scoped to a school: that one
    return jsonify({
        "schools": codes,
        "details": [{"school": code, **(ledger or {}).get(code, {"name_zh": None, "name_en": None}),
                     "live": code in sending, "ledger": ledger is not None and code in ledger}
                    for code in codes],
        "ledger_available": ledger is not None,
    })


@api.get("/schools/<school>/summary")
def school_summary(school: str):
    if "at" in request.args:  # the wall's past (issue 18): dashboard/wall_past.py
        return wall_past.past_summary(school, request.args.get("at"))
    # An id the contract would refuse cannot have sent an event: no need to ask Redis.
    found = services().summary(school) if SCHOOL_ID.fullmatch(school) else None
    if found is None:
        return error(404, NO_EVENTS, school=school)
    return jsonify(found)


@api.get("/schools/<school>/trend")
def school_trend(school: str):
    raw = request.args.get("minutes", str(DEFAULT_TREND_MINUTES))
    if not _WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_TREND_MINUTES:
        return error(400, f"minutes must be a whole number from 1 to {MAX_TREND_MINUTES}", minutes=raw)
    live = services()
    if not SCHOOL_ID.fullmatch(school) or school not in live.schools():
        return error(404, NO_EVENTS, school=school)
    return jsonify({"school": school, **live.trend(school, minutes=int(raw))})


@api.get("/<path:_unknown>")
def not_an_endpoint(_unknown: str):
    # Without this, the pages' catch-all route would answer an unknown API path with the HTML app.
    return error(404, "no such endpoint", path=request.path)


@health.get("/healthz")
def healthz():
    """Which part is down (dashboard/health.py): 200 while this process serves, the parts in the body."""
    response = jsonify(health_report(services()))
    response.headers["Cache-Control"] = "no-store"
    return response


def _json_for_api_paths(exc: HTTPException):
    """Unknown API paths and wrong methods answer JSON too; every other path keeps Flask's page."""
    if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
        return error(exc.code or 500, exc.description or exc.name, path=request.path)
    return exc


def register(server: Flask) -> None:
    """Mount the API on the web app's Flask server, with UTF-8 JSON in the document's own order."""
    server.json.ensure_ascii = False  # Chinese text as text, not \\u escapes
    server.json.sort_keys = False  # keep the summary's order (severities high to low, stages in sequence)
    server.register_blueprint(api)
    server.register_blueprint(health)
    server.register_error_handler(HTTPException, _json_for_api_paths)
