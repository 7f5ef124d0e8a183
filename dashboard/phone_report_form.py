"""What POST /m/report/send receives, checked, pure (dashboard/phone_report_api.py sends what passes
to the ledger, which checks the place, the photos and the draft against the ledger itself).

The body is one JSON object of known fields, at most MAX_BODY bytes. The school is chosen among the
person's readable schools (the only one when they read one), never taken on the body's word; every
field is checked with the ledger's own rules (ledger/hazard_work_rules.py), so a refusal says in
Chinese and English what is wrong. The description keeps its line breaks and loses other control
characters, as the ledger keeps free text; a code (building, zone, point, the form key) with a
control character in it is refused.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from kernel.contract import SCHOOL_ID
from kernel.row_ids import id_or_none
from ledger import hazard_work_rules as rules
from ledger.commands.photos import form_keys
from ledger.errors import LedgerError

MAX_BODY = 32 * 1024  # 2,000 characters of description as \uXXXX escapes, nine photo keys and the rest
FIELDS = frozenset({"client_key", "school", "building", "zone", "point", "description", "grade", "photos", "draft"})


class Refused(Exception):
    """A body not taken: the HTTP status and the reason in both languages."""

    def __init__(self, status: int, zh: str, en: str) -> None:
        super().__init__(en)
        self.status, self.zh, self.en = status, zh, en


@dataclass(frozen=True)
class Sent:
    client_key: str
    school: str
    building: str | None
    zone: str | None
    point: str | None
    description: str
    grade: str
    photos: tuple[str, ...]
    draft: int | None


def _ledger(exc: LedgerError) -> Refused:
    return Refused(400, exc.text("zh"), str(exc))


def parse_json(raw: bytes, mimetype: str | None) -> dict:
    if len(raw) > MAX_BODY:
        kb = MAX_BODY // 1024
        raise Refused(413, f"内容过长（至多 {kb} KB）", f"the report is too large (at most {kb} KB)")
    if mimetype != "application/json":
        raise Refused(415, "请以 JSON 提交（application/json）", "send the report as JSON (application/json)")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "内容不是有效的 JSON", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "内容须是一个 JSON 对象", "the body must be a JSON object")
    unknown = sorted(str(k)[:32] for k in set(body) - FIELDS)
    if unknown:
        raise Refused(400, f"未知字段：{', '.join(unknown)}", f"unknown field(s): {', '.join(unknown)}")
    return body


def school_of(value: object, readable: frozenset[str] | None) -> str:
    """The school the report is for: the one named, if the person reads it; else their only one."""
    if value is None or value == "":
        if readable is not None and len(readable) == 1:
            return next(iter(readable))
        raise Refused(400, "请选择学校", "choose the school")
    if not isinstance(value, str) or not SCHOOL_ID.fullmatch(value):
        raise Refused(400, "学校代码格式不对", "the school's code is malformed")
    if readable is not None and value not in readable:
        raise Refused(403, "该学校不在您的范围内", "that school is outside your scope")
    return value


def draft_of(value: object) -> int | None:
    if value is None or value == "":
        return None
    if id_or_none(value) is None:
        raise Refused(400, "巡查不合格项的编号无效", "the failed inspection item's id is malformed")
    return value


def parse(raw: bytes, mimetype: str | None, readable: frozenset[str] | None) -> Sent:
    """The report as sent, checked; Refused says why not."""
    body = parse_json(raw, mimetype)
    try:
        client = rules.client_key(body.get("client_key"))
        school = school_of(body.get("school"), readable)
        places = [rules.one_line(body.get(name), what=what, what_zh=zh)
                  for name, what, zh in (("building", "building", "楼宇"), ("zone", "zone", "区域"),
                                         ("point", "risk point", "风险点"))]
        description = rules.free_text(body.get("description"), what="the description", what_zh="隐患描述",
                                      required=True)
        grade = rules.grade(body.get("grade") or "ordinary")
        photos = tuple(form_keys(body.get("photos")))
    except LedgerError as exc:  # PhotoRefused too
        raise _ledger(exc) from None
    building, zone, point = places
    if building is None and point is None:
        raise Refused(400, "请选择位置：楼宇（及区域），或扫描风险点的二维码",
                      "choose the place: a building (and zone), or scan a risk point's code")
    return Sent(client, school, building, zone, point, description, grade, photos, draft_of(body.get("draft")))
