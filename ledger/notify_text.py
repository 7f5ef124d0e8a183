"""The words of a notification (issue 16): zh-CN, short, ours whatever the channel.

Pure: no database, no clock, no network. `alert_message` is what the escalation ladder and reminders
put in the outbox; `grouped_texts` is what the sender sends instead when more messages are due for one
channel than its rate allows: every alert named, one line each, split into as few messages as fit
the channel's size limit.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

SEVERITY_ZH = {"critical": "特别严重", "high": "严重", "medium": "较重", "low": "一般", "info": "提示"}
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
# What each channel accepts in one text message, in UTF-8 bytes, with room left for the header line:
# WeCom's robot 2,048 bytes (text), DingTalk's 20,000, Feishu's 20 KB request, an SMS a few
# hundred characters (longer ones are split and billed by the provider: kept short on purpose).
MAX_BYTES = {"wecom": 2000, "dingtalk": 18000, "feishu": 18000, "email": 60000, "sms": 600, "webhook": 60000}


def _when(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%m-%d %H:%M")


def alert_message(*, type_zh: str, place: str | None, at: datetime, severity: str, link: str | None,
                  tz: ZoneInfo, prefix: str = "告警") -> tuple[str, str]:
    """(title, text) of one alert: 【特别严重告警】烟雾报警 · 3号宿舍楼 · 12-06 03:12 · 请尽快处置: <link>."""
    level = SEVERITY_ZH.get(severity, severity)
    title = f"【{level}{prefix}】{type_zh}"
    parts = [title, f"地点：{place or '未知'}", f"时间：{_when(at, tz)}", f"级别：{level}"]
    if link:
        parts.append(f"处置：{link}")
    return title[:200], "\n".join(parts)


def console_link(public_url: str, alert_id: int | None = None, school: str | None = None) -> str | None:
    """The duty console's address for a message (PUBLIC_URL + /duty, the alert and school in the query):
    opening it asks for sign-in first. None without PUBLIC_URL (a message then carries no link)."""
    if not public_url:
        return None
    query = "&".join(f"{k}={v}" for k, v in (("school", school), ("alert", alert_id)) if v is not None)
    return public_url.rstrip("/") + "/duty" + (f"?{query}" if query else "")


def test_message(*, channel_name: str, at: datetime, tz: ZoneInfo, link: str | None) -> tuple[str, str]:
    title = "【测试消息】校园安全指挥中心"
    text = f"{title}\n渠道“{channel_name}”配置正确，可以收到告警。\n时间：{_when(at, tz)}"
    if link:
        text += f"\n值班台：{link}"
    return title, text


@dataclass(frozen=True)
class Line:
    """One due message as a grouped message names it."""

    title: str
    severity: str | None
    place: str | None
    at: datetime


def grouped_header(lines: list[Line], part: int = 1, parts: int = 1) -> str:
    """'12 条新告警：教学楼 3 条（特别严重 2 条），宿舍楼 9 条' — counts by place, the critical ones called out."""
    places = Counter(line.place or "其他" for line in lines)
    critical = Counter(line.place or "其他" for line in lines if line.severity == "critical")
    by_place = []
    for place, n in places.most_common():
        extra = f"（特别严重 {critical[place]} 条）" if critical[place] else ""
        by_place.append(f"{place} {n} 条{extra}")
    suffix = f"（{part}/{parts}）" if parts > 1 else ""
    return f"{len(lines)} 条新通知{suffix}：" + "，".join(by_place)


def _line(line: Line, tz: ZoneInfo) -> str:
    level = SEVERITY_ZH.get(line.severity or "", "")
    return f"{_when(line.at, tz)} {line.title}" + (f" · {line.place}" if line.place else "") + (
        f" · {level}" if level and level not in line.title else "")


def grouped_texts(lines: list[Line], *, max_bytes: int, tz: ZoneInfo, link: str | None = None,
                  max_parts: int | None = None) -> list[tuple[list[int], str]]:
    """Messages naming every line (most severe first), each within max_bytes: [(indexes carried, text)].
    With max_parts, lines that do not fit in that many messages are left out of the answer (the caller
    keeps them due for the next minute): an alert is late, never missing."""
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    order = sorted(range(len(lines)), key=lambda i: (rank.get(lines[i].severity or "info", 9), lines[i].at))
    footer = f"\n值班台：{link}" if link else ""
    budget = max_bytes - len(footer.encode()) - 200  # the header of each part
    chunks: list[list[int]] = [[]]
    used = 0
    for i in order:
        size = len(_line(lines[i], tz).encode()) + 1
        if chunks[-1] and used + size > budget:
            if max_parts is not None and len(chunks) >= max_parts:
                break
            chunks.append([])
            used = 0
        chunks[-1].append(i)
        used += size
    chunks = [c for c in chunks if c]
    out = []
    for n, chunk in enumerate(chunks, 1):
        carried = [lines[i] for i in chunk]
        body = "\n".join(_line(line, tz) for line in carried)
        text = grouped_header(carried, n, len(chunks)) + "\n" + body + footer
        out.append((chunk, text))
    return out
