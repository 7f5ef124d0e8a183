"""The on-call roster page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "school": "学校", "week": "周（任选一天）", "roster": "值班表", "form": "排班", "day": "日期", "shift": "班次",
        "level": "岗位", "person": "人员", "set": "设置", "substitute": "顶班（换班）", "clear": "清除",
        "level_0": "值班员", "level_1": "安全负责人", "level_2": "校领导",
        "th_day": "日期", "th_shift": "班次", "standing_in": "{name}（顶替{original}）",
        "weekdays": "周一,周二,周三,周四,周五,周六,周日",
        "hint": "设置：排定该班次该岗位的人员；顶班：他人顶替已排人员值班（原排班保留），选回原人员即取消顶班；"
                "清除：该岗位不再排人。",
        "import": "导入值班表",
        "import_hint": "Excel 表，列为：日期、班次（白班、夜班或全天）、值班员、安全负责人、校领导，"
                       "人员填用户名或姓名。整表核对无误才导入，空白单元格表示该岗位不排人。",
        "drop": "拖入或点击选择 .xlsx 文件", "template": "下载模板", "not_xlsx": "未导入：请上传 .xlsx 文件",
        "unreadable": "未导入：{reason}", "rejected": "未导入：表中有 {count} 处错误，请改正后重新上传",
        "imported": "已导入 {rows} 个班次：新排 {set} 人，更换 {replaced} 人，清除 {cleared} 人，未变 {unchanged} 人",
        "row": "行", "column": "列", "problem": "问题",
        "done_set": "已设置：{when} {level} {name}", "done_replaced": "已更换：{when} {level} 改为 {name}",
        "done_unchanged": "未改变：{when} {level} 已是 {name}",
        "done_substituted": "已顶班：{when} {level} 由 {name} 值班",
        "done_substitution_ended": "已取消顶班：{when} {level} 由 {name} 值班",
        "done_cleared": "已清除：{when} {level}", "done_nothing": "未改变：{when} {level} 本无排班",
        "pick_all": "请先选择日期、班次、岗位和人员", "pick_slot": "请先选择日期、班次和岗位",
        "no_school": "您的管理范围内没有学校",
    },
    "en": {
        "school": "School", "week": "Week (any day of it)", "roster": "On-call roster", "form": "Roster entry",
        "day": "Date", "shift": "Shift", "level": "Post", "person": "Person", "set": "Set",
        "substitute": "Substitute (swap)", "clear": "Clear",
        "level_0": "Duty officer", "level_1": "Head of security", "level_2": "School leadership",
        "th_day": "Date", "th_shift": "Shift", "standing_in": "{name} (for {original})",
        "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "hint": "Set: who holds the post in that shift. Substitute: someone takes the shift over (the original "
                "entry is kept); pick the original person to end the swap. Clear: nobody holds the post.",
        "import": "Import a roster", "import_hint": "An Excel sheet with the columns 日期 (date), 班次 (shift: 白班, "
                                                    "夜班 or 全天), 值班员, 安全负责人, 校领导, people by username or "
                                                    "name. Imported only when every row is right; an empty cell "
                                                    "leaves the post empty.",
        "drop": "Drop or pick an .xlsx file", "template": "Download a template",
        "not_xlsx": "Not imported: upload an .xlsx file", "unreadable": "Not imported: {reason}",
        "rejected": "Not imported: the sheet has {count} problems; correct them and upload again",
        "imported": "Imported {rows} shifts: {set} set, {replaced} replaced, {cleared} cleared, "
                    "{unchanged} unchanged",
        "row": "Row", "column": "Column", "problem": "Problem",
        "done_set": "Set: {when} {level} {name}", "done_replaced": "Replaced: {when} {level} is now {name}",
        "done_unchanged": "Unchanged: {when} {level} is already {name}",
        "done_substituted": "Substituted: {when} {level} is {name}",
        "done_substitution_ended": "Swap ended: {when} {level} is {name}",
        "done_cleared": "Cleared: {when} {level}", "done_nothing": "Unchanged: {when} {level} had nobody",
        "pick_all": "Pick a date, a shift, a post and a person first",
        "pick_slot": "Pick a date, a shift and a post first", "no_school": "No school lies within what you manage",
    },
}

to = text_lookup(TEXT)
