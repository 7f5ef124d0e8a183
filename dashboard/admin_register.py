"""The register's Flask routes (issue 14), beside its Dash pages:

- GET  /admin/risks/<school>/<code>/card: a risk point's notice card (dashboard/risk_cards.py);
- POST /admin/imports/upload: a spreadsheet for /admin/imports, started as a background import
  (dashboard/import_jobs.py); answers {"job": id} or {"error": text}.

dashboard/roles.py gives both ADMIN. The school in the path or the form is a choice that must lie
within what the signed-in admin manages (queries/ledger/register.managed_schools), checked here and
again by the ledger's command; never taken on the request's word. The upload is a plain multipart
POST (not a Dash callback) because every other route's body is held to 2 MB (dashboard/bad_input.py)
and a spreadsheet may be larger; it carries the session's CSRF token in a header.
"""
from __future__ import annotations

import hmac

import redis
from flask import Blueprint, Flask, Response, abort, jsonify, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import import_jobs, risk_cards, sessions
from dashboard.admin_context import acting_admin, actor_of
from dashboard.services import services
from kernel.contract import SCHOOL_ID
from layouts.i18n import language
from ledger.commands.imports import KINDS
from queries.ledger import register

admin_register = Blueprint("admin_register", __name__)
FORM_ALLOWANCE = 64 * 1024  # the multipart framing and the two small fields around the file


def _managed(db, principal, school: str) -> bool:
    return school in {s.code for s in register.managed_schools(db, principal.unit)}


@admin_register.get("/admin/risks/<school>/<code>/card")
def risk_card(school: str, code: str):
    principal = acting_admin()
    if principal is None:
        abort(403)
    if not SCHOOL_ID.fullmatch(school) or not SCHOOL_ID.fullmatch(code):
        abort(404)
    live = services()
    try:
        with live.ledger_reads() as db:
            if not _managed(db, principal, school):
                # An admin of the whole tree is told there is no such school; anyone else is refused,
                # whether or not it exists (they learn nothing of schools outside their scope).
                abort(404 if principal.unit is None else 403)
            rows = register.risk_point_rows(db, school, code=code)
            sources, accidents = register.sources_and_accidents(db, school, code)
    except SQLAlchemyError:
        return Response("安全台账暂时无法访问 / the safety ledger cannot be reached", status=503,
                        mimetype="text/plain")
    if not rows:
        abort(404)
    origin = live.settings.public_origin or request.host_url
    body = risk_cards.card_html(rows[0], sources=sources, accidents=accidents,
                                lang=language(request.args.get("lang")), origin=origin)
    return Response(body, mimetype="text/html", headers={"Cache-Control": "no-store"})


def _refused(status: int, text: str) -> Response:
    response = jsonify({"error": text})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@admin_register.post("/admin/imports/upload")
def import_upload():
    principal = acting_admin()
    if principal is None:
        return _refused(403, "您没有此操作的权限 / you may not do this")
    expected = session.get(sessions.CSRF_KEY)
    given = request.headers.get("X-CSRF-Token", "")
    if not (isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())):
        # 400, not 403: the guard has let this person in; the request itself is malformed.
        return _refused(400, "请从本站的导入页面上传（CSRF 令牌缺失或不符）/ upload from this site's import page")
    limit = import_jobs.MAX_UPLOAD_BYTES + FORM_ALLOWANCE
    too_large = _refused(413, f"文件至多 {import_jobs.MAX_UPLOAD_BYTES // 2**20} MB / the file is larger than "
                              f"{import_jobs.MAX_UPLOAD_BYTES // 2**20} MB")
    if request.content_length is not None and request.content_length > limit:
        return too_large  # said before a byte of it is read
    request.max_content_length = limit
    try:
        school, kind, upload = request.form.get("school", ""), request.form.get("kind", ""), request.files.get("file")
    except RequestEntityTooLarge:
        return too_large
    if kind not in KINDS:
        return _refused(400, "请选择导入风险点清单或隐患台账 / pick risk points or hazards")
    if upload is None:
        return _refused(400, "请选择文件 / pick a file")
    data = upload.read(import_jobs.MAX_UPLOAD_BYTES + 1)
    problem = import_jobs.content_problem(upload.filename or "", data)
    if problem:
        return _refused(400, problem)
    live = services()
    try:
        with live.ledger_reads() as db:
            if not _managed(db, principal, school):
                return _refused(403, "该学校不在您的管理范围内 / that school is outside what you manage")
    except SQLAlchemyError:
        return _refused(503, "安全台账暂时无法访问 / the safety ledger cannot be reached")
    try:
        job = import_jobs.start(live, user_id=principal.user_id, actor=actor_of(principal), scope=principal.unit,
                                school=school, kind=kind, filename=upload.filename or "", data=data)
    except redis.RedisError:
        return _refused(503, "实时数据库暂时无法访问，请稍后重试 / the live store cannot be reached")
    response = jsonify({"job": job})
    response.headers["Cache-Control"] = "no-store"
    return response


def register_routes(server: Flask) -> None:
    server.register_blueprint(admin_register)
