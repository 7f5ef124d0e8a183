"""The leadership pages' shared text (the frame: navigation, school picker, states), Simplified
Chinese first and English (?lang=en). Each page keeps its own words in its folder
(dashboard/pages/<page>/text.py), or in layouts/lead_ledger_text.py and layouts/lead_board_text.py
when pages share them; shared names (domains, severities, event types, hazard stages) stay in
layouts/i18n.py."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "brand": "校园安全 · 领导驾驶舱",
        "nav_overview": "总览",
        "nav_domain": "六大领域",
        "nav_hazards": "隐患台账",
        "nav_risks": "风险清单",
        "nav_campaigns": "专项治理",
        "nav_assessment": "考核评分",
        "nav_district": "区域监管",
        "nav_plans": "巡查计划",
        "nav_drills": "演练培训",
        "nav_reports": "报送", "nav_bureau_reports": "报送签收", "nav_bureau_supervision": "督办",
        "nav_bureau_notices": "通报", "nav_supervision": "督办事项", "nav_notices": "通报",
        "school": "学校",
        "language": "English",
        "sign_out": "退出登录",
        "password": "修改密码",
        "my_work": "我的待办",
        "as_of": "数据截至 {clock}",
        "no_school": "您没有可查看的学校：请联系管理员为您的账号分配学校",
        "unknown_school": "无法查看该学校：学校不存在或不在您的查看范围内",
        "ledger_down": "安全台账暂时无法访问，请稍后刷新重试",
        "read_only": "只读",
        "empty": "暂无数据",
        "role_leader": "领导", "role_duty": "值班员", "role_admin": "管理员", "role_safety": "安全办",
    },
    "en": {
        "brand": "Campus Safety · Leadership",
        "nav_overview": "Overview",
        "nav_domain": "Domains",
        "nav_hazards": "Hazards",
        "nav_risks": "Risk register",
        "nav_campaigns": "Campaigns",
        "nav_assessment": "Assessment",
        "nav_district": "District",
        "nav_plans": "Inspection plans",
        "nav_drills": "Drills",
        "nav_reports": "Reports", "nav_bureau_reports": "Reports received", "nav_bureau_supervision": "Supervision",
        "nav_bureau_notices": "Notices", "nav_supervision": "Supervision", "nav_notices": "Notices",
        "school": "School",
        "language": "中文",
        "sign_out": "Sign out",
        "password": "Password",
        "my_work": "My work",
        "as_of": "As of {clock}",
        "no_school": "No school to show: ask an administrator to give your account its schools",
        "unknown_school": "Cannot show this school: it does not exist or is not yours to read",
        "ledger_down": "The safety ledger cannot be reached just now; refresh in a moment",
        "read_only": "Read only",
        "empty": "Nothing to show",
        "role_leader": "Leader", "role_duty": "Duty officer", "role_admin": "Administrator",
        "role_safety": "Safety office",
    },
}


tl = text_lookup(TEXT)
