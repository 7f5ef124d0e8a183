"""The bureau's notices page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "通报", "not_officer": "通报由区县、市或省级单位的领导或管理员发布；您的账号不属于这样的单位。",
        "new": "发布通报", "notice_title": "标题", "body": "正文", "schools": "发送学校（不选则发送全部学校）",
        "publish": "发布", "list": "已发布的通报", "read_count": "已阅 {read}/{total}", "unread": "未阅",
        "read_by": "{at} {who} 已阅", "published": "已发布：{title}（{n} 所学校）",
        "already": "该通报已发布，未重复发布", "none": "暂无通报", "not_allowed": "您没有此操作的权限",
        "refused": "未发布：{reason}", "failed": "安全台账暂时无法访问，未发布，请稍后重试",
        "bad_form": "表单内容无效，请刷新页面", "by": "{at} · {who}",
    },
    "en": {
        "title": "Notices",
        "not_officer": "Notices are published by a leader or an admin of a district, city or province; your account "
                       "belongs to no such unit.",
        "new": "Publish a notice", "notice_title": "Title", "body": "Text",
        "schools": "Schools (none ticked: every school)", "publish": "Publish", "list": "Notices published",
        "read_count": "Read {read}/{total}", "unread": "Not read", "read_by": "Read {at} by {who}",
        "published": "Published: {title} ({n} schools)", "already": "Already published: not sent twice",
        "none": "No notices yet", "not_allowed": "You may not do this", "refused": "Not published: {reason}",
        "failed": "The safety ledger cannot be reached: not published; try again shortly",
        "bad_form": "The form is not valid: reload the page", "by": "{at} · {who}",
    },
}

tn = text_lookup(TEXT)
