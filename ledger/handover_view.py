"""The shift handover report as people read it: rows of display text (Simplified Chinese by
default, English), for the duty page and, with the raw values, for the Excel download. Pure.

`handover_view(report, lang)` is what a page renders: plain dicts and lists of strings, no Dash.
Every piece of user text (notes, comments, names) stays text: the page shows it as text.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kernel.names import Language, domain_name, event_type_name, language, severity_name
from ledger import alert_flow, hazard_loop
from ledger.oncall import duty_line

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "交接班报告", "on_call": "本班值班", "shift": "{name} {start} 至 {end}", "none": "—",
        "summary": "概况", "item": "项目", "value": "数值",
        "raised": "本班新增报警", "raised_severity": "新增报警：{severity}", "raised_domain": "新增报警：{domain}",
        "acknowledged": "本班确认", "dispatched": "本班派警", "resolved": "本班处置完毕",
        "true_alarm": "其中真实报警", "false_alarm": "其中误报",
        "tta_mean": "平均确认用时", "tta_p90": "确认用时（90%在此之内）",
        "ttr_mean": "平均处置用时", "ttr_p90": "处置用时（90%在此之内）",
        "tta_count": "计入确认用时的报警", "ttr_count": "计入处置用时的报警",
        "open_count": "交班时未处置报警", "escalation_count": "本班升级次数",
        "hazard_change_count": "隐患环节变更", "comment_count": "值班意见",
        "seconds_unit": "（秒）",
        "open_at_end": "交班时未处置报警", "hazard_changes": "隐患环节变更", "handled_alerts": "本班处理的报警",
        "comments": "值班意见", "escalations": "本班升级记录", "cards_used": "本班使用的处置卡",
        "col_card": "处置卡", "col_card_by": "使用人",
        "col_code": "报警编号", "col_severity": "级别", "col_type": "类型", "col_domain": "领域",
        "col_place": "地点", "col_raised": "首次报警", "col_state": "交班时状态", "col_waited": "已等待",
        "col_level": "升级级别", "col_count": "次数",
        "col_hazard": "隐患编号", "col_title": "隐患名称", "col_grade": "隐患等级", "col_action": "操作",
        "col_change": "环节变更", "col_by": "操作人", "col_at": "时间", "col_note": "备注",
        "col_ack": "确认时间", "col_ack_by": "确认人", "col_dispatch": "派警时间", "col_dispatch_by": "派警人",
        "col_dispatch_to": "派给", "col_resolve": "处置时间", "col_resolve_by": "处置人", "col_outcome": "结论",
        "col_comment_by": "填写人", "col_text": "内容", "col_alert": "报警编号", "col_alert_severity": "报警级别",
        "level": "第{n}级", "new_hazard": "新上报",
        "d": "{n}天", "h": "{n}小时", "m": "{n}分", "s": "{n}秒",
    },
    "en": {
        "title": "Shift handover report", "on_call": "On call", "shift": "{name} {start} to {end}", "none": "—",
        "summary": "Summary", "item": "Item", "value": "Value",
        "raised": "Alerts raised", "raised_severity": "Raised: {severity}", "raised_domain": "Raised: {domain}",
        "acknowledged": "Acknowledged", "dispatched": "Dispatched", "resolved": "Resolved",
        "true_alarm": "of which true alarms", "false_alarm": "of which false alarms",
        "tta_mean": "Mean time to acknowledge", "tta_p90": "Time to acknowledge, 90th percentile",
        "ttr_mean": "Mean time to resolve", "ttr_p90": "Time to resolve, 90th percentile",
        "tta_count": "Alerts in time to acknowledge", "ttr_count": "Alerts in time to resolve",
        "open_count": "Open at handover", "escalation_count": "Escalations",
        "hazard_change_count": "Hazard stage changes", "comment_count": "Comments",
        "seconds_unit": " (s)",
        "open_at_end": "Open at handover", "hazard_changes": "Hazard stage changes", "handled_alerts": "Alerts handled",
        "comments": "Comments", "escalations": "Escalations", "cards_used": "Response cards used",
        "col_card": "Response card", "col_card_by": "Used by",
        "col_code": "Alert", "col_severity": "Severity", "col_type": "Type", "col_domain": "Domain",
        "col_place": "Place", "col_raised": "Raised", "col_state": "State at handover", "col_waited": "Waiting",
        "col_level": "Escalation", "col_count": "Repeats",
        "col_hazard": "Hazard", "col_title": "Title", "col_grade": "Grade", "col_action": "Action",
        "col_change": "Stage change", "col_by": "By", "col_at": "At", "col_note": "Note",
        "col_ack": "Acknowledged", "col_ack_by": "Acknowledged by", "col_dispatch": "Dispatched",
        "col_dispatch_by": "Dispatched by", "col_dispatch_to": "Dispatched to", "col_resolve": "Resolved",
        "col_resolve_by": "Resolved by", "col_outcome": "Outcome",
        "col_comment_by": "By", "col_text": "Comment", "col_alert": "Alert", "col_alert_severity": "Severity",
        "level": "level {n}", "new_hazard": "new",
        "d": "{n} d", "h": "{n} h", "m": "{n} min", "s": "{n} s",
    },
}
STATE_EN = {"new": "New", "acknowledged": "Acknowledged", "dispatched": "Dispatched", "resolved": "Resolved"}
OUTCOME_EN = {"true_alarm": "True alarm", "false_alarm": "False alarm"}
STAGE_EN = {"reported": "Reported", "notified": "Notified", "rectifying": "Rectifying",
            "feedback": "Awaiting acceptance", "accepted": "Accepted (closed)"}
ACTION_EN = {"report": "Report", "notify": "Notify", "rectify": "Start rectifying", "feedback": "Feed back",
             "accept": "Accept", "reject": "Reject acceptance", "supervise": "List for supervision"}
GRADE_EN = {"ordinary": "Ordinary", "major": "Major"}
SHIFT_EN = "{name} shift"


def tx(lang: Language, key: str, **values: object) -> str:
    return TEXT[lang][key].format(**values)


def _name(lang: Language, zh: dict[str, str], en: dict[str, str], key: str | None) -> str:
    if key is None:
        return TEXT[lang]["none"]
    return (zh if lang == "zh" else en).get(key, key)


def duration_text(seconds: float | None, lang: Language) -> str:
    """1小时5分 / 1 h 5 min: the two largest units, as a duty officer says it."""
    if seconds is None:
        return TEXT[lang]["none"]
    left = int(round(seconds))
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if left >= size or (unit == "s" and not parts):
            parts.append(tx(lang, unit, n=left // size))
            left %= size
    return ("" if lang == "zh" else " ").join(parts[:2])


def time_text(moment: datetime | None, lang: Language) -> str:
    return moment.strftime("%m-%d %H:%M:%S") if moment is not None else TEXT[lang]["none"]


def place_text(row: dict, lang: Language = "zh") -> str:
    """Where an alert was, by the building's and zone's names (the codes where the ledger has none)."""
    building = ((row.get("building_name_en") if lang == "en" else None) or row.get("building_name_zh")
                or row.get("building"))
    zone = row.get("zone_name_zh") or row.get("zone")
    return "/".join(part for part in (building, zone) if part) or "—"


def _text(value: object, lang: Language) -> str:
    return TEXT[lang]["none"] if value is None or value == "" else str(value)


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the raw value a spreadsheet keeps, the text a page shows."""

    header: str
    value: Callable[[dict], object]
    show: Callable[[object], str]
    seconds: bool = False  # the raw value is a duration in seconds (the spreadsheet says so)


