"""The notifier (issue 16): `python -m streams.notifier` sends the notification outbox's due messages.

Each loop: the channels with due rows, each handled on its own worker thread (a channel that times out
holds only its own thread: it never delays the others), within its rate (NotifyChannel.rate_per_minute,
counted over the delivery log's last minute so restarts and a second notifier agree). When more rows
are due than the channel may take, they go as grouped messages naming every alert (ledger/notify_text).
Clients are small and ours (urllib, smtplib): apprise covers the robots but answers only True/False,
so the provider's answer could not be logged, and its SMS support is per named provider, not the
URL template Chinese gateways need (docs/notify.md, "Channels and delivery").
Every reminders.SWEEP_SECONDS the loop also runs the reminder sweep (streams/reminders.py: hazard
deadlines, acceptance, the leadership digest, "no drill this term"), which fills the same outbox.
"""
from __future__ import annotations

import hashlib
import http.client
import logging
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy.orm import Session

from kernel import connections
from kernel.heartbeat import Heartbeat
from kernel.settings import Settings, redact_url
from ledger import notify_rules, notify_secrets, notify_text
from ledger.commands import notify
from ledger.commands import reporting as report_commands
from ledger.errors import LedgerError
from ledger.models import NotifyChannel
from streams import notify_protocols, reminders, report_schedule
from streams.notify_protocols import Message

log = logging.getLogger("streams.notifier")
TIMEOUT_S = 10.0


def send_http(request: notify_protocols.Request, timeout_s: float) -> tuple[int, str]:
    """(HTTP status, the answer's first 500 characters); status 0 when no answer came."""
    if not request.url.lower().startswith(("http://", "https://")):
        # urllib also opens file:, data: and ftp: (the notifier's own files), answering with no status;
        # a robot's URL named by env: was never checked on saving.
        return 0, "the channel's URL must begin with http:// or https://"
    req = urllib.request.Request(request.url, data=request.body, method=request.method, headers=request.headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as answer:  # noqa: S310 - admins' own URLs
            return answer.status, answer.read(4096).decode("utf-8", "replace")[:500]
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}: " + exc.read(4096).decode("utf-8", "replace")[:450]
    except (ValueError, http.client.HTTPException) as exc:
        # A malformed URL or a broken answer: their text can carry the URL (a robot's token), not repeated.
        return 0, f"{type(exc).__name__}: the channel's URL or the provider's answer is not valid"
    except OSError as exc:  # refused, timed out, unreachable (urllib's messages do not name the URL)
        return 0, f"{type(exc).__name__}: {exc}"[:500]


