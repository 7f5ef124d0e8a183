"""The campaigns page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "list": "专项治理", "form": "新建或修改专项治理", "import": "导入专项治理文件",
        "pick": "修改已有专项（不选则新建）", "code": "代码（检查事件使用，创建后不可修改）", "name": "名称",
        "name_en": "英文名称（可选，英文页面显示；空则显示中文）",
        "items_en": "检查项英文（可选，第 n 行是第 n 项的英文；空行则该项显示中文）",
        "types": "适用学校类型（不选则全部类型）", "building_kinds": "检查的建筑类型（逗号分隔，空则全部建筑）",
        "source": "依据文件（可选）", "items": "检查项（每行一项）", "phase_deploy": "动员部署",
        "phase_inspect": "排查整治", "phase_consolidate": "巩固提升", "starts": "开始", "ends": "结束",
        "save": "保存", "upload": "拖入或点击选择 .toml 文件", "every_type": "全部类型", "every_school": "全部学校",
        "owner": "制定单位", "items_count": "{n} 项检查", "read_only": "上级制定，只读", "empty": "暂无专项治理",
        "created": "已新建：{name}", "updated": "已保存：{name}", "imported": "已导入：{name}",
        "not_toml": "请上传 .toml 文件", "no_phase": "未设阶段",
        "type_university": "高校", "type_vocational": "职业院校", "type_middle": "中学", "type_primary": "小学",
        "type_kindergarten": "幼儿园", "type_special": "特殊教育学校",
        "hint": "区县管理员制定的专项只适用于本区县的学校；学校按类型看到适用的专项，尚未设置类型的学校看到全部专项。",
    },
    "en": {
        "list": "Special campaigns", "form": "Make or edit a campaign", "import": "Import a campaign file",
        "pick": "Edit a campaign (none: a new one)", "code": "Code (used by inspection events; fixed once made)",
        "name": "Name", "name_en": "English name (optional, shown on English pages; empty: the Chinese)",
        "items_en": "Items in English (optional; line n is the English of item n; a blank line: the Chinese)",
        "types": "Types of school (none: every type)",
        "building_kinds": "Kinds of building checked (comma separated; empty: every building)",
        "source": "Source document (optional)", "items": "Checklist items (one a line)",
        "phase_deploy": "Deploy", "phase_inspect": "Inspect", "phase_consolidate": "Consolidate",
        "starts": "Starts", "ends": "Ends", "save": "Save", "upload": "Drop or pick a .toml file",
        "every_type": "every type", "every_school": "every school", "owner": "Made by",
        "items_count": "{n} checks", "read_only": "made above: read only", "empty": "No campaigns yet",
        "created": "Created: {name}", "updated": "Saved: {name}", "imported": "Imported: {name}",
        "not_toml": "Upload a .toml file", "no_phase": "no phases",
        "type_university": "University", "type_vocational": "Vocational", "type_middle": "Middle school",
        "type_primary": "Primary school", "type_kindergarten": "Kindergarten", "type_special": "Special education",
        "hint": "A campaign a district makes applies to the district's schools only; a school sees the campaigns "
                "of its type, and every campaign while its type is not set.",
    },
}

tc = text_lookup(TEXT)
