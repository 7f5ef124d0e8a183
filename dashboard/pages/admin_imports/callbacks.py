"""The imports page's callbacks. The upload is a clientside callback (assets/admin_imports.js) that
posts the file to /admin/imports/upload; the server answers with a job id, and `poll` reads that job
from Redis (dashboard/import_jobs.py) for its owner only, until it is done, refused or failed."""
from __future__ import annotations

import redis
from dash import ClientsideFunction, Input, Output, State, html

from dashboard.admin_context import acting_admin
from dashboard.import_jobs import read
from dashboard.pages.admin_imports import ids
from dashboard.pages.admin_imports import view as part
from dashboard.pages.admin_imports.text import ti
from dashboard.services import services
from layouts.admin_text import ta
from layouts.i18n import language


def _said(text: str, tone: str) -> html.Span:
    return html.Span(text, className=f"tone-{tone}")


def poll(answer, _n, view_state):
    """(progress, result, polling disabled)."""
    lang = language((view_state or {}).get("lang"))
    if not isinstance(answer, dict):
        return "", "", True
    principal = acting_admin()
    if principal is None:
        return _said(ta(lang, "not_allowed"), "error"), "", True
    if isinstance(answer.get("error"), str):  # the upload route's refusal, in its own words
        return _said(ti(lang, "refused", reason=part.in_language(lang, answer["error"])), "error"), "", True
    try:
        job = read(services().redis, answer.get("job"), principal.user_id)
    except redis.RedisError:
        return _said(ta(lang, "ledger_down"), "error"), "", False  # keep asking: Redis comes back
    if job is None:
        return _said(ti(lang, "unknown"), "error"), "", True
    state = job.get("state")
    if state == "running":
        return part.progress(lang, job), "", False
    if state == "done":
        text = ti(lang, "done", created=job.get("created", 0), updated=job.get("updated", 0))
        if int(job.get("cleaned") or 0):
            text += ti(lang, "cleaned", n=job["cleaned"])
        return _said(text, "ok"), "", True
    if state == "refused" and "errors" in job:
        count = int(job.get("error_count") or len(job["errors"]))
        return (_said(ti(lang, "refused_rows", n=count), "error"), part.errors_table(lang, job["errors"], count),
                True)
    if state == "refused":
        reason = job.get("reason_zh" if lang == "zh" else "reason") or job.get("reason", "")
        return _said(ti(lang, "refused", reason=reason), "error"), "", True
    return _said(ti(lang, "failed"), "error"), "", True


def register_callbacks(app) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="admin_imports", function_name="upload"),
        Output(ids.JOB, "data"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"), State(ids.SCHOOL, "value"),
        State(ids.KIND, "value"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    app.callback(
        Output(ids.PROGRESS, "children"), Output(ids.RESULT, "children"), Output(ids.POLL, "disabled"),
        Input(ids.JOB, "data"), Input(ids.POLL, "n_intervals"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(poll)
