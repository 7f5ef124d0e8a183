"""The administration pages' shared text (the frame, navigation, states), Simplified Chinese first
and English (?lang=en). Each admin page keeps its own words in its folder (dashboard/pages/admin_*/text.py)."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "brand": "校园安全 · 系统管理",
        "nav_org": "组织机构",
        "nav_audit": "审计日志",
        "nav_rules": "报警规则",
        "nav_sites": "校区与建筑",
        "nav_district_map": "区域地图",
        "nav_risks": "风险点", "nav_devices": "设备登记", "nav_cards": "处置卡", "nav_oncall": "值班表",
        "nav_imports": "批量导入",
        "nav_campaigns": "专项治理",
        "nav_users": "人员账号",
        "nav_tokens": "大屏令牌",
        "nav_notify": "通知渠道",
        "language": "English",
        "sign_out": "退出登录",
        "password": "修改密码",
        "scope_all": "全部机构",
        "scope": "管理范围：{unit}",
        "ledger_down": "安全台账暂时无法访问，请稍后刷新重试",
        "role_admin": "管理员",
        "saved": "已保存",
        "refused": "未保存：{reason}",
        "failed": "未保存：台账暂时无法写入，请稍后重试",
        "not_allowed": "未保存：您没有此操作的权限",
        "no_unit": "您的账号没有所属机构（只列有学校），不能在这里管理：请全局管理员为您指定机构",
    },
    "en": {
        "brand": "Campus Safety · Administration",
        "nav_org": "Organisation",
        "nav_audit": "Audit log",
        "nav_rules": "Alert rules",
        "nav_sites": "Sites and buildings",
        "nav_district_map": "District map",
        "nav_risks": "Risk points", "nav_devices": "Devices", "nav_cards": "Response cards", "nav_oncall": "On call",
        "nav_imports": "Imports",
        "nav_campaigns": "Campaigns",
        "nav_users": "People",
        "nav_tokens": "Wall tokens",
        "nav_notify": "Notification channels",
        "language": "中文",
        "sign_out": "Sign out",
        "password": "Password",
        "scope_all": "every unit",
        "scope": "Managing: {unit}",
        "ledger_down": "The safety ledger cannot be reached; refresh in a moment",
        "role_admin": "administrator",
        "saved": "Saved",
        "refused": "Not saved: {reason}",
        "failed": "Not saved: the ledger cannot be written now; try again shortly",
        "not_allowed": "Not saved: you may not do this",
        "no_unit": "Your account has no unit (only a list of schools), so it manages nothing here: "
                   "ask an administrator of the whole tree to give you a unit",
    },
}

ta = text_lookup(TEXT)
