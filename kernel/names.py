"""The names people read for the codes of the catalogue and the ledger, in Simplified Chinese (the
default) and English (?lang=en): domains, event types, severities, alert states, and the hazard
loop's stages, grades, sources and steps, and the risk colours.

Here, below everything, because the screens (layouts/), the ledger's files (the hazard ledger's
download, the shift handover) and the paper ledger must say the same thing: layouts/i18n.py and
layouts/lead_ledger_text.py name these same tables. The interface's other words stay with their pages.
"""
from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

DOMAIN_NAMES = {
    "personal_safety": ("人身安全", "Personal safety"),
    "environment": ("环境安全", "Environment"),
    "active_defence": ("主动防御", "Active defence"),
    "special_campaigns": ("专项治理", "Special campaigns"),
    "operations": ("运行管理", "Operations"),
    "mechanisms": ("安全机制", "Mechanisms"),
}

SEVERITY_NAMES = {
    "critical": ("特别严重", "Critical"),
    "high": ("严重", "High"),
    "medium": ("较重", "Medium"),
    "low": ("一般", "Low"),
    "info": ("信息", "Info"),
}

# The roles of people (ledger/models/users.py USER_ROLES) and of wall tokens, as the pages and the
# people sheets name them.
ROLE_NAMES = {
    "leader": ("领导", "Leader"),
    "duty": ("值班员", "Duty officer"),
    "admin": ("管理员", "Administrator"),
    "safety": ("安全管理员", "Safety office"),
    "inspector": ("检查验收员", "Inspector"),
    "reporter": ("隐患上报员", "Reporter"),
    "wall": ("大屏", "Wall screen"),
}

ALERT_STATE_NAMES = {
    "new": ("待确认", "New"),
    "acknowledged": ("已确认", "Acknowledged"),
    "dispatched": ("已派警", "Dispatched"),
    "resolved": ("已解除", "Resolved"),
    "true_alarm": ("已处置", "Handled"),
    "false_alarm": ("误报", "False alarm"),
}

# Every event type of contract v1 (kernel/catalogue.py); a test keeps the two in step.
EVENT_TYPE_NAMES = {
    "attendance.in": ("人员进校", "Person in"),
    "attendance.out": ("人员离校", "Person out"),
    "visitor.check_in": ("访客登记", "Visitor check-in"),
    "visitor.check_out": ("访客离校", "Visitor check-out"),
    "alarm.one_key": ("一键报警", "One-key alarm"),
    "fire.smoke_alarm": ("烟感报警", "Smoke alarm"),
    "sensor.temperature": ("温度报警", "High temperature"),
    "sensor.gas": ("燃气泄漏", "Gas leak"),
    "electrical.leakage": ("电气漏电", "Electrical leakage"),
    "weather.warning": ("气象预警", "Weather warning"),
    "perimeter.intrusion": ("周界入侵", "Perimeter intrusion"),
    "video.alarm": ("视频分析报警", "Video analysis alarm"),
    "face.watchlist_hit": ("人脸布控命中", "Watch-list face match"),
    "vehicle.entry": ("车辆入校", "Vehicle entry"),
    "vehicle.exit": ("车辆离校", "Vehicle exit"),
    "vehicle.speeding": ("车辆超速", "Speeding vehicle"),
    "vehicle.overtime_parking": ("超时停车", "Overtime parking"),
    "patrol.checkpoint": ("巡更漏检", "Missed patrol checkpoint"),
    "campaign.check_result": ("专项检查", "Campaign check"),
    "hazard.reported": ("隐患上报", "Hazard reported"),
    "hazard.notified": ("下发整改通知", "Rectification notice"),
    "hazard.rectifying": ("隐患整改中", "Rectifying"),
    "hazard.feedback": ("整改反馈", "Rectification feedback"),
    "hazard.accepted": ("验收销号", "Accepted and closed"),
    "hazard.rejected": ("验收未通过", "Acceptance failed"),
    "device.online": ("设备上线", "Device online"),
    "device.offline": ("设备离线", "Device offline"),
    "alert.acknowledged": ("报警确认", "Alert acknowledged"),
    "alert.dispatched": ("报警派警", "Alert dispatched"),
    "alert.resolved": ("报警解除", "Alert resolved"),
    "training.completed": ("教育培训", "Training"),
    "drill.completed": ("应急演练", "Emergency drill"),
    "assessment.deduction": ("考核扣分", "Assessment deduction"),
}

