"""Every piece of interface text, in Simplified Chinese (the default) and English (?lang=en).

Terms follow the seeds and DOMAIN.md's glossary (人身安全, 隐患, 销号, ...), so the screens speak
the words the safety office already uses.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

# The names of codes (domains, event types, severities, alert states) are shared with the ledger's
# files, so they live in the kernel; this module names them too, for the pages.
from kernel.names import ALERT_STATE_NAMES as ALERT_STATE_NAMES
from kernel.names import DOMAIN_NAMES as DOMAIN_NAMES
from kernel.names import EVENT_TYPE_NAMES as EVENT_TYPE_NAMES
from kernel.names import LANGUAGES as LANGUAGES
from kernel.names import SEVERITY_NAMES as SEVERITY_NAMES
from kernel.names import Language as Language
from kernel.names import alert_state_name as alert_state_name
from kernel.names import domain_name as domain_name
from kernel.names import event_type_name as event_type_name
from kernel.names import language as language
from kernel.names import severity_name as severity_name

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "校园安全指挥中心",
        "school": "学校",
        "as_of": "数据时间",
        "lag": "延迟 {seconds} 秒",
        "seconds": "{n} 秒", "minutes": "{n} 分钟", "hours": "{n} 小时",
        "no_value": "—",
        # Banners: each says first that the figures are not current, then why.
        "stale": "数据未更新：已 {duration}未收到新数据，请检查数据接入服务",
        "stale_never": "数据未更新：尚未处理任何数据，请检查数据接入服务",
        "store_down": "数据未更新：实时数据库连接中断，正在自动重连…",
        "link_lost": "数据未更新：与指挥中心服务器的连接中断，正在自动重连…",
        "no_school": "暂无数据：尚无学校上报事件",
        "unknown_school": "暂无数据：该学校尚未上报任何事件",
        # Domain tiles
        "events_1h": "近1小时",
        "events_24h": "近24小时",
        "alerts_open": "未处置报警",
        "alerts_pill": "报警",
        "trend_60m": "近60分钟事件",
        # Panels
        "visitors": "访客",
        "visitors_on_campus": "在校访客",
        "visitors_today": "今日登记",
        "attendance": "人员考勤",
        "staff_present": "教职工在校",
        "students_present": "学生在校",
        "vehicles": "车辆",
        "vehicles_on_campus": "在校车辆",
        "vehicles_today": "今日进出",
        "hazards": "隐患治理",
        "hazards_open": "未销号",
        "hazards_overdue": "已逾期",
        "hazards_major": "重大隐患",
        "hazards_due_soon": "即将到期",
        "hazards_rate": "查改率",
        "listed_badge": "挂牌督办",
        "listed_none": "无挂牌督办重大隐患",
        "inspections_month": "巡查 本月", "inspections_missed": "漏检", "inspections_late": "迟检",
        "alerts": "实时报警",
        "alerts_total": "未处置合计",
        "recent": "最新报警",
        "col_severity": "级别", "col_type": "类型", "col_place": "位置", "col_time": "时间",
        "col_state": "状态",
        "empty_alerts": "暂无报警",
        # Video wall (issue 4)
        "trend_24h": "近24小时每小时事件数",
        "people": "人员与访客",
        "now": "当前", "today": "今日",
        "staff_today": "教职工到校", "students_today": "学生到校",
        "gates": "各出入口今日访客登记",
        "gates_none": "今日暂无访客登记",
        "hourly_in": "人员进校", "hourly_visitors": "访客登记",
        "stage_reported": "已上报", "stage_notified": "已通知", "stage_rectifying": "整改中",
        "stage_feedback": "待验收", "stage_accepted": "已销号",
        "map": "风险四色图",
        "risk_red": "重大风险", "risk_orange": "较大风险", "risk_yellow": "一般风险", "risk_blue": "低风险",
        "map_alerts": "有未处置报警", "map_major": "重大隐患",
        "map_unavailable": "平面图暂不可用：安全台账无法读取或未录入本校平面图",
        "col_since": "已过", "escalated": "已升级", "alerts_escalated": "超时未确认",
        "since_now": "刚刚", "days": "{n} 天",
    },
    "en": {
        "title": "Campus Safety Command Centre",
        "school": "School",
        "as_of": "As of",
        "lag": "lag {seconds} s",
        "seconds": "{n} s", "minutes": "{n} min", "hours": "{n} h",
        "no_value": "—",
        "stale": "Data not current: nothing new for {duration} — check the data feed",
        "stale_never": "Data not current: no data processed yet — check the data feed",
        "store_down": "Data not current: live data store unreachable, reconnecting…",
        "link_lost": "Data not current: connection to the command centre server lost, reconnecting…",
        "no_school": "No data: no school has sent events yet",
        "unknown_school": "No data: this school has sent no events yet",
        "events_1h": "1 h",
        "events_24h": "24 h",
        "alerts_open": "Open alerts",
        "alerts_pill": "Alerts",
        "trend_60m": "Events, last 60 min",
        "visitors": "Visitors",
        "visitors_on_campus": "On campus",
        "visitors_today": "Checked in today",
        "attendance": "Attendance",
        "staff_present": "Staff present",
        "students_present": "Students present",
        "vehicles": "Vehicles",
        "vehicles_on_campus": "On campus",
        "vehicles_today": "Seen today",
        "hazards": "Hazards",
        "hazards_open": "Open",
        "hazards_overdue": "Overdue",
        "hazards_major": "Major",
        "hazards_due_soon": "Due soon",
        "hazards_rate": "Rectified",
        "listed_badge": "Supervised",
        "listed_none": "No major hazard under listed supervision",
        "inspections_month": "Inspections this month", "inspections_missed": "missed",
        "inspections_late": "late",
        "alerts": "Live alerts",
        "alerts_total": "Open, total",
        "recent": "Newest alerts",
        "col_severity": "Level", "col_type": "Type", "col_place": "Place", "col_time": "Time",
        "col_state": "State",
        "empty_alerts": "No alerts",
        "trend_24h": "Events per hour, last 24 h",
        "people": "People and visitors",
        "now": "Now", "today": "Today",
        "staff_today": "Staff in today", "students_today": "Students in today",
        "gates": "Visitor check-ins today by gate",
        "gates_none": "No visitor check-ins today",
        "hourly_in": "People in", "hourly_visitors": "Visitors",
        "stage_reported": "Reported", "stage_notified": "Notified", "stage_rectifying": "Rectifying",
        "stage_feedback": "Awaiting check", "stage_accepted": "Closed",
        "map": "Four-colour risk map",
        "risk_red": "Major", "risk_orange": "High", "risk_yellow": "Moderate", "risk_blue": "Low",
        "map_alerts": "Open alerts", "map_major": "Major hazard",
        "map_unavailable": "Site plan unavailable: the safety ledger cannot be read or has no plan for this school",
        "col_since": "Since", "escalated": "Escalated", "alerts_escalated": "Overdue ack",
        "since_now": "just now", "days": "{n} d",
    },
}


def text_lookup(table: Mapping[str, Mapping[str, str]]) -> Callable[..., str]:
    """The lookup of one table of interface text: `lookup(lang, key, **values)` is the text of `key`
    in `lang`, with `values` put into its {placeholders}. Every page's text module keeps only its
    table and names its lookup with this (td, tl, to, ...)."""

    def lookup(lang: Language, key: str, **values: object) -> str:
        text = table[lang][key]
        return text.format(**values) if values else text

    return lookup


t = text_lookup(TEXT)  # the wall's and the shared words

