"""The inspection plans page's words, Simplified Chinese first and English (?lang=en). Frequency,
role and status names come from kernel/names.py, so every page says the same thing."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "巡查计划",
        "intro": "制定本校的日常巡查：检查什么、按哪份清单、多久一次、由谁检查。已开始执行的计划不能改频次或开始日期，"
                 "请停用后新建。",
        "new": "新建巡查计划", "editing": "修改巡查计划：{name}", "new_button": "新建计划",
        "name": "计划名称", "frequency": "频次", "target": "检查对象（风险点，或楼宇 / 区域）",
        "checklist": "检查清单", "assignee": "检查人（角色或个人）",
        "unit": "责任单位（漏检计入该单位；可不选：取风险点或楼宇的单位）",
        "starts": "开始日期（可不填：保存当天开始）", "save": "保存计划",
        "risk_point": "风险点", "building": "楼宇", "zone": "区域",
        "measures": "按风险点的管控措施（{n} 项）", "measures_any": "按风险点的管控措施",
        "campaign": "专项治理：{name}（{n} 项）", "role": "角色：{name}", "person": "{name}（{username}）",
        "items": "{n} 项",
        "list": "本校巡查计划", "with_retired": "显示已停用的计划", "without_retired": "只看在用的计划",
        "empty": "本校尚无巡查计划", "col_plan": "计划", "col_place": "检查对象", "col_checklist": "清单",
        "col_frequency": "频次 · 检查人", "col_who": "检查人", "col_month": "本月", "col_actions": "",
        "month": "按时 {done} · 迟检 {late} · 漏检 {missed}", "month_due": "，当前周期待检",
        "starts_on": "{date} 起", "retired_on": "{date} 停用", "edit": "修改", "retire": "停用",
        "retire_confirm": "停用计划“{name}”？停用后不再安排检查，已漏检的记录保留。",
        "saved": "已保存：{name}", "unchanged": "已保存：{name}（没有改动）", "retired": "已停用：{name}",
        "already_retired": "该计划已于 {date} 停用",
        "refused": "未保存：{reason}", "failed": "保存失败：安全台账暂时无法写入，请稍后重试",
        "not_allowed": "未保存：您的账号不能制定巡查计划",
        "bad_form": "未保存：请完整填写计划名称、频次、检查对象、检查清单和检查人",
        "bad_date": "未保存：开始日期应为 年-月-日",
        "school_not_yours": "未保存：该学校不在您的范围内",
    },
    "en": {
        "title": "Inspection plans",
        "intro": "Plan the school's routine inspections: what, by which checklist, how often and by whom. A plan that "
                 "has begun keeps its frequency and start: retire it and make a new one.",
        "new": "New inspection plan", "editing": "Edit the plan: {name}", "new_button": "New plan",
        "name": "Plan name", "frequency": "Frequency",
        "target": "What is inspected (a risk point, or a building / zone)",
        "checklist": "Checklist", "assignee": "Who inspects (a role or one person)",
        "unit": "Responsible unit (missed inspections count against it; default: the risk point's or building's)",
        "starts": "Starts on (default: the day it is saved)", "save": "Save plan",
        "risk_point": "Risk point", "building": "Building", "zone": "Zone",
        "measures": "The risk point's control measures ({n} items)",
        "measures_any": "The risk point's control measures",
        "campaign": "Campaign: {name} ({n} items)", "role": "Role: {name}", "person": "{name} ({username})",
        "items": "{n} items",
        "list": "The school's plans", "with_retired": "Show retired plans", "without_retired": "Plans in use only",
        "empty": "The school has no inspection plan yet", "col_plan": "Plan", "col_place": "Inspected",
        "col_checklist": "Checklist", "col_frequency": "How often · who", "col_who": "Who",
        "col_month": "This month", "col_actions": "",
        "month": "{done} on time · {late} late · {missed} missed", "month_due": "; the current period is due",
        "starts_on": "from {date}", "retired_on": "retired {date}", "edit": "Edit", "retire": "Retire",
        "retire_confirm": "Retire the plan \"{name}\"? No more inspections are planned; missed ones stay on record.",
        "saved": "Saved: {name}", "unchanged": "Saved: {name} (nothing changed)", "retired": "Retired: {name}",
        "already_retired": "The plan was retired on {date}",
        "refused": "Not saved: {reason}",
        "failed": "Not saved: the safety ledger cannot be written just now; try again",
        "not_allowed": "Not saved: your account may not plan inspections",
        "bad_form": "Not saved: fill in the plan's name, frequency, what is inspected, the checklist and who inspects",
        "bad_date": "Not saved: the start date is year-month-day",
        "school_not_yours": "Not saved: the school is not one of yours",
    },
}

tp = text_lookup(TEXT)
