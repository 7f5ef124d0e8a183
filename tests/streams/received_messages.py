"""Pictures of the messages the notifier's loopback receivers got (tests/streams/test_notifier.py), for
docs/notify.md: each channel's received text laid out as its app shows a plain text message — a group
robot's post, a mail, an SMS, a webhook's JSON. Made only when UPDATE_SCREENSHOTS=1: the text drawn is
exactly what arrived (the tests assert it), the frames around it are ours, not the vendors' apps."""
from __future__ import annotations

import html
import json
from pathlib import Path

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body {{ margin: 0; padding: 24px; background: #eef1f5; font: 15px/1.5 "Noto Sans CJK SC", sans-serif; }}
.grid {{ display: grid; grid-template-columns: repeat(3, 380px); gap: 20px; }}
.app {{ background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.15); overflow: hidden; }}
.bar {{ padding: 10px 14px; color: #fff; font-weight: 600; }}
.from {{ padding: 10px 14px 0; color: #667; font-size: 13px; }}
.bubble {{ margin: 6px 14px 14px; padding: 10px 12px; border-radius: 8px; background: #f3f5f8;
           white-space: pre-wrap; word-break: break-all; }}
pre.bubble {{ font: 12px/1.45 "DejaVu Sans Mono", monospace; }}
</style></head><body><div class="grid">{apps}</div></body></html>"""
APP = ('<section class="app" data-channel="{key}"><div class="bar" style="background:{colour}">{name}</div>'
       '<div class="from">{sender}</div><{tag} class="bubble">{text}</{tag}></section>')
LOOK = {  # channel: (what the reader sees it in, its bar colour, who it is from)
    "wecom": ("企业微信 · 安全值班群", "#2b7be4", "群机器人 · 校园安全指挥中心"),
    "dingtalk": ("钉钉 · 安全值班群", "#1677ff", "自定义机器人（加签）"),
    "feishu": ("飞书 · 安全值班群", "#3370ff", "自定义机器人（签名校验）"),
    "sms": ("短信 · 138****8000", "#2f9e44", "短信网关（模板：{phone} {text}）"),
    "email": ("邮件 · wang@school.example.cn", "#5f3dc4", "alarm@school.example.cn"),
    "webhook": ("学校自有系统 · Webhook", "#495057", "POST application/json · Idempotency-Key"),
}


def page(received: dict[str, str]) -> str:
    """The page: one frame per channel, the received text escaped (it is data, never markup)."""
    apps = []
    for key, text in received.items():
        name, colour, sender = LOOK[key]
        apps.append(APP.format(key=key, colour=colour, name=html.escape(name), sender=html.escape(sender),
                               tag="pre" if key == "webhook" else "div", text=html.escape(text)))
    return PAGE.format(apps="".join(apps))


def webhook_text(body: bytes) -> str:
    return json.dumps(json.loads(body), ensure_ascii=False, indent=1)


def save(received: dict[str, str], path: Path, chromium_args: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=chromium_args)
        try:
            tab = browser.new_page(viewport={"width": 1228, "height": 600}, device_scale_factor=1)
            tab.set_content(page(received))
            tab.locator(".grid").screenshot(path=str(path))
        finally:
            browser.close()