def shift_title(report: dict, lang: Language) -> str:
    shift = report["shift"]
    name = shift["name_zh"] if lang == "zh" else SHIFT_EN.format(name=shift["name"].capitalize())
    title = tx(lang, "shift", name=name, start=shift["start"].strftime("%Y-%m-%d %H:%M"),
               end=shift["end"].strftime("%Y-%m-%d %H:%M"))
    named = (report.get("school_name_en") if lang == "en" else None) or report.get("school_name_zh")
    return f"{named} · {title}" if named else title  # the school by its name, the report's first line


def on_call_text(report: dict, lang: Language) -> str:
    """"本班值班：张三（值班员）· …": who the roster had on call for the shift (ledger/oncall.py)."""
    sep = "：" if lang == "zh" else ": "
    return TEXT[lang]["on_call"] + sep + duty_line(report.get("on_call") or [], lang) + pages_text(report, lang)


def pages_text(report: dict, lang: Language) -> str:
    """"；本班通知：报警时 3 条，第 1 级升级 1 条": the escalation ladder's pages sent in the shift, per step
    (empty when none were sent)."""
    sent = {int(k): v for k, v in (report.get("pages_sent") or {}).items()}
    if not sent:
        return ""
    zh = lang == "zh"
    parts = [(("报警时" if zh else "at raise") if step == 0 else (f"第 {step} 级升级" if zh else f"escalation {step}"))
             + (f" {n} 条" if zh else f" {n}") for step, n in sorted(sent.items())]
    return ("；本班通知：" + "，".join(parts)) if zh else ("; pages sent: " + ", ".join(parts))


