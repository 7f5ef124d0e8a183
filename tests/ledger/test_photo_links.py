"""Photos going with the steps they were taken for (issue 15), on SQLite and PostgreSQL: real photos
(tests/ledger/photo_support.py) kept with the store's own `keep`, then attached by the hazard loop's
report and feedback and by an inspection's failed item, all or nothing in the step's transaction;
a changed answer lets go of the photos it no longer names; a draft's photos go with its hazard."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from kernel.connections import sql_sessions
from ledger.commands import hazard_work, inspections, photos
from ledger.commands import inspection_plans as plans
from ledger.commands.photos import PhotoRefused
from ledger.models import AlertOutbox, Hazard, HazardTransition, OrgUnit, Photo, RiskPoint
from queries.ledger import inspections as inspection_reads
from queries.ledger import photos as photo_reads
from tests.ledger import photo_support as made
from tests.ledger.hazard_work_support import DEADLINE, NOW, school

TZ = ZoneInfo("Asia/Shanghai")


LEDGER_SEED = school  # the tree, the place and the people, copied for each test (tests/databases.py)


@pytest.fixture
def people(session, seeded):
    return seeded


@pytest.fixture
def s1(session, people):
    return session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))


def _photos(session, tmp_path, person, s1, n: int) -> list[str]:
    keys = [made.kept(session, tmp_path, person.user_id, s1, data).key for data in made.distinct(n)]
    session.commit()
    return keys


def _report(session, person, key="form-photos-1", **kw):
    values = dict(school="s1", description="305 实验室燃气软管老化开裂", client_key=key, now=NOW, building="lab",
                  zone="3F-305")
    return hazard_work.report(session, person, **{**values, **kw})


def _saved(session) -> tuple[int, int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Hazard, HazardTransition,
                                                                                AlertOutbox)) + (
        session.scalar(select(func.count()).select_from(Photo).where(Photo.attached_at.is_not(None))),)


def test_a_reports_photos_go_with_the_hazard_and_its_first_step_once(session, people, s1, tmp_path):
    li = people["li"]
    first, second, third = _photos(session, tmp_path, li, s1, 3)
    reported = _report(session, li, photo_keys=[first, second, first])
    hazard = session.get(Hazard, reported.hazard_id)
    views = photo_reads.of_hazard(session, hazard.id)
    assert [v.key for v in views] == [first, second]
    assert {(v.transition_id, v.school, v.inspection_result_id) for v in views} == {
        (hazard.transitions[0].id, "s1", None)}
    again = _report(session, li, photo_keys=[third])  # the same form again: its hazard, nothing more attached
    assert (again.created, again.hazard_id) == (False, hazard.id)
    assert [v.key for v in photo_reads.of_hazard(session, hazard.id)] == [first, second]
    assert photo_reads.by_key(session, third).attached is False


def test_a_feedbacks_photos_go_with_that_step(session, people, s1, tmp_path):
    code = _report(session, people["li"]).code
    at = NOW + timedelta(minutes=5)
    hazard_work.assign(session, people["an"], school="s1", code=code, now=at, grade="ordinary",
                       responsible_unit="s1-chem", responsible_user_id=people["zhou"].user_id, deadline=DEADLINE,
                       requirement="更换软管")
    zhou = people["zhou"]
    hazard_work.start(session, zhou, school="s1", code=code, now=at + timedelta(hours=1))
    after = _photos(session, tmp_path, zhou, s1, 2)
    done = hazard_work.feed_back(session, zhou, school="s1", code=code, now=at + timedelta(hours=2),
                                 measures="已更换软管", photo_keys=after)
    hazard = session.get(Hazard, done.hazard_id)
    step = hazard.transitions[-1]
    assert step.action == "feedback"
    assert [(v.key, v.transition_id) for v in photo_reads.of_hazard(session, hazard.id)] == [
        (after[0], step.id), (after[1], step.id)]


def test_another_persons_photo_or_an_unknown_key_refuses_the_step_with_nothing_saved(session, people, s1,
                                                                                     tmp_path):
    li, an, zhou = people["li"], people["an"], people["zhou"]
    mine, = _photos(session, tmp_path, li, s1, 1)
    theirs, = _photos(session, tmp_path, an, s1, 1)
    for keys in ([mine, theirs], [mine, "0" * 32]):
        with pytest.raises(PhotoRefused, match="not one you uploaded") as refused:
            _report(session, li, photo_keys=keys)
        assert "请重新上传" in refused.value.zh
        assert _saved(session) == (0, 0, 0, 0)
    assert photo_reads.by_key(session, mine).attached is False
    code = _report(session, li, photo_keys=[mine]).code
    hazard_work.assign(session, an, school="s1", code=code, now=NOW + timedelta(minutes=5), grade="ordinary",
                       responsible_unit="s1-chem", responsible_user_id=zhou.user_id, deadline=DEADLINE,
                       requirement="更换软管")
    hazard_work.start(session, zhou, school="s1", code=code, now=NOW + timedelta(minutes=6))
    before = _saved(session)
    for keys in ([theirs], [mine]):  # someone else's, and one already with the report
        with pytest.raises(PhotoRefused):
            hazard_work.feed_back(session, zhou, school="s1", code=code, now=NOW + timedelta(minutes=7),
                                  measures="已更换", photo_keys=keys)
        assert _saved(session) == before
    assert session.scalar(select(Hazard.stage)) == "rectifying"
    assert photo_reads.by_key(session, theirs).attached is False


def _inspection(session, people):
    point = session.scalar(select(RiskPoint).where(RiskPoint.code == "RP-GAS-1"))
    point.control_measures = "燃气阀门无锈蚀\n软管在有效期内"
    session.commit()
    today = NOW.astimezone(TZ).date()
    form = plans.PlanForm(name="燃气日查", frequency="daily", risk_point="RP-GAS-1", assignee_username="yan")
    plan = plans.create_plan(session, user_id=people["an"].user_id, school="s1", form=form, now=NOW, today=today)
    started = inspections.start_inspection(session, user_id=people["yan"].user_id, plan_id=plan.id, now=NOW, tz=TZ)
    session.commit()
    return started.inspection.id


def test_an_items_photos_follow_its_answer_and_go_with_the_hazard_reported_from_it(session, people, s1,
                                                                                   tmp_path):
    yan = people["yan"]
    inspection_id = _inspection(session, people)
    a, b, c = _photos(session, tmp_path, yan, s1, 3)
    record = dict(user_id=yan.user_id, inspection_id=inspection_id, position=0, result="fail", note="阀门锈蚀")
    result_id = inspections.record_item(session, now=NOW, photo_keys=[a, b], **record).result.id
    session.commit()
    assert [v.key for v in photo_reads.of_inspection_result(session, result_id)] == [a, b]
    changed = inspections.record_item(session, now=NOW + timedelta(minutes=1), photo_keys=[b, c], **record)
    session.commit()
    assert changed.written and changed.result.photo_keys == [b, c]
    assert [v.key for v in photo_reads.of_inspection_result(session, result_id)] == [b, c]
    removed = session.scalar(select(Photo).where(Photo.key == a))
    assert (removed.inspection_result_id, removed.attached_at) == (None, None)  # unattached: to be swept

    # A photo refused refuses the answer: the one written stays as it was.
    theirs, = _photos(session, tmp_path, people["an"], s1, 1)
    with pytest.raises(PhotoRefused):
        inspections.record_item(session, now=NOW + timedelta(minutes=2), photo_keys=[b, theirs], **record)
    session.rollback()
    assert inspection_reads.inspection_sheet(session, user_id=yan.user_id, inspection_id=inspection_id,
                                             tz=TZ).items[0].photo_keys == [b, c]

    draft = inspection_reads.hazard_draft(session, user_id=yan.user_id, result_id=result_id)
    assert draft.photo_keys == [b, c]
    reported = hazard_work.report(session, yan, school=draft.school, description=draft.description,
                                  client_key="draft-000001", now=NOW + timedelta(minutes=3),
                                  risk_point=draft.risk_point, source=draft.source, photo_keys=draft.photo_keys)
    views = photo_reads.of_hazard(session, reported.hazard_id)
    assert [(v.key, v.inspection_result_id) for v in views] == [(b, result_id), (c, result_id)]
    assert [v.key for v in photo_reads.of_inspection_result(session, result_id)] == [b, c]


def test_the_safety_office_reporting_an_inspectors_failed_item_takes_its_photos(session, people, s1, tmp_path):
    """The inspector's photos cannot go through `attach` for another person; `attach_result_photos`
    takes them with the hazard once the result names it, and only then."""
    yan, an = people["yan"], people["an"]
    inspection_id = _inspection(session, people)
    a, b = _photos(session, tmp_path, yan, s1, 2)
    result_id = inspections.record_item(session, now=NOW, photo_keys=[a, b], user_id=yan.user_id,
                                        inspection_id=inspection_id, position=0, result="fail",
                                        note="阀门锈蚀").result.id
    session.commit()
    with pytest.raises(PhotoRefused, match="not one you uploaded"):  # why the gap was there
        hazard_work.report(session, an, school="s1", description="阀门锈蚀", client_key="draft-an-1", now=NOW,
                           risk_point="RP-GAS-1", photo_keys=[a])
    session.rollback()
    reported = hazard_work.report(session, an, school="s1", description="阀门锈蚀", client_key="draft-an-1",
                                  now=NOW, risk_point="RP-GAS-1")
    hazard = session.get(Hazard, reported.hazard_id)
    with pytest.raises(PhotoRefused, match="not reported as hazard"):  # no link yet: no photos
        photos.attach_result_photos(session, result_id, hazard, now=NOW)
    other = session.get(Hazard, _report(session, people["li"], key="another-form").hazard_id)
    inspections.mark_reported(session, result_id, hazard.code, now=NOW)
    with pytest.raises(PhotoRefused, match="not reported as hazard"):  # linked to this hazard, not that one
        photos.attach_result_photos(session, result_id, other, now=NOW)
    with pytest.raises(PhotoRefused, match="no failed inspection item"):
        photos.attach_result_photos(session, result_id + 999, hazard, now=NOW)
    moved = photos.attach_result_photos(session, result_id, hazard, now=NOW, transition=hazard.transitions[0])
    session.commit()
    assert [p.key for p in moved] == [a, b]
    views = photo_reads.of_hazard(session, hazard.id)
    assert [(v.key, v.inspection_result_id, v.transition_id) for v in views] == [
        (a, result_id, hazard.transitions[0].id), (b, result_id, hazard.transitions[0].id)]
    assert [v.key for v in photo_reads.of_inspection_result(session, result_id)] == [a, b]  # still the item's
    again = photos.attach_result_photos(session, result_id, hazard, now=NOW + timedelta(minutes=1))
    session.commit()
    assert [p.key for p in again] == [a, b] and photo_reads.of_hazard(session, other.id) == []


def test_a_passed_answer_lets_go_of_every_photo(engine, seeded, tmp_path):
    """In its own transactions, as the phone page does: a failed item with a photo, then passed."""
    people = seeded
    with sql_sessions(engine)() as session:
        s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
        inspection_id = _inspection(session, people)
        key, = _photos(session, tmp_path, people["yan"], s1, 1)
        record = dict(user_id=people["yan"].user_id, inspection_id=inspection_id, position=1)
        result_id = inspections.record_item(session, result="fail", now=NOW, photo_keys=[key], **record).result.id
        session.commit()
        inspections.record_item(session, result="pass", now=NOW + timedelta(minutes=1), **record)
        session.commit()
    with sql_sessions(engine)() as session:
        assert photo_reads.of_inspection_result(session, result_id) == []
        assert photo_reads.by_key(session, key).attached is False


def test_the_same_report_with_its_photos_sent_twice_at_once_is_one_hazard_with_them(engine, seeded, tmp_path):
    from tests.ledger.test_hazard_work import _at_once

    people = seeded
    with sql_sessions(engine)() as session:
        s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
        keys = _photos(session, tmp_path, people["li"], s1, 2)
    sends = _at_once(engine, *[lambda s: _report(s, people["li"], key="together-photos", photo_keys=keys)] * 2)
    assert not any(isinstance(r, Exception) for r in sends), sends
    assert sorted(r.created for r in sends) == [False, True] and len({r.hazard_id for r in sends}) == 1
    with sql_sessions(engine)() as session:
        views = photo_reads.of_hazard(session, sends[0].hazard_id)
        assert [v.key for v in views] == keys and len({v.transition_id for v in views}) == 1
