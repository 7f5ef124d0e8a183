"""The escalation ladder's rules without services (ledger/ladder.py): whom each step pages, who stands
in for an empty roster level, the words of an escalated page, the keys the outbox dedupes on."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dashboard.pages.duty import view
from ledger import ladder
from ledger.handover_view import pages_text
from ledger.oncall import Person

WANG, LI, ZHAO, QIAN, ADMIN, ZHOU = (Person(i, u, n) for i, u, n in (
    (1, "wang", "王值班"), (2, "li", "李安保"), (3, "zhao", "赵校长"), (4, "qian", "钱副校长"), (5, "admin", "管理员"),
    (6, "zhou", "周值班")))
TZ = ZoneInfo("Asia/Shanghai")
PEOPLE = [(WANG, "duty"), (ZHOU, "duty"), (LI, "safety"), (ZHAO, "leader"), (QIAN, "leader"), (ADMIN, "admin")]


def test_each_step_pages_its_level_and_the_levels_below_again():
    assert [ladder.oncall_levels(k) for k in range(5)] == [(0,), (1, 0), (2, 1, 0), (2, 1, 0), (2, 1, 0)]
    with pytest.raises(ValueError):
        ladder.oncall_levels(-1)


def test_the_roster_is_paged_first_and_a_person_holding_two_levels_once():
    roster = {0: (WANG,), 1: (WANG,), 2: (ZHAO,)}
    assert ladder.choose(0, roster, PEOPLE) == [ladder.Choice(0, WANG, "roster")]
    assert ladder.choose(2, roster, PEOPLE) == [ladder.Choice(2, ZHAO, "roster"), ladder.Choice(1, WANG, "roster")]


def test_an_empty_level_falls_back_to_its_first_role_anybody_holds_and_never_to_silence():
    roster = {0: (WANG,), 1: (), 2: ()}
    assert ladder.choose(1, roster, PEOPLE) == [ladder.Choice(1, LI, "fallback"), ladder.Choice(0, WANG, "roster")]
    assert [c.person for c in ladder.choose(2, roster, PEOPLE)][:2] == [ZHAO, QIAN]
    # No safety officer: level 1 falls to the duty officers (its next role), then the admins.
    assert ladder.fallback(1, [(WANG, "duty"), (ADMIN, "admin")]) == (WANG,)
    assert ladder.fallback(1, [(ADMIN, "admin")]) == (ADMIN,)
    # Nobody of level 2's role at all: marked, so the console and the log say the ladder had nobody there.
    assert ladder.choose(2, {0: (WANG,)}, [(LI, "safety")]) == [
        ladder.Choice(2, None, "nobody"), ladder.Choice(1, LI, "fallback"), ladder.Choice(0, WANG, "roster")]


def test_keys_and_words():
    assert ladder.message_key(42, 3) == "alert:42:level:3"
    assert ladder.message_key(4, 1).startswith(ladder.key_prefix(4)) and not ladder.message_key(42, 1).startswith(
        ladder.key_prefix(4))
    assert [ladder.waited_text(timedelta(seconds=s)) for s in (5, 61, 3600, 3900)] == [
        "1 分钟", "1 分钟", "1 小时", "1 小时 5 分钟"]
    prefix, line = ladder.escalated_words(1, 3, timedelta(minutes=5))
    assert prefix == "【升级·安全负责人】"
    assert line.startswith("升级（第 1 级）：告警已 5 分钟无人确认，现通知安全负责人、值班员")
    assert ladder.escalated_words(3, 3, timedelta(minutes=3))[0] == "【最后一级升级·校领导】"


def test_the_console_shows_whom_each_step_paged_and_the_handover_counts_pages_per_step():
    at = datetime(2026, 12, 6, 23, 0, tzinfo=timezone.utc)
    pages = [{"level": 0, "oncall_level": 0, "name": "王值班", "how": "roster", "status": "sent", "at": at},
             {"level": 0, "oncall_level": None, "name": "值班群<script>", "how": "group", "status": "held", "at": at},
             {"level": 2, "oncall_level": 2, "name": "钱副校长", "how": "fallback", "status": "unreachable",
              "at": None},
             {"level": 2, "oncall_level": 2, "name": "", "how": "nobody", "status": "none", "at": None}]
    block = view.pages_block("zh", pages, TZ)
    lines = [" ".join(str(span.children) for span in li.children) for li in block[1].children]
    assert lines == ["报警时 王值班（值班员） 已送达", "报警时 值班群<script>（值班群） 免打扰，12-07 07:00:00 发送",
                     "第 2 级升级 钱副校长（校领导）（无人排班，按角色通知） "
                     "无可用联系方式（未填手机/邮箱或无对应渠道），未能通知",
                     "第 2 级升级 无人可通知（未排班，也无该角色人员） "]
    assert view.pages_block("en", [], TZ) == []
    assert pages_text({"pages_sent": {0: 3, 2: 1}}, "zh") == "；本班通知：报警时 3 条，第 2 级升级 1 条"
    assert pages_text({"pages_sent": {"1": 2}}, "en") == "; pages sent: escalation 1 2"  # as the JSON API has it
    assert pages_text({}, "zh") == ""
