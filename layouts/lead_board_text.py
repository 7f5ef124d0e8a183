"""The words of three leadership pages — special campaigns, assessment, the district league —
Simplified Chinese first, English with ?lang=en. The frame's words are in layouts/lead_text.py."""
from __future__ import annotations

import re

from layouts.i18n import Language, text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        # campaigns
        "campaigns_title": "专项治理",
        "failing_title": "不合格项（需督促整改）",
        "failing_none": "目前没有不合格的检查项",
        "failing_more": "另有 {n} 项未列出",
        "failing_rest": "其余 {n} 项 ▾",
        "col_campaign": "专项", "col_item": "检查项", "col_building": "楼宇", "col_checked_at": "检查时间",
        "col_checked_by": "检查人", "col_note": "说明",
        "whole_school": "全校",
        "phase_deploy": "动员部署", "phase_inspect": "排查整治", "phase_consolidate": "巩固提升",
        "state_upcoming": "未开始", "state_ended": "已结束",
        "phase_dates": "{start} 至 {end}",
        "progress": "进度 {checked}/{due}",
        "pass_rate": "合格率 {rate}",
        "passed": "合格 {n}", "failed": "不合格 {n}", "unchecked": "未检查 {n}",
        "result_pass": "合格", "result_fail": "不合格", "result_none": "未检查",
        "open_campaign": "查看各检查项",
        "loading": "正在读取…",
        "campaigns_none": "本校暂无专项治理任务",
        "days_ago": "{n} 天前",
        # assessment
        "assessment_title": "考核评分（百分制）",
        "year": "年度",
        "school_own": "全校",
        "col_rank": "排名", "col_unit": "单位", "col_score": "得分", "col_deducted": "扣分",
        "col_article": "条款", "col_reason": "扣分原因", "col_points": "扣分", "col_source": "来源",
        "source_computed": "台账自动计算", "source_entered": "督查录入",
        "article": "第{n}条",
        "no_deductions": "无扣分",
        "deductions_of": "{n} 项扣分",
        "units_none": "本校暂无校内单位",
        "past_year_note": "往年得分按该年末台账状态计算",
        "rules_note": "每个单位满分100分，按考核办法逐项扣分，可扣至负分；排名靠后者在前。",
        # district
        "district_title": "区域监管 · 学校排行",
        "district_only_several": "区域监管页面供负责多所学校的人员使用；您只负责一所学校。",
        "go_overview": "查看本校总览",
        "col_school": "学校", "col_major": "重大隐患（未销号）", "col_overdue": "超期隐患",
        "col_rate": "查改率", "col_alerts_today": "今日预警", "col_alerts_open": "未处置预警",
        "col_score_year": "考核得分",
        "district_sort_note": "默认按危险程度排序：重大隐患多者在前，其次超期隐患；点表头可按该列排序",
        "district_totals": "{n} 所学校 · 重大隐患 {major} · 超期 {overdue}",
        "no_parent": "未归属",
        "sorted_desc": "降序", "sorted_asc": "升序",
    },
    "en": {
        "campaigns_title": "Special campaigns",
        "failing_title": "Failing checks (to chase)",
        "failing_none": "No check is failing just now",
        "failing_more": "{n} more not listed",
        "failing_rest": "{n} more ▾",
        "col_campaign": "Campaign", "col_item": "Checklist item", "col_building": "Building",
        "col_checked_at": "Checked", "col_checked_by": "By", "col_note": "Note",
        "whole_school": "Whole school",
        "phase_deploy": "Deploy", "phase_inspect": "Inspect and fix", "phase_consolidate": "Consolidate",
        "state_upcoming": "Not started", "state_ended": "Ended",
        "phase_dates": "{start} to {end}",
        "progress": "Progress {checked}/{due}",
        "pass_rate": "Pass rate {rate}",
        "passed": "Pass {n}", "failed": "Fail {n}", "unchecked": "Not checked {n}",
        "result_pass": "Pass", "result_fail": "Fail", "result_none": "Not checked",
        "open_campaign": "Show each item",
        "loading": "Reading…",
        "campaigns_none": "No special campaign for this school",
        "days_ago": "{n} days ago",
        "assessment_title": "Assessment (100-point rules)",
        "year": "Year",
        "school_own": "Whole school",
        "col_rank": "Rank", "col_unit": "Unit", "col_score": "Score", "col_deducted": "Deducted",
        "col_article": "Article", "col_reason": "Reason", "col_points": "Points", "col_source": "Source",
        "source_computed": "From the ledger", "source_entered": "Entered by inspector",
        "article": "Art. {n}",
        "no_deductions": "No deductions",
        "deductions_of": "{n} deductions",
        "units_none": "This school has no units yet",
        "past_year_note": "Past years are scored on the ledger as it stood at the year's end",
        "rules_note": "Each unit starts at 100 and loses points per finding, down past zero; lowest first.",
        "district_title": "District · school league",
        "district_only_several": "The district view is for people over several schools; you read one school.",
        "go_overview": "Open your school's overview",
        "col_school": "School", "col_major": "Open major hazards", "col_overdue": "Overdue hazards",
        "col_rate": "Rectification rate", "col_alerts_today": "Alerts today", "col_alerts_open": "Open alerts",
        "col_score_year": "Assessment score",
        "district_sort_note": ("Most dangerous first: open major hazards, then overdue hazards; "
                               "tap a heading to sort by it"),
        "district_totals": "{n} schools · major hazards {major} · overdue {overdue}",
        "no_parent": "Unassigned",
        "sorted_desc": "descending", "sorted_asc": "ascending",
    },
}

