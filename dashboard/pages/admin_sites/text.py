"""The site administration page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "school": "学校", "campus": "校区", "plan": "校区平面图", "width": "平面图宽度（米，东西向）",
        "height": "平面图高度（米，南北向）", "x": "在学校总图中的位置：距西边（米）", "y": "距南边（米）",
        "upload": "拖入或点击选择平面图（PNG、JPG 或 SVG，不超过 1.4 MB）", "save_plan": "保存平面图",
        "draw": "绘制建筑轮廓", "draw_help": "在图上单击添加顶点，拖动顶点调整位置；至少 3 个点。",
        "undo": "撤销", "clear": "清除", "points": "已绘制 {n} 个点",
        "building": "建筑", "new_building": "（新建建筑）", "code": "编号（事件使用，创建后不可修改）",
        "name_zh": "中文名称", "name_en": "英文名称（可选）", "use": "用途", "floors": "层数",
        "unit": "责任单位", "save_building": "保存建筑", "retire": "停用建筑",
        "zones": "区域", "zone_code": "区域编号", "zone_name": "区域名称", "add_zone": "新增区域",
        "zone": "已有区域", "retire_zone": "停用区域",
        "zone_retired": "已停用区域：{name}", "pick_zone": "请选择区域",
        "geojson": "导入轮廓（GeoJSON，坐标为本校区平面图的米制坐标，按编号或名称匹配建筑）",
        "list": "本校区建筑", "empty": "本校区暂无建筑", "no_schools": "您管理的范围内没有学校",
        "no_campus": "请先在“组织机构”中为学校添加校区", "pick_school": "请选择学校和校区",
        "pick_building": "请选择建筑", "no_file": "请选择平面图文件，或只修改尺寸和位置",
        "plan_saved": "已保存平面图：{campus}", "building_saved": "已保存建筑：{name}",
        "retired": "已停用建筑：{name}", "zone_added": "已新增区域：{name}",
        "imported": "已导入 {n} 个建筑轮廓", "bad_upload": "未保存：文件无法读取",
        "too_large": "文件过大：平面图不超过 1.4 MB，请压缩或另存为较小的 PNG、JPG 或 SVG",
        "outline_points": "{n} 个轮廓点", "no_outline": "无轮廓",
        "use_teaching": "教学楼", "use_lab": "实验楼", "use_canteen": "食堂", "use_dormitory": "宿舍",
        "use_office": "办公楼", "use_library": "图书馆", "use_gym": "体育馆", "use_other": "其他",
    },
    "en": {
        "school": "School", "campus": "Campus", "plan": "Campus plan", "width": "Plan width (m, west–east)",
        "height": "Plan height (m, south–north)", "x": "Place in the school plan: metres from the west",
        "y": "metres from the south",
        "upload": "Drop or pick the plan image (PNG, JPG or SVG, at most 1.4 MB)", "save_plan": "Save the plan",
        "draw": "Draw a building outline", "draw_help": "Click the plan to add a point; drag a point to move it; "
                                                         "at least 3 points.",
        "undo": "Undo", "clear": "Clear", "points": "{n} points drawn",
        "building": "Building", "new_building": "(a new building)", "code": "Code (events carry it; fixed once made)",
        "name_zh": "Chinese name", "name_en": "English name (optional)", "use": "Use", "floors": "Floors",
        "unit": "Responsible unit", "save_building": "Save the building", "retire": "Retire the building",
        "zones": "Zones", "zone_code": "Zone code", "zone_name": "Zone name", "add_zone": "Add a zone",
        "zone": "Zones in use",
        "retire_zone": "Retire the zone", "zone_retired": "Zone retired: {name}", "pick_zone": "Pick a zone",
        "geojson": "Import outlines (GeoJSON in this campus plan's metres, matched by code or name)",
        "list": "Buildings on this campus", "empty": "No buildings on this campus yet",
        "no_schools": "No school lies in what you manage",
        "no_campus": "Add a campus to the school on the Organisation page first",
        "pick_school": "Pick a school and a campus", "pick_building": "Pick a building",
        "no_file": "Pick a plan image, or change only the size and place",
        "plan_saved": "Plan saved: {campus}", "building_saved": "Building saved: {name}",
        "retired": "Building retired: {name}", "zone_added": "Zone added: {name}",
        "imported": "{n} building outlines imported", "bad_upload": "Not saved: the file cannot be read",
        "too_large": "The file is too large: a plan image is at most 1.4 MB; save a smaller PNG, JPG or SVG",
        "outline_points": "{n} outline points", "no_outline": "no outline",
        "use_teaching": "Teaching", "use_lab": "Laboratory", "use_canteen": "Canteen",
        "use_dormitory": "Dormitory", "use_office": "Office", "use_library": "Library", "use_gym": "Gym",
        "use_other": "Other",
    },
}

to = text_lookup(TEXT)
