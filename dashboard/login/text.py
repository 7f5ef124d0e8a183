"""The sign-in page's texts, Simplified Chinese first (the default) and English (?lang=en)."""
from __future__ import annotations

LOGIN_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "登录 · 校园安全指挥中心",
        "heading": "校园安全指挥中心",
        "username": "用户名",
        "password": "密码",
        "submit": "登录",
        "other_language": "English",
        "failed": "用户名或密码不正确：{username}",
        "limited": "登录失败次数过多，请 {minutes} 分钟后再试。",
        "expired": "页面已过期，请重新输入并登录。",
        "unavailable": "暂时无法登录：安全台账数据库无法访问，请稍后再试。",
        "signed_out": "已退出登录。",
        "wall_hint": "大屏请使用带令牌的地址打开。",
        # COOKIE_SECURE=on and the page reached over plain http: the browser keeps no cookie.
        "needs_https": "无法在此地址登录：本页是经 http:// 打开的，而系统设定登录 Cookie 只经 HTTPS 传送"
                       "（COOKIE_SECURE=on），浏览器不会保存它。请改用 https:// 地址打开：{address}。"
                       "若只是在纯 http 上试用，管理员可设置 COOKIE_SECURE=off。",
    },
    "en": {
        "title": "Sign in · Campus Safety Command Centre",
        "heading": "Campus Safety Command Centre",
        "username": "Username",
        "password": "Password",
        "submit": "Sign in",
        "other_language": "中文",
        "failed": "Wrong username or password: {username}",
        "limited": "Too many failed sign-ins; try again in {minutes} minutes.",
        "expired": "The page had expired; enter your details and sign in again.",
        "unavailable": "Signing in is not possible now: the safety ledger cannot be reached. Try again shortly.",
        "signed_out": "You have signed out.",
        "wall_hint": "Walls open their address with its token.",
        "needs_https": "Signing in cannot work at this address: this page was opened over plain http://, "
                       "but the sign-in cookie is sent over HTTPS only (COOKIE_SECURE=on), so the browser "
                       "does not keep it. Open the https:// address instead: {address}. For a trial on "
                       "plain http, an administrator can set COOKIE_SECURE=off.",
    },
}
