"""The district map administration page's words, zh-CN first."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {"unit": "区域", "upload": "上传区域地图（PNG 或 JPG，至多 1.4 MB）", "school": "学校",
           "x": "横向位置（0 左 – 1 右）", "y": "纵向位置（0 上 – 1 下）", "place": "放到地图上", "off": "从地图移除",
           "no_map": "尚未上传地图：大屏按学校排列", "not_placed": "未放置", "saved_map": "地图已保存（{w} × {h}）",
           "placed": "{school} 已放置", "removed": "{school} 已移除", "bad_upload": "无法读取上传的文件",
           "pick_unit": "请先选择区域", "pick_school": "请先选择学校", "no_units": "您管理的范围内没有区县、市或省",
           "wall": "打开区域大屏", "intro": "区域大屏（/district）在这张地图上按坐标显示辖区各校。"},
    "en": {"unit": "Unit", "upload": "Upload the district map (PNG or JPG, at most 1.4 MB)", "school": "School",
           "x": "Across (0 left – 1 right)", "y": "Down (0 top – 1 bottom)", "place": "Put on the map",
           "off": "Take off the map", "no_map": "No map uploaded: the wall shows the schools in a grid",
           "not_placed": "not placed", "saved_map": "Map saved ({w} × {h})", "placed": "{school} placed",
           "removed": "{school} taken off", "bad_upload": "The uploaded file cannot be read",
           "pick_unit": "Pick a unit first", "pick_school": "Pick a school first",
           "no_units": "No district, city or province within what you manage", "wall": "Open the district wall",
           "intro": "The district wall (/district) shows the unit's schools on this map, where they are placed."},
}
tm = text_lookup(TEXT)
