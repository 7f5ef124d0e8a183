"""The school's supervision page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "督办事项", "not_school": "督办答复由学校安全管理部门或管理员进行；您的账号不属于某所学校。",
        "answer": "答复督办", "item": "督办事项", "text": "已采取的措施和结果", "add_photo": "添加照片",
        "send": "提交答复", "list": "本校督办事项", "pick": "请选择", "nothing_to_answer": "目前没有待答复的督办事项",
        "uploading": "正在上传照片…", "uploaded": "已上传 {n} 张照片", "upload_failed": "照片上传失败：{reason}",
        "upload_offline": "网络不通，照片未上传，请稍后重试", "answered": "已提交答复",
        "already": "该事项已答复，等待上级审核",
        "not_allowed": "您没有此操作的权限", "refused": "未保存：{reason}",
        "failed": "安全台账暂时无法访问，未保存，请稍后重试", "bad_form": "表单内容无效，请刷新页面",
        "pick_item": "请先选择督办事项",
    },
    "en": {
        "title": "Supervision items",
        "not_school": "Supervision is answered by a school's safety office or admin; your account belongs to no "
                      "school.",
        "answer": "Answer an item", "item": "Item", "text": "Actions taken and their result", "add_photo": "Add photos",
        "send": "Send the answer", "list": "The school's items", "pick": "Pick one",
        "nothing_to_answer": "Nothing waits for an answer", "uploading": "Sending the photo…",
        "uploaded": "{n} photos sent", "upload_failed": "The photo was not sent: {reason}",
        "upload_offline": "No connection: the photo was not sent; try again shortly", "answered": "Answer sent",
        "already": "Already answered: it waits for the review", "not_allowed": "You may not do this",
        "refused": "Not saved: {reason}", "failed": "The safety ledger cannot be reached: not saved; try again shortly",
        "bad_form": "The form is not valid: reload the page", "pick_item": "Pick an item first",
    },
}

tsv = text_lookup(TEXT)
