"""The JSON API (docs/api.md) on the Dash app's Flask server."""
from __future__ import annotations

import time

import redis
from flask import Blueprint, Flask, current_app, jsonify, request

from queries import keys, summary
from queries.connections import redis_client
from queries.settings import Settings

api = Blueprint("api", __name__)
MAX_TREND_MINUTES = 1440


def install(server: Flask, settings: Settings) -> None:
    """Keep the settings and a (lazily connecting) Redis client on the Flask app."""
    server.config["CAMPUS_SETTINGS"] = settings
    server.config["CAMPUS_REDIS"] = redis_client(settings)
    server.config["JSON_AS_ASCII"] = False
    server.json.ensure_ascii = False


def settings() -> Settings:
    return current_app.config["CAMPUS_SETTINGS"]


def client() -> redis.Redis:
    return current_app.config["CAMPUS_REDIS"]


def read_summary(school: str, now_ms: int | None = None) -> dict | None:
    """The live summary of a school, as the API and the pages show it."""
    s = settings()
    return summary.school_summary(
        client(), school, now_ms=now_ms or int(time.time() * 1000), tz=s.tz,
        group=s.consumer_group, stale_after_s=s.stale_after_seconds,
    )


def _error(status: int, message: str, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


@api.errorhandler(redis.RedisError)
def _redis_down(exc):
    return _error(503, "live data store unavailable", detail=type(exc).__name__)


@api.get("/healthz")
def healthz():
    client().ping()
    return jsonify({"redis": "ok"})


@api.get("/api/v1/schools")
def schools():
    return jsonify({"schools": summary.list_schools(client())})


@api.get("/api/v1/schools/<school>/summary")
def school_summary(school: str):
    found = read_summary(school)
    if found is None:
        return _error(404, "no events received from this school", school=school)
    return jsonify(found)


@api.get("/api/v1/schools/<school>/trend")
def school_trend(school: str):
    raw = request.args.get("minutes", "60")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_TREND_MINUTES:
        return _error(400, f"minutes must be a whole number from 1 to {MAX_TREND_MINUTES}", minutes=raw)
    if not client().sismember(keys.SCHOOLS, school):
        return _error(404, "no events received from this school", school=school)
    series = summary.minute_series(client(), school, now_ms=int(time.time() * 1000), minutes=int(raw))
    return jsonify({"school": school, **series})
