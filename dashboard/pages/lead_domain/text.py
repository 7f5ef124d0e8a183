"""The domain page's words (/lead/domain), Simplified Chinese first and English (?lang=en). Domain,
event-type and severity names are the shared ones in layouts/i18n.py; device systems are named here
(kernel/device_systems.py says what each is)."""
from __future__ import annotations

from layouts.i18n import Language, text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "domains": "领域", "range": "时间范围",
        "range_day": "近24小时", "range_week": "近7天", "range_month": "近30天",
        "trend": "事件与告警趋势",
        "trend_note_day": "每小时一格，最后一格为当前小时（截至目前）",
        "trend_note_days": "每天一格（学校当地日期），今天截至目前；事件数为记录器的每日快照（约每30秒更新）",
        "events": "事件数", "alerts_raised": "新告警数",
        "events_total": "事件", "alerts_total": "告警",
        "events_unavailable": "实时数据暂不可用，近24小时事件无法显示",
        "mtta": "平均确认时长", "mttr": "平均处置时长",
        "median_p90": "中位数 {median} · P90 {p90}",
        "over_n": "基于 {n} 条告警",
        "none_acked": "该范围内没有已确认的告警",
        "none_resolved": "该范围内没有已解除的告警",
        "false_total": "误报率",
        "false_total_note": "{false} / {resolved} 条已解除告警为误报",
        "no_resolved": "没有已解除的告警",
        "by_type": "告警类型", "by_place": "告警地点",
        "col_type": "类型", "col_count": "告警数", "col_place": "地点", "col_share": "占比",
        "campus_wide": "校园（未指明楼宇）",
        "places_cut": "共 {total} 处，显示告警最多的 {shown} 处",
        "no_alerts": "该时间范围内没有告警",
        "false_rate": "误报率（按设备系统）",
        "false_note": "该范围内产生且已解除的告警中，处置结果为误报的比例",
        "col_system": "设备系统", "col_resolved": "已解除", "col_false": "误报", "col_rate": "误报率",
        "all_systems": "合计",
        "devices": "设备在线情况",
        "col_online": "在线", "col_offline": "离线",
        "offline_list": "离线设备（离线最久的在前）",
        "col_device": "设备", "col_since": "离线时间",
        "offline_cut": "共 {total} 台离线，显示离线最久的 {shown} 台",
        "no_offline": "没有离线设备",
        "no_systems": "该领域没有接入设备系统；全部设备见“运行管理”",
        "live_unreachable": "实时数据（Redis）暂时无法访问：设备状态与近24小时事件无法显示",
        "live_none": "该校暂无实时数据（尚未收到事件）",
        "live_stale": "实时数据已滞后 {lag}：设备状态与近24小时事件可能不是最新",
        "seconds": "{n}秒", "minutes": "{n}分钟", "hours": "{h}小时{m}分", "days": "{d}天{h}小时",
        "percent": "{n}%",
    },
    "en": {
        "domains": "Domain", "range": "Range",
        "range_day": "Last 24 h", "range_week": "Last 7 days", "range_month": "Last 30 days",
        "trend": "Events and alerts",
        "trend_note_day": "One bar an hour; the last is the current hour, so far",
        "trend_note_days": "One bar a day (the school's local date), today so far; events as the recorder's "
                           "daily snapshot has them (updated about every 30 s)",
        "events": "Events", "alerts_raised": "Alerts raised",
        "events_total": "Events", "alerts_total": "Alerts",
        "events_unavailable": "Live data unavailable: the last 24 hours' events cannot be shown",
        "mtta": "Mean time to acknowledge", "mttr": "Mean time to resolve",
        "median_p90": "median {median} · P90 {p90}",
        "over_n": "over {n} alerts",
        "none_acked": "No alert acknowledged in this range",
        "none_resolved": "No alert resolved in this range",
        "false_total": "False-alarm rate",
        "false_total_note": "{false} of {resolved} resolved alerts were false alarms",
        "no_resolved": "No resolved alerts",
        "by_type": "Alerts by type", "by_place": "Alerts by place",
        "col_type": "Type", "col_count": "Alerts", "col_place": "Place", "col_share": "Share",
        "campus_wide": "Campus (no building)",
        "places_cut": "{total} places; the {shown} with most alerts shown",
        "no_alerts": "No alerts in this range",
        "false_rate": "False-alarm rate by device system",
        "false_note": "Of the alerts raised in this range and resolved, the share resolved as a false alarm",
        "col_system": "Device system", "col_resolved": "Resolved", "col_false": "False", "col_rate": "Rate",
        "all_systems": "All",
        "devices": "Devices online",
        "col_online": "Online", "col_offline": "Offline",
        "offline_list": "Devices offline (longest first)",
        "col_device": "Device", "col_since": "Offline since",
        "offline_cut": "{total} offline; the {shown} offline longest shown",
        "no_offline": "No device offline",
        "no_systems": "No device system serves this domain; every device is under Operations",
        "live_unreachable": "Live data (Redis) cannot be reached just now: device states and the last 24 "
                            "hours' events are not shown",
        "live_none": "No live data for this school yet (no event received)",
        "live_stale": "Live data is {lag} behind: device states and the last 24 hours' events may be "
                      "out of date",
        "seconds": "{n} s", "minutes": "{n} min", "hours": "{h} h {m} min", "days": "{d} d {h} h",
        "percent": "{n}%",
    },
}

SYSTEM_NAMES: dict[str, dict[str, str]] = {
    "zh": {"fire": "智慧消防", "video": "视频监控", "perimeter": "周界防范", "access": "门禁人脸",
           "broadcast": "应急广播", "vehicle": "车辆道闸", "one_key": "一键报警", "patrol": "电子巡更",
           "weather": "气象服务", "report": "人工上报", "unknown": "未注明系统"},
    "en": {"fire": "Fire", "video": "Video", "perimeter": "Perimeter", "access": "Access control",
           "broadcast": "Broadcast", "vehicle": "Vehicles", "one_key": "One-key alarm", "patrol": "Patrol",
           "weather": "Weather service", "report": "Reported by people", "unknown": "System not named"},
}


td = text_lookup(TEXT)


def system_name(lang: Language, system: str) -> str:
    """A system's name; one the contract's senders made up shows as itself."""
    return SYSTEM_NAMES[lang].get(system, system)
