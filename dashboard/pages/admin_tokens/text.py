"""The wall tokens page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "tokens": "大屏令牌", "label": "用途（如：东门大屏）", "school": "学校或区域", "created": "创建时间",
        "last_used": "最近使用", "revoked": "已吊销", "state": "状态", "active": "有效", "never": "从未",
        "create": "新建大屏令牌", "create_button": "新建", "manage": "吊销或轮换", "token": "令牌",
        "revoke_button": "吊销", "rotate_button": "轮换（吊销并新建）", "pick": "请选择令牌",
        "pick_school": "请选择学校或区域", "issued": "新令牌：{label}（{school}）",
        "once": "大屏地址只显示这一次：复制到大屏浏览器，或用手机扫描二维码。关闭后无法再次查看，只能轮换。",
        "wall_url": "大屏地址", "qr": "大屏地址二维码", "revoked_done": "已吊销：{label}",
        "empty": "暂无大屏令牌", "every_school": "（全部学校）", "unit_wall": "区域大屏",
    },
    "en": {
        "tokens": "Wall tokens", "label": "Where it is used (e.g. east gate wall)", "school": "School or area",
        "created": "Created", "last_used": "Last used", "revoked": "revoked", "state": "State",
        "active": "active", "never": "never",
        "create": "New wall token", "create_button": "Create", "manage": "Revoke or rotate", "token": "Token",
        "revoke_button": "Revoke", "rotate_button": "Rotate (revoke and create anew)", "pick": "Pick a token",
        "pick_school": "Pick a school or an area", "issued": "New token: {label} ({school})",
        "once": "The wall's address is shown this once: copy it into the wall's browser, or scan the QR code. "
        "Once closed it cannot be seen again, only rotated.",
        "wall_url": "Wall address", "qr": "QR code of the wall address", "revoked_done": "Revoked: {label}",
        "empty": "No wall tokens yet", "every_school": "(every school)", "unit_wall": "Area wall",
    },
}

tt = text_lookup(TEXT)
