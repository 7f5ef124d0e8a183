"""Issue 12, defect 5: with `make run` (SQLite) and the simulator on, sign-ins answered 503
"database is locked", `ledger user create` failed with a traceback, and an acknowledgement answered
503 although it had been saved. Writers on SQLite must wait their turn, and every answer must say
what was saved.

The recorder is played by a thread writing to the same database file through its own engine, as
the recorder process does (read, then write, in one transaction), while people sign in, officers
acknowledge alerts and an administrator creates accounts, all at once on the real app."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from dashboard.app import create_app
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import PROJECT_ROOT as ROOT
from ledger.models import Alert, User
from tests.dashboard.conftest import client_with, issue_token, make_user, sign_in
from tests.ledger.alarms import raise_alarm

pytestmark = pytest.mark.kafka  # the steps' events go to the real broker

ALERTS = 30
PEOPLE = 4


@pytest.fixture
def settings(settings_factory, redis_client, kafka_bootstrap):
    return settings_factory(kafka_bootstrap_servers=kafka_bootstrap, secret_key="w" * 32)


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    from dashboard.services import services

    with app.server.app_context():
        services().close()


def _recorder_like(settings, stop: threading.Event, written: list[int]) -> None:
    """Alarms raised one after another, each a transaction that reads, then writes."""
    engine = sql_engine(settings)
    sessions = sql_sessions(engine)
    n = 0
    try:
        while not stop.is_set():
            with sessions() as session:
                raise_alarm(session, event_id=f"bg-{n}", at=datetime.now(timezone.utc), device=f"bg-{n}",
                            school="s2")
            n += 1
            written.append(n)
    finally:
        engine.dispose()


def test_writers_wait_their_turn_and_every_answer_is_true(app, settings):
    issue_token(settings, role="admin")  # migrates the ledger
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    with sql_sessions(engine)() as s:
        alert_ids = [raise_alarm(s, event_id=f"a{n}", at=now, device=f"smoke-{n}").id for n in range(ALERTS)]
    for n in range(PEOPLE):
        make_user(settings, f"duty{n}", role="duty")
    officers = [client_with(app, issue_token(settings, role="duty")) for _ in range(2)]

    stop, written = threading.Event(), []
    background = threading.Thread(target=_recorder_like, args=(settings, stop, written), daemon=True)
    background.start()
    try:
        while not written:
            time.sleep(0.01)

        def acknowledge(job):
            officer, alert_id = job
            return alert_id, officer.post(f"/api/v1/alerts/{alert_id}/acknowledge").status_code

        def sign_ins(n):
            return [sign_in(app.server.test_client(), f"duty{n}").status_code for _ in range(3)]

        def create_accounts(n):
            done = subprocess.run(
                [sys.executable, "-m", "ledger", "user", "create", "--username", f"new{n}", "--name", f"新同事{n}",
                 "--role", "duty", "--password-stdin"], input="一个足够长的密码 2026\n", capture_output=True,
                text=True, timeout=120, cwd=ROOT, env={**os.environ, "DATABASE_URL": settings.database_url})
            return done.returncode, done.stderr

        with ThreadPoolExecutor(8) as pool:
            acks = pool.map(acknowledge, [(officer, a) for a in alert_ids for officer in officers])
            logins = pool.map(sign_ins, range(PEOPLE))
            created = pool.map(create_accounts, range(3))
            acks, logins, created = list(acks), list(logins), list(created)
    finally:
        stop.set()
        background.join(30)

    assert len(written) > 5, "the background writer hardly ran: nothing was contended"
    assert [code for row in logins for code in row] == [303] * (3 * PEOPLE)
    assert created == [(0, "")] * 3
    # Exactly one of the two officers won each alert, and what was answered is what was saved.
    won = sorted(alert_id for alert_id, code in acks if code == 200)
    assert sorted(code for _, code in acks) == [200] * ALERTS + [409] * ALERTS
    with sql_sessions(engine)() as s:
        saved = sorted(s.scalars(select(Alert.id).where(Alert.id.in_(alert_ids), Alert.state == "acknowledged")))
        assert s.scalar(select(User.id).where(User.username == "new2")) is not None
    assert saved == won == sorted(alert_ids)
    engine.dispose()
