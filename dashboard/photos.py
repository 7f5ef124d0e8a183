"""The photo routes (issue 15, "Photos"): phones send photos one at a time; pages show them to people whose
scope covers them.

- POST /photos: one photo (multipart, field `photo`; `school` when the person reads several schools),
  answers 201 {"id", "thumbnail", "original", ...} — or 200 with the same id for the same photo sent again
  (a retry) — or {"error", "zh", "en"} saying why not. The person's CSRF token in X-CSRF-Token, as for
  the spreadsheet upload (dashboard/admin_register.py); the guard's same-site check (dashboard/access.py)
  stands in front of both. The school comes from the person's scope, never on the form's word alone.
- GET /photos/<key>: the cleaned original (JPEG or PNG); GET /photos/<key>/thumbnail: its JPEG thumbnail.
  Only to a person who may read the photo's school (403), and, while it goes with nothing yet, only to
  whoever sent it; 404 for a key no photo has (keys are random: a 404 tells an outsider nothing).
  `no-store` (a phone lent to someone else keeps none of them), `nosniff`, inline under a made-up name.

dashboard/roles.py: PHOTO_UPLOAD and PHOTO_VIEW, which only a signed-in person has (never a token).
The body limit is the photo's (ledger/photos.py MAX_UPLOAD_BYTES), above the 2 MB of every other route;
a larger Content-Length is refused before a byte of the body is read.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timezone

from flask import Blueprint, Flask, Response, abort, jsonify, request, send_file, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import access, sessions
from dashboard.services import services
from kernel.contract import SCHOOL_ID
from ledger import org, photo_files, photos
from ledger.commands import photos as photo_commands
from ledger.errors import LedgerError
from queries.ledger import photos as photo_reads

log = logging.getLogger(__name__)
blueprint = Blueprint("photos", __name__)
FORM_ALLOWANCE = 64 * 1024  # the multipart framing and the small `school` field around the photo
LEDGER_DOWN = ("安全台账暂时无法访问，请稍后重试", "the safety ledger cannot be reached; try again shortly")


def _refused(status: int, zh: str, en: str) -> Response:
    response = jsonify({"error": f"{zh} / {en}", "zh": zh, "en": en})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal(status: int, exc: LedgerError) -> Response:
    return _refused(status, exc.text("zh"), str(exc))


def _csrf_ok() -> bool:
    expected = session.get(sessions.CSRF_KEY)
    given = request.headers.get("X-CSRF-Token", "")
    return isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())


def _school_asked(principal) -> tuple[str | None, Response | None]:
    """The school the photo is for: the one named, if the person may read it; else the person's only one."""
    named = request.form.get("school", "").strip()
    if named:
        if not SCHOOL_ID.fullmatch(named) or not principal.may_read_school(named):
            return None, _refused(403, "该学校不在您的范围内", "that school is outside your scope")
        return named, None
    if principal.schools is not None and len(principal.schools) == 1:
        return next(iter(principal.schools)), None
    return None, _refused(400, "请选择照片所属的学校", "say which school the photo is for (school)")


