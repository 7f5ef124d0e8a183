"""The district's reports page's words, Simplified Chinese first and English (?lang=en)."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "报送签收",
        "intro": "所辖学校向{unit}报送的月度安全报告和事件报告：按时、迟报、未报，签收或退回，以及报送率"
                                    "（按时报送数 / 应报送数）。",
        "window": "截止时间在", "ytd": "本年", "rates": "报送率", "col_school": "学校", "col_due": "应报",
        "col_on_time": "按时", "col_late": "迟报", "col_missing": "未报", "col_rate": "报送率", "total": "合计",
        "list": "报告", "empty": "该时段没有应报送的报告", "col_report": "报告", "col_deadline": "截止时间",
        "col_status": "状态", "col_actions": "", "reason": "退回原因（退回时必填）", "receipt": "签收",
        "return": "退回",
        "submitted_at": "报送于 {at}", "returned": "退回：{reason}",
        "rules": "报送规则", "rule_day": "月报截止日（次月几日24时）", "rule_hazard": "重大隐患报送时限（小时）",
        "rule_alarm": "重大警情报送时限（小时）", "rule_first": "起报月份（YYYY-MM，此前的月份不计入）",
        "rule_save": "保存规则",
        "rules_saved": "报送规则已保存", "rules_unchanged": "报送规则没有改动",
        "receipted": "已签收：{name}", "already_receipted": "该报告已签收", "returned_done": "已退回：{name}",
        "already_returned": "该报告已退回", "refused": "未完成：{reason}",
        "failed": "未完成：安全台账暂时无法写入，请稍后重试", "not_allowed": "未完成：您的账号不能签收或退回报告",
        "bad_form": "未完成：请检查填写的内容", "all_schools": "所辖学校",
    },
    "en": {
        "title": "Reports received", "intro": "The monthly safety reports and event reports the schools under {unit} "
                                              "send up: on time, late, missing; receipt or return them; the reporting "
                                              "rate (on time / due).",
        "window": "Due in", "ytd": "This year", "rates": "Reporting rate", "col_school": "School", "col_due": "Due",
        "col_on_time": "On time", "col_late": "Late", "col_missing": "Missing", "col_rate": "Rate", "total": "Total",
        "list": "Reports", "empty": "No report fell due in this window", "col_report": "Report",
        "col_deadline": "Due", "col_status": "State", "col_actions": "", "reason": "Why it is returned (to return)",
        "receipt": "Receipt", "return": "Return", "submitted_at": "Submitted {at}", "returned": "Returned: {reason}",
        "rules": "Reporting rules", "rule_day": "Monthly report due day (of the next month, 24:00)",
        "rule_hazard": "Major hazard deadline (hours)", "rule_alarm": "Critical alarm deadline (hours)",
        "rule_first": "First month owed (YYYY-MM; earlier months do not count)",
        "rule_save": "Save the rules", "rules_saved": "Reporting rules saved", "rules_unchanged": "Nothing changed",
        "receipted": "Receipted: {name}", "already_receipted": "The report was receipted already",
        "returned_done": "Returned: {name}", "already_returned": "The report was returned already",
        "refused": "Not done: {reason}", "failed": "Not done: the safety ledger cannot be written just now; try again",
        "not_allowed": "Not done: your account may not receipt or return reports",
        "bad_form": "Not done: check the form", "all_schools": "the schools",
    },
}

tr = text_lookup(TEXT)
# The names of report kinds, states and timeliness (as on the school's page, dashboard/pages/reports/text.py).
KINDS = {"monthly": ("月度安全报告", "Monthly safety report"), "major_hazard": ("重大隐患报告", "Major hazard report"),
         "true_alarm": ("重大警情报告", "Critical alarm report")}
STATES = {"draft": ("草稿", "Draft"), "submitted": ("已报送", "Submitted"), "receipted": ("已签收", "Receipted"),
          "returned": ("已退回", "Returned"), None: ("未填写", "Not opened")}
TIMELINESS = {"on_time": ("按时", "On time"), "late": ("迟报", "Late"),
              "missing": ("未报（已逾期）", "Missing (overdue)"),
              "pending": ("未到期", "Not yet due")}


def name(table: dict, key: object, lang: str) -> str:
    pair = table.get(key, (str(key), str(key)))
    return pair[1] if lang == "en" else pair[0]
