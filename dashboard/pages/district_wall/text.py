"""The district wall's words, zh-CN first, English with ?lang=en."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "区域校园安全指挥中心", "as_of": "数据时间", "map": "辖区学校分布",
        "map_none": "尚未上传区域地图：按学校排列", "alerts": "实时报警", "league": "学校排名",
        "due": "报送与督办到期", "due_none": "暂无到期的报送与督办", "alerts_none": "当前没有报警",
        "league_none": "暂无学校", "schools": "学校", "open_alerts": "未处置报警", "critical": "紧急报警",
        "red_schools": "重大风险学校", "col_school": "学校", "col_rate": "整改率", "col_overdue": "逾期",
        "col_open": "报警", "col_score": "得分", "col_severity": "级别", "col_type": "类型",
        "col_time": "时间", "col_what": "事项", "col_due": "到期", "late": "已逾期",
        "no_unit": "请在地址中指定区县：/district?unit=区县代码", "not_yours": "无权查看该区域",
        "stale": "部分学校数据未更新：{n} 所", "store_down": "数据未更新：无法连接实时数据服务",
        "link_lost": "与服务器的连接已中断", "no_schools": "该区域下没有学校", "col_state": "状态",
        "risk_red": "重大风险", "risk_orange": "较大风险", "risk_yellow": "一般风险", "risk_blue": "低风险",
    },
    "en": {
        "title": "District Safety Command Centre", "as_of": "As of", "map": "Schools of the district",
        "map_none": "No district map uploaded: schools in a grid", "alerts": "Live alerts", "league": "League",
        "due": "Reports and supervision due", "due_none": "Nothing due", "alerts_none": "No alerts now",
        "league_none": "No schools", "schools": "Schools", "open_alerts": "Open alerts", "critical": "Critical",
        "red_schools": "Red-risk schools", "col_school": "School", "col_rate": "Rectified", "col_overdue": "Overdue",
        "col_open": "Alerts", "col_score": "Score", "col_severity": "Level", "col_type": "Type",
        "col_time": "Time", "col_what": "What", "col_due": "Due", "late": "late",
        "no_unit": "Name a district in the address: /district?unit=<code>",
        "not_yours": "Not a district you may read", "stale": "Figures not current for {n} schools",
        "store_down": "Not current: the live data store cannot be reached",
        "link_lost": "The connection to the server is lost", "no_schools": "This unit has no schools",
        "col_state": "State", "risk_red": "Major", "risk_orange": "Significant", "risk_yellow": "General",
        "risk_blue": "Low",
    },
}
td = text_lookup(TEXT)
