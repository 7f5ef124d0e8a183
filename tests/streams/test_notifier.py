"""The notifier against real receivers on loopback (issue 16), on SQLite and PostgreSQL: a threaded HTTP
server standing in for the WeCom, DingTalk and Feishu robots, an SMS gateway and a school's webhook,
checking each request as the provider documents it (the DingTalk and Feishu signatures recomputed on
the server side), and a real SMTP server (aiosmtpd). Enqueue -> delivered once; a 500 and a timeout
retried with backoff and shown as failing while the other channel is served at once; a burst of 200
grouped within the rate, every alert named; a notifier restarted sends nothing twice, and one killed
between the provider's answer and recording it sends exactly one duplicate, after the lease."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from dashboard.app import create_app
from dashboard.pages.admin_notify import ids
from devstack.local_services import free_port
from ledger import notify_text
from ledger.commands import audit, notify, notify_channels, users
from ledger.errors import LedgerError
from ledger.models import AuditEntry, NotifyChannel, NotifyDelivery, NotifyOutbox, OrgUnit, User
from streams.notifier import Notifier
from tests.dashboard.conftest import PASSWORD, signed_in
from tests.dashboard.test_access import _callback_body, _callback_key, _router
from tests.streams import received_messages

KEY = "notify-test-key-0123456789"
DING_SECRET = "SECd1f2e3a4b5c6d7e8f9"
FEISHU_SECRET = "feishu-sign-key"
ADMIN = audit.Actor("admin", "admin")
NOW = datetime.now(timezone.utc).replace(microsecond=0)
TZ = ZoneInfo("Asia/Shanghai")
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def build(session) -> dict:
    district = OrgUnit(code="d1", kind="district", name_zh="示范区")
    school = OrgUnit(code="s1", kind="school", name_zh="第一中学", parent=district)
    other = OrgUnit(code="d2", kind="district", name_zh="邻区")
    elsewhere = OrgUnit(code="s2", kind="school", name_zh="邻区中学", parent=other)
    session.add_all([district, school, other, elsewhere])
    session.flush()
    users.create_user(session, username="admin1", display_name="李管理员", role="admin", password=PASSWORD,
                      unit="d1", now=NOW)
    duty = User(username="wang", display_name="王老师", role="duty", password_hash="x", unit_id=school.id)
    session.add(duty)
    session.flush()
    notify_channels.set_address(session, user_id=duty.id, kind="phone", value="13800138000")
    notify_channels.set_address(session, user_id=duty.id, kind="email", value="wang@school.example.cn")
    session.commit()
    return {"district": district.id, "school": school.id, "duty": duty.id, "elsewhere": elsewhere.id}


LEDGER_SEED = build


class Receiver(BaseHTTPRequestHandler):
    """Answers as each provider does: /wecom, /ding, /feishu, /sms, /hook succeed, /fail answers 500,
    /slow answers after the notifier has given up. Every request is kept for the test to read."""

    seen: list[dict] = []
    lock = threading.Lock()

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        with self.lock:
            self.seen.append({"method": self.command, "path": url.path, "query": parse_qs(url.query),
                              "headers": dict(self.headers), "body": body, "at": time.monotonic()})
        if url.path.startswith("/slow"):
            time.sleep(0.8)
        status, reply = (500, b"upstream broken") if url.path.startswith("/fail") else (200, b'{"errcode":0,"code":0}')
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
        except BrokenPipeError:  # /slow: the notifier stopped waiting
            pass

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


class Mailbox:
    def __init__(self) -> None:
        self.mails: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture(scope="module")
def http():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def smtp():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture
def settings(ledger_settings):
    Receiver.seen.clear()
    return dataclasses.replace(ledger_settings, notify_secret_key=KEY, notify_max_attempts=3,
                               public_url="https://anquan.example.edu.cn")


def _channel(session, seeded, kind, secret="", signing="", rate=20, **config):
    return notify_channels.save_channel(session, actor=ADMIN, scope=None, unit_id=seeded["school"], kind=kind,
                                        name=f"{kind} 测试", config=config, secret=secret, signing_secret=signing,
                                        rate_per_minute=rate, passphrases=KEY, now=NOW).id


def _alert(session, key, recipients=None, *, title="烟雾报警", place="3号宿舍楼", severity="critical"):
    title, text = notify_text.alert_message(type_zh=title, place=place, at=NOW, severity=severity,
                                            link="https://anquan.example.edu.cn/duty?alert=7", tz=TZ)
    return notify.enqueue(session, dedupe_key=key, school="s1", kind="alert", title=title, text=text,
                          link="https://anquan.example.edu.cn/duty?alert=7", recipients=recipients,
                          severity=severity, now=NOW, place=place)


def _requests(path):
    return [r for r in Receiver.seen if r["path"] == path]


def test_every_channel_delivers_its_documented_request_once(session, seeded, settings, engine, http, smtp):
    box, smtp_port = smtp
    box.mails.clear()
    _channel(session, seeded, "wecom", secret=f"{http}/wecom?key=robot-key")
    _channel(session, seeded, "dingtalk", secret=f"{http}/ding?access_token=tok", signing=DING_SECRET)
    _channel(session, seeded, "feishu", secret=f"{http}/feishu/hook/abc", signing=FEISHU_SECRET)
    _channel(session, seeded, "webhook", url=f"{http}/hook", secret="bearer-token-123")
    _channel(session, seeded, "sms", url=f"{http}/sms", method="POST", secret="gw-secret",
             body='{"mobile":"{phone}","content":"{text}","token":"{secret}"}')
    _channel(session, seeded, "email", host="127.0.0.1", port=smtp_port, **{"from": "alarm@school.example.cn"})
    assert _alert(session, "alert:7:level0") == 4  # the school's group robots and its webhook
    assert _alert(session, "alert:7:level0:people", [seeded["duty"]]) == 2  # the duty officer's SMS and e-mail
    session.commit()
    assert _alert(session, "alert:7:level0") == 0  # enqueued again (a sweep that ran twice): nothing new
    session.rollback()  # SQLite: every transaction holds the one write lock (kernel/connections.py)

    Notifier(settings, engine=engine).run_once()
    _, text = notify_text.alert_message(type_zh="烟雾报警", place="3号宿舍楼", at=NOW, severity="critical",
                                        link="https://anquan.example.edu.cn/duty?alert=7", tz=TZ)
    [wecom] = _requests("/wecom")
    assert wecom["query"] == {"key": ["robot-key"]}
    assert json.loads(wecom["body"]) == {"msgtype": "text", "text": {"content": text}}
    [ding] = _requests("/ding")
    stamp = ding["query"]["timestamp"][0]
    expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert ding["query"]["sign"] == [expected] and ding["query"]["access_token"] == ["tok"]
    assert abs(int(stamp) / 1000 - time.time()) < 60  # DingTalk refuses a timestamp an hour off
    assert json.loads(ding["body"]) == {"msgtype": "text", "text": {"content": text}}
    [feishu] = _requests("/feishu/hook/abc")
    body = json.loads(feishu["body"])
    ts = body["timestamp"]
    assert body["sign"] == base64.b64encode(hmac.new(f"{ts}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256)
                                            .digest()).decode()
    assert body["msg_type"] == "text" and body["content"] == {"text": text}
    [sms] = _requests("/sms")
    assert json.loads(sms["body"]) == {"mobile": "13800138000", "content": text, "token": "gw-secret"}
    [hook] = _requests("/hook")
    hook_body = json.loads(hook["body"])
    assert hook["headers"]["Authorization"] == "Bearer bearer-token-123"
    assert hook["headers"]["Idempotency-Key"] == hook_body["id"]
    assert hook_body["school"] == "s1" and hook_body["severity"] == "critical" and hook_body["text"] == text
    [(to, mail)] = box.mails
    assert to == ["wang@school.example.cn"] and mail["Subject"] == "【特别严重告警】烟雾报警"
    assert mail.get_content().splitlines() == text.splitlines()

    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # docs/notify.md: what each channel received
        from tests.dashboard.test_wall_browser import CHROMIUM_ARGS

        received = {"wecom": json.loads(wecom["body"])["text"]["content"],
                    "dingtalk": json.loads(ding["body"])["text"]["content"], "feishu": body["content"]["text"],
                    "sms": json.loads(sms["body"])["content"],
                    "email": f"主题：{mail['Subject']}\n\n{mail.get_content().strip()}",
                    "webhook": received_messages.webhook_text(hook["body"])}
        received_messages.save(received, DOCS_IMG / "notify-received.png", CHROMIUM_ARGS)

    session.expire_all()
    assert {r.status for r in session.scalars(select(NotifyOutbox))} == {"sent"}
    assert len(session.scalars(select(NotifyDelivery).where(NotifyDelivery.ok.is_(True))).all()) == 6
    session.rollback()
    # A notifier restarted (a new one, with the same rows in the ledger) sends nothing twice.
    Notifier(settings, engine=engine).run_once()
    assert len(Receiver.seen) == 5 and len(box.mails) == 1


def test_a_failing_channel_is_retried_with_backoff_shown_failing_and_never_blocks_the_other(
        session, seeded, settings, engine, http):
    broken = _channel(session, seeded, "wecom", secret=f"{http}/fail")
    slow = _channel(session, seeded, "webhook", url=f"{http}/slow")
    good = _channel(session, seeded, "dingtalk", secret=f"{http}/ding?access_token=t", signing=DING_SECRET)
    assert _alert(session, "alert:8:level0") == 3
    session.commit()
    notifier = Notifier(settings, engine=engine, timeout_s=0.6)
    notifier.run_once(NOW)
    [ding], [waited] = _requests("/ding"), _requests("/slow")
    # Served while the slow one was still being waited for (it times out 0.6 s after it was sent): measured
    # from the slow request's own arrival, not the run's start, which a busy machine delays for both.
    assert ding["at"] - waited["at"] < 0.6
    session.expire_all()
    rows = {r.channel_id: r for r in session.scalars(select(NotifyOutbox))}
    assert rows[good].status == "sent"
    for channel in (broken, slow):
        assert rows[channel].status == "retrying" and rows[channel].attempts == 1
        assert timedelta(seconds=5) <= rows[channel].next_attempt_at - NOW < timedelta(seconds=6)
    assert "500" in rows[broken].last_answer and "upstream broken" in rows[broken].last_answer
    assert "timed out" in rows[slow].last_answer
    notify_channels.set_enabled(session, actor=ADMIN, scope=None, channel_id=slow, enabled=False, now=NOW)
    session.commit()  # its row waits, pending, while it is disabled
    notifier.run_once(NOW + timedelta(seconds=2))  # not due yet: backoff
    assert len(_requests("/fail")) == 1
    notifier.run_once(NOW + timedelta(seconds=6))
    notifier.run_once(NOW + timedelta(seconds=30))
    session.expire_all()
    row = session.get(NotifyOutbox, rows[broken].id)
    assert len(_requests("/fail")) == 3 and (row.status, row.attempts) == ("failed", 3)  # NOTIFY_MAX_ATTEMPTS
    failures = session.scalars(select(NotifyDelivery).where(NotifyDelivery.channel_id == broken)).all()
    assert [d.ok for d in failures] == [False] * 3  # the admin page's delivery log shows each attempt
    assert len(_requests("/slow")) == 1 and session.get(NotifyOutbox, rows[slow].id).status == "retrying"
    notifier.close()


def test_a_burst_of_200_is_grouped_within_the_rate_and_every_alert_is_named(session, seeded, settings, engine, http):
    channel = _channel(session, seeded, "wecom", secret=f"{http}/wecom?key=k", rate=5)
    places = ("教学楼", "宿舍楼", "食堂")
    for i in range(200):
        _alert(session, f"burst:{i}", title=f"烟雾报警#{i:03d}", place=places[i % 3],
               severity="critical" if i % 20 == 0 else "high")
    session.commit()
    notifier = Notifier(settings, engine=engine)
    notifier.run_once(NOW)
    first = len(_requests("/wecom"))
    assert first == 5  # the rate: 5 a minute
    notifier.run_once(NOW + timedelta(seconds=1))
    assert len(_requests("/wecom")) == 5  # the minute's budget is spent: the rest wait, counted from the log
    notifier.run_once(NOW + timedelta(seconds=62))
    texts = [json.loads(r["body"])["text"]["content"] for r in _requests("/wecom")]
    assert all(len(t.encode()) <= 2048 for t in texts)  # WeCom's limit for a text message
    named = "\n".join(texts)
    assert all(f"烟雾报警#{i:03d}" in named for i in range(200))
    assert texts[0].startswith("3") or "条新通知" in texts[0].splitlines()[0]
    session.expire_all()
    statuses = {r.status for r in session.scalars(select(NotifyOutbox).where(NotifyOutbox.channel_id == channel))}
    assert statuses == {"sent"}
    assert len(session.scalars(select(NotifyDelivery).where(NotifyDelivery.grouped.is_(True))).all()) == len(texts)


def test_a_notifier_killed_between_send_and_record_sends_exactly_one_duplicate_after_the_lease(
        session, seeded, settings, engine, http):
    channel = _channel(session, seeded, "webhook", url=f"{http}/hook")
    _alert(session, "alert:9:level0")
    session.commit()
    dead = Notifier(settings, engine=engine)
    # What a notifier does up to the provider's answer, then dies (SIGKILL) before `record`.
    [row] = notify.claim(session, channel, NOW)
    ok, _ = dead.send("webhook", {"url": f"{http}/hook"}, "", "",
                      dead.plan("webhook", [row], 20, NOW, session)[0][1])
    assert ok and len(_requests("/hook")) == 1
    restarted = Notifier(settings, engine=engine)
    restarted.run_once(NOW + timedelta(seconds=5))
    assert len(_requests("/hook")) == 1  # leased: the restarted notifier does not send it again at once
    restarted.run_once(NOW + notify.LEASE + timedelta(seconds=1))
    first, second = _requests("/hook")
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]  # the receiver can drop it
    restarted.run_once(NOW + notify.LEASE * 3)
    assert len(_requests("/hook")) == 2  # exactly one duplicate, never more


def test_two_notifiers_at_once_send_each_message_once(session, seeded, settings, engine, http):
    """PostgreSQL: FOR UPDATE SKIP LOCKED gives each row to one notifier; SQLite: its one writer."""
    _channel(session, seeded, "webhook", url=f"{http}/hook", rate=100)
    for i in range(30):
        _alert(session, f"pair:{i}")
    session.commit()
    pair = [Notifier(settings, engine=engine) for _ in range(2)]
    threads = [threading.Thread(target=n.run_once, args=(NOW,)) for n in pair]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = sorted(r["headers"]["Idempotency-Key"] for r in _requests("/hook"))
    assert len(keys) == 30 and len(set(keys)) == 30


def _post(app, client, output: str, values: dict, triggered: str, prop: str = "n_clicks") -> str:
    key = next(k for k, spec in app.callback_map.items()
               if "callback" in spec and any(i["id"] == triggered for i in spec["inputs"])) if output is None else (
        _callback_key(app, output))
    body = _callback_body(app, key, values)
    body["changedPropIds"] = [f"{triggered}.{prop}"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_admin_page_keeps_secrets_masked_holds_the_admin_to_their_unit_and_tells_the_tests_real_outcome(
        session, seeded, settings, settings_factory, engine, http):
    app_settings = settings_factory(database_url=settings.database_url, secret_key="q" * 32, notify_secret_key=KEY,
                                    public_url="https://anquan.example.edu.cn")
    app = create_app(app_settings)
    admin = signed_in(app, "admin1")
    form = {ids.VIEW: {"lang": "zh"}, ids.CHANNEL: "new", ids.UNIT: seeded["school"], ids.KIND: "dingtalk",
            ids.NAME: "值班群", ids.CONFIG: "{}", ids.SECRET: f"{http}/ding?access_token=tok-secret-9876",
            ids.SIGNING: DING_SECRET, ids.RATE: 20, ids.SAVE: 1}
    answer = _post(app, admin, ids.MESSAGE, form, ids.SAVE)
    assert "已保存" in answer and "tok-secret" not in answer and DING_SECRET not in answer and "••••9876" in answer
    # A forged request for a school of another district: refused, nothing saved.
    refused = _post(app, admin, ids.MESSAGE, form | {ids.UNIT: seeded["elsewhere"], ids.NAME: "越权"}, ids.SAVE)
    assert "未保存" in refused and "管理范围" in refused
    session.expire_all()
    [channel] = session.scalars(select(NotifyChannel)).all()
    assert channel.secret.startswith("fernet:") and "tok-secret" not in channel.secret
    assert DING_SECRET not in str([e.after for e in session.scalars(select(AuditEntry))])
    channel_id, sealed = channel.id, channel.secret
    session.rollback()  # SQLite: the app writes next
    # An edit with the secrets left empty keeps them (the form never holds them).
    edited = form | {ids.CHANNEL: channel_id, ids.NAME: "值班群（东区）", ids.SECRET: "", ids.SIGNING: ""}
    assert "已保存" in _post(app, admin, ids.MESSAGE, edited, ids.SAVE)
    channel = session.get(NotifyChannel, channel_id)
    assert channel.name == "值班群（东区）" and channel.secret == sealed
    session.rollback()
    page = _router(admin, "", "/admin/notify").get_data(as_text=True)
    assert "值班群（东区）" in page and "tok-secret" not in page and "access_token" not in page

    started = _post(app, admin, ids.TEST_ROW, {ids.VIEW: {"lang": "zh"}, ids.CHANNEL: channel_id, ids.TEST: 1},
                    ids.TEST)
    row = json.loads(started)["response"][ids.TEST_ROW]["data"]["row"]
    follow = {ids.VIEW: {"lang": "zh"}, ids.TEST_ROW: {"row": row}, ids.TEST_POLL: 1}
    assert "排队" in _post(app, admin, None, follow, ids.TEST_POLL, "n_intervals")
    Notifier(settings, engine=engine).run_once()
    assert "发送成功" in _post(app, admin, None, follow, ids.TEST_POLL, "n_intervals")
    [ding] = _requests("/ding")
    assert "测试消息" in json.loads(ding["body"])["text"]["content"]


def test_a_unit_admin_cannot_have_the_notifier_send_its_own_environment_to_their_address(
        session, seeded, settings, settings_factory, engine, http):
    """An `env:NAME` secret names a variable kept for channels (NOTIFY_CHANNEL_…) only. Any other name
    would let an admin of one district have the notifier send the web app's and ledger's secrets
    (NOTIFY_SECRET_KEY, which opens every school's stored secrets, DATABASE_URL) to a webhook of
    theirs as its bearer token: refused on saving, and never read for a channel stored before."""
    app = create_app(settings_factory(database_url=settings.database_url, secret_key="q" * 32,
                                      notify_secret_key=KEY))
    admin = signed_in(app, "admin1")  # a district's admin: not the operator of the notifier's host
    form = {ids.VIEW: {"lang": "zh"}, ids.CHANNEL: "new", ids.UNIT: seeded["school"], ids.KIND: "webhook",
            ids.NAME: "我的系统", ids.CONFIG: json.dumps({"url": f"{http}/hook"}), ids.SIGNING: "", ids.RATE: 20,
            ids.SAVE: 1}
    for name in ("NOTIFY_SECRET_KEY", "DATABASE_URL", "SECRET_KEY"):
        refused = _post(app, admin, ids.MESSAGE, form | {ids.SECRET: f"env:{name}"}, ids.SAVE)
        assert "未保存" in refused and "NOTIFY_CHANNEL_" in refused
    session.expire_all()
    assert session.scalars(select(NotifyChannel)).all() == []
    session.rollback()
    assert "已保存" in _post(app, admin, ids.MESSAGE, form | {ids.SECRET: "env:NOTIFY_CHANNEL_OPS"}, ids.SAVE)
    [channel] = session.scalars(select(NotifyChannel)).all()
    channel.secret = "env:DATABASE_URL"  # stored before names were held to the prefix
    session.commit()
    assert _alert(session, "alert:11:level0") == 1
    session.commit()
    environ = {"DATABASE_URL": "postgresql://ledger:db-password-42@db/ledger", "NOTIFY_CHANNEL_OPS": "tok"}
    Notifier(settings, engine=engine, environ=environ).run_once(NOW)
    assert _requests("/hook") == []  # nothing sent, so nothing of the environment left the host
    session.expire_all()
    [row] = session.scalars(select(NotifyOutbox)).all()
    assert row.status == "retrying" and "NOTIFY_CHANNEL_" in row.last_answer and "db-password" not in row.last_answer


def test_a_robot_url_that_is_no_web_address_is_refused_and_never_read_as_a_file(session, seeded, settings, engine,
                                                                                tmp_path):
    """A robot's webhook URL (its secret) is http(s) as the other channels' URLs are: `file:` or `data:`
    made urllib read the notifier's own files, and its answer without a status broke the worker, so the
    row was leased again every 2 minutes, for ever, with no delivery logged and the test "not running"."""
    for url in ("file:///etc/hostname", "data:text/plain,{\"errcode\":0}", "ftp://127.0.0.1/x"):
        with pytest.raises(LedgerError, match="http"):
            _channel(session, seeded, "wecom", secret=url)
        session.rollback()
    # One stored before the check (or named by env:): the notifier refuses to send it, and says so.
    channel = _channel(session, seeded, "wecom", secret="env:NOTIFY_CHANNEL_ROBOT")
    assert _alert(session, "alert:12:level0") == 1
    session.commit()
    private = tmp_path / "private.txt"
    private.write_text("private-file-content-7781")
    Notifier(settings, engine=engine, environ={"NOTIFY_CHANNEL_ROBOT": private.as_uri()}).run_once(NOW)
    session.expire_all()
    [row] = session.scalars(select(NotifyOutbox)).all()
    [logged] = session.scalars(select(NotifyDelivery).where(NotifyDelivery.channel_id == channel)).all()
    assert row.status == "retrying" and not logged.ok and "http" in logged.answer and "7781" not in logged.answer


def test_the_audit_log_keeps_a_channels_url_as_the_page_shows_it_without_its_query_or_password(session, seeded):
    """The page shows a URL without its query and user:password (tokens live there); the audit log,
    which every admin above the school reads and exports, kept the whole URL, before and after."""
    _channel(session, seeded, "webhook", url="https://ops:hook-pass-31@ops.school.example.cn/hooks?token=hook-tok-55")
    sms = _channel(session, seeded, "sms", url="https://sms.example.com/send?mobile={phone}&content={text}&key=gw-k-77")
    notify_channels.save_channel(session, actor=ADMIN, scope=None, unit_id=seeded["school"], kind="sms", name="短信",
                                 config={"url": "https://sms2.example.com/send?m={phone}&c={text}&key=gw-k-78"},
                                 secret="", signing_secret="", rate_per_minute=20, passphrases=KEY, now=NOW,
                                 channel_id=sms)
    session.commit()
    logged = json.dumps([(e.before, e.after) for e in session.scalars(select(AuditEntry))], ensure_ascii=False)
    assert "ops.school.example.cn/hooks" in logged and "sms2.example.com/send" in logged
    for secret in ("hook-pass-31", "hook-tok-55", "gw-k-77", "gw-k-78"):
        assert secret not in logged


def test_an_email_channel_set_wrong_is_logged_as_failing_not_left_leased_for_ever(session, seeded, settings, engine):
    """A port that is no number, or a sender with a line break (a header smtplib refuses), raised out of
    the worker: nothing logged, the row leased again every 2 minutes for ever, never `failed`, and the
    page's test said the notifier seemed not to run. Each is a failed delivery with the reason."""
    bad = {"port": {"host": "127.0.0.1", "port": "smtp", "from": "alarm@school.example.cn"},
           "header": {"host": "127.0.0.1", "port": 1, "from": "alarm@school.example.cn\r\nBcc: all@example.cn"}}
    channels = {}
    for name, config in bad.items():
        channels[name] = notify_channels.save_channel(
            session, actor=ADMIN, scope=None, unit_id=seeded["district"], kind="email", name=name,
            config={"host": "127.0.0.1", "from": "alarm@school.example.cn"}, secret="", signing_secret="",
            rate_per_minute=20, passphrases=KEY, now=NOW).id
        session.get(NotifyChannel, channels[name]).config = config  # as stored before saving checked it
        notify_channels.set_enabled(session, actor=ADMIN, scope=None, channel_id=channels[name],
                                    enabled=name == "port", now=NOW)
    session.commit()
    notifier = Notifier(settings, engine=engine)
    for name in bad:  # one at a time: a person's e-mail goes by the nearest enabled e-mail channel
        for other in bad:
            session.get(NotifyChannel, channels[other]).enabled = other == name
        session.commit()
        assert _alert(session, f"alert:13:{name}", [seeded["duty"]]) == 1
        session.commit()
        notifier.run_once(NOW)
        session.expire_all()
        [row] = session.scalars(select(NotifyOutbox).where(NotifyOutbox.channel_id == channels[name])).all()
        [logged] = session.scalars(select(NotifyDelivery).where(NotifyDelivery.channel_id == channels[name])).all()
        assert row.status == "retrying" and not logged.ok and "misconfigured" in logged.answer, name
        session.rollback()
    notifier.close()


def test_saving_a_new_channel_twice_makes_one_channel_not_two_that_each_page_the_group(
        session, seeded, settings, settings_factory, engine, http):
    """The form stays on "(new channel)" after a save: a second tap of 保存 (or a double tap) made a
    second channel the same as the first, and every alert then reached the group twice. A new channel
    named as one of its unit's channels of that kind is refused, pointing to the one to edit."""
    app = create_app(settings_factory(database_url=settings.database_url, secret_key="q" * 32,
                                      notify_secret_key=KEY))
    admin = signed_in(app, "admin1")
    form = {ids.VIEW: {"lang": "zh"}, ids.CHANNEL: "new", ids.UNIT: seeded["school"], ids.KIND: "wecom",
            ids.NAME: "值班群", ids.CONFIG: "{}", ids.SECRET: f"{http}/wecom?key=k1", ids.SIGNING: "", ids.RATE: 20,
            ids.SAVE: 1}
    assert "已保存" in _post(app, admin, ids.MESSAGE, form, ids.SAVE)
    again = _post(app, admin, ids.MESSAGE, form | {ids.SAVE: 2}, ids.SAVE)
    assert "未保存" in again and "值班群" in again
    assert "已保存" in _post(app, admin, ids.MESSAGE, form | {ids.NAME: "领导群", ids.SAVE: 3}, ids.SAVE)
    session.expire_all()
    assert sorted(c.name for c in session.scalars(select(NotifyChannel))) == ["值班群", "领导群"]
    session.rollback()
    assert _alert(session, "alert:14:level0") == 2  # once to each group


def test_a_channels_name_and_settings_with_an_invisible_character_are_refused(session, seeded):
    """A NUL (which PostgreSQL's text refuses: the page said only "failed"), an ESC or a line break in a
    channel's name or a setting is refused with the field named, as every other name of the ledger."""
    cases = [("name", {"name": "值班群\x00"}), ("name", {"name": "值班\x1b[2J群"}),
             ("host", {"config": {"host": "smtp.example.cn\r\nRCPT TO:<x@y.cn>", "from": "a@school.example.cn"}}),
             ("from", {"config": {"host": "smtp.example.cn", "from": "a@school.example.cn\nBcc: b@y.cn"}})]
    for field, change in cases:
        values = dict(name="邮件", config={"host": "smtp.example.cn", "from": "a@school.example.cn"}) | change
        with pytest.raises(LedgerError) as refused:
            notify_channels.save_channel(session, actor=ADMIN, scope=None, unit_id=seeded["school"], kind="email",
                                         secret="", signing_secret="", rate_per_minute=20, passphrases=KEY, now=NOW,
                                         **values)
        assert "不可见字符" in refused.value.zh and (field == "name" or field in refused.value.zh)
        session.rollback()
    assert session.scalars(select(NotifyChannel)).all() == []