STAGE_NAMES = {  # the ledger's stage names (ledger/hazard_loop.py STAGE_ZH) and their English
    "reported": ("已上报", "Reported"), "notified": ("已下发整改通知", "Notice issued"),
    "rectifying": ("整改中", "Rectifying"), "feedback": ("已反馈待验收", "Awaiting acceptance"),
    "accepted": ("已验收销号", "Accepted, closed"),
}
GRADE_NAMES = {"ordinary": ("一般隐患", "Ordinary"), "major": ("重大隐患", "Major")}
SOURCE_NAMES = {
    "self_inspection": ("自查", "Self-inspection"), "school_inspection": ("学校检查", "School inspection"),
    "authority_inspection": ("上级检查", "Authority inspection"),
}
ACTION_NAMES = {
    "report": ("上报隐患", "Reported"), "notify": ("下发整改通知", "Notice issued"),
    "rectify": ("开始整改", "Rectification started"), "feedback": ("反馈整改结果", "Result fed back"),
    "accept": ("验收销号", "Accepted and closed"), "reject": ("验收不通过", "Acceptance failed"),
    "supervise": ("挂牌督办", "Listed for supervision"),
}
COLOUR_NAMES = {
    "red": ("重大风险", "Major"), "orange": ("较大风险", "High"), "yellow": ("一般风险", "Moderate"),
    "blue": ("低风险", "Low"),
}

# Routine inspections (ledger/inspection_schedule.py, ledger/models/inspection.py): how often, a
# period's status, an item's result.
FREQUENCY_NAMES = {"daily": ("每日", "Daily"), "weekly": ("每周", "Weekly"), "monthly": ("每月", "Monthly"),
                   "term": ("每学期", "Per term")}
INSPECTION_STATUS_NAMES = {
    "upcoming": ("未开始", "Upcoming"), "due": ("待检查", "Due"), "in_progress": ("检查中", "In progress"),
    "done": ("已完成", "Done"), "late": ("逾期完成", "Late"), "missed": ("漏检", "Missed"),
}
RESULT_NAMES = {"pass": ("合格", "Pass"), "fail": ("不合格", "Fail"), "na": ("不适用", "Not applicable")}


def language(requested: object) -> Language:
    """'en' when ?lang= asks for English, else Chinese (also for junk, lists and absent values)."""
    return "en" if isinstance(requested, str) and requested.lower().startswith("en") else "zh"


def name_of(names: dict[str, tuple[str, str]], key: str | None, lang: Language) -> str:
    """A code's name in `lang`; an unknown code shows as itself rather than vanishing."""
    pair = names.get(key or "")
    return (key or "") if pair is None else pair[0 if lang == "zh" else 1]


def local_name(lang: Language, name_zh: str | None, name_en: str | None) -> str:
    """A place's or unit's name: its English name in English when it has one, else the Chinese."""
    return (name_en if lang == "en" and name_en else name_zh) or ""


def domain_name(lang: Language, domain: str) -> str:
    return name_of(DOMAIN_NAMES, domain, lang)


def severity_name(lang: Language, severity: str | None) -> str:
    return name_of(SEVERITY_NAMES, severity, lang)


def alert_state_name(lang: Language, state: str | None) -> str:
    return name_of(ALERT_STATE_NAMES, state, lang)


def event_type_name(lang: Language, event_type: str | None) -> str:
    return name_of(EVENT_TYPE_NAMES, event_type, lang)
