"""Routine inspections in the ledger, on SQLite and PostgreSQL: plans held to the planner's role and
school, an inspection done item by item and signed, a failed item's hazard draft, missed and late
periods counted, and double submits answered without writing twice."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dashboard import roles
from kernel.connections import sql_sessions
from ledger.commands import inspection_plans as plans
from ledger.commands import inspections
from ledger.errors import LedgerError
from ledger.inspection_rules import INSPECT_ROLES, PLAN_ROLES, measure_lines
from ledger.models import USER_ROLES, AuditEntry, Building, InspectionResult, OrgUnit, RiskPoint, User, Zone
from ledger.models.campaign import Campaign, ChecklistItem
from queries.ledger import inspection_plans as plan_reads
from queries.ledger import inspections as reads
from queries.ledger.assessment import unit_facts
from queries.ledger.lead_assessment import gather_facts, period_of
from tests.ledger import photo_support as made
from tests.ledger.register_support import school_with_buildings

TZ = ZoneInfo("Asia/Shanghai")
# Monday 7 December 2026, 09:00 in Shanghai.
NOW = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 7)
MEASURES = "1. 危化品专柜存放，双人双锁\n2、通风橱每日检查\n\n（3）台账日清日结\n"


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_the_ledgers_roles_are_the_web_apps_grants():
    def holders(permission):
        return {r for r in USER_ROLES if permission in roles.GRANTS[r]}
    assert set(PLAN_ROLES) == holders(roles.INSPECTION_PLAN)
    assert set(INSPECT_ROLES) == holders(roles.INSPECT)


def test_control_measures_become_one_item_a_line():
    assert measure_lines(MEASURES) == ["危化品专柜存放，双人双锁", "通风橱每日检查", "台账日清日结"]
    assert measure_lines("  \n\n") == []


def _people(db) -> dict[str, int]:
    s1, s2, d1 = (db.scalar(select(OrgUnit).where(OrgUnit.code == c)) for c in ("s1", "s2", "d1"))
    people = {
        "safety1": ("王安全", "safety", s1), "safety2": ("李安全", "safety", s2), "insp1": ("张巡查", "inspector", s1),
        "insp1b": ("赵巡查", "inspector", s1), "duty1": ("陈值班", "duty", s1), "teacher1": ("刘老师", "reporter", s1),
        "admin-d1": ("区管理员", "admin", d1),
    }
    for username, (name, role, unit) in people.items():
        db.add(User(username=username, display_name=name, role=role, password_hash="x", unit_id=unit.id))
    db.flush()
    return {u.username: u.id for u in db.scalars(select(User))}


@pytest.fixture
def school(session):
    """s1 (a lab building with zone 3F, a chemistry unit, a risk point with measures and one without,
    a campaign) and s2, their safety offices, inspectors, a duty officer and a teacher."""
    school_with_buildings(session)
    s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    chem = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1-chem"))
    lab = session.scalar(select(Building).where(Building.school_id == s1.id, Building.code == "lab"))
    zone = session.scalar(select(Zone).where(Zone.building_id == lab.id))
    common = dict(school_id=s1.id, method="LEC", l_value=3, e_value=6, c_value=15, score=270, level="high",
                  colour="orange", identified_on=TODAY, last_reviewed_on=TODAY)
    session.add_all([
        RiskPoint(code="RP-305", name="化学实验室305", unit_id=chem.id, building_id=lab.id, zone_id=zone.id,
                  control_measures=MEASURES, **common),
        RiskPoint(code="RP-bare", name="无措施风险点", control_measures="", **common),
        Campaign(code="fire-2026", name_zh="消防专项", items=[ChecklistItem(position=1, text="疏散通道畅通"),
                                                             ChecklistItem(position=2, text="灭火器在有效期内")]),
    ])
    session.flush()
    ids = _people(session)
    session.commit()
    return ids


def _plan(db, ids, *, who="safety1", school="s1", **form):
    values = dict(name="305实验室日查", frequency="daily", risk_point="RP-305", assignee_role="inspector")
    values.update(form)
    return plans.create_plan(db, user_id=ids[who], school=school, form=plans.PlanForm(**values), now=NOW,
                             today=TODAY, ip="10.0.0.9")


def test_the_safety_office_plans_within_its_school_and_every_change_is_audited(session, school):
    plan = _plan(session, school)
    assert (plan.frequency, plan.checklist, plan.assignee_role, plan.starts_on) == ("daily", "risk_point",
                                                                                   "inspector", TODAY)
    chem = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1-chem"))
    assert plan.unit_id == chem.id and plan.building_id is not None and plan.zone_id is not None  # from the point
    campaign = _plan(session, school, name="食堂消防周查", frequency="weekly", checklist="campaign", risk_point=None,
                     campaign="fire-2026", building="canteen", assignee_role=None, assignee_username="insp1",
                     unit="s1-chem")
    assert (campaign.building_id is not None, campaign.assignee_username) == (True, "insp1")
    # a district admin plans for a school under the district
    _plan(session, school, who="admin-d1", name="区里定的月查", frequency="monthly")
    weekly = plans.PlanForm(name="305实验室周查", frequency="weekly", risk_point="RP-305", assignee_role="inspector")
    with pytest.raises(LedgerError, match="retire it and make a new one"):  # it began today
        plans.update_plan(session, user_id=school["safety1"], plan_id=plan.id, now=NOW, today=TODAY, form=weekly)
    plans.update_plan(session, user_id=school["safety1"], plan_id=plan.id, now=NOW, today=TODAY - timedelta(days=1),
                      form=weekly)  # the day before it began: still free to change
    session.commit()
    with pytest.raises(LedgerError, match="empty"):  # a refused edit changes nothing
        plans.update_plan(session, user_id=school["safety1"], plan_id=plan.id, now=NOW, today=TODAY,
                          form=plans.PlanForm(name="改坏", frequency="weekly", risk_point="RP-bare",
                                              assignee_role="inspector"))
    session.rollback()
    assert (plan.name, session.get(RiskPoint, plan.risk_point_id).code) == ("305实验室周查", "RP-305")
    plans.retire_plan(session, user_id=school["safety1"], plan_id=campaign.id, today=TODAY, now=NOW)
    with pytest.raises(LedgerError, match="retired"):
        plans.retire_plan(session, user_id=school["safety1"], plan_id=campaign.id, today=TODAY, now=NOW)
    session.commit()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor) for e in entries if e.action.startswith("inspection_plan")] == [
        ("inspection_plan.create", "safety1"), ("inspection_plan.create", "safety1"),
        ("inspection_plan.create", "admin-d1"), ("inspection_plan.update", "safety1"),
        ("inspection_plan.retire", "safety1")]
    update = next(e for e in entries if e.action == "inspection_plan.update")
    assert update.before == {"name": "305实验室日查", "frequency": "daily"} and update.school == "s1"
    assert entries[-1].after == {"retired_on": "2026-12-07"}

    rows = plan_reads.school_plans(session, user_id=school["safety1"], school="s1")
    assert [(r.name, r.frequency, r.unit, r.items[0]) for r in rows] == [
        ("305实验室周查", "weekly", "s1-chem", "危化品专柜存放，双人双锁"),
        ("区里定的月查", "monthly", "s1-chem", "危化品专柜存放，双人双锁")]
    assert len(plan_reads.school_plans(session, user_id=school["safety1"], school="s1", retired=True)) == 3
    assert plan_reads.school_plans(session, user_id=school["safety2"], school="s1") is None
    choices = plan_reads.plan_choices(session, user_id=school["safety1"], school="s1")
    assert choices.risk_points == [("RP-305", "化学实验室305", 3), ("RP-bare", "无措施风险点", 0)]
    assert ("lab", "实验楼", [("3F", "三层")]) in choices.buildings and choices.units == [("s1-chem", "化学组")]
    assert choices.campaigns == [("fire-2026", "消防专项", 2)]
    assert [p[0] for p in choices.people] == ["admin-d1", "duty1", "insp1", "insp1b", "safety1"]


REFUSED_PLANS = [  # (who, school, what differs from a good form, the refusal)
    ("insp1", "s1", {}, "may not plan"),  # an inspector does not plan
    ("teacher1", "s1", {}, "may not plan"),
    ("safety2", "s1", {}, "not one of yours"),  # another school's safety office
    ("safety1", "s2", {}, "not one of yours"),
    ("safety1", "nowhere", {}, "not one of yours"),
    ("safety1", "s1", {"frequency": "hourly"}, "frequency must be"),
    ("safety1", "s1", {"risk_point": "RP-bare"}, "checklist is empty"),
    ("safety1", "s1", {"risk_point": "RP-none"}, "no risk point"),
    ("safety1", "s1", {"risk_point": None}, "name what is inspected"),
    ("safety1", "s1", {"risk_point": None, "building": "lab"}, "needs its risk point"),
    ("safety1", "s1", {"checklist": "campaign", "campaign": "nope"}, "no campaign"),
    ("safety1", "s1", {"assignee_role": "reporter"}, "does not inspect"),
    ("safety1", "s1", {"assignee_username": "insp1"}, "a role or one person"),
    ("safety1", "s1", {"assignee_role": None, "assignee_username": "teacher1"}, "no inspector"),
    ("safety1", "s1", {"name": "305\x1b[2J"}, "invisible character"),
    ("safety1", "s1", {"name": "长" * 201}, "at most 200"),
    ("safety1", "s1", {"unit": "s2-office"}, "has no unit"),
    ("safety1", "s1", {"starts_on": TODAY - timedelta(days=1)}, "in the past"),
    ("safety1", "s1", {"building": "canteen"}, "the plan inspects it there"),
]


def test_a_plan_out_of_role_scope_or_shape_is_refused_and_nothing_is_saved(session, school):
    for who, school_code, form, refusal in REFUSED_PLANS:
        with pytest.raises(LedgerError, match=refusal) as caught:
            _plan(session, school, who=who, school=school_code, **form)
        assert caught.value.zh, refusal
        session.rollback()
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action.like("inspection_plan%"))) == 0


def _start(db, ids, plan, who="insp1", now=NOW, **kw):
    return inspections.start_inspection(db, user_id=ids[who], plan_id=plan.id, now=now, tz=TZ, **kw)


def test_an_inspection_with_a_failed_item_becomes_a_hazard_draft(session, school, tmp_path):
    plan = _plan(session, school)
    s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    seven, eight = (made.kept(session, tmp_path, school["insp1"], s1, data).key for data in made.distinct(2))
    session.commit()
    today = reads.todays_inspections(session, user_id=school["insp1"], now=NOW, tz=TZ)
    assert [(t.plan_name, t.status, t.items, t.period_key) for t in today] == [
        ("305实验室日查", "due", 3, "2026-12-07")]
    assert reads.todays_inspections(session, user_id=school["duty1"], now=NOW, tz=TZ) == []  # not the duty's plan
    assert reads.todays_inspections(session, user_id=school["insp1"], now=NOW - timedelta(days=1), tz=TZ) == []

    started = _start(session, school, plan)
    again = _start(session, school, plan, who="insp1b")  # a colleague of the same role opens the same one
    assert (started.opened, again.opened, again.inspection.id) == (False, True, started.inspection.id)
    inspection_id = started.inspection.id
    record = dict(user_id=school["insp1"], inspection_id=inspection_id, now=NOW)
    inspections.record_item(session, position=0, result="pass", **record)
    failed = inspections.record_item(session, position=1, result="fail", note="通风橱风机不转\r\n需报修",
                                     photo_keys=[seven, eight, seven], **record)
    assert failed.written and failed.result.photo_keys == [seven, eight]
    assert failed.result.note == "通风橱风机不转\n需报修"
    twice = inspections.record_item(session, position=1, result="fail", note="通风橱风机不转\n需报修",
                                    photo_keys=[seven, eight], **record)
    assert (twice.written, twice.result.id) == (False, failed.result.id)  # the same answer again: not written
    with pytest.raises(LedgerError, match="items have no answer"):
        inspections.finish_inspection(session, user_id=school["insp1"], inspection_id=inspection_id, now=NOW, tz=TZ)
    inspections.record_item(session, position=2, result="na", **record)
    session.commit()

    draft = reads.hazard_draft(session, user_id=school["insp1"], result_id=failed.result.id)
    assert (draft.school, draft.building, draft.zone, draft.risk_point, draft.description, draft.note,
            draft.photo_keys, draft.source, draft.found_by, draft.reported_as) == (
        "s1", "lab", "3F", "RP-305", "通风橱每日检查", "通风橱风机不转\n需报修", [seven, eight], "school_inspection",
        "insp1",
        None)
    assert [d.result_id for d in reads.open_drafts(session, user_id=school["insp1"])] == [failed.result.id]
    assert reads.hazard_draft(session, user_id=school["safety2"], result_id=failed.result.id) is None  # s2's office
    passed = session.scalar(select(InspectionResult.id).where(InspectionResult.position == 0))
    assert reads.hazard_draft(session, user_id=school["insp1"], result_id=passed) is None

    done = inspections.finish_inspection(session, user_id=school["insp1"], inspection_id=inspection_id,
                                         now=NOW + timedelta(minutes=20), tz=TZ)
    second = inspections.finish_inspection(session, user_id=school["insp1b"], inspection_id=inspection_id,
                                           now=NOW + timedelta(minutes=25), tz=TZ)
    assert (done.written, done.late, second.written, second.inspection.signed_name) == (True, False, False, "张巡查")
    assert second.inspection.finished_at == NOW + timedelta(minutes=20)
    with pytest.raises(LedgerError, match="not edited") as caught:
        inspections.record_item(session, position=0, result="fail", **record)
    assert "签字完成" in caught.value.zh
    session.commit()

    assert inspections.mark_reported(session, failed.result.id, "s1-H-0042") is True
    assert inspections.mark_reported(session, failed.result.id, "s1-H-0042") is False  # a resent report
    with pytest.raises(LedgerError, match="reported already"):
        inspections.mark_reported(session, failed.result.id, "s1-H-0043")
    with pytest.raises(LedgerError):
        inspections.mark_reported(session, passed, "s1-H-0044")
    session.commit()
    assert reads.hazard_draft(session, user_id=school["insp1"], result_id=failed.result.id).reported_as == "s1-H-0042"
    assert reads.open_drafts(session, user_id=school["insp1"]) == []
    sheet = reads.inspection_sheet(session, user_id=school["safety1"], inspection_id=inspection_id, tz=TZ)
    assert ([i.result for i in sheet.items], sheet.items[1].hazard_code, sheet.late, sheet.may_edit) == (
        ["pass", "fail", "na"], "s1-H-0042", False, False)
    today = reads.todays_inspections(session, user_id=school["insp1"], now=NOW + timedelta(hours=1), tz=TZ)
    assert [(t.status, t.answered, t.failed, t.signed_name) for t in today] == [("done", 3, 1, "张巡查")]


def test_only_the_plans_people_inspect_and_bad_items_are_refused(session, school):
    plan = _plan(session, school, assignee_role=None, assignee_username="insp1")
    session.commit()
    for who in ("insp1b", "duty1", "teacher1", "safety2"):
        with pytest.raises(LedgerError) as caught:
            _start(session, school, plan, who=who)
        assert caught.value.zh
    with pytest.raises(LedgerError, match="ahead"):
        _start(session, school, plan, day=TODAY + timedelta(days=1))
    with pytest.raises(LedgerError, match="owes no inspection"):
        _start(session, school, plan, day=TODAY - timedelta(days=1))  # before the plan began
    inspection_id = _start(session, school, plan).inspection.id
    record = dict(user_id=school["insp1"], inspection_id=inspection_id, now=NOW)
    for position, result, extra, refusal in [
        (3, "pass", {}, "no item"), (-1, "pass", {}, "no item"), (True, "pass", {}, "no item"),
        (0, "ok", {}, "passes, fails"), (0, "pass", {"photo_keys": ["a" * 32]}, "failed item"),
        (0, "fail", {"photo_keys": ["1"]}, "not a photo key"), (0, "fail", {"photo_keys": [0]}, "not a photo key"),
        (0, "fail", {"photo_keys": [f"{i:032x}" for i in range(10)]}, "at most 9"),
        (0, "fail", {"photo_keys": ["a" * 32]}, "not one you uploaded"),
        (0, "fail", {"note": "长" * 2001}, "at most 2000"),
    ]:
        with pytest.raises(LedgerError, match=refusal):
            inspections.record_item(session, position=position, result=result, **extra, **record)
    with pytest.raises(LedgerError):
        inspections.record_item(session, position=0, result="pass", user_id=school["insp1b"],
                                inspection_id=inspection_id, now=NOW)
    session.commit()
    assert session.scalar(select(func.count()).select_from(InspectionResult)) == 0
    # an answer may change until it is signed; a reported failed item's answer stays
    first = inspections.record_item(session, position=0, result="fail", **record)
    changed = inspections.record_item(session, position=0, result="pass", **record)
    assert (changed.written, changed.result.id, changed.result.result) == (True, first.result.id, "pass")
    failed = inspections.record_item(session, position=1, result="fail", **record)
    inspections.mark_reported(session, failed.result.id, "s1-H-1")
    with pytest.raises(LedgerError, match="its answer stays"):
        inspections.record_item(session, position=1, result="pass", **record)


def test_missed_and_late_periods_are_counted_per_unit_and_school(session, school):
    # Daily from Monday 7 December; the week's log: Mon done, Tue missed, Wed made up on Thursday
    # morning (late), Thu started and never signed (missed: no record), Fri due (now is Friday).
    plan = _plan(session, school)
    weekly = _plan(session, school, name="无单位周查", frequency="weekly", risk_point=None, checklist="campaign",
                   campaign="fire-2026", building="canteen")
    session.commit()

    def do(day: date, at: datetime, finish: bool = True, which=plan):
        inspection_id = _start(session, school, which, now=at, day=day).inspection.id
        for position in range(3 if which is plan else 2):
            inspections.record_item(session, user_id=school["insp1"], inspection_id=inspection_id,
                                    position=position, result="pass", now=at)
        if finish:
            return inspections.finish_inspection(session, user_id=school["insp1"], inspection_id=inspection_id,
                                                 now=at, tz=TZ)

    do(date(2026, 12, 7), local("2026-12-07T10:00"))
    made_up = do(date(2026, 12, 9), local("2026-12-10T08:30"))
    assert made_up.late
    do(date(2026, 12, 10), local("2026-12-10T23:00"), finish=False)
    do(date(2026, 12, 7), local("2026-12-08T09:00"), which=weekly)  # this week's, on time
    session.commit()

    now = local("2026-12-11T09:00")
    s1 = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "s1"))
    tally = reads.missed_and_late(session, school_ids=[s1], start=date(2026, 12, 1), end=date(2027, 1, 1),
                                  now=now, tz=TZ)
    assert tally.by_school == {"s1": {"owed": 6, "done": 2, "late": 1, "missed": 2, "due": 1}}  # the week's done
    assert tally.by_unit == {("s1", "s1-chem"): {"owed": 5, "done": 1, "late": 1, "missed": 2, "due": 1},
                             ("s1", None): {"owed": 1, "done": 1, "late": 0, "missed": 0, "due": 0}}
    assert tally.unit_names["s1-chem"] == "化学组"
    # only the periods whose last day falls in the window count
    narrow = reads.missed_and_late(session, school_ids=[s1], start=date(2026, 12, 8), end=date(2026, 12, 9),
                                   now=now, tz=TZ)
    assert narrow.by_school == {"s1": {"owed": 1, "done": 0, "late": 0, "missed": 1, "due": 0}}
    missing = reads.missed_for_assessment(session, school_id=s1, start=date(2026, 12, 1), end=date(2027, 1, 1),
                                          now=now, tz=TZ)
    assert [(m.period_key, m.started, m.inspection_id is not None, m.signed_name) for m in missing["s1-chem"]] == [
        ("2026-12-08", False, False, None), ("2026-12-10", True, True, None)]
    owed = reads.owed_periods(session, school_ids=[s1], start=date(2026, 12, 9), end=date(2026, 12, 10), now=now, tz=TZ)
    assert [(o.status, o.signed_name) for o in owed] == [("late", "张巡查")]
    assert list(missing) == ["s1-chem"]
    today = reads.todays_inspections(session, user_id=school["insp1"], now=now, tz=TZ)
    assert [(t.plan_name, t.status) for t in today] == [("305实验室日查", "due"), ("无单位周查", "done")]
    assert reads.school_figures(session, school_id=s1, now=now, tz=TZ) == {
        "due_now": 1, "in_progress_now": 0, "done_now": 1,
        "month_owed": 6, "month_done": 2, "month_late": 1, "month_missed": 2}
    # The assessment reads the same missed periods (art. 15), in both of its readings: the batched
    # one of the leadership pages and the league, and the per-unit one; the late day is not deducted.
    chem = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1-chem"))
    year = period_of(2026, now)
    batched = gather_facts(session, owner="unit", ids=[chem.id], period=year, review_days=365, school_id=s1)
    assert batched[chem.id].missed_inspections == (("305实验室日查", 2),)
    assert gather_facts(session, owner="school", ids=[s1], period=year, review_days=365)[s1].missed_inspections \
        == (("305实验室日查", 2),)
    one = unit_facts(session, unit=chem, today=now.date(), now=now, review_days=365, period_start=year.start)
    assert one.missed_inspections == batched[chem.id].missed_inspections
    # retired today: today's period and later are no longer owed; what was missed stays missed
    plans.retire_plan(session, user_id=school["safety1"], plan_id=plan.id, today=date(2026, 12, 11), now=now)
    session.commit()
    after = reads.missed_and_late(session, school_ids=[s1], start=date(2026, 12, 1), end=date(2027, 1, 1),
                                  now=now + timedelta(days=3), tz=TZ)
    assert after.by_unit[("s1", "s1-chem")] == {"owed": 4, "done": 1, "late": 1, "missed": 2, "due": 0}


def test_two_phones_sending_the_same_step_at_once_write_it_once(engine, session, school):
    """Two inspectors of the plan's role start the period's inspection, answer the same item and sign,
    each step at the same moment: one writes, the other waits and reads what was written."""
    plan_id = _plan(session, school).id
    session.commit()
    sessions = sql_sessions(engine)

    def together(step):
        barrier = threading.Barrier(2)

        def run(who):
            with sessions() as db:
                barrier.wait()
                answer = step(db, school[who])
                db.commit()
                return answer
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(run, ("insp1", "insp1b")))

    started = together(lambda db, user_id: inspections.start_inspection(
        db, user_id=user_id, plan_id=plan_id, now=NOW, tz=TZ).inspection.id)
    assert started[0] == started[1]
    inspection_id = started[0]
    for position in (0, 1, 2):
        written = together(lambda db, user_id: inspections.record_item(
            db, user_id=user_id, inspection_id=inspection_id, position=position, result="pass", now=NOW).written)
        assert sorted(written) == [False, True]
    signed = together(lambda db, user_id: inspections.finish_inspection(
        db, user_id=user_id, inspection_id=inspection_id, now=NOW, tz=TZ).written)
    assert sorted(signed) == [False, True]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(InspectionResult)) == 3


def test_failed_items_not_reported_in_time_are_art_17s_findings(session, school):
    """Seed 001 art. 17 (未及时报送, 5 points a time): a signed inspection's failed item with no hazard
    reported within REPORT_WITHIN_DAYS counts for the plan's unit (or the school, for a plan with no
    unit), whether never reported or reported late; one reported in time, one still within the days
    and one of an unsigned inspection do not."""
    from ledger import scoring
    from queries.ledger.unreported_findings import REPORT_WITHIN_DAYS, unreported_findings

    plan = _plan(session, school)
    weekly = _plan(session, school, name="无单位周查", frequency="weekly", risk_point=None, checklist="campaign",
                   campaign="fire-2026", building="canteen")
    session.commit()
    assert REPORT_WITHIN_DAYS == 3

    def inspect(which, day: date, at: datetime, failed: list[int], sign: bool = True) -> dict[int, int]:
        inspection_id = _start(session, school, which, now=at, day=day).inspection.id
        ids = {}
        for position in range(3 if which is plan else 2):
            ids[position] = inspections.record_item(
                session, user_id=school["insp1"], inspection_id=inspection_id, position=position, now=at,
                result="fail" if position in failed else "pass", note="问题" if position in failed else "").result.id
        if sign:
            inspections.finish_inspection(session, user_id=school["insp1"], inspection_id=inspection_id, now=at, tz=TZ)
        return ids

    early = local("2026-12-07T10:00")
    first = inspect(plan, date(2026, 12, 7), early, failed=[0, 1, 2])
    inspections.mark_reported(session, first[1], "YH-20261208-0000000001", now=early + timedelta(days=1))  # in time
    inspections.mark_reported(session, first[2], "YH-20261212-0000000002", now=early + timedelta(days=5))  # late
    schools_own = inspect(weekly, date(2026, 12, 7), local("2026-12-08T10:00"), failed=[1])
    inspect(plan, date(2026, 12, 9), local("2026-12-09T10:00"), failed=[0], sign=False)  # never signed
    inspect(plan, date(2026, 12, 16), local("2026-12-16T10:00"), failed=[2])  # a day old: may still be reported
    session.commit()

    now = local("2026-12-17T09:00")
    s1 = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "s1"))
    chem = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1-chem"))
    found = unreported_findings(session, school_ids=[s1], start=local("2026-01-01T00:00"),
                                end=local("2027-01-01T00:00"), now=now)
    assert [(f.result_id, f.unit, f.hazard_code, f.reference(TZ)) for f in found] == [
        (first[0], "s1-chem", None, "305实验室日查 12-07 第1项"),
        (first[2], "s1-chem", "YH-20261212-0000000002", "305实验室日查 12-07 第3项"),
        (schools_own[1], None, None, "无单位周查 12-08 第2项")]
    assert unreported_findings(session, school_ids=[s1], start=local("2026-12-08T00:00"),
                               end=local("2027-01-01T00:00"), now=now)[0].result_id == schools_own[1]
    # Three days on, the item of the 16th is late too.
    later = unreported_findings(session, school_ids=[s1], start=local("2026-01-01T00:00"),
                                end=local("2027-01-01T00:00"), now=now + timedelta(days=3))
    assert len(later) == 4 and later[-1].reference(TZ) == "305实验室日查 12-16 第3项"

    # The assessment deducts them (art. 17, 5 a time) in both of its readings.
    year = period_of(2026, now)
    by_unit = gather_facts(session, owner="unit", ids=[chem.id], period=year, review_days=365, school_id=s1)
    assert by_unit[chem.id].unreported_findings == ("305实验室日查 12-07 第1项", "305实验室日查 12-07 第3项")
    one = unit_facts(session, unit=chem, today=now.date(), now=now, review_days=365, period_start=year.start)
    assert one.unreported_findings == by_unit[chem.id].unreported_findings
    by_school = gather_facts(session, owner="school", ids=[s1], period=year, review_days=365)
    assert len(by_school[s1].unreported_findings) == 3
    score = scoring.score_unit("s1-chem", one, [], scoring.default_rules())
    art17 = [d for d in score.deductions if d.article == 17 and "未及时上报" in d.reason]
    assert [(d.points, d.computed) for d in art17] == [(5, True), (5, True)]
