"""The words of reminders and the leadership digest (issue 16): zh-CN, short, a link to act on.

Pure, like ledger/notify_text.py (whose alert words these sit beside; kept apart so the alert
message's module stays the ladder's). Links: a hazard's phone page /m/hazards/<school>/<code> (the
responsible person and the acceptor act there), the leadership overview /lead?school=, the drills
page /drills?school=; each under PUBLIC_URL and opened after sign-in, none without PUBLIC_URL.
"""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from ledger.hazard_loop import STAGE_ZH
from ledger.reminders import PASSED, DigestFigures

TERM_RULE = "考核第12条：每学期至少1次演练，未做扣10分"


def _link(public_url: str, path: str) -> str | None:
    return public_url.rstrip("/") + path if public_url else None


def hazard_link(public_url: str, school: str, code: str) -> str | None:
    return _link(public_url, f"/m/hazards/{quote(school, safe='')}/{quote(code, safe='')}")


def lead_link(public_url: str, school: str) -> str | None:
    return _link(public_url, f"/lead?school={quote(school, safe='')}")


def drills_link(public_url: str, school: str) -> str | None:
    return _link(public_url, f"/drills?school={quote(school, safe='')}")


def _when(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%m-%d %H:%M")


def _major(grade: str) -> str:
    return "重大" if grade == "major" else ""


def hazard_reminder(*, title: str, grade: str, stage: str, place: str | None, deadline: datetime, point: str,
                    now: datetime, tz: ZoneInfo, link: str | None, unassigned: bool) -> tuple[str, str]:
    """(title, text): 【隐患整改提醒】/【重大隐患已逾期】<title>, where, the deadline and the days left or
    over (counted in local days), the stage, the link; `unassigned`: it reached the safety people
    because nobody is named responsible."""
    days = (deadline.astimezone(tz).date() - now.astimezone(tz).date()).days
    if point == PASSED:
        head = f"【{_major(grade)}隐患已逾期】{title}"
        left = f"已逾期 {-days} 天" if days < 0 else "已过整改期限"
    else:
        head = f"【{_major(grade)}隐患整改提醒】{title}"
        left = f"还有 {days} 天" if days > 0 else "今天到期"
    lines = [head[:200], f"地点：{place or '未指定'}", f"整改期限：{_when(deadline, tz)}（{left}）",
             f"当前：{STAGE_ZH.get(stage, stage)}"]
    if unassigned:
        lines.append("未指定整改责任人，请尽快指定")
    if link:
        lines.append(f"查看：{link}")
    return head[:200], "\n".join(lines)


def acceptance_reminder(*, title: str, grade: str, place: str | None, since: datetime, now: datetime,
                        tz: ZoneInfo, link: str | None) -> tuple[str, str]:
    """(title, text): 【待验收】<title>, fed back when, waiting how many days, the link."""
    head = f"【{_major(grade)}隐患待验收】{title}"
    days = (now.astimezone(tz).date() - since.astimezone(tz).date()).days
    waited = f"，已等待 {days} 天" if days > 0 else ""
    lines = [head[:200], f"地点：{place or '未指定'}", f"整改已于 {_when(since, tz)} 反馈{waited}，请验收"]
    if link:
        lines.append(f"验收：{link}")
    return head[:200], "\n".join(lines)


def digest(*, school_zh: str, day: date, figures: DigestFigures, link: str | None) -> tuple[str, str]:
    """(title, text) of a school's morning digest; a day with nothing to say says so in one line."""
    head = f"【安全日报】{school_zh} {day.month}月{day.day}日"
    if figures.empty:
        missed = "，本月无漏检" if figures.inspections_missed == 0 else ""
        text = f"{head}：昨日无新增隐患，无逾期、重大隐患，无未处理告警{missed}"
        return head, text + (f"\n详情：{link}" if link else "")
    new = f"昨日新增隐患 {figures.new_yesterday} 条" + (
        f"（重大 {figures.new_major_yesterday} 条）" if figures.new_major_yesterday else "")
    lines = [head, new, f"逾期未整改 {figures.overdue} 条", f"重大隐患未销号 {figures.major_open} 条",
             f"在办隐患共 {figures.open_hazards} 条",
             f"未处理告警 {figures.alerts_open} 条" + (
                 f"（特别严重 {figures.alerts_critical} 条）" if figures.alerts_critical else "")]
    if figures.inspections_missed is not None:
        lines.append(f"本月漏检 {figures.inspections_missed} 次")
    if link:
        lines.append(f"详情：{link}")
    return head, "\n".join(lines)


def drill_reminder(*, school_zh: str, term_zh: str, weeks: int, untrained: bool,
                   link: str | None) -> tuple[str, str]:
    """(title, text): the term is `weeks` weeks in and no drill is recorded in it."""
    head = f"【演练提醒】{school_zh}本学期尚未记录应急演练"
    lines = [head, f"{term_zh}已过 {weeks} 周，尚未记录应急演练（{TERM_RULE}）"]
    if untrained:
        lines.append("近一年也未记录安全教育培训（考核第9条，扣10分）")
    if link:
        lines.append(f"记录：{link}")
    return head, "\n".join(lines)
