"""The response card page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "cards": "处置卡清单", "form": "处置卡", "school": "学校", "pick": "选择已有处置卡（修改、停用）",
        "title": "标题（如 宿舍烟感报警处置）", "type": "报警类型（或一类报警，如“消防类全部”）",
        "type_any": "不限类型：作为领域默认卡", "domain": "领域（仅领域默认卡）",
        "place": "楼宇 / 区域（不选：全校适用）",
        "steps": "处置步骤（每行一步）", "contacts": "联系电话（每行“名称 电话”，如 保卫处值班室 0571-88881234）",
        "evacuation": "疏散说明（可多行）",
        "add": "新建处置卡", "save": "保存修改", "retire": "停用处置卡",
        "th_title": "标题", "th_for": "适用报警", "th_place": "地点", "th_steps": "步骤", "th_contacts": "电话",
        "th_by": "最后修改",
        "prefix": "{name}（全部）", "domain_default": "{domain}默认", "whole_school": "全校",
        "empty": "该校暂无处置卡", "no_school": "您的管理范围内没有学校",
        "added": "已新建：{title}", "saved": "已保存：{title}", "retired": "已停用：{title}",
        "pick_first": "请先选择处置卡", "school_first": "请先选择学校",
    },
    "en": {
        "cards": "Response cards", "form": "Card", "school": "School", "pick": "An existing card (edit, retire)",
        "title": "Title (e.g. Dormitory smoke alarm)", "type": "Alert type (or a family, such as “all fire”)",
        "type_any": "Any type: the domain's default card", "domain": "Domain (default cards only)",
        "place": "Building / zone (none: the whole school)",
        "steps": "Steps (one a line)", "contacts": "Phone numbers (a line each: name number)",
        "evacuation": "Evacuation notes",
        "add": "New card", "save": "Save changes", "retire": "Retire card",
        "th_title": "Title", "th_for": "For", "th_place": "Place", "th_steps": "Steps", "th_contacts": "Phones",
        "th_by": "Last changed by",
        "prefix": "{name} (all)", "domain_default": "{domain} default", "whole_school": "Whole school",
        "empty": "No response cards in this school yet", "no_school": "No school lies within what you manage",
        "added": "Created: {title}", "saved": "Saved: {title}", "retired": "Retired: {title}",
        "pick_first": "Pick a card first", "school_first": "Pick a school first",
    },
}

td = text_lookup(TEXT)
