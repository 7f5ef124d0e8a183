"""Drills and trainings in the ledger, on SQLite and PostgreSQL (ledger/commands/drills.py,
queries/ledger/drills.py): recorded, corrected and withdrawn with a reason, each step audited;
held to the person's role, school and unit; and the assessment's art. 9 and 12 computed from them
(per unit and in bulk alike)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from ledger import org_scope, scoring
from ledger.commands.drills import DrillRefused, correct_drill, record_drill, withdraw_drill
from ledger.drills import DrillForm
from ledger.errors import LedgerError, NotFound
from ledger.models import AuditEntry, Drill, OrgUnit, User
from queries.ledger import assessment, drills
from queries.ledger.lead_assessment import period_of, unit_scores

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
TODAY = date(2026, 12, 6)
RULES = scoring.default_rules()


def _build(session) -> dict[str, int]:
    """Schools s1 (units chem, chem/lab below it, office) and s2; the people who record and some who may not."""
    s1 = OrgUnit(code="s1", kind="school", name_zh="第一中学")
    s2 = OrgUnit(code="s2", kind="school", name_zh="第二中学")
    session.add_all([s1, s2])
    session.flush()
    chem = OrgUnit(code="s1-chem", kind="unit", name_zh="化学组", parent_id=s1.id)
    office = OrgUnit(code="s1-office", kind="unit", name_zh="总务处", parent_id=s1.id)
    session.add_all([chem, office, OrgUnit(code="s2-office", kind="unit", name_zh="二中总务处", parent_id=s2.id)])
    session.flush()
    session.add(OrgUnit(code="s1-chem-lab", kind="unit", name_zh="化学实验室", parent_id=chem.id))
    people = {"safety": ("safety", s1.id), "chemsafety": ("safety", chem.id), "admin": ("admin", None),
              "duty": ("duty", s1.id), "s2safety": ("safety", s2.id)}
    for name, (role, unit) in people.items():
        session.add(User(username=name, display_name=name, role=role, password_hash="-", unit_id=unit,
                         all_schools=unit is None))
    session.flush()
    return {name: session.scalar(select(User.id).where(User.username == name)) for name in people}


LEDGER_SEED = _build


def _form(**change) -> DrillForm:
    values = dict(title="消防疏散演练", kind="drill", held_on="2026-11-20", participant_count=300,
                  plan="火灾事故专项应急预案")
    return DrillForm(**{**values, **change})


def _record(session, who, *, school="s1", request_id=None, **change):
    return record_drill(session, user_id=who, school=school, form=_form(**change), now=NOW, today=TODAY,
                        request_id=request_id)


def _audit(session) -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_record_correct_and_withdraw_each_audited(session, seeded):
    saved = _record(session, seeded["safety"], unit="s1-chem", participants="张老师\n李老师", request_id="form-1")
    assert saved.written and saved.drill.recorded_by == "safety"
    again = _record(session, seeded["safety"], unit="s1-chem", request_id="form-1")  # the form sent twice
    assert not again.written and again.drill.id == saved.drill.id
    fixed = correct_drill(session, user_id=seeded["safety"], school="s1", drill_id=saved.drill.id,
                          form=_form(unit="s1-chem", held_on="2026-11-21", participant_count=310), now=NOW, today=TODAY)
    assert fixed.written and (fixed.drill.held_on, fixed.drill.participant_count) == (date(2026, 11, 21), 310)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "drill.correct")).one()
    assert (entry.before["held_on"], entry.after["held_on"], entry.school) == ("2026-11-20", "2026-11-21", "s1")
    with pytest.raises(LedgerError, match="say why") as refused:
        withdraw_drill(session, user_id=seeded["safety"], school="s1", drill_id=saved.drill.id, reason=" ", now=NOW)
    assert refused.value.zh == "请填写撤销记录的原因"
    gone = withdraw_drill(session, user_id=seeded["admin"], school="s1", drill_id=saved.drill.id, reason="重复录入",
                          now=NOW)
    assert gone.written and (gone.drill.withdrawn_by, gone.drill.withdrawn_reason) == ("admin", "重复录入")
    assert not withdraw_drill(session, user_id=seeded["admin"], school="s1", drill_id=saved.drill.id, reason="再撤",
                              now=NOW).written
    assert _audit(session) == [("drill.record", "safety"), ("drill.correct", "safety"), ("drill.withdraw", "admin")]
    listed = drills.year_of_drills(session, school_id=saved.drill.school_id, year=2026)
    assert listed.rows == () and listed.counts == {"drill": 0, "training": 0}  # withdrawn: kept, not counted
    assert drills.year_of_drills(session, school_id=saved.drill.school_id, year=2026, withdrawn=True).rows[0].unit == \
        "s1-chem"


def test_who_may_record_where(session, seeded):
    cases = [  # (who, school, unit, refusal, its Chinese)
        ("duty", "s1", None, DrillRefused, "只有安全管理部门或管理员"),
        ("s2safety", "s1", None, DrillRefused, "不在您的范围内"),
        ("safety", "s2", "s2-office", DrillRefused, "不在您的范围内"),
        ("safety", "s1", "s2-office", NotFound, "第一中学没有单位"),
        ("chemsafety", "s1", None, org_scope.OutOfScope, "全校的演练或培训由学校安全管理部门记录"),
        ("chemsafety", "s1", "s1-office", org_scope.OutOfScope, "不在您的管理范围（化学组）"),
    ]
    for who, school, unit, refusal, zh in cases:
        with pytest.raises(refusal) as refused:
            _record(session, seeded[who], school=school, unit=unit)
        assert zh in refused.value.zh, who
    assert session.scalar(select(func.count()).select_from(Drill)) == 0  # nothing saved
    mine = _record(session, seeded["chemsafety"], unit="s1-chem-lab")  # a unit below their own
    whole = _record(session, seeded["safety"], kind="training", title="全员培训")
    with pytest.raises(org_scope.OutOfScope):  # the whole school's record is not the chemistry group's
        withdraw_drill(session, user_id=seeded["chemsafety"], school="s1", drill_id=whole.drill.id, reason="x", now=NOW)
    with pytest.raises(NotFound):  # another school's record: as if there were none
        correct_drill(session, user_id=seeded["s2safety"], school="s2", drill_id=mine.drill.id, form=_form(), now=NOW,
                      today=TODAY)
    year = drills.year_of_drills(session, school_id=whole.drill.school_id, year=2026)
    assert year.counts == {"drill": 1, "training": 1}


def _scores(session, *, today=TODAY):
    school = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    now = datetime.combine(today, datetime.min.time(), TZ) + timedelta(hours=10)
    bulk = unit_scores(session, school=school, period=period_of(today.year, now), review_days=365, rules=RULES)
    one = assessment.school_scores(session, school=school, today=today, now=now, review_days=365, rules=RULES)
    lines = {r["unit"]: sorted((d["article"], d["count"]) for d in r["deductions"] if d["article"] in (9, 12))
             for r in bulk}
    assert lines == {r["unit"]: sorted((d["article"], d["count"]) for d in r["deductions"] if d["article"] in (9, 12))
                     for r in one}  # per unit and in bulk alike
    return lines


def test_art_9_and_12_are_computed_from_the_records(session, seeded):
    # Nothing recorded: every unit lacks a training (art. 9) and a drill in the two terms ended in 2026 (art. 12).
    assert _scores(session)["s1-office"] == [(9, 1), (12, 2)]
    _record(session, seeded["safety"], kind="training", title="全员培训", held_on="2026-03-10")  # the whole school
    _record(session, seeded["safety"], held_on="2025-10-15")  # a school-wide drill, autumn term 2025
    chem = _record(session, seeded["safety"], unit="s1-chem", held_on="2026-05-20")  # spring term 2026, chem only
    lines = _scores(session)
    assert lines["s1-chem"] == [] and lines["s1-office"] == [(12, 1)]
    withdraw_drill(session, user_id=seeded["safety"], school="s1", drill_id=chem.drill.id, reason="日期录错", now=NOW)
    assert _scores(session)["s1-chem"] == [(12, 1)]  # withdrawn: counted no more
    with pytest.raises(scoring.DeductionRefused, match="computed from the ledger"):
        scoring.check_entry(12, 1, RULES)  # computed: never entered by hand
