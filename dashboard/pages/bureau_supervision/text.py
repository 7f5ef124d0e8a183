"""The bureau's supervision page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "督办", "not_officer": "督办由区县、市或省级单位的领导或管理员进行；您的账号不属于这样的单位。",
        "summary": "各校督办情况", "school": "学校", "open": "未办结", "overdue": "逾期", "closed": "已办结",
        "new": "下发督办", "kind": "督办对象", "ref": "对象编号（隐患编号、报送编号或指标说明）",
        "hazard_pick": "或从该校未销号的隐患中选择（重大、逾期在前）", "overdue_mark": "逾期",
        "no_hazards": "该校没有未销号的隐患", "unreadable": "安全台账暂时无法访问；可直接填写隐患编号",
        "item_title": "标题（可选，空则用对象）", "instructions": "督办要求", "deadline": "办理期限（当日 24 时前）",
        "send_open": "下发", "act": "审核答复", "act_item": "督办事项", "act_note": "退回原因或办结意见",
        "send_return": "退回", "send_close": "办结", "list": "督办事项（按期限）", "pick": "请选择",
        "opened": "已下发：{title}", "already_open": "该对象已有未办结的督办：{title}", "returned": "已退回",
        "closed_done": "已办结", "already": "该事项已是此状态，无需重复操作", "not_allowed": "您没有此操作的权限",
        "refused": "未保存：{reason}", "failed": "安全台账暂时无法访问，未保存，请稍后重试",
        "bad_form": "表单内容无效，请刷新页面", "pick_item": "请先选择督办事项", "pick_date": "请选择办理期限",
    },
    "en": {
        "title": "Supervision",
        "not_officer": "Supervision is done by a leader or an admin of a district, city or province; your account "
                       "belongs to no such unit.",
        "summary": "Supervision by school", "school": "School", "open": "Not closed", "overdue": "Overdue",
        "closed": "Closed", "new": "Open a supervision item", "kind": "What is supervised",
        "ref": "Reference (hazard code, report id or the figure)",
        "hazard_pick": "Or pick one of the school's open hazards (major and overdue first)",
        "overdue_mark": "overdue", "no_hazards": "The school has no open hazard",
        "unreadable": "The safety ledger cannot be read now; type the hazard's code",
        "item_title": "Title (optional: the subject)",
        "instructions": "Instructions", "deadline": "Deadline (end of that day)", "send_open": "Open",
        "act": "Review an answer", "act_item": "Item", "act_note": "Reason to return, or a note to close",
        "send_return": "Return", "send_close": "Close", "list": "Items, by deadline", "pick": "Pick one",
        "opened": "Opened: {title}", "already_open": "An item on this is already open: {title}",
        "returned": "Returned", "closed_done": "Closed", "already": "The item is already so: nothing to do",
        "not_allowed": "You may not do this", "refused": "Not saved: {reason}",
        "failed": "The safety ledger cannot be reached: not saved; try again shortly",
        "bad_form": "The form is not valid: reload the page", "pick_item": "Pick an item first",
        "pick_date": "Pick the deadline",
    },
}

tb = text_lookup(TEXT)
