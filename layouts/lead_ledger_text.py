"""The words of the leadership hazard ledger (/lead/hazards) and risk register (/lead/risks):
Simplified Chinese first, English with ?lang=en. Stage, grade and source names follow the ledger's
own (ledger/hazard_loop.py) and are shared with the ledger's Excel download (kernel/names.py), so
the screen, the file and the paper ledger say the same thing."""
from __future__ import annotations

# The names of the hazard loop's codes and of the risk colours are shared with the ledger's Excel
# download, so they live in the kernel; this module names them too, for the pages.
from kernel.names import ACTION_NAMES as ACTION_NAMES
from kernel.names import COLOUR_NAMES as COLOUR_NAMES
from kernel.names import GRADE_NAMES as GRADE_NAMES
from kernel.names import SOURCE_NAMES as SOURCE_NAMES
from kernel.names import STAGE_NAMES as STAGE_NAMES
from kernel.names import local_name as local_name
from kernel.names import name_of as name_of
from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        # Hazard ledger
        "hazards_title": "隐患排查治理台账",
        "f_stage": "环节", "f_grade": "等级", "f_unit": "责任单位", "f_overdue": "是否逾期", "f_building": "楼宇",
        "all": "全部", "overdue_yes": "已逾期", "overdue_no": "未逾期",
        "count": "共 {total} 条", "count_cut": "共 {total} 条，表格显示最紧急的前 {shown} 条（下载含全部）",
        "download": "下载 Excel 台账", "reset": "清除筛选",
        "col_code": "隐患编号", "col_title": "隐患名称", "col_grade": "等级", "col_stage": "当前环节",
        "col_place": "所在位置", "col_found": "发现时间", "col_deadline": "整改期限", "col_overdue_days": "逾期天数",
        "col_unit": "责任单位", "col_person": "责任人", "col_listed": "挂牌督办",
        "yes": "是", "no": "否", "none": "—", "days": "{n} 天", "late_by": "（已逾期 {n} 天）",
        "pick_hazard": "点选表格中的一条隐患，查看其完整记录",
        "gone": "该隐患不在本校台账中",
        "facts": "隐患信息", "description": "隐患描述", "measures": "整改措施", "emergency": "应急措施",
        "recheck": "复查结果", "found_by": "发现人", "source": "隐患来源", "supervised_by": "督办单位",
        "closed_at": "销号时间", "steps": "闭环记录", "comments": "值班意见", "violations": "违规操作记录",
        "no_comments": "暂无值班意见", "no_violations": "无",
        "step_line": "{action}（{from_stage} → {to_stage}）",
        "violation_line": "试图“{action}”（当时环节：{stage}）被拒绝：{reason}",
        "nobody": "未记录",
        # Risk register
        "risks_title": "风险分级管控清单",
        "by_colour": "各等级风险点", "by_unit": "各单位风险点",
        "col_rp_code": "风险点编号", "col_rp_name": "风险点名称", "col_level": "风险等级", "col_score": "风险值",
        "col_building": "楼宇", "col_control": "管控层级", "col_reviewed": "上次复核", "col_due": "复核到期",
        "col_total": "合计", "no_unit": "未指定单位", "col_review_state": "状态", "risks_list": "风险点清单",
        "f_colour": "风险等级",
        "reviews_due": "年度复核到期（已逾期及 {days} 天内到期）",
        "review_overdue": "逾期 {n} 天", "review_due_in": "{n} 天后到期", "review_due_today": "今天到期",
        "no_reviews_due": "{days} 天内没有到期的年度复核",
        "list_count": "共 {total} 个风险点", "list_cut": "共 {total} 个风险点，显示风险最高的前 {shown} 个",
        "control_school": "校级", "control_unit": "院（处）级", "control_section": "科（室）级",
        "control_post": "岗位级",
    },
    "en": {
        "hazards_title": "Hazard ledger",
        "f_stage": "Stage", "f_grade": "Grade", "f_unit": "Responsible unit", "f_overdue": "Overdue",
        "f_building": "Building",
        "all": "All", "overdue_yes": "Overdue", "overdue_no": "Not overdue",
        "count": "{total} hazards", "count_cut": "{total} hazards; the grid shows the {shown} most urgent "
                                                "(the download has them all)",
        "download": "Download Excel ledger", "reset": "Clear filters",
        "col_code": "Code", "col_title": "Hazard", "col_grade": "Grade", "col_stage": "Stage",
        "col_place": "Place", "col_found": "Found", "col_deadline": "Deadline", "col_overdue_days": "Days overdue",
        "col_unit": "Responsible unit", "col_person": "Responsible person", "col_listed": "Listed supervision",
        "yes": "Yes", "no": "No", "none": "—", "days": "{n} d", "late_by": " ({n} d overdue)",
        "pick_hazard": "Tap a hazard in the grid to see its whole record",
        "gone": "This hazard is not in the school's ledger",
        "facts": "Hazard", "description": "Description", "measures": "Rectification measures",
        "emergency": "Emergency measures", "recheck": "Re-check result", "found_by": "Found by",
        "source": "Source", "supervised_by": "Supervised by", "closed_at": "Closed",
        "steps": "Closed-loop record", "comments": "Duty officers' comments", "violations": "Refused steps",
        "no_comments": "No comments", "no_violations": "None",
        "step_line": "{action} ({from_stage} → {to_stage})",
        "violation_line": "Tried to {action} (stage then: {stage}); refused: {reason}",
        "nobody": "not recorded",
        "risks_title": "Risk register",
        "by_colour": "Risk points by level", "by_unit": "Risk points by unit",
        "col_rp_code": "Code", "col_rp_name": "Risk point", "col_level": "Level", "col_score": "Score",
        "col_building": "Building", "col_control": "Control level", "col_reviewed": "Last review",
        "col_due": "Review due", "col_total": "Total", "no_unit": "No unit", "col_review_state": "Status",
        "risks_list": "Risk points",
        "f_colour": "Risk level",
        "reviews_due": "Annual reviews due (overdue or due within {days} days)",
        "review_overdue": "{n} d overdue", "review_due_in": "due in {n} d", "review_due_today": "due today",
        "no_reviews_due": "No annual review falls due within {days} days",
        "list_count": "{total} risk points", "list_cut": "{total} risk points; showing the {shown} highest",
        "control_school": "School", "control_unit": "Department", "control_section": "Section",
        "control_post": "Post",
    },
}


tx = text_lookup(TEXT)
