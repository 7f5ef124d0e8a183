"""Spreadsheet imports started from the browser (/admin/imports), run in the background with their
progress in Redis.

Why this shape: gunicorn runs several workers, and the page's polls for progress may reach any of
them, so the progress cannot live in the memory of the worker that took the upload; Redis is what
every worker already shares (dash's background callbacks would need a Celery or diskcache manager
this product does not run). The import itself runs in a thread of the worker that received the file,
in one transaction (ledger/commands/imports.py: all rows or none), and writes its phase and count to
the job's hash as it goes; the hash expires an hour after its last word, so a job whose worker died
is gone rather than "running" for ever (the page then says it is unknown).

A job is read only by the person who started it (their user id is in the hash): the job id the page
holds is a handle, not a permission.
"""
from __future__ import annotations

import json
import logging
import secrets
import tempfile
import threading
import time
from pathlib import Path

import redis
from sqlalchemy.exc import SQLAlchemyError

from kernel import keys
from ledger import exchange, exchange_files
from ledger.commands import imports
from ledger.commands.audit import Actor
from ledger.errors import LedgerError

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = exchange_files.MAX_FILE_BYTES  # what the command line takes, too
JOB_TTL_S = 3600
REPORT_EVERY_S = 0.25  # progress writes to Redis at most this often (and at each new phase)
MAX_ERRORS_KEPT = 1000  # a file with more bad rows shows the first ones and says how many
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip


def content_problem(filename: str, data: bytes) -> str | None:
    """Why the file cannot be an import, judged by its content as well as its name; None if it may be."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in exchange_files.SUFFIXES:
        return "只能导入 .xlsx 或 .csv 文件 / only .xlsx or .csv files can be imported"
    if not data:
        return "文件是空的 / the file is empty"
    if len(data) > MAX_UPLOAD_BYTES:
        return (f"文件有 {len(data) / exchange_files.MB:.1f} MB，至多 {MAX_UPLOAD_BYTES // exchange_files.MB} MB"
                f" / the file is larger than {MAX_UPLOAD_BYTES // exchange_files.MB} MB")
    if suffix == ".xlsx" and not data.startswith(XLSX_MAGIC):
        return "不是有效的 .xlsx 文件（内容不是 Excel 工作簿）/ not an .xlsx workbook (by its content)"
    if suffix == ".csv":
        if b"\x00" in data[:65536]:
            return "不是文本格式的 .csv 文件 / not a text .csv file (by its content)"
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "CSV 文件须为 UTF-8 编码（Excel：另存为“CSV UTF-8”）/ a .csv must be UTF-8"
    return None


class _Reporter:
    """progress(phase, done, total) for the import: into the job's hash, at most every REPORT_EVERY_S."""

    def __init__(self, client: redis.Redis, key: str):
        self.client, self.key = client, key
        self.phase, self.last = None, 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < REPORT_EVERY_S:
            return
        self.phase, self.last = phase, now
        try:
            self.client.hset(self.key, mapping={"phase": phase, "done": done, "total": total})
            self.client.expire(self.key, JOB_TTL_S)
        except redis.RedisError:  # progress is a courtesy: the import goes on without it
            pass


def start(live, *, user_id: int, actor: Actor, scope: str | None, school: str, kind: str, filename: str,
          data: bytes) -> str:
    """Record the job, start its thread, return its id. Raises redis.RedisError if Redis is down."""
    job_id = secrets.token_urlsafe(16)
    key = keys.import_job(job_id)
    live.redis.hset(key, mapping={"owner": str(user_id), "state": "running", "phase": "queued", "done": 0,
                                  "total": 0, "school": school, "kind": kind, "file": filename[:200]})
    live.redis.expire(key, JOB_TTL_S)
    thread = threading.Thread(target=_run, name=f"import-{job_id[:6]}", daemon=True,
                              args=(live, key, actor, scope, school, kind, filename, data))
    thread.start()
    return job_id


def _run(live, key: str, actor: Actor, scope: str | None, school: str, kind: str, filename: str,
         data: bytes) -> None:
    outcome: dict
    with tempfile.TemporaryDirectory(prefix="campus-import-") as folder:
        path = Path(folder) / ("upload" + Path(filename).suffix.lower())
        path.write_bytes(data)
        try:
            with live.ledger_session() as db:
                result = imports.import_list(db, actor=actor, scope=scope, school=school, kind=kind, path=path,
                                             filename=filename, rules=live.grading_rules, tz=live.settings.tz,
                                             now=live.now(), progress=_Reporter(live.redis, key))
                db.commit()
            outcome = {"state": "done", "created": result.created, "updated": result.updated,
                       "cleaned": len(result.cleaned)}
        except exchange.ImportRejected as exc:
            errors = [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
            outcome = {"state": "refused", "error_count": len(errors),
                       "errors": json.dumps(errors[:MAX_ERRORS_KEPT], ensure_ascii=False)}
        except exchange_files.UnreadableFile as exc:
            outcome = {"state": "refused", "reason": exc.reason}  # the reason, not the temporary path
        except LedgerError as exc:  # out of scope, no such school: both languages, the page picks its own
            outcome = {"state": "refused", "reason": exc.text("en"), "reason_zh": exc.text("zh")}
        except SQLAlchemyError:
            log.exception("import %s of %s failed in the ledger", kind, school)
            outcome = {"state": "failed"}
        except Exception:  # noqa: BLE001 - a thread's error is otherwise lost; the page must hear of it
            log.exception("import %s of %s failed", kind, school)
            outcome = {"state": "failed"}
    try:
        live.redis.hset(key, mapping=outcome)
        live.redis.expire(key, JOB_TTL_S)
    except redis.RedisError:
        log.warning("import %s of %s ended (%s) but Redis could not be told", kind, school, outcome["state"])


def read(client: redis.Redis, job_id: str, user_id: int) -> dict | None:
    """The job as its owner sees it; None if there is no such job or it is someone else's."""
    if not isinstance(job_id, str) or not 8 <= len(job_id) <= 64:
        return None
    found = client.hgetall(keys.import_job(job_id))
    if not found or found.get("owner") != str(user_id):
        return None
    if "errors" in found:
        found["errors"] = json.loads(found["errors"])
    return found
