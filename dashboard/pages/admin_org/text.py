"""The organisation page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "组织机构", "tree": "机构树", "add": "新增机构", "edit": "修改名称",
        "parent": "上级机构", "kind": "类型", "code": "代码（事件和网址使用，创建后不可修改）",
        "name_zh": "中文名称", "name_en": "英文名称（可选）", "school_type": "学校类型（仅学校）",
        "unit": "机构",
        "move_to": "移至上级机构（可选）", "add_button": "新增", "save_button": "保存", "top_level": "（顶级）",
        "kind_province": "省", "kind_city": "市", "kind_district": "区县", "kind_school": "学校",
        "kind_campus": "校区", "kind_unit": "校内单位",
        "type_university": "高校", "type_vocational": "职业院校", "type_middle": "中学", "type_primary": "小学",
        "type_kindergarten": "幼儿园", "type_special": "特殊教育学校",
        "added": "已新增：{name}", "renamed": "已保存：{name}", "pick": "请选择机构", "empty": "暂无机构",
        "unregistered": "未登记",
        "unregistered_hint": "该学校由其上报的事件自动登记，名称即代码：请修改名称并设置学校类型",
    },
    "en": {
        "title": "Organisation", "tree": "The tree", "add": "Add a unit", "edit": "Rename",
        "parent": "Under", "kind": "Kind", "code": "Code (used by events and addresses; fixed once made)",
        "name_zh": "Chinese name", "name_en": "English name (optional)", "school_type": "School type (schools only)",
        "unit": "Unit",
        "move_to": "Move under (optional)", "add_button": "Add", "save_button": "Save", "top_level": "(top level)",
        "kind_province": "Province", "kind_city": "City", "kind_district": "District", "kind_school": "School",
        "kind_campus": "Campus", "kind_unit": "Department",
        "type_university": "University", "type_vocational": "Vocational", "type_middle": "Middle school",
        "type_primary": "Primary school", "type_kindergarten": "Kindergarten", "type_special": "Special education",
        "added": "Added: {name}", "renamed": "Saved: {name}", "pick": "Pick a unit", "empty": "No units yet",
        "unregistered": "unregistered", "unregistered_hint": "Registered from its events, named by its code: "
                                                             "give it a name and a school type",
    },
}

to = text_lookup(TEXT)
