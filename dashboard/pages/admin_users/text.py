"""The users page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "people": "人员", "username": "用户名", "display_name": "姓名", "role": "角色", "unit": "所属机构",
        "status": "状态", "last_login": "最近登录", "active": "正常", "disabled": "已停用", "never": "从未",
        "create": "新建账号", "create_button": "新建", "password": "初始密码（留空则自动生成）",
        "edit": "修改账号", "person": "人员", "save_button": "保存角色和机构", "disable_button": "停用账号",
        "reset_password": "新密码（留空则自动生成）", "reset_button": "重置密码",
        "whole_tree": "（全部机构）",
        "keep": "（不变）", "pick": "请选择人员",
        "created": "已新建账号：{username}", "generated": "初始密码（只显示这一次，请交给本人）：",
        "created_again": "已新建账号：{username}（提交了两次，只新建一个；自动生成的初始密码无法再显示，"
                         "请为其重置密码后交给本人）",
        "typed": "密码为您输入的密码。", "saved": "已保存：{username}（其已登录的会话已结束）",
        "disabled_done": "已停用：{username}", "enable_button": "重新启用",
        "enabled_done": "已重新启用：{username}（用原密码登录；停用前的会话不会恢复）",
        "reset_done": "已重置密码：{username}（其已登录的会话已结束）",
        "import": "从 Excel 批量新建", "import_hint": "列：用户名、姓名、角色（领导/值班员/管理员）、机构代码、"
        "初始密码（可留空，自动生成）。全部无误才会导入；有错时一个也不新建。",
        "drop": "拖入或点击选择 .xlsx 文件", "template": "下载模板",
        "imported": "已新建 {count} 个账号：结果表（含自动生成的初始密码，只提供这一次）已下载。",
        "rejected": "未导入：{count} 处错误，请修改后重新上传", "row": "行", "column": "列", "problem": "问题",
        "unreadable": "未导入：{reason}", "not_xlsx": "未导入：请上传 .xlsx 文件",
        "failures": "最近登录失败", "at": "时间", "address": "来源地址", "no_failures": "暂无登录失败记录",
        "more": "只显示前 {count} 人", "empty": "暂无人员",
        "contact": "通知联系方式", "addresses": "通知联系方式（短信、邮件通知发往这里）",
        "address_kind": "类型", "phone": "手机号", "email": "邮箱", "address_value": "新的手机号或邮箱",
        "address_save": "保存联系方式", "address_clear": "清除此类联系方式",
        "address_saved": "已保存 {username} 的{kind}", "address_cleared": "已清除 {username} 的{kind}",
        "address_same": "未改变：{username} 的{kind}已是如此", "address_empty": "请填写手机号或邮箱（清除请点“清除”）",
    },
    "en": {
        "people": "People", "username": "Username", "display_name": "Name", "role": "Role", "unit": "Unit",
        "status": "Status", "last_login": "Last sign-in", "active": "active", "disabled": "disabled",
        "never": "never",
        "create": "New account", "create_button": "Create", "password": "First password (blank: generated)",
        "edit": "Change an account", "person": "Person", "save_button": "Save role and unit",
        "disable_button": "Disable", "reset_password": "New password (blank: generated)",
        "reset_button": "Reset password",
        "whole_tree": "(the whole tree)", "keep": "(unchanged)", "pick": "Pick a person",
        "created": "Created: {username}", "generated": "First password (shown this once; hand it over):",
        "created_again": "Created: {username} (sent twice, made once; the generated first password cannot be "
                         "shown again: reset their password and hand that over)",
        "typed": "The password is the one you typed.", "saved": "Saved: {username} (their sessions ended)",
        "disabled_done": "Disabled: {username}", "enable_button": "Enable again",
        "enabled_done": "Enabled again: {username} (they sign in with their password; sessions from before "
        "stay ended)",
        "reset_done": "Password reset: {username} (their sessions ended)",
        "import": "Create many from Excel", "import_hint": "Columns: username, display name, role "
        "(leader/duty/admin), unit code, password (optional: generated). All or nothing: with any error "
        "nobody is created.",
        "drop": "Drop or pick an .xlsx file", "template": "Download the template",
        "imported": "Created {count} accounts: the result sheet (with the generated first passwords, given "
        "this once) has been downloaded.",
        "rejected": "Not imported: {count} problems; fix them and upload again", "row": "Row", "column": "Column",
        "problem": "Problem", "unreadable": "Not imported: {reason}", "not_xlsx": "Not imported: upload an .xlsx file",
        "failures": "Recent failed sign-ins", "at": "When", "address": "From", "no_failures": "No failed sign-ins",
        "more": "Only the first {count} are shown", "empty": "No people yet",
        "contact": "Notification contacts", "addresses": "Notification contacts (where SMS and e-mail go)",
        "address_kind": "Kind", "phone": "mobile", "email": "e-mail", "address_value": "New mobile number or e-mail",
        "address_save": "Save contact", "address_clear": "Remove this kind",
        "address_saved": "Saved the {kind} of {username}", "address_cleared": "Removed the {kind} of {username}",
        "address_same": "Unchanged: the {kind} of {username} already is so",
        "address_empty": "Type a mobile number or an e-mail (to remove one, use Remove)",
    },
}

tu = text_lookup(TEXT)
