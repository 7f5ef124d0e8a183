"""The rules page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title_alert_rules": "报警规则", "title_alert_deadlines": "确认时限与升级",
        "about_alert_rules": ("哪些事件产生报警、报警级别（TOML 格式，每条 [[rule]]：type、severity，"
                              "可选 field 与 at_least 或 in）。"),
        "about_alert_deadlines": "各级报警须在多少秒内确认，超时升级；大屏闪烁时长；最高升级级别（TOML 格式）。",
        "check": "检查", "save": "保存并生效",
        "file": "当前使用：系统默认配置（未修改过）",
        "version": "当前使用：第 {version} 版，{who} 于 {at} 保存",
        "valid_alert_rules": "检查通过：共 {n} 类事件有报警规则（尚未保存）",
        "valid_alert_deadlines": "检查通过（尚未保存）",
        "saved": "已保存为第 {version} 版：各进程将在数秒内开始使用",
        "unchanged": "未保存：内容与正在使用的版本相同",
        "read_only": "报警规则和确认时限对所有学校生效，只有全部机构的管理员可以修改；您可以查看。",
        "note": "保存前会用各进程相同的解析器检查；有误的规则不会保存，也不会部分生效。每次保存都记入审计日志。",
        "race": "未保存：其他管理员刚刚保存了新版本，请刷新页面后重试",
    },
    "en": {
        "title_alert_rules": "Alert rules", "title_alert_deadlines": "Acknowledgement deadlines and escalation",
        "about_alert_rules": "Which events raise an alert, at which severity (TOML: each [[rule]] has type, severity, "
                             "and optionally field with at_least or in).",
        "about_alert_deadlines": "How many seconds each severity may wait for acknowledgement before it is "
                                 "escalated; how long the wall flashes; the highest escalation level (TOML).",
        "check": "Check", "save": "Save and apply",
        "file": "In use: the shipped defaults (never edited)",
        "version": "In use: version {version}, saved by {who} at {at}",
        "valid_alert_rules": "Valid: {n} event types have alert rules (not saved yet)",
        "valid_alert_deadlines": "Valid (not saved yet)",
        "saved": "Saved as version {version}: every process uses it within seconds",
        "unchanged": "Not saved: the text is the version in use",
        "read_only": "Alert rules and deadlines apply to every school: only an administrator over every unit may "
                     "change them; you may read them.",
        "note": "A text is checked by the same parser every process uses before it is saved; a bad rule is refused "
                "whole, never half applied. Every save is in the audit log.",
        "race": "Not saved: another administrator saved a version just now; reload the page and try again",
    },
}

tr = text_lookup(TEXT)