@blueprint.post("/photos")
def upload():
    principal = access.current()
    if principal is None or principal.user_id is None:  # the guard let only a person in; said again here
        return _refused(403, "您没有此操作的权限", "you may not do this")
    if not _csrf_ok():
        # 400, not 403: the guard has let this person in; the request itself is malformed.
        return _refused(400, "请从本站页面上传（CSRF 令牌缺失或不符）", "upload from this site's pages (CSRF token)")
    limit = photos.MAX_UPLOAD_BYTES + FORM_ALLOWANCE
    if request.content_length is not None and request.content_length > limit:
        return _refusal(413, photos.too_large(request.content_length))  # before a byte of it is read
    request.max_content_length = limit  # a body without a length stops being read there
    try:
        sent = request.files.get("photo")
        school_code, refused = _school_asked(principal)
        data = sent.stream.read(photos.MAX_UPLOAD_BYTES + 1) if sent is not None else b""
    except RequestEntityTooLarge:
        return _refusal(413, photos.too_large(limit))
    if refused is not None:
        return refused
    if sent is None:
        return _refused(400, "请选择一张照片（字段 photo）", "send one photo (the field `photo`)")
    live = services()
    now = datetime.now(timezone.utc)
    try:
        with live.ledger_reads() as db:
            school = org.find_school(db, school_code)
            if school is None:
                return _refused(404, "台账中没有该学校", "no such school in the ledger")
            earlier = photo_commands.already_sent(db, uploaded_by=principal.user_id, school=school,
                                                  sent_sha256=_sha256(data))
            if earlier is not None:  # a retry whose answer was lost: the same photo, not cleaned again
                return _answer(200, photo_reads.by_key(db, earlier.key), repeat=True)
    except SQLAlchemyError:
        return _refused(503, *LEDGER_DOWN)
    try:
        clean = photos.clean(data)  # the slow part, outside any transaction (SQLite's writers wait for none)
    except photos.BadPhoto as exc:
        return _refusal(413 if len(data) > photos.MAX_UPLOAD_BYTES else 400, exc)
    photo_dir = live.settings.photo_dir
    try:
        key = photo_commands.write_files(photo_dir, clean)
    except OSError:
        log.exception("photo files could not be written under PHOTO_DIR=%s", photo_dir)
        return _refused(503, "照片暂时无法保存，请稍后重试", "the photo cannot be stored just now; try again shortly")
    try:
        with live.ledger_session() as db:
            school = org.find_school(db, school_code)
            if school is None:
                raise LedgerError("no such school in the ledger", zh="台账中没有该学校")
            row, new = photo_commands.keep(db, key=key, school=school, uploaded_by=principal.user_id,
                                           photo=clean, now=now)
            db.commit()
            kept = photo_reads.by_key(db, row.key)
    except (SQLAlchemyError, LedgerError) as exc:
        photo_commands.discard(photo_dir, key, clean.content_type)
        if isinstance(exc, LedgerError):
            return _refusal(400, exc)
        return _refused(503, *LEDGER_DOWN)
    if not new:
        photo_commands.discard(photo_dir, key, clean.content_type)  # lost a race with its own retry
    return _answer(201 if new else 200, kept, repeat=not new)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _answer(status: int, photo: photo_reads.PhotoView, *, repeat: bool) -> Response:
    response = jsonify({"id": photo.key, "thumbnail": photo.thumbnail_url, "original": photo.original_url,
                        "content_type": photo.content_type, "width": photo.width, "height": photo.height,
                        "bytes": photo.stored_bytes, "repeat": repeat})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _visible(key: str) -> photo_reads.PhotoView:
    """The photo, if the current person may see it: 404 for no such key, 403 outside their scope."""
    if not photo_files.KEY.fullmatch(key):
        abort(404)
    principal = access.current()
    try:
        with services().ledger_reads() as db:
            photo = photo_reads.by_key(db, key)
    except SQLAlchemyError:
        abort(_refused(503, *LEDGER_DOWN))
    if photo is None:
        abort(404)
    if principal is None or principal.user_id is None or not principal.may_read_school(photo.school):
        abort(403)
    if not photo.attached and photo.uploaded_by_id != principal.user_id:
        abort(403)  # sent, not yet part of any record: its sender's alone
    return photo


def _file(path, content_type: str, name: str) -> Response:
    try:
        response = send_file(path, mimetype=content_type, conditional=False, etag=False, max_age=None)
    except FileNotFoundError:
        log.error("photo file %s is missing from PHOTO_DIR", path.name)
        abort(404)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@blueprint.get("/photos/<photo>")
def original(photo: str):
    found = _visible(photo)
    suffix = ".png" if found.content_type == photos.PNG else ".jpg"
    return _file(photo_files.original_path(services().settings.photo_dir, found.key, found.content_type),
                 found.content_type, f"photo-{found.key[:8]}{suffix}")


@blueprint.get("/photos/<photo>/thumbnail")
def thumbnail(photo: str):
    found = _visible(photo)
    return _file(photo_files.thumbnail_path(services().settings.photo_dir, found.key), photos.JPEG,
                 f"photo-{found.key[:8]}-thumbnail.jpg")


def register(server: Flask) -> None:
    server.register_blueprint(blueprint)
