"""The school's reports page's words, Simplified Chinese first and English (?lang=en)."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "报送",
        "intro": "本校向区县教育局报送的月度安全报告和事件报告（重大隐患、重大警情）。月报数据由台账自动生成，"
                                "报送时固定；文字部分由学校填写。",
        "monthly": "月度安全报告", "period": "报告月份", "open": "打开月报",
        "panel_empty": "请选择月份并打开月报，或在右侧列表中选择一份报告。",
        "text": "文字说明（主要做法、存在问题、下步打算）", "save": "保存草稿", "submit": "报送",
        "list": "本校的报告", "empty": "近期没有需要报送的报告",
        "col_report": "报告", "col_due": "截止时间", "col_status": "状态", "col_when": "报送", "col_actions": "",
        "pick": "查看", "not_opened": "未填写", "due": "截止：{due}", "submitted_at": "报送于 {at}（{by}）",
        "receipted_at": "已于 {at} 签收（{by}）", "returned": "已退回：{reason}",
        "figures": "本月数据（{as_of} 截至）", "figures_kept": "报送时的数据（截至 {as_of}）",
        "f_hazards": "隐患", "f_inspections": "巡查", "f_drills": "演练与培训", "f_alerts": "报警",
        "hazards_found": "新发现", "hazards_found_major": "其中重大", "hazards_rectified": "本月整改销号",
        "hazards_open": "月末未整改", "hazards_overdue": "其中超期", "hazards_major_open": "其中重大",
        "inspections_owed": "应巡查", "inspections_done": "按时完成", "inspections_late": "逾期完成",
        "inspections_missed": "漏查", "inspections_due": "进行中",
        "drills": "应急演练", "trainings": "安全教育培训",
        "alerts_raised": "报警", "alerts_critical": "其中紧急", "alerts_true": "真警", "alerts_false": "误报",
        "ack_median_s": "确认用时中位数", "ack_p90_s": "确认用时 P90",
        "domain": "领域", "minutes": "{m} 分钟", "seconds": "{s} 秒", "none": "—",
        "saved": "已保存", "unchanged": "已保存（没有改动）", "submitted": "已报送：{name}",
        "already": "该报告已报送，无需再次报送", "opened": "已打开：{name}",
        "refused": "未完成：{reason}", "failed": "未完成：安全台账暂时无法写入，请稍后重试",
        "not_allowed": "未完成：您的账号不能报送本校的报告", "school_not_yours": "未完成：该学校不在您的范围内",
        "pick_first": "请先打开一份报告", "bad_form": "未完成：请检查填写的内容",
    },
    "en": {
        "title": "Reports",
        "intro": "The school's monthly safety reports and event reports (major hazards, critical alarms) to the "
                 "district's education bureau. A monthly report's figures come from the ledger and are kept as they "
                 "were when it is submitted; the text is the school's.",
        "monthly": "Monthly safety report", "period": "Month", "open": "Open the monthly report",
        "panel_empty": "Choose a month and open its report, or pick a report in the list.",
        "text": "Text (what was done, problems, next steps)", "save": "Save draft", "submit": "Submit",
        "list": "The school's reports", "empty": "No report due lately",
        "col_report": "Report", "col_due": "Due", "col_status": "State", "col_when": "Submitted", "col_actions": "",
        "pick": "Open", "not_opened": "not opened", "due": "Due {due}", "submitted_at": "Submitted {at} ({by})",
        "receipted_at": "Receipted {at} ({by})", "returned": "Returned: {reason}",
        "figures": "The month's figures (as of {as_of})", "figures_kept": "Figures as submitted (as of {as_of})",
        "f_hazards": "Hazards", "f_inspections": "Inspections", "f_drills": "Drills and trainings",
        "f_alerts": "Alerts",
        "hazards_found": "Found", "hazards_found_major": "of them major", "hazards_rectified": "Rectified this month",
        "hazards_open": "Open at month end", "hazards_overdue": "of them overdue",
        "hazards_major_open": "of them major",
        "inspections_owed": "Owed", "inspections_done": "Done on time", "inspections_late": "Done late",
        "inspections_missed": "Missed", "inspections_due": "Still running",
        "drills": "Drills", "trainings": "Trainings",
        "alerts_raised": "Alerts", "alerts_critical": "of them critical", "alerts_true": "True alarms",
        "alerts_false": "False alarms", "ack_median_s": "Median time to acknowledge",
        "ack_p90_s": "P90 time to acknowledge",
        "domain": "Domain", "minutes": "{m} min", "seconds": "{s} s", "none": "—",
        "saved": "Saved", "unchanged": "Saved (nothing changed)", "submitted": "Submitted: {name}",
        "already": "The report was submitted already", "opened": "Opened: {name}",
        "refused": "Not done: {reason}", "failed": "Not done: the safety ledger cannot be written just now; try again",
        "not_allowed": "Not done: your account may not submit this school's reports",
        "school_not_yours": "Not done: the school is not one of yours",
        "pick_first": "Open a report first", "bad_form": "Not done: check the form",
    },
}
# The names of report kinds, states and timeliness (ledger/reporting.py has the same, for the ledger's words).
KINDS = {"monthly": ("月度安全报告", "Monthly safety report"), "major_hazard": ("重大隐患报告", "Major hazard report"),
         "true_alarm": ("重大警情报告", "Critical alarm report")}
STATES = {"draft": ("草稿", "Draft"), "submitted": ("已报送", "Submitted"), "receipted": ("已签收", "Receipted"),
          "returned": ("已退回", "Returned"), None: ("未填写", "Not opened")}
TIMELINESS = {"on_time": ("按时", "On time"), "late": ("迟报", "Late"),
              "missing": ("未报（已逾期）", "Missing (overdue)"),
              "pending": ("未到期", "Not yet due")}

tr = text_lookup(TEXT)


def name(table: dict, key: object, lang: str) -> str:
    pair = table.get(key, (str(key), str(key)))
    return pair[1] if lang == "en" else pair[0]
