"""The drills and trainings page's words, Simplified Chinese first and English (?lang=en)."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "演练与培训",
        "intro": "记录本校举行的应急演练和安全教育培训。考核第九条（每年的安全教育培训）和第十二条（每学期的演练，"
                 "检测培训效果）由这些记录自动计算。",
        "new": "记录演练或培训", "editing": "更正记录：{name}", "new_button": "新记录",
        "name": "标题", "kind": "类别", "drill": "应急演练", "training": "安全教育培训", "held_on": "举行日期",
        "unit": "单位（不选：全校）", "count": "参加人数", "names": "参加人员（每行一个，可不填）",
        "plan": "演练的预案（或处置卡类型）", "notes": "备注", "save": "保存",
        "reason": "撤销原因", "withdraw": "撤销此记录",
        "list": "{year}年的记录", "counts": "应急演练 {drill} 次 · 安全教育培训 {training} 次",
        "empty": "本年度尚无记录", "col_when": "日期", "col_what": "演练 / 培训", "col_who": "参加",
        "col_by": "记录人", "col_actions": "", "whole_school": "全校", "people": "{n} 人", "edit": "更正",
        "saved": "已保存：{name}", "unchanged": "已保存：{name}（没有改动）", "withdrawn": "已撤销：{name}",
        "already_withdrawn": "该记录已撤销", "pick_first": "请先在列表中点“更正”选择要撤销的记录",
        "refused": "未保存：{reason}", "failed": "保存失败：安全台账暂时无法写入，请稍后重试",
        "not_allowed": "未保存：您的账号不能记录演练和培训",
        "school_not_yours": "未保存：该学校不在您的范围内", "bad_form": "未保存：请检查填写的内容",
    },
    "en": {
        "title": "Drills and trainings",
        "intro": "Record the school's emergency drills and safety trainings. The assessment's art. 9 (a safety "
                 "training each year) and art. 12 (a drill each term, checking the training's effect) are computed "
                 "from them.",
        "new": "Record a drill or training", "editing": "Correct the record: {name}", "new_button": "New record",
        "name": "Title", "kind": "Kind", "drill": "Drill", "training": "Training", "held_on": "Held on",
        "unit": "Unit (none: the whole school)", "count": "Participants", "names": "Who took part (one a line)",
        "plan": "Plan exercised (or response card type)", "notes": "Notes", "save": "Save",
        "reason": "Why it is withdrawn", "withdraw": "Withdraw this record",
        "list": "Records of {year}", "counts": "{drill} drills · {training} trainings",
        "empty": "No record this year yet", "col_when": "Date", "col_what": "Drill / training",
        "col_who": "Took part",
        "col_by": "Recorded by", "col_actions": "", "whole_school": "whole school",
        "people": "{n} people",
        "edit": "Correct",
        "saved": "Saved: {name}", "unchanged": "Saved: {name} (nothing changed)", "withdrawn": "Withdrawn: {name}",
        "already_withdrawn": "The record was withdrawn already",
        "pick_first": "Choose the record to withdraw first (its Correct button)",
        "refused": "Not saved: {reason}",
        "failed": "Not saved: the safety ledger cannot be written just now; try again",
        "not_allowed": "Not saved: your account may not record drills and trainings",
        "school_not_yours": "Not saved: the school is not one of yours", "bad_form": "Not saved: check the form",
    },
}

tr = text_lookup(TEXT)
