"""Interface text in Simplified Chinese (default) and English (?lang=en)."""
from __future__ import annotations

from urllib.parse import parse_qs

TEXT = {
    "zh": {
        "title": "校园安全指挥中心", "as_of": "数据时间", "no_data": "暂无数据",
        "stale": "数据未更新：实时数据已超过 {seconds} 秒未刷新，请检查数据采集服务",
        "down": "实时数据服务不可用，正在重连…", "no_school": "该学校尚未上报任何事件",
        "events_1h": "近1小时事件", "events_24h": "近24小时", "alerts_open": "未处置报警",
        "visitors": "访客", "on_campus": "在校", "checked_in_today": "今日登记",
        "attendance": "人员考勤", "staff_present": "教职工在校", "students_present": "学生在校",
        "vehicles": "在校车辆", "hazards": "隐患治理", "hazards_open": "未销号", "overdue": "逾期",
        "major_open": "重大隐患", "alerts": "实时报警", "recent": "最新报警",
        "critical": "特别严重", "high": "严重", "medium": "较重", "low": "一般",
        "personal_safety": "人身安全", "environment": "环境安全", "active_defence": "主动防御",
        "special_campaigns": "专项治理", "operations": "运行管理", "mechanisms": "安全机制",
        "dead_letters": "异常消息",
    },
    "en": {
        "title": "Campus Safety Command Centre", "as_of": "As of", "no_data": "No data",
        "stale": "Data not current: no update for over {seconds} s — check the data collection service",
        "down": "Live data service unavailable, reconnecting…", "no_school": "This school has sent no events yet",
        "events_1h": "Events, 1 h", "events_24h": "24 h", "alerts_open": "Open alerts",
        "visitors": "Visitors", "on_campus": "On campus", "checked_in_today": "Checked in today",
        "attendance": "Attendance", "staff_present": "Staff present", "students_present": "Students present",
        "vehicles": "Vehicles on campus", "hazards": "Hazards", "hazards_open": "Open", "overdue": "Overdue",
        "major_open": "Major", "alerts": "Live alerts", "recent": "Newest alerts",
        "critical": "Critical", "high": "High", "medium": "Medium", "low": "Low",
        "personal_safety": "Personal safety", "environment": "Environment", "active_defence": "Active defence",
        "special_campaigns": "Special campaigns", "operations": "Operations", "mechanisms": "Mechanisms",
        "dead_letters": "Rejected messages",
    },
}

EVENT_TYPES = {
    "alarm.one_key": ("一键报警", "One-key alarm"), "fire.smoke_alarm": ("烟感报警", "Smoke alarm"),
    "sensor.temperature": ("高温报警", "High temperature"), "sensor.gas": ("燃气泄漏", "Gas leak"),
    "electrical.leakage": ("电气漏电", "Electrical leakage"), "weather.warning": ("气象预警", "Weather warning"),
    "perimeter.intrusion": ("周界入侵", "Perimeter intrusion"), "video.alarm": ("视频分析报警", "Video alarm"),
    "face.watchlist_hit": ("人脸布控命中", "Watch-list hit"), "vehicle.speeding": ("车辆超速", "Speeding"),
    "vehicle.overtime_parking": ("超时停车", "Overtime parking"), "patrol.checkpoint": ("巡更漏检", "Missed patrol"),
    "device.offline": ("设备离线", "Device offline"), "hazard.reported": ("重大隐患上报", "Major hazard reported"),
}


def language(search: str | None) -> str:
    """'en' when the URL asks for it, else Chinese."""
    values = parse_qs((search or "").lstrip("?")).get("lang", [])
    return "en" if values and values[0].lower().startswith("en") else "zh"


def query_value(search: str | None, name: str) -> str | None:
    values = parse_qs((search or "").lstrip("?")).get(name, [])
    return values[0] if values else None


def t(lang: str, key: str, **values) -> str:
    text = TEXT[lang].get(key, key)
    return text.format(**values) if values else text


def event_label(lang: str, event_type: str) -> str:
    names = EVENT_TYPES.get(event_type)
    return names[0 if lang == "zh" else 1] if names else event_type
