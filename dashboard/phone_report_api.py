"""POST /m/report/send (issue 15, 随手拍): the phone's report page (assets/phone_report.js) sends a
report here once its photos are up (POST /photos, dashboard/photos.py), and again, with the same form
key, until it has an answer. The ledger makes one hazard per form key (ledger/commands/hazard_work.py
`report`), so a retry whose first answer was lost answers the same hazard: 201 {code, created: true}
the first time, 200 {code, created: false} after.

Checked here, in order: a signed-in person with HAZARD_REPORT (never a token: the guard, said again),
the session's CSRF token in X-CSRF-Token, the body's size before it is read, its fields
(dashboard/phone_report_form.py: the school chosen among the person's readable schools), a draft
(`draft`: a failed inspection item) only when it is the person's own, in the same school. Refusals are
{"error", "zh", "en"}. The step is committed first, then its contract event is sent to Kafka (what Kafka
does not take, the recorder sends), as the duty console's actions do (dashboard/api_alerts.py).
"""
from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, jsonify, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import access, roles, sessions
from dashboard import phone_report_form as form
from dashboard.pages.phone_report.ids import SEND_PATH
from dashboard.phone_context import person_of
from dashboard.services import services
from ledger.commands import hazard_work
from ledger.errors import LedgerError, NotFound
from ledger.org_scope import OutOfScope
from queries.ledger.inspections import hazard_draft

blueprint = Blueprint("phone_report", __name__)
LEDGER_DOWN = ("未上报：台账暂时无法写入，请稍后重试",
               "not reported: the ledger cannot be written now; try again shortly")


def _answer(status: int, body: dict) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(status: int, zh: str, en: str) -> Response:
    return _answer(status, {"error": f"{zh} / {en}", "zh": zh, "en": en})


def _csrf_ok() -> bool:
    expected = session.get(sessions.CSRF_KEY)
    given = request.headers.get("X-CSRF-Token", "")
    return isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())


def _draft_photos(db, principal, sent: form.Sent) -> list[str]:
    """The photos of the draft the report comes from, if the draft is the person's own in this school."""
    if sent.draft is None:
        return []
    draft = hazard_draft(db, user_id=principal.user_id, result_id=sent.draft)
    if draft is None or draft.found_by != principal.username or draft.school != sent.school:
        raise form.Refused(400, "这条巡查不合格项不是您在本校记录的", "that failed inspection item is not one you "
                           "recorded in this school")
    return list(draft.photo_keys)


@blueprint.post(SEND_PATH)
def send():
    principal = access.current()
    if principal is None or principal.user_id is None or not principal.may(roles.HAZARD_REPORT):
        return _refused(403, "请使用个人账号登录后上报", "sign in with your own account to report")
    if not _csrf_ok():  # 400, as the photo upload: the guard let the person in; the request is malformed
        return _refused(400, "请从本站页面上报（CSRF 令牌缺失或不符）", "report from this site's pages (CSRF token)")
    if request.content_length is not None and request.content_length > form.MAX_BODY:
        return _refused(413, *_too_large())  # before a byte of it is read
    request.max_content_length = form.MAX_BODY  # a body without a length stops being read there
    try:
        sent = form.parse(request.get_data(cache=False), request.mimetype, principal.schools)
    except RequestEntityTooLarge:
        return _refused(413, *_too_large())
    except form.Refused as exc:
        return _refused(exc.status, exc.zh, exc.en)
    live = services()
    try:
        with live.ledger_session() as db:
            draft_photos = _draft_photos(db, principal, sent)
            result = hazard_work.report(
                db, person_of(principal), school=sent.school, description=sent.description,
                client_key=sent.client_key, now=live.now(), building=sent.building, zone=sent.zone,
                risk_point=sent.point, grade=sent.grade, photo_keys=list(dict.fromkeys([*draft_photos, *sent.photos])),
                source="school_inspection" if sent.draft is not None else "self_inspection",
                inspection_result=sent.draft, tz=live.settings.tz)
    except form.Refused as exc:
        return _refused(exc.status, exc.zh, exc.en)
    except LedgerError as exc:
        status = 403 if isinstance(exc, OutOfScope) else 404 if isinstance(exc, NotFound) else 400
        return _refused(status, "未上报：" + exc.text("zh"), "not reported: " + str(exc))
    except SQLAlchemyError:
        return _refused(503, *LEDGER_DOWN)
    published = live.publish_outbox(result.event_ids)  # never raises: the hazard is saved whatever happens
    return _answer(201 if result.created else 200, {"code": result.code, "created": result.created,
                                                    "school": result.school, "stage": result.stage,
                                                    "published": published})


def _too_large() -> tuple[str, str]:
    kb = form.MAX_BODY // 1024
    return f"内容过长（至多 {kb} KB）", f"the report is too large (at most {kb} KB)"


def register(server: Flask) -> None:
    server.register_blueprint(blueprint)
