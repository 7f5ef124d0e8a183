"""The phone pages' shared text (the frame, tabs, states), Simplified Chinese first and English
(?lang=en). Each phone page keeps its own words in its folder (dashboard/pages/phone_*/text.py)."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "brand": "校园安全",
        "nav_work": "我的待办",
        "nav_report": "随手拍",
        "nav_inspections": "巡查",
        "language": "EN",
        "sign_out": "退出",
        "ledger_down": "安全台账暂时无法访问，请稍后刷新重试",
        "not_person": "请使用个人账号登录后操作",
        "not_allowed": "您的角色不能使用此页面",
        "not_found": "未找到，或不在您的范围内",
        "saved": "已保存",
        "refused": "未保存：{reason}",
        "failed": "未保存：台账暂时无法写入，请稍后重试",
        "sending": "正在发送…",
    },
    "en": {
        "brand": "Campus Safety",
        "nav_work": "My work",
        "nav_report": "Report",
        "nav_inspections": "Inspect",
        "language": "中文",
        "sign_out": "Sign out",
        "ledger_down": "The safety ledger cannot be reached; refresh in a moment",
        "not_person": "Sign in with your own account to do this",
        "not_allowed": "Your role does not use this page",
        "not_found": "Not found, or outside your scope",
        "saved": "Saved",
        "refused": "Not saved: {reason}",
        "failed": "Not saved: the ledger cannot be written now; try again shortly",
        "sending": "Sending…",
    },
}

tp = text_lookup(TEXT)
