"""The notification core's pure parts (issue 16): our words, the providers' signatures, grouping within
a rate, backoff, and secrets sealed at rest. No server: `make check` runs them."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote_plus, urlsplit
from zoneinfo import ZoneInfo

import pytest

from ledger import notify_rules, notify_secrets, notify_text
from ledger.errors import LedgerError
from streams import notify_protocols
from streams.notify_protocols import Message

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 12, 5, 19, 12, tzinfo=timezone.utc)  # 03:12 in Beijing


def test_an_alert_message_is_short_chinese_with_type_place_time_severity_and_link():
    title, text = notify_text.alert_message(type_zh="烟雾报警", place="3号宿舍楼", at=AT, severity="critical",
                                            link="https://anquan.example.edu.cn/duty?alert=7", tz=TZ)
    assert title == "【特别严重告警】烟雾报警"
    assert text.splitlines() == ["【特别严重告警】烟雾报警", "地点：3号宿舍楼", "时间：12-06 03:12", "级别：特别严重",
                                 "处置：https://anquan.example.edu.cn/duty?alert=7"]
    assert len(text.encode()) < 300


def test_dingtalk_signs_as_its_documentation_computes():
    # Reference value from `openssl dgst -sha256 -hmac SEC… | base64` over "1577262236757\nSEC…".
    sign = notify_protocols.dingtalk_sign("SEC1234567890abcdef", 1577262236757)
    assert unquote_plus(sign) == "f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T+WkIqzDk="
    assert "+" not in sign and "%2B" in sign  # URL-encoded for the query, as DingTalk's sample does


def test_feishu_signs_with_the_timestamp_and_key_as_the_hmac_key():
    assert notify_protocols.feishu_sign("FeishuKey", 1599360473) == "IZ3EtRO4d+HtneNqTx4X3EBvUPsrx+X4ZXCMt6Hf/J4="


def test_each_provider_gets_its_documented_request():
    msg = Message(key="k1", title="T", text="正文 & 50%", school="s1", recipient="13800000000")
    wecom = notify_protocols.build("wecom", {}, "http://h/cgi-bin/webhook/send?key=K", "", msg, 0)
    assert json.loads(wecom.body) == {"msgtype": "text", "text": {"content": "正文 & 50%"}}
    ding = notify_protocols.build("dingtalk", {}, "http://h/robot/send?access_token=A", "SECx", msg, 1000)
    assert parse_qs(urlsplit(ding.url).query) == {"access_token": ["A"], "timestamp": ["1000"],
                                                  "sign": [unquote_plus(notify_protocols.dingtalk_sign("SECx", 1000))]}
    feishu = json.loads(notify_protocols.build("feishu", {}, "http://h/hook/x", "key", msg, 1_599_360_473_000).body)
    assert feishu == {"timestamp": "1599360473", "sign": notify_protocols.feishu_sign("key", 1599360473),
                      "msg_type": "text", "content": {"text": "正文 & 50%"}}
    get = notify_protocols.build("sms", {"url": "http://g/send?to={phone}&msg={text}&tk={secret}"}, "s&1", "", msg, 0)
    assert parse_qs(urlsplit(get.url).query) == {"to": ["13800000000"], "msg": ["正文 & 50%"], "tk": ["s&1"]}
    post = notify_protocols.build("sms", {"url": "http://g/send", "method": "POST",
                                          "body": '{"mobile":"{phone}","content":"{text}"}'}, "", "", msg, 0)
    assert json.loads(post.body) == {"mobile": "13800000000", "content": "正文 & 50%"}


def test_a_robot_answering_200_with_an_error_code_failed():
    assert notify_protocols.succeeded("dingtalk", {}, 200, '{"errcode":0,"errmsg":"ok"}')
    assert not notify_protocols.succeeded("dingtalk", {}, 200, '{"errcode":310000,"errmsg":"sign not match"}')
    assert not notify_protocols.succeeded("feishu", {}, 200, '{"code":19021,"msg":"sign match fail"}')
    assert not notify_protocols.succeeded("webhook", {}, 500, "")
    assert not notify_protocols.succeeded("sms", {"ok_contains": '"code":"OK"'}, 200, '{"code":"isv.BUSINESS_LIMIT"}')


def test_grouped_messages_name_every_alert_within_the_size_and_lead_with_the_critical():
    lines = [notify_text.Line(f"【严重告警】烟雾报警{i}", "critical" if i % 10 == 0 else "high",
                              "教学楼" if i % 3 else "宿舍楼", AT + timedelta(seconds=i)) for i in range(200)]
    parts = notify_text.grouped_texts(lines, max_bytes=2000, tz=TZ, link="https://x/duty")
    carried = sorted(i for indexes, _ in parts for i in indexes)
    assert carried == list(range(200))
    assert all(len(text.encode()) <= 2000 for _, text in parts)
    for indexes, text in parts:
        assert all(lines[i].title in text for i in indexes)
    assert parts[0][1].startswith(f"{len(parts[0][0])} 条新通知（1/{len(parts)}）：")
    assert "特别严重" in parts[0][1].splitlines()[1]  # the critical ones first
    limited = notify_text.grouped_texts(lines, max_bytes=2000, tz=TZ, max_parts=2)
    assert len(limited) == 2 and sum(len(i) for i, _ in limited) < 200  # the rest wait, never dropped silently


def test_backoff_doubles_to_a_cap_and_a_row_fails_after_n_attempts():
    assert [notify_rules.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert notify_rules.backoff(30).total_seconds() == notify_rules.BACKOFF_CAP_S
    assert notify_rules.after_failure(2, 8, AT) == ("retrying", AT + timedelta(seconds=10))
    assert notify_rules.after_failure(8, 8, AT) == ("failed", AT)
    recent = [AT - timedelta(seconds=s) for s in (1, 30, 59, 61, 300)]
    assert notify_rules.budget(20, recent, AT) == 17


def test_a_secret_is_encrypted_at_rest_masked_when_shown_and_env_references_kept():
    key = "k" * 32
    sealed = notify_secrets.seal("https://oapi.dingtalk.com/robot/send?access_token=abcdef123456", key)
    assert sealed.startswith("fernet:") and "abcdef" not in sealed
    assert notify_secrets.reveal(sealed, "new" * 6 + "," + key).endswith("abcdef123456")  # rotation
    assert notify_secrets.hint("SEC0123456789abcd") == "••••abcd" and notify_secrets.hint("short") == "••••"
    assert notify_secrets.seal("env:NOTIFY_CHANNEL_DING", "") == "env:NOTIFY_CHANNEL_DING"
    assert notify_secrets.reveal("env:NOTIFY_CHANNEL_DING", "", {"NOTIFY_CHANNEL_DING": "v"}) == "v"
    # Only variables kept for channels: never the notifier's own secrets, on saving or on sending.
    for name in ("NOTIFY_SECRET_KEY", "DATABASE_URL", "DING_SECRET", "NOTIFY_CHANNEL_", "NOTIFY_CHANNEL_a"):
        with pytest.raises(LedgerError, match="NOTIFY_CHANNEL_"):
            notify_secrets.seal(f"env:{name}", key)
        with pytest.raises(LedgerError, match="NOTIFY_CHANNEL_"):
            notify_secrets.reveal(f"env:{name}", key, {name: "the notifier's own secret"})
    with pytest.raises(LedgerError):
        notify_secrets.seal("plain", "")  # no key: refused, never stored in clear
    with pytest.raises(LedgerError):
        notify_secrets.reveal(sealed, "another key entirely")


def test_a_malformed_robot_url_is_reported_without_repeating_its_token():
    from streams.notifier import send_http

    status, answer = send_http(notify_protocols.Request("POST", "http://127.0.0.1:1/a b?access_token=TOKEN1234"), 1)
    assert status == 0 and "TOKEN1234" not in answer
    status, answer = send_http(notify_protocols.Request("POST", "nonsense://x?access_token=TOKEN1234"), 1)
    assert status == 0 and "TOKEN1234" not in answer
    for url in ("file:///etc/hostname", "data:text/plain,TOKEN1234", "ftp://127.0.0.1:1/TOKEN1234"):
        assert send_http(notify_protocols.Request("POST", url), 1) == (
            0, "the channel's URL must begin with http:// or https://")


def test_the_console_link_is_built_from_public_url_or_left_out():
    assert notify_text.console_link("https://anquan.example.edu.cn/", 7, "s1") == (
        "https://anquan.example.edu.cn/duty?school=s1&alert=7")
    assert notify_text.console_link("", 7) is None
