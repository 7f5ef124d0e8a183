"""The words of the leadership overview (/lead): Simplified Chinese first, English with ?lang=en.
Domain, severity, event-type and alert-state names come from layouts/i18n.py; hazard stage, grade
and risk-colour names from layouts/lead_ledger_text.py, so every page says the same thing."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "安全总览",
        # live state
        "live_as_of": "实时数据截至 {clock}",
        "live_stale": "实时数据已 {lag} 未更新（截至 {clock}），以下实时数字可能偏旧",
        "live_none": "该校暂无实时数据：六大领域的事件数、访客和考勤暂不可用；隐患、告警和风险取自安全台账",
        "live_unreachable": ("实时数据服务暂时无法连接：六大领域的事件数、访客和考勤暂不可用；"
                             "隐患、告警和风险取自安全台账"),
        "seconds": "{n} 秒", "minutes": "{n} 分钟", "hours": "{n} 小时",
        # summary cards
        "hazards": "隐患治理", "hazards_open": "未销号隐患", "overdue": "已逾期", "major_open": "重大隐患",
        "due_soon": "即将到期（{days} 天内）", "see_ledger": "查看台账",
        "alerts_today": "今日告警", "alerts_today_note": "今日 0 时起触发的告警（安全台账）",
        "visitors": "访客", "visitors_on_campus": "在校访客", "visitors_today": "今日登记 {n} 人",
        "attendance": "考勤", "staff_present": "在岗教职工", "students_present": "在校学生",
        "seen_today": "今日到校 {n} 人",
        "unavailable": "—",
        # domains
        "domains": "六大领域", "today": "今日（0 时起）事件",
        "daily_average": "近 7 天日均 {n}",
        "vs_average": "近 24 小时 {n}，较日均 {change}",
        "vs_average_none": "近 24 小时 {n}，近 7 天无事件",
        "open_alerts": "未处置告警 {n}", "alerts_today_n": "今日告警 {n}",
        "domains_note": "“今日”为学校所在时区当天 0 时至今；与 7 天日均比较的是近 24 小时（同为整天的长度）",
        # map
        "map": "风险四色图", "map_hint": "点按地图上的楼宇，或下方楼宇按钮，查看该楼的风险点、未销号隐患和近期告警",
        "legend_major": "◆ 有重大隐患", "legend_alerts": "○ 有未处置告警",
        "no_plan": "该校尚未录入平面图，请使用下方楼宇列表",
        "buildings": "楼宇",
        "b_hazards": "隐患 {n}", "b_overdue": "逾期 {n}", "b_alerts": "告警 {n}",
        # drill panel
        "pick_building": "请选择一栋楼宇",
        "no_building": "该楼宇不在本校台账中",
        "unit": "责任单位：{name}",
        "risk_points": "风险点（{n}）", "no_risk_points": "该楼宇没有登记风险点",
        "open_hazards": "未销号隐患（{n}）", "no_open_hazards": "该楼宇没有未销号隐患",
        "recent_alerts": "近 {days} 天告警（{n}）", "no_recent_alerts": "近 {days} 天该楼宇没有告警",
        "shown_of": "显示前 {shown} 条，共 {total} 条",
        "in_ledger": "在隐患台账中查看该楼宇",
        "col_hazard": "隐患", "col_stage": "环节", "col_deadline": "整改期限", "col_place": "位置",
        "col_unit": "责任单位/人", "col_time": "时间", "col_type": "类型", "col_severity": "级别",
        "col_state": "状态", "times": "{n} 次",
        "major": "重大", "overdue_by": "逾期 {n} 天", "no_deadline": "未定期限", "supervised": "挂牌督办",
        # backlog
        "backlog": "隐患积压（最危险的在前）",
        "backlog_note": "重大隐患在前，其次已逾期，再按整改期限由早到晚",
        "backlog_count": "共 {total} 条未销号隐患", "backlog_cut": "共 {total} 条未销号隐患，显示最危险的前 {shown} 条",
        "backlog_all": "查看全部隐患",
        "no_backlog": "没有未销号的隐患",
    },
    "en": {
        "title": "Safety overview",
        "live_as_of": "Live figures as of {clock}",
        "live_stale": "Live figures not updated for {lag} (as of {clock}): the live numbers below may be old",
        "live_none": "No live data for this school: events per domain, visitors and attendance are unavailable; "
                     "hazards, alerts and risks come from the safety ledger",
        "live_unreachable": "The live data service cannot be reached: events per domain, visitors and attendance are "
                            "unavailable; hazards, alerts and risks come from the safety ledger",
        "seconds": "{n} s", "minutes": "{n} min", "hours": "{n} h",
        "hazards": "Hazards", "hazards_open": "Open hazards", "overdue": "Overdue", "major_open": "Major",
        "due_soon": "Due within {days} days:", "see_ledger": "Open the ledger",
        "alerts_today": "Alerts today", "alerts_today_note": "Alerts raised since 00:00 today (safety ledger)",
        "visitors": "Visitors", "visitors_on_campus": "Visitors on campus", "visitors_today": "{n} checked in today",
        "attendance": "Attendance", "staff_present": "Staff present", "students_present": "Students present",
        "seen_today": "{n} in today",
        "unavailable": "—",
        "domains": "The six domains", "today": "Events today (since 00:00)",
        "daily_average": "7-day daily average {n}",
        "vs_average": "Last 24 h {n}, {change} vs average",
        "vs_average_none": "Last 24 h {n}; no events in 7 days",
        "open_alerts": "{n} open alerts", "alerts_today_n": "{n} alerts today",
        "domains_note": "\"Today\" is the school's local day from 00:00; the comparison with the 7-day daily "
                        "average uses the last 24 hours (a whole day's length)",
        "map": "Four-colour risk map",
        "map_hint": "Tap a building on the map, or a building button below, for its risk points, open hazards "
                    "and recent alerts",
        "legend_major": "◆ open major hazard", "legend_alerts": "○ open alerts",
        "no_plan": "No site plan for this school yet: use the building list below",
        "buildings": "Buildings",
        "b_hazards": "{n} hazards", "b_overdue": "{n} overdue", "b_alerts": "{n} alerts",
        "pick_building": "Choose a building",
        "no_building": "This building is not in the school's ledger",
        "unit": "Responsible unit: {name}",
        "risk_points": "Risk points ({n})", "no_risk_points": "No risk points recorded in this building",
        "open_hazards": "Open hazards ({n})", "no_open_hazards": "No open hazards in this building",
        "recent_alerts": "Alerts, last {days} days ({n})", "no_recent_alerts": "No alerts here in the last {days} days",
        "shown_of": "First {shown} of {total}",
        "in_ledger": "This building in the hazard ledger",
        "col_hazard": "Hazard", "col_stage": "Stage", "col_deadline": "Deadline", "col_place": "Place",
        "col_unit": "Unit / person", "col_time": "Time", "col_type": "Type", "col_severity": "Severity",
        "col_state": "State", "times": "×{n}",
        "major": "Major", "overdue_by": "{n} d overdue", "no_deadline": "No deadline", "supervised": "Listed",
        "backlog": "Hazard backlog (most dangerous first)",
        "backlog_note": "Major first, then overdue, then by deadline, earliest first",
        "backlog_count": "{total} open hazards",
        "backlog_cut": "{total} open hazards; the {shown} most dangerous shown",
        "backlog_all": "All hazards",
        "no_backlog": "No open hazards",
    },
}


to = text_lookup(TEXT)
