"""The alert-handling API of the duty console (docs/api.md, "Alert handling").

POST /api/v1/alerts/<id>/<acknowledge|dispatch|resolve> takes a step for the caller (200), or says
who acted first (409); GET /api/v1/alerts/<id>/history lists every step; GET .../review.pdf prints
its incident review (事后评估). dashboard/roles.py gives
the POST routes `alert.handle` and the history `duty.view`; the caller's school scope is applied
here (an alert of another school is a 404, as one that does not exist). The step is committed
first, then its contract events are sent to Kafka (what Kafka does not take, the recorder sends).
Text people typed comes back as JSON strings with <, > and & escaped, so no page or sniffing
browser can take a note for markup.
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote

from flask import Blueprint, Flask, Response, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import access
from dashboard.api import API_PREFIX
from dashboard.api import escaped_json as answer
from dashboard.ledger_json import iso
from dashboard.services import services
from kernel.row_ids import id_or_none
from ledger import alert_flow, handover_pdf
from ledger.commands import alert_handling
from ledger.commands.alert_handling import AlertBusy, AlertNotFound, HandlingError
from queries.ledger import alert_console
from queries.ledger import incident_review as incident_reads

LEDGER_DOWN = "safety ledger unavailable"
NO_ALERT = "no such alert"
FIELDS = ("note", "assignee", "outcome")
DONE = {"acknowledge": "acknowledged", "dispatch": "dispatched", "resolve": "resolved"}

alerts_api = Blueprint("alerts_api", __name__, url_prefix=API_PREFIX + "/alerts")


@alerts_api.errorhandler(SQLAlchemyError)
def _ledger_down(exc: SQLAlchemyError):
    return answer(503, {"error": LEDGER_DOWN, "detail": type(exc).__name__})


def caller() -> tuple[str, frozenset[str] | None]:
    """The acting person's name as the audit trail keeps it, and the schools they may act on."""
    principal = access.current()
    return principal.actor, principal.schools


def _body() -> dict:
    """The JSON object sent (empty when nothing was sent), or HandlingError."""
    if not request.get_data():
        return {}
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise HandlingError("the body must be a JSON object sent as application/json")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise HandlingError(f"unknown field(s): {', '.join(unknown)}; known: {', '.join(FIELDS)}")
    wrong = [name for name in FIELDS if body.get(name) is not None and not isinstance(body[name], str)]
    if wrong:
        raise HandlingError(f"{', '.join(wrong)}: must be text")
    return body


@alerts_api.before_request
def _no_such_alert_id():
    """An id no alert can have (past the ledger's integers) is "no such alert" on every route, before any
    query: PostgreSQL refuses it as out of range (a 503 "ledger unavailable"), SQLite's driver cannot even
    send it (a 500). The guard's answers (401, 403) come first: it runs before this."""
    found = (request.view_args or {}).get("alert_id")
    if found is not None and id_or_none(found) is None:
        return answer(404, {"error": NO_ALERT, "alert": found})
    return None


@alerts_api.post("/<int:alert_id>/<action>")
def act(alert_id: int, action: str):
    if action not in alert_flow.ACTIONS:
        return answer(404, {"error": f"no such action {action!r}", "actions": list(alert_flow.ACTIONS)})
    live = services()
    tz = live.settings.tz
    name, schools = caller()
    try:
        body = _body()
        with live.ledger_session() as session:
            result = alert_handling.handle(
                session, alert_id=alert_id, action=action, by=name, at=datetime.now(timezone.utc),
                note=body.get("note") or "", outcome=body.get("outcome"), assignee=body.get("assignee"),
                schools=schools)
    except HandlingError as exc:
        return answer(400, {"error": str(exc), "alert": alert_id, "action": action})
    except AlertNotFound:
        return answer(404, {"error": NO_ALERT, "alert": alert_id})
    except AlertBusy as exc:
        return answer(503, {"error": str(exc), "alert": alert_id})
    if not result.ok:
        c = result.conflict
        said = f"{DONE.get(c.action, c.action)} by {c.by or '?'} at {iso(c.at, tz)}"
        conflict = {"action": c.action, "by": c.by, "at": iso(c.at, tz), "state": c.state}
        return answer(409, {"ok": False, "error": f"already {said}", "alert": alert_id, "action": action,
                            "state": result.state, "conflict": conflict})
    sent = live.publish_outbox([event["id"] for event in result.events])
    return answer(200, {"ok": True, "alert": alert_id, "action": action, "state": result.state, "by": name,
                        "events": len(result.events), "published": sent})


@alerts_api.get("/<int:alert_id>/history")
def history(alert_id: int):
    live = services()
    tz = live.settings.tz
    _name, schools = caller()
    with live.ledger_reads() as session:
        entries = alert_console.alert_history(session, alert_id=alert_id, schools=schools)
    if entries is None:
        return answer(404, {"error": NO_ALERT, "alert": alert_id})
    return answer(200, {"alert": alert_id, "history": [
        {**entry.as_dict(), "at": iso(entry.at, tz)} for entry in entries]})


@alerts_api.get("/<int:alert_id>/review.pdf")
def review_pdf(alert_id: int):
    """The alert's incident review (事后评估) as a printable PDF: the timeline, the response times, the
    findings and measures (ledger/incident_review.py document_view, drawn as the handover report is)."""
    live = services()
    tz = live.settings.tz
    lang = "en" if request.args.get("lang") == "en" else "zh"
    _name, schools = caller()
    with live.ledger_reads() as session:
        found = incident_reads.facts(session, alert_id=alert_id, schools=schools)
    if found is None:
        return answer(404, {"error": NO_ALERT, "alert": alert_id})
    view = incident_reads.document(found, lang=lang, tz=tz)
    data = handover_pdf.handover_pdf(view, lang, printed=f"{live.now().astimezone(tz):%Y-%m-%d %H:%M}")
    stem = f"review-{found.school}-{alert_id}"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f"inline; filename=\"{stem}.pdf\"; filename*=UTF-8''{quote('事后评估-' + stem if lang == 'zh' else stem)}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


def register(server: Flask) -> None:
    server.register_blueprint(alerts_api)
