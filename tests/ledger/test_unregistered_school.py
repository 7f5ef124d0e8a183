"""A school that sends events before an admin sets it up is registered by its id as its name
(ledger/commands/recording.py `school_for`): the organisation page flags it "unregistered" until an
admin names it or gives it a type (queries/ledger/org_tree.py)."""
from __future__ import annotations

from datetime import datetime, timezone

from ledger.commands import org
from ledger.commands.audit import Actor
from ledger.commands.recording import school_for
from queries.ledger.org_tree import tree_rows

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
ROOT = Actor("root", "admin", "10.0.0.1")


def test_a_school_known_only_from_its_events_is_flagged_until_an_admin_names_it(session):
    org.create_unit(session, actor=ROOT, scope=None, kind="school", code="named", name_zh="第一中学",
                    school_type="middle", now=NOW)
    school_for(session, "camera-school-7")
    rows = {r.code: r for r in tree_rows(session, None)}
    assert rows["camera-school-7"].name_zh == "camera-school-7" and rows["camera-school-7"].unregistered
    assert not rows["named"].unregistered
    org.update_unit(session, actor=ROOT, scope=None, code="camera-school-7", name_zh="金水区第七小学",
                    school_type="primary", now=NOW)
    assert not {r.code: r for r in tree_rows(session, None)}["camera-school-7"].unregistered
