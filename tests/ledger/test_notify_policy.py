"""A unit's notification policy (issue 16): the pure rules (quiet hours across midnight and a DST change,
the form's refusals) and, on SQLite and PostgreSQL, a school following the nearest unit above it, an
admin held to their unit, every change audited."""
from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from ledger import notify_policy
from ledger.commands import audit
from ledger.commands import notify_policy as policy_commands
from ledger.errors import LedgerError
from ledger.models import AuditEntry, OrgUnit
from queries.ledger import notify_policy as policy_reads

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
FORM = {"quiet_start": "22:00", "quiet_end": "07:00", "reminder_days": "3、1，0", "reminder_at": "08:30",
        "digest_at": ""}


def test_the_defaults_hold_back_no_page():
    assert not notify_policy.DEFAULT.has_quiet_hours
    assert notify_policy.DEFAULT.holds("low", NOW, SHANGHAI) is None
    assert notify_policy.DEFAULT.reminder_days == (3, 1, 0)


def test_quiet_hours_across_midnight_hold_lower_severities_until_they_end():
    policy = notify_policy.from_form(**FORM)
    three_am = datetime(2026, 12, 6, 3, 0, tzinfo=SHANGHAI).astimezone(timezone.utc)
    assert policy.holds("critical", three_am, SHANGHAI) is None  # a fire pages at once, day or night
    held = policy.holds("high", three_am, SHANGHAI)
    assert held == datetime(2026, 12, 6, 7, 0, tzinfo=SHANGHAI)
    eleven_pm = datetime(2026, 12, 6, 23, 0, tzinfo=SHANGHAI)
    assert policy.holds("low", eleven_pm, SHANGHAI) == datetime(2026, 12, 7, 7, 0, tzinfo=SHANGHAI)
    assert policy.holds("low", datetime(2026, 12, 6, 7, 0, tzinfo=SHANGHAI), SHANGHAI) is None  # end exclusive
    assert policy.holds("low", datetime(2026, 12, 6, 22, 0, tzinfo=SHANGHAI), SHANGHAI) is not None
    assert policy.reminder_days == (3, 1, 0) and policy.reminder_at == time(8, 30) and policy.digest_at is None


def test_quiet_hours_end_at_their_clock_time_on_a_dst_change():
    berlin = ZoneInfo("Europe/Berlin")  # 2026-03-29 02:00 -> 03:00
    policy = notify_policy.from_form("01:00", "06:00", "", "08:00", "07:30")
    held = policy.holds("medium", datetime(2026, 3, 29, 1, 30, tzinfo=berlin), berlin)
    assert held.astimezone(berlin).hour == 6 and held.astimezone(berlin).utcoffset().total_seconds() == 7200


@pytest.mark.parametrize("form, zh", [
    ({**FORM, "quiet_end": ""}, "同时填写"),
    ({**FORM, "quiet_end": "22:00"}, "不能相同"),
    ({**FORM, "quiet_start": "25:00"}, "不是时间"),
    ({**FORM, "reminder_days": "3,x"}, "整数"),
    ({**FORM, "reminder_days": "99"}, "整数"),
    ({**FORM, "reminder_at": ""}, "须填写"),
    ({**FORM, "digest_at": "7点半\x00"}, "不是时间"),
])
def test_a_form_that_cannot_be_used_is_refused_in_both_languages(form, zh):
    with pytest.raises(LedgerError) as refused:
        notify_policy.from_form(**form)
    assert zh in refused.value.zh and str(refused.value)


def _tree(session):
    district = OrgUnit(code="pd1", kind="district", name_zh="示范区")
    school = OrgUnit(code="ps1", kind="school", name_zh="第一中学", parent=district)
    other = OrgUnit(code="pd2", kind="district", name_zh="邻区")
    session.add_all([district, school, other])
    session.flush()
    return district, school, other


def test_a_school_follows_the_nearest_policy_above_it_and_admins_stay_in_their_unit(session):
    district, school, other = _tree(session)
    admin = audit.Actor("admin1", "admin")
    assert policy_reads.holding(session, "ps1") == (notify_policy.DEFAULT, None)
    policy_commands.set_policy(session, actor=admin, scope="pd1", unit_id=district.id, form=FORM, now=NOW)
    session.commit()
    assert policy_reads.holding(session, "ps1") == (notify_policy.from_form(**FORM), "pd1")
    own = {**FORM, "quiet_start": "", "quiet_end": "", "digest_at": "18:00"}
    policy_commands.set_policy(session, actor=admin, scope="pd1", unit_id=school.id, form=own, now=NOW)
    session.commit()
    assert policy_reads.policy_for(session, school.id).digest_at == time(18, 0)
    assert not policy_reads.policy_for(session, "ps1").has_quiet_hours
    with pytest.raises(LedgerError):  # another district's unit, by id from the browser
        policy_commands.set_policy(session, actor=admin, scope="pd1", unit_id=other.id, form=FORM, now=NOW)
    with pytest.raises(LedgerError):
        policy_commands.set_policy(session, actor=admin, scope="pd1", unit_id="1", form=FORM, now=NOW)
    with pytest.raises(LedgerError):  # a refused form saves nothing
        policy_commands.set_policy(session, actor=admin, scope="pd1", unit_id=school.id,
                                   form={**FORM, "reminder_at": "x"}, now=NOW)
    session.rollback()
    assert policy_reads.policy_for(session, "ps1").digest_at == time(18, 0)
    assert policy_commands.clear_policy(session, actor=admin, scope="pd1", unit_id=school.id, now=NOW)
    session.commit()
    assert policy_reads.holding(session, "ps1")[1] == "pd1"
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["notify_policy.set", "notify_policy.set", "notify_policy.clear"]
