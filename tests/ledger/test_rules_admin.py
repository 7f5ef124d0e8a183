"""Alert rules and deadlines edited by an admin (ledger/commands/rules.py, ledger/live_rules.py), on
SQLite and PostgreSQL: a bad text is refused with the parser's reason and nothing changes; a good
one becomes the next version with its audit entry; a process's LiveRules takes it at its next check."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from kernel.contract import Event
from kernel.settings import DEFAULT_ALERT_DEADLINES, DEFAULT_ALERT_RULES
from ledger import live_rules
from ledger.commands import rules
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.models import AuditEntry, RuleText
from ledger.org_scope import OutOfScope

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
ROOT = Actor("root", "admin", "10.0.0.1")
SHIPPED = live_rules.file_text(DEFAULT_ALERT_RULES)
DEADLINES = live_rules.file_text(DEFAULT_ALERT_DEADLINES)
# The shipped rules raise nothing when a device comes back online; this one makes it a medium alert.
DOOR = SHIPPED + '\n[[rule]]\ntype = "device.online"\nseverity = "medium"\n'


def counts(db) -> tuple[int, int]:
    return (db.scalar(select(func.count()).select_from(RuleText)),
            db.scalar(select(func.count()).select_from(AuditEntry)))


@pytest.mark.parametrize("kind, text, reason", [
    ("alert_rules", SHIPPED + '\n[[rule]]\ntype = "fire.smoke_alarm"\nseverity = "urgent"\n', "rule 18: severity"),
    ("alert_rules", SHIPPED + '\n[[rule]]\ntype = "no.such_event"\nseverity = "high"\n', "unknown event type"),
    ("alert_rules", SHIPPED + '\n[[rule]]\ntype = "sensor.gas"\nfield = "value"\nat_least = "ten"\nseverity = "high"\n',
     "at_least must be a number"),
    ("alert_rules", SHIPPED + '\n[[rule]]\ntype = "sensor.gas"\nfeild = "value"\nseverity = "high"\n',
     "unknown key 'feild'"),
    ("alert_rules", SHIPPED + "\n[[rule]\n", "not valid TOML"),
    ("alert_rules", "   \n", "empty"),
    ("alert_deadlines", DEADLINES.replace("critical = 60", "critical = -5"), "positive"),
    ("alert_deadlines", DEADLINES.replace("critical = 60\n", ""), "lacks critical"),
    ("alert_deadlines", DEADLINES + "\n[extra]\nx = 1\n", "unknown section"),
])
def test_a_bad_text_is_refused_with_its_reason_and_nothing_changes(session, kind, text, reason):
    with pytest.raises(live_rules.RulesRefused, match=reason):
        rules.check(kind, text)
    with pytest.raises(live_rules.RulesRefused, match=reason):
        rules.save(session, actor=ROOT, whole_tree=True, kind=kind, text=text, current_text=SHIPPED, now=NOW)
    session.flush()
    assert counts(session) == (0, 0)


def test_a_good_text_is_the_next_version_with_its_audit_entry(session):
    saved = rules.save(session, actor=ROOT, whole_tree=True, kind="alert_rules", text=DOOR, current_text=SHIPPED,
                       now=NOW)
    assert (saved.version, saved.saved_by) == (1, "root")
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.target, entry.actor, entry.ip) == ("rules.update", "rules:alert_rules", "root",
                                                                    "10.0.0.1")
    assert entry.before == {"version": 0, "lines": ""}
    assert entry.after == {"version": 1, "lines": '\n[[rule]]\ntype = "device.online"\nseverity = "medium"'}
    again = SHIPPED.replace("at_least = 300", "at_least = 200")
    assert rules.save(session, actor=ROOT, whole_tree=True, kind="alert_rules", text=again, current_text=DOOR,
                      now=NOW).version == 2
    with pytest.raises(rules.Unchanged):  # a double submit saves nothing the second time
        rules.save(session, actor=ROOT, whole_tree=True, kind="alert_rules", text=again, current_text=again, now=NOW)
    assert live_rules.newest(session, "alert_rules").text == again
    assert live_rules.newest_version(session, "alert_deadlines") == 0  # each kind its own versions


def test_only_an_admin_over_the_whole_tree_may_change_rules(session):
    with pytest.raises(OutOfScope, match="whole tree"):
        rules.save(session, actor=ROOT, whole_tree=False, kind="alert_rules", text=DOOR, current_text=SHIPPED, now=NOW)
    assert issubclass(OutOfScope, LedgerError) and counts(session) == (0, 0)


def test_a_process_takes_a_saved_version_at_its_next_check(engine, session):
    from kernel.connections import sql_sessions

    running = live_rules.LiveRules("alert_rules", DEFAULT_ALERT_RULES, sql_sessions(engine, reads_only=True))
    door = Event(id="e1", ts=0, school="s1", domain="operations", type="device.online", severity="info",
                 building=None, zone=None, source="gate-1", data={"device": "d1", "system": "fire"})
    assert running.version == 0 and running.current().severity_for(door) is None
    assert not running.check()
    rules.save(session, actor=ROOT, whole_tree=True, kind="alert_rules", text=DOOR, current_text=SHIPPED, now=NOW)
    session.commit()
    assert running.check() and running.version == 1
    assert running.current().severity_for(door) == "medium"


def test_a_process_keeps_its_rules_when_the_ledger_cannot_be_read(tmp_path):
    from kernel.connections import sql_engine, sql_sessions
    from kernel.settings import Settings

    unmigrated = sql_engine(Settings.from_env(environ={}, database_url=f"sqlite:///{tmp_path / 'none.db'}"))
    try:
        running = live_rules.LiveRules("alert_deadlines", DEFAULT_ALERT_DEADLINES, sql_sessions(unmigrated))
        assert running.version == 0 and running.current().acknowledge_within_ms["critical"] == 60_000
        assert not running.check()
    finally:
        unmigrated.dispose()
