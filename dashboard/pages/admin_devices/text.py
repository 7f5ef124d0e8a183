"""The device register page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "register": "设备清单", "form": "设备信息", "school": "学校", "pick": "选择已登记设备（修改、停用）",
        "source": "事件来源编号 source（与设备上报事件一致，登记后不可修改）", "name": "设备名称", "system": "所属系统",
        "place": "所在建筑 / 区域（事件未带建筑时按此定位）", "stream": "视频流或抓图地址（仅摄像机，rtsp/http/https）",
        "add": "登记设备", "save": "保存修改", "retire": "停用设备",
        "th_source": "来源编号", "th_name": "名称", "th_system": "系统", "th_place": "位置", "th_stream": "视频地址",
        "sys_fire": "智慧消防", "sys_video": "视频监控", "sys_perimeter": "周界防范", "sys_access": "门禁与人脸",
        "sys_broadcast": "应急广播", "sys_vehicle": "车辆管理", "sys_one_key": "一键报警",
        "empty": "该校暂无登记设备", "no_school": "您的管理范围内没有学校",
        "added": "已登记：{name}", "saved": "已保存：{name}", "retired": "已停用：{name}",
        "pick_first": "请先选择设备", "school_first": "请先选择学校",
    },
    "en": {
        "register": "Registered devices", "form": "Device", "school": "School",
        "pick": "A registered device (edit, retire)",
        "source": "Event source (as the device's events send it; fixed once registered)", "name": "Name",
        "system": "System", "place": "Building / zone (placing events that name none)",
        "stream": "Stream or snapshot address (cameras only: rtsp, http, https)",
        "add": "Register device", "save": "Save changes", "retire": "Retire device",
        "th_source": "Source", "th_name": "Name", "th_system": "System", "th_place": "Where", "th_stream": "Stream",
        "sys_fire": "Fire", "sys_video": "Video", "sys_perimeter": "Perimeter", "sys_access": "Access and faces",
        "sys_broadcast": "Broadcast", "sys_vehicle": "Vehicles", "sys_one_key": "One-key alarm",
        "empty": "No devices registered in this school yet", "no_school": "No school lies within what you manage",
        "added": "Registered: {name}", "saved": "Saved: {name}", "retired": "Retired: {name}",
        "pick_first": "Pick a device first", "school_first": "Pick a school first",
    },
}

td = text_lookup(TEXT)
