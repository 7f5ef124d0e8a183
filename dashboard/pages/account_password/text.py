"""The own-password page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "brand": "校园安全指挥中心", "title": "修改密码", "old": "当前密码", "new": "新密码（至少 10 个字符）",
        "again": "再次输入新密码", "save": "修改密码", "language": "English", "sign_out": "退出登录",
        "mismatch": "未修改：两次输入的新密码不一致", "done": "密码已修改。您在其他设备上的登录已结束。",
        "refused": "未修改：{reason}", "failed": "未修改：台账暂时无法写入，请稍后重试",
        "not_allowed": "未修改：请先登录", "hint": "修改后，您在其他电脑和手机上的登录会结束，当前页面保持登录。",
    },
    "en": {
        "brand": "Campus Safety Command Centre", "title": "Change your password", "old": "Current password",
        "new": "New password (at least 10 characters)", "again": "The new password again", "save": "Change password",
        "language": "中文", "sign_out": "Sign out",
        "mismatch": "Not changed: the two new passwords differ",
        "done": "Your password has been changed. Your sign-ins on other devices have ended.",
        "refused": "Not changed: {reason}",
        "failed": "Not changed: the ledger cannot be written now; try again shortly",
        "not_allowed": "Not changed: sign in first",
        "hint": "Your sign-ins on other computers and phones end; this one stays signed in.",
    },
}

tp = text_lookup(TEXT)
