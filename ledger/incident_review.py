"""Incident reviews (事后评估, seed 001's after-event evaluation), the pure part: the timeline's steps
and their names, how long each response took, the review's text rules, and the document the PDF
is drawn from. No database, no clock.

The timeline is what the ledger recorded about the alert, merged in time order: raised (and its
repeats, folded to a count), each page sent (who, how, reachable or not), each escalation, the
acknowledgement, the dispatch, the resolution with its outcome, and the response card someone
opened. Each step can carry what the wall showed at that minute (the wall's history, read by
queries/ledger/incident_review.py), so a review reads "at 03:14 the wall showed 2 open alerts, 1
critical".
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from kernel.figures import ALERTS_BY_SEVERITY, ALERTS_OPEN, STAFF_PRESENT, STUDENTS_PRESENT, VISITORS_ON_CAMPUS
from ledger.control_chars import clean_free_text
from ledger.errors import LedgerError

MAX_TEXT = 4000  # a page of findings; more is a report to attach, not a field to type


# Steps in the order they are listed when two share a moment (raised before the page it caused).
STEP_KINDS = ("raised", "repeat", "page", "escalate", "acknowledge", "card", "dispatch", "resolve")
STEP_NAMES = {
    "raised": ("报警", "Raised"), "repeat": ("重复报警", "Repeated"), "page": ("通知", "Paged"),
    "escalate": ("升级", "Escalated"), "acknowledge": ("确认", "Acknowledged"), "card": ("使用处置卡", "Card used"),
    "dispatch": ("派遣", "Dispatched"), "resolve": ("处置完毕", "Resolved"),
}
OUTCOME_NAMES = {"true_alarm": ("真警", "true alarm"), "false_alarm": ("误报", "false alarm")}


@dataclass(frozen=True)
class Step:
    """One thing that happened to the alert: when, what, who, and what else is known about it."""

    at: datetime
    kind: str  # one of STEP_KINDS
    who: str | None = None
    detail: str = ""
    wall: Mapping | None = field(default=None, compare=False)  # the wall's figures at that minute, if kept


def ordered(steps: Iterable[Step]) -> list[Step]:
    """The steps by time, ties in STEP_KINDS order (stable otherwise)."""
    return sorted(steps, key=lambda s: (s.at, STEP_KINDS.index(s.kind) if s.kind in STEP_KINDS else len(STEP_KINDS)))


def response_times(raised_at: datetime, *, acknowledged_at: datetime | None, dispatched_at: datetime | None,
                   resolved_at: datetime | None) -> dict[str, float | None]:
    """Seconds from the alert being raised to each response (None: it did not happen)."""
    def since(moment: datetime | None) -> float | None:
        return None if moment is None else max(0.0, (moment - raised_at).total_seconds())

    return {"acknowledge": since(acknowledged_at), "dispatch": since(dispatched_at), "resolve": since(resolved_at)}


def duration_text(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if lang == "en":
        return (f"{hours} h " if hours else "") + (f"{minutes} min " if hours or minutes else "") + f"{secs} s"
    return (f"{hours}小时" if hours else "") + (f"{minutes}分" if hours or minutes else "") + f"{secs}秒"


def clean_text(value: object, *, what_zh: str, what_en: str) -> str:
    """Findings or measures as the ledger keeps them: free text (line breaks kept, other invisible
    characters dropped), stripped, at most MAX_TEXT characters; refused in both languages otherwise."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LedgerError(f"{what_en} must be text", zh=f"{what_zh}应为文字")
    text = clean_free_text(value).strip()
    if len(text) > MAX_TEXT:
        raise LedgerError(f"{what_en} may have at most {MAX_TEXT} characters ({len(text)} given)",
                          zh=f"{what_zh}最多 {MAX_TEXT} 个字（现有 {len(text)} 个）")
    return text


def step_name(kind: str, lang: str) -> str:
    zh, en = STEP_NAMES.get(kind, (kind, kind))
    return en if lang == "en" else zh


def _at(document: Mapping | None, path: str):
    for key in path.split("."):
        if not isinstance(document, Mapping):
            return None
        document = document.get(key)
    return document


def wall_figures(summary: Mapping | None) -> dict | None:
    """The figures a review shows of the wall at a minute, from the summary kept then (the JSON paths
    of kernel/figures.py): open alerts, the critical ones, people on campus (staff and students
    present), visitors on campus. None when no summary was kept for that minute."""
    if not summary:
        return None
    staff, students = _at(summary, STAFF_PRESENT.json), _at(summary, STUDENTS_PRESENT.json)
    people = None if staff is None and students is None else int(staff or 0) + int(students or 0)
    return {"alerts_open": _at(summary, ALERTS_OPEN.json),
            "critical_open": _at(summary, ALERTS_BY_SEVERITY["critical"].json),
            "people_on_campus": people, "visitors_on_campus": _at(summary, VISITORS_ON_CAMPUS.json)}


def wall_text(wall: Mapping | None, lang: str) -> str:
    """What the wall showed at a step, in one line: the figures a reviewer asks about first."""
    if not wall:
        return "（未记录）" if lang != "en" else "(not kept)"
    parts = []
    for key, zh, en in (("alerts_open", "未处置报警", "open alerts"), ("critical_open", "其中紧急", "critical"),
                        ("people_on_campus", "在校人数", "on campus"), ("visitors_on_campus", "在校访客", "visitors")):
        if wall.get(key) is not None:
            parts.append(f"{en} {wall[key]}" if lang == "en" else f"{zh} {wall[key]}")
    return " · ".join(parts) or ("（无数据）" if lang != "en" else "(no figures)")


def document_view(*, lang: str, tz: tzinfo, school_name: str, alert: Mapping, steps: list[Step],
                  times: Mapping[str, float | None], findings: str, measures: str, version: int | None,
                  updated: str | None) -> dict:
    """The review as the PDF renderer takes a document (ledger/handover_pdf.py: title, a subtitle, label/
    value pairs, tables); every value plain text, escaped by the renderer."""
    en = lang == "en"

    def local(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")

    outcome = OUTCOME_NAMES.get(alert.get("outcome") or "", ("—", "—"))
    summary = [
        {"label": "Alert" if en else "报警", "value": f"{alert['type']} · {alert['severity']} · {alert['code']}"},
        {"label": "Place" if en else "位置", "value": alert.get("place") or "—"},
        {"label": "Raised" if en else "报警时间", "value": local(alert["raised_at"])},
        {"label": "Outcome" if en else "结论", "value": outcome[1] if en else outcome[0]},
        *({"label": ("To " if en else "至") + step_name(k, lang), "value": duration_text(times.get(k), lang)}
          for k in ("acknowledge", "dispatch", "resolve")),
    ]
    timeline = {
        "title": "Timeline" if en else "处置时间线",
        "columns": (["Time", "Step", "Who", "Detail", "The wall then"] if en
                    else ["时间", "环节", "人员", "说明", "当时大屏"]),
        "rows": [[local(s.at), step_name(s.kind, lang), s.who or "—", s.detail or "—", wall_text(s.wall, lang)]
                 for s in steps],
    }
    record = {"title": "Findings and measures" if en else "评估结论与整改措施", "items": [
        {"label": "Findings" if en else "经过与原因", "value": findings or "—"},
        {"label": "Measures" if en else "整改措施", "value": measures or "—"},
        {"label": "Saved" if en else "保存", "value": updated if version and updated else "—"},
    ]}
    return {"title": "Incident review" if en else "事后评估", "shift": f"{school_name} · {alert['code']}",
            "summary": summary, "record": record, "tables": [timeline]}