@dataclass(frozen=True)
class SummaryRow:
    label: str
    value: object  # the raw figure: a count, or seconds when `seconds`
    shown: str
    seconds: bool = False


def summary_rows(report: dict, lang: Language) -> list[SummaryRow]:
    """Each summary figure with its raw value and its display text."""
    t = TEXT[lang]
    raised, handled = report["raised"], report["handled"]

    def count(label: str, n: int) -> SummaryRow:
        return SummaryRow(label, n, str(n))

    rows = [count(t["raised"], raised["total"])]
    rows += [count(tx(lang, "raised_severity", severity=severity_name(lang, s)), n)
             for s, n in raised["by_severity"].items()]
    rows += [count(tx(lang, "raised_domain", domain=domain_name(lang, d)), n) for d, n in raised["by_domain"].items()]
    rows += [count(t[key], handled[key])
             for key in ("acknowledged", "dispatched", "resolved", "true_alarm", "false_alarm")]
    for prefix, part in (("tta", "time_to_acknowledge"), ("ttr", "time_to_resolve")):
        figures = report[part]
        for key in ("mean", "p90"):
            value = figures[f"{key}_s"]
            rows.append(SummaryRow(t[f"{prefix}_{key}"], value, duration_text(value, lang), seconds=True))
        rows.append(count(t[f"{prefix}_count"], figures["count"]))
    for key, part in (("open_count", "open_at_end"), ("escalation_count", "escalations"),
                      ("hazard_change_count", "hazard_changes"), ("comment_count", "comments")):
        rows.append(count(t[key], len(report[part])))
    return rows


