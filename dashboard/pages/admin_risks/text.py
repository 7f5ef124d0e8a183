"""The risk-point register page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "register": "风险点清单", "form": "风险点信息", "school": "学校",
        "pick": "选择已有风险点（修改、撤销、打印告知卡）",
        "code": "编号（创建后不可修改）", "name": "风险点名称", "method": "评价方法",
        "l_lec": "L 可能性（0.1 0.2 0.5 1 3 6 10）", "e": "E 暴露频繁程度（0.5 1 2 3 6 10）",
        "c": "C 后果（1 3 7 15 40 100）", "l_ls": "L 可能性（1–5）", "s": "S 严重性（1–5）",
        "grade": "风险等级（自动计算）", "grade_none": "输入各项系数后自动计算等级",
        "score_lec": "D = {score}", "score_ls": "R = {score}",
        "control_level": "管控层级", "measures": "管控措施", "unit": "责任单位", "person": "责任人",
        "place": "所在建筑 / 区域", "category": "类别", "reviewed": "年度评审日期",
        "add": "新增风险点", "save": "保存修改", "retire": "撤销风险点", "card": "风险告知卡（打印 / 保存为 PDF）",
        "level_major": "重大风险", "level_high": "较大风险", "level_moderate": "一般风险", "level_low": "低风险",
        "colour_red": "红", "colour_orange": "橙", "colour_yellow": "黄", "colour_blue": "蓝",
        "cl_school": "校级", "cl_unit": "院（处）级", "cl_section": "科（室）级", "cl_post": "岗位级",
        "th_code": "编号", "th_name": "名称", "th_grade": "等级", "th_place": "位置", "th_unit": "责任单位",
        "th_person": "责任人", "th_reviewed": "评审日期",
        "empty": "该校暂无风险点", "no_school": "您的管理范围内没有学校",
        "added": "已新增风险点：{name}（{level}）", "saved": "已保存：{name}（{level}）", "retired": "已撤销：{name}",
        "pick_first": "请先选择风险点", "school_first": "请先选择学校",
    },
    "en": {
        "register": "Risk points", "form": "Risk point", "school": "School",
        "pick": "An existing risk point (edit, retire, print its card)",
        "code": "Code (fixed once made)", "name": "Name", "method": "Method",
        "l_lec": "L likelihood (0.1 0.2 0.5 1 3 6 10)", "e": "E exposure (0.5 1 2 3 6 10)",
        "c": "C consequence (1 3 7 15 40 100)", "l_ls": "L likelihood (1–5)", "s": "S severity (1–5)",
        "grade": "Risk level (computed)", "grade_none": "The level is computed as you enter the factors",
        "score_lec": "D = {score}", "score_ls": "R = {score}",
        "control_level": "Control level", "measures": "Control measures", "unit": "Responsible unit",
        "person": "Responsible person", "place": "Building / zone", "category": "Category",
        "reviewed": "Annual review date",
        "add": "Add risk point", "save": "Save changes", "retire": "Retire risk point",
        "card": "Notice card (print / save as PDF)",
        "level_major": "Major", "level_high": "High", "level_moderate": "Moderate", "level_low": "Low",
        "colour_red": "red", "colour_orange": "orange", "colour_yellow": "yellow", "colour_blue": "blue",
        "cl_school": "School", "cl_unit": "Department", "cl_section": "Section", "cl_post": "Post",
        "th_code": "Code", "th_name": "Name", "th_grade": "Level", "th_place": "Where", "th_unit": "Unit",
        "th_person": "Person", "th_reviewed": "Reviewed",
        "empty": "No risk points in this school yet", "no_school": "No school lies within what you manage",
        "added": "Added: {name} ({level})", "saved": "Saved: {name} ({level})", "retired": "Retired: {name}",
        "pick_first": "Pick a risk point first", "school_first": "Pick a school first",
    },
}

tr = text_lookup(TEXT)