def send_email(config: dict, password: str, message: Message, timeout_s: float) -> tuple[bool, str]:
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = formataddr((config.get("from_name", "校园安全指挥中心"), config["from"]))
    mail["To"] = message.recipient
    # The dedupe key in the Message-ID: a mail server or client that drops repeated ids drops a resend.
    mail["Message-ID"] = make_msgid(idstring=hashlib.sha256(message.key.encode()).hexdigest()[:24],
                                    domain=config["from"].split("@")[-1])
    mail.set_content(message.text)
    port = int(config.get("port", 465 if config.get("ssl") else 25))
    try:
        if config.get("ssl"):
            server = smtplib.SMTP_SSL(config["host"], port, timeout=timeout_s,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(config["host"], port, timeout=timeout_s)
        with server:
            if config.get("starttls"):
                server.starttls(context=ssl.create_default_context())
            if config.get("username"):
                server.login(config["username"], password)
            refused = server.send_message(mail)
        return not refused, "250 accepted" if not refused else f"refused: {refused}"[:500]
    except (OSError, smtplib.SMTPException) as exc:
        return False, f"{type(exc).__name__}: {exc}"[:500]


class Notifier:
    def __init__(self, settings: Settings, *, engine=None, timeout_s: float = TIMEOUT_S, workers: int = 8,
                 environ=None) -> None:
        self.settings = settings
        self.engine = engine or connections.sql_engine(settings)
        self.timeout_s = timeout_s
        self.environ = environ
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notify")
        self.busy: set[int] = set()  # channels a worker is sending for now
        self.lock = threading.Lock()

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def run_once(self, now: datetime | None = None, *, wait: bool = True) -> int:
        """Hand each channel with due rows to a worker; with wait, until all are done. Returns channels started."""
        now = now or datetime.now(timezone.utc)
        with Session(self.engine) as db:
            channels = notify.due_channels(db, now)
        futures = []
        for channel_id in channels:
            with self.lock:
                if channel_id in self.busy:
                    continue
                self.busy.add(channel_id)
            futures.append(self.pool.submit(self._channel, channel_id, now))
        if wait:
            for future in futures:
                future.result()
        return len(futures)

    def _channel(self, channel_id: int, now: datetime) -> None:
        try:
            with Session(self.engine) as db:
                self.deliver(db, channel_id, now)
        except Exception:  # noqa: BLE001 - one channel's fault stays its own; the loop goes on
            log.exception("notifier: channel %d", channel_id)
        finally:
            with self.lock:
                self.busy.discard(channel_id)

    def deliver(self, db: Session, channel_id: int, now: datetime) -> None:
        channel = db.get(NotifyChannel, channel_id)
        budget = notify_rules.budget(channel.rate_per_minute, notify.recent_sends(db, channel_id, now), now)
        # Read all of the channel now: after claim's commit, touching it would open a transaction again
        # (on SQLite, the write lock) and hold it through the send.
        kind, config, sealed = channel.kind, dict(channel.config or {}), (channel.secret, channel.signing_secret)
        if budget <= 0:
            return
        rows = notify.claim(db, channel_id, now)
        if not rows:
            return
        try:
            secret, signing = (notify_secrets.reveal(s, self.settings.notify_secret_key, self.environ) for s in sealed)
        except LedgerError as exc:
            notify.record(db, channel_id, [r.id for r in rows], ok=False, answer=str(exc), now=now, duration_ms=0,
                          grouped=len(rows) > 1, max_attempts=self.settings.notify_max_attempts)
            return
        began = time.monotonic()
        for ids, message in self.plan(kind, rows, budget, now, db):
            started = time.monotonic()
            ok, answer = self.send(kind, config, secret, signing, message)
            # The run's clock moved on by the time spent (a test's clock too, so backoff and the rate's
            # window are counted on one clock).
            at = now + timedelta(seconds=time.monotonic() - began)
            notify.record(db, channel_id, ids, ok=ok, answer=answer, now=at,
                          duration_ms=int((time.monotonic() - started) * 1000), grouped=len(ids) > 1,
                          max_attempts=self.settings.notify_max_attempts)
            # The answer is the provider's (never the request, which carries the secret).
            log.info("notifier: channel %d %s %d message(s): %s", channel_id, "sent" if ok else "FAILED", len(ids),
                     answer[:120])

    def plan(self, kind: str, rows: list[notify.Claimed], budget: int, now: datetime, db: Session):
        """One message per row within the budget; over it, grouped messages per recipient naming every row
        (those that do not fit the budget are released for the next minute)."""
        if len(rows) <= budget:
            return [([r.id], Message(key=r.dedupe_key, title=r.title, text=r.text, school=r.school,
                                     severity=r.severity, link=r.link, recipient=r.recipient)) for r in rows]
        out, carried = [], set()
        by_recipient: dict[str | None, list[notify.Claimed]] = {}
        for r in rows:
            by_recipient.setdefault(r.recipient, []).append(r)
        share = max(1, budget // len(by_recipient))
        for recipient, mine in list(by_recipient.items())[:budget]:
            lines = [notify_text.Line(r.title, r.severity, r.place, r.created_at) for r in mine]
            parts = notify_text.grouped_texts(lines, max_bytes=notify_text.MAX_BYTES.get(kind, 2000),
                                              tz=self.settings.tz, link=mine[0].link and self._console(),
                                              max_parts=share)
            for indexes, text in parts:
                group = [mine[i] for i in indexes]
                carried.update(r.id for r in group)
                items = [{"id": r.dedupe_key, "title": r.title, "severity": r.severity, "place": r.place,
                          "link": r.link} for r in group]
                out.append(([r.id for r in group],
                             Message(key=f"{group[0].dedupe_key}+{len(group)}", title=text.split("\n")[0][:200],
                                     text=text, school=group[0].school, severity=group[0].severity,
                                     link=self._console(), recipient=recipient, items=items)))
        notify.release(db, [r.id for r in rows if r.id not in carried], now)
        return out

    def _console(self) -> str | None:
        return (self.settings.public_url.rstrip("/") + "/duty") if self.settings.public_url else None

    def send(self, kind: str, config: dict, secret: str, signing: str, message: Message) -> tuple[bool, str]:
        if kind == "email":
            try:
                return send_email(config, secret, message, self.timeout_s)
            except (KeyError, TypeError, ValueError) as exc:  # the settings, not the server: a port that is
                # no number, a sender with a line break; raised out of the worker, the row stayed leased
                # for ever with nothing logged
                return False, f"channel misconfigured: {type(exc).__name__} {exc}"[:500]
        try:
            request = notify_protocols.build(kind, config, secret, signing, message, int(time.time() * 1000))
        except (KeyError, ValueError) as exc:
            return False, f"channel misconfigured: {type(exc).__name__} {exc}"[:500]
        status, answer = send_http(request, self.timeout_s)
        return notify_protocols.succeeded(kind, config, status, answer), answer

    def sweep_reminders(self, now: datetime | None = None) -> dict[str, int]:
        """Hazard reminders, acceptance reminders, the digest, "no drill this term" (streams/reminders.py)."""
        now = now or datetime.now(timezone.utc)
        with Session(self.engine) as db:
            counts = reminders.sweep(db, now=now, tz=self.settings.tz,
                                     public_url=self.settings.public_url, term_starts=self.settings.terms)
            # Reports due to the district tomorrow (issue 17, 报送): once per report.
            if (due := report_commands.remind_due(db, now=now, tz=self.settings.tz)):
                counts = {**counts, "report_due": due}
            db.commit()
        if counts:
            log.info("notifier: reminders %s", counts)
        return counts

    def run(self, stop: threading.Event) -> None:
        heartbeat = Heartbeat(self.settings.heartbeat_dir, "notifier")  # compose's healthcheck reads it
        next_sweep = 0.0
        # The monthly report documents (issue 17) on a thread of their own: making one takes seconds.
        documents = threading.Thread(target=report_schedule.run, name="report-schedule", daemon=True,
                                     args=(connections.sql_sessions(self.engine), self.settings, stop))
        documents.start()
        while not stop.is_set():
            heartbeat.beat()
            try:
                self.run_once(wait=False)
                if time.monotonic() >= next_sweep:  # the rows it adds go out on the next loop
                    next_sweep = time.monotonic() + reminders.SWEEP_SECONDS
                    self.sweep_reminders()
            except Exception:  # noqa: BLE001 - the ledger away for a moment: try again next loop
                log.exception("notifier: loop")
            stop.wait(self.settings.notify_poll_seconds)
        documents.join(30)
        self.close()


def main(argv: list[str] | None = None) -> None:
    from streams.runtime import start_process

    settings, stop = start_process("notifier", "The notification outbox -> WeCom, DingTalk, Feishu, SMTP, SMS, "
                                               "webhooks", argv)
    log.info("notifier: ledger %s, every %.1f s", redact_url(settings.database_url), settings.notify_poll_seconds)
    Notifier(settings).run(stop)


if __name__ == "__main__":
    main()