def table_columns(lang: Language) -> dict[str, list[Column]]:
    """The report's tables, each a list of columns, by the report's key."""
    t = TEXT[lang]

    def text(value):
        return _text(value, lang)

    def when(value):
        return time_text(value, lang)

    def severity(value):
        return severity_name(lang, value) if value else t["none"]

    def state(value):
        return _name(lang, alert_flow.STATE_ZH, STATE_EN, value)

    def stage(value):
        return _name(lang, hazard_loop.STAGE_ZH, STAGE_EN, value)

    def outcome(value):
        return _name(lang, alert_flow.OUTCOME_ZH, OUTCOME_EN, value)

    def level(value):
        return tx(lang, "level", n=value) if value else t["none"]

    def change(row: dict) -> str:
        return (stage(row["from_stage"]) if row["from_stage"] else t["new_hazard"]) + " → " + stage(row["to_stage"])

    return {
        "open_at_end": [
            Column(t["col_severity"], lambda r: r["severity"], severity),
            Column(t["col_type"], lambda r: r["type"], lambda v: event_type_name(lang, v)),
            Column(t["col_domain"], lambda r: r["domain"], lambda v: domain_name(lang, v)),
            Column(t["col_place"], lambda r: place_text(r, lang), text),
            Column(t["col_raised"], lambda r: r["raised_at"], when),
            Column(t["col_state"], lambda r: r["state"], state),
            Column(t["col_waited"], lambda r: r["waited_s"], lambda v: duration_text(v, lang), seconds=True),
            Column(t["col_level"], lambda r: r["escalation_level"], level),
            Column(t["col_count"], lambda r: r["count"], text),
            Column(t["col_code"], lambda r: r["code"], text),
        ],
        "hazard_changes": [
            Column(t["col_at"], lambda r: r["at"], when),
            Column(t["col_hazard"], lambda r: r["hazard_code"], text),
            Column(t["col_title"], lambda r: r["title"], text),
            Column(t["col_grade"], lambda r: r["grade"], lambda v: _name(lang, hazard_loop.GRADE_ZH, GRADE_EN, v)),
            Column(t["col_action"], lambda r: r["action"], lambda v: _name(lang, hazard_loop.ACTION_ZH, ACTION_EN, v)),
            Column(t["col_change"], change, text),
            Column(t["col_by"], lambda r: r["by"], text),
            Column(t["col_note"], lambda r: r["note"], text),
        ],
        "handled_alerts": [
            Column(t["col_code"], lambda r: r["code"], text),
            Column(t["col_severity"], lambda r: r["severity"], severity),
            Column(t["col_type"], lambda r: r["type"], lambda v: event_type_name(lang, v)),
            Column(t["col_place"], lambda r: place_text(r, lang), text),
            Column(t["col_raised"], lambda r: r["raised_at"], when),
            Column(t["col_ack"], lambda r: r["acknowledged_at"], when),
            Column(t["col_ack_by"], lambda r: r["acknowledged_by"], text),
            Column(t["col_dispatch"], lambda r: r["dispatched_at"], when),
            Column(t["col_dispatch_to"], lambda r: r["dispatched_to"], text),
            Column(t["col_resolve"], lambda r: r["resolved_at"], when),
            Column(t["col_resolve_by"], lambda r: r["resolved_by"], text),
            Column(t["col_outcome"], lambda r: r["outcome"], outcome),
        ],
        "comments": [
            Column(t["col_at"], lambda r: r["at"], when),
            Column(t["col_hazard"], lambda r: r["hazard_code"], text),
            Column(t["col_title"], lambda r: r["title"], text),
            Column(t["col_comment_by"], lambda r: r["by"], text),
            Column(t["col_text"], lambda r: r["text"], text),
        ],
        "escalations": [
            Column(t["col_at"], lambda r: r["at"], when),
            Column(t["col_alert"], lambda r: r["alert"], text),
            Column(t["col_alert_severity"], lambda r: r["severity"], severity),
            Column(t["col_level"], lambda r: r["level"], level),
        ],
        "cards_used": [
            Column(t["col_at"], lambda r: r["at"], when),
            Column(t["col_alert"], lambda r: r["alert"], text),
            Column(t["col_type"], lambda r: r["type"], lambda v: event_type_name(lang, v)),
            Column(t["col_card"], lambda r: r["card"], text),
            Column(t["col_card_by"], lambda r: r["by"], text),
        ],
    }


TABLES = ("open_at_end", "hazard_changes", "handled_alerts", "comments", "escalations", "cards_used")


def handover_view(report: dict, lang: str | None = "zh") -> dict:
    """What the duty page shows: a title, the summary as label/value pairs and each table as a
    title, headers and rows of text. `lang` is "zh" (default) or "en"; anything else is zh."""
    lang = language(lang)
    columns = table_columns(lang)
    return {
        "title": TEXT[lang]["title"],
        "shift": shift_title(report, lang),
        "on_call": on_call_text(report, lang),
        "summary": [{"label": row.label, "value": row.shown} for row in summary_rows(report, lang)],
        "tables": [{
            "key": key,
            "title": TEXT[lang][key],
            "columns": [c.header for c in columns[key]],
            "rows": [[c.show(c.value(row)) for c in columns[key]] for row in report.get(key, [])],
        } for key in TABLES],
    }
