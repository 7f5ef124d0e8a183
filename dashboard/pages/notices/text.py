"""The school's notices page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "通报", "not_school": "通报发给学校；您的账号不属于某所学校。", "none": "暂无通报",
        "from": "{sender} · {at}", "confirm": "已阅", "read_by": "{at} {who} 已阅", "unread": "未阅",
        "confirmed": "已确认已阅", "already": "本校已确认已阅（{who}）", "not_allowed": "您没有此操作的权限",
        "refused": "未保存：{reason}", "failed": "安全台账暂时无法访问，未保存，请稍后重试",
    },
    "en": {
        "title": "Notices", "not_school": "Notices go to schools; your account belongs to no school.",
        "none": "No notices", "from": "{sender} · {at}", "confirm": "Confirm read", "read_by": "Read {at} by {who}",
        "unread": "Not read", "confirmed": "Confirmed as read", "already": "The school has confirmed it ({who})",
        "not_allowed": "You may not do this", "refused": "Not saved: {reason}",
        "failed": "The safety ledger cannot be reached: not saved; try again shortly",
    },
}

tns = text_lookup(TEXT)