# The articles of seed 001 attachment 2 in English (the Chinese titles are ledger/assessment_rules.toml's).
ARTICLE_EN = {
    5: "No working group led by the unit head", 6: "No rules for the dual prevention system",
    7: "A risk or hazard list missing", 8: "Damaged risk notice board not fixed in time",
    9: "No responsibility system or safety training", 10: "Head or post holders do not know their risks",
    11: "Post holders do not master their risks and measures", 12: "No training-effect check this term",
    13: "Annual risk review not done", 14: "Post holders not involved in identifying risks",
    15: "An obvious problem in hazard inspection", 16: "Hazard handling broke the closed loop",
    17: "Hazard not rectified on time or not reported", 18: "Major hazard without plan and emergency measures",
}
LIST_EN = {"风险点清单": "risk point list", "风险等级清单": "risk level list", "危险源清单": "hazard source list"}


tb = text_lookup(TEXT)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def points(value: float) -> str:
    """A score or a deduction as people write it: 85, 72.5."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


# The reasons ledger.scoring writes for the deductions it computes, and their English.
_COMPUTED_EN = (
    (re.compile(r"^缺少(.+)$"), lambda m: f"Missing {LIST_EN.get(m[1], m[1])}"),
    (re.compile(r"^(\d+)个风险点超过一年未复核$"),
     lambda m: f"{m[1]} risk point{'' if m[1] == '1' else 's'} not reviewed for over a year"),
    (re.compile(r"^(.+)违反闭环管理：(.+)$"), lambda m: f"{m[1]} broke the closed loop: {m[2].replace('、', ', ')}"),
    (re.compile(r"^重大隐患(.+)无整改方案或应急措施$"),
     lambda m: f"Major hazard {m[1]} without a plan or emergency measures"),
    (re.compile(r"^隐患(.+)未按期整改$"), lambda m: f"Hazard {m[1]} not rectified on time"),
    (re.compile(r"^检查发现的问题(.+)未及时上报$"), lambda m: f"Inspection finding {m[1]} not reported in time"),
    (re.compile(r"^(.+?)：(.*(?:排查整治阶段结束仍有检查项未检查|漏检\d+次))$"),
     lambda m: f"{m[1]}: " + "; ".join(_check_gap_en(part) for part in m[2].split("；"))),
)


def _check_gap_en(part: str) -> str:
    """One of art. 15's findings at a place (ledger.scoring.inspection_gaps) in English."""
    found = re.fullmatch(r"专项治理“(.+)”排查整治阶段结束仍有检查项未检查", part)
    if found:
        return f"campaign “{found[1]}” left checks undone when its inspect phase ended"
    found = re.fullmatch(r"漏检(\d+)次", part)
    if found:
        return f"{found[1]} inspection{'' if found[1] == '1' else 's'} missed"
    return part


def deduction_reason(lang: Language, reason: str, computed: bool) -> str:
    """The reason as the ledger wrote it; in English for the deductions the ledger computed (an
    inspector's own words stay as typed)."""
    if lang == "zh" or not computed:
        return reason
    for pattern, english in _COMPUTED_EN:
        found = pattern.match(reason)
        if found:
            return english(found)
    return reason
