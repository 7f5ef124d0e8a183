"""Input a page or an API client sends that the server cannot use: a 400 saying so, never a 500.

Three ways it reached a 500 before (issue 12, defect 9): JSON nested deeply enough to exhaust
Python's recursion while parsing (a RecursionError, which Flask's "silent" parsing does not catch);
a clientside callback's output posted to the server (refused by dashboard/callback_scope.py); and
values of the wrong type in a callback's inputs (a list where a page sends text), which fail inside
the callback. For the last, Dash's app-wide `on_error` turns the errors that wrong values cause into
a 400 with a message; each is logged with its traceback, so a genuine bug is still seen.
"""
from __future__ import annotations

import json
import logging

from flask import Flask, Request, Response, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

log = logging.getLogger(__name__)

# What a callback raises when a value is not of the kind its page sends: a dict's method on a list,
# int("x"), a missing key, a string too long or a number too large for the database; OverflowError:
# int() of JSON's Infinity (Flask parses it), a day past 9999-12-31, an int past SQLite's 64 bits.
WRONG_VALUES = (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError, DataError,
                OverflowError)
CALLBACK_REFUSED = "the values sent do not fit this page's callback; reload the page"
# The largest body any route but POST /api/v1/events takes (the compose stack's nginx: the same).
MAX_BODY_BYTES = 2 * 1024 * 1024


class CampusRequest(Request):
    """Flask's request, whose JSON parsing answers 400 (or None, when asked to be silent) for JSON
    nested too deeply to parse, instead of letting the RecursionError through."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise _json_error(400, "the JSON is nested too deeply") from None


def callback_error(error: Exception):
    """Dash's `on_error` for every callback: wrong values are the sender's fault (400); anything else
    is raised on as it was (a 500, logged by Flask)."""
    if isinstance(error, WRONG_VALUES):
        log.warning("callback %s refused the values it was sent (%s)", _output(), type(error).__name__,
                    exc_info=error)
        raise _json_error(400, CALLBACK_REFUSED)
    raise error


def install(server: Flask) -> None:
    """JSON parsing that answers 400 for deep nesting, and a body limit for every route: no page
    or API client of this app sends more than a few kB (POST /api/v1/events sets its own, larger
    limit per request), and without one a single request could make a worker read a gigabyte."""
    server.request_class = CampusRequest
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    server.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY_BYTES
    server.register_error_handler(RequestEntityTooLarge, _too_large)


def _too_large(_error: RequestEntityTooLarge) -> Response:
    body = json.dumps({"error": f"the request body is larger than {MAX_BODY_BYTES} bytes"})
    return Response(body, status=413, mimetype="application/json", headers={"Cache-Control": "no-store"})


def _output() -> str:
    body = request.get_json(silent=True)
    output = body.get("output") if isinstance(body, dict) else None
    return output[:200] if isinstance(output, str) else "?"


def _json_error(status: int, message: str) -> BadRequest:
    body = json.dumps({"error": message}, ensure_ascii=False)
    return BadRequest(response=Response(body, status=status, mimetype="application/json",
                                        headers={"Cache-Control": "no-store"}))
