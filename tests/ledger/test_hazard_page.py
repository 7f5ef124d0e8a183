"""The phone's hazard page read (queries/ledger/hazard_page.py), on SQLite and PostgreSQL: the facts,
every step with who and its photos, before and after photos, the steps open to the reader and the
notice form's choices; None for a school the person does not read or a code it does not have."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ledger.commands import hazard_supervision, hazard_work
from ledger.models import OrgUnit
from queries.ledger.hazard_page import hazard_page
from tests.ledger import photo_support as made
from tests.ledger.hazard_work_support import DEADLINE, NOW, school


def _read(session, person, code, at=NOW):
    return hazard_page(session, person, school="s1", code=code, now=at, due_soon_days=3.0)


def test_a_hazard_read_step_by_step_with_its_photos_and_the_steps_open(session, tmp_path):
    people = school(session)
    s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    before = made.kept(session, tmp_path, people["li"].user_id, s1, made.jpeg(made.halves(70, 30))).key
    session.commit()
    code = hazard_work.report(session, people["li"], school="s1", description="燃气软管老化\n靠窗那根",
                              client_key="page-read-1", now=NOW, building="lab", zone="3F-305", grade="major",
                              photo_keys=[before]).code
    page = _read(session, people["an"], code)
    assert page.open_steps == ("notify",) and page.deadline is None and page.place == ("实验楼", "305 化学实验室")
    assert [u[0] for u in page.units] == ["s1-chem"]
    assert {name for _id, name, _role in page.candidates} >= {"周师傅", "严老师", "安主任"}
    assert "高老师" not in {name for _id, name, _role in page.candidates}  # another school's
    assert [p.key for p in page.before] == [before] and page.after == ()
    assert [(s.action, s.by) for s in page.steps] == [("report", "李老师")] and page.steps[0].photos[0].key == before

    hazard_work.assign(session, people["an"], school="s1", code=code, now=NOW, grade="major",
                       responsible_unit="s1-chem", responsible_user_id=people["zhou"].user_id, deadline=DEADLINE,
                       requirement="更换软管")
    hazard_supervision.supervise(session, people["wang"], school="s1", code=code, now=NOW,
                                 deadline=NOW + timedelta(days=2), instructions="限期整改")
    hazard_work.start(session, people["zhou"], school="s1", code=code, now=NOW)
    after = made.kept(session, tmp_path, people["zhou"].user_id, s1, made.jpeg(made.halves(90, 30))).key
    session.commit()
    hazard_work.feed_back(session, people["zhou"], school="s1", code=code, now=NOW, measures="已更换",
                          photo_keys=[after])
    page = _read(session, people["yan"], code, at=DEADLINE - timedelta(days=1))
    assert page.open_steps == ("accept", "reject") and page.units == () and page.candidates == ()
    assert (page.responsible_unit, page.responsible_person, page.requirement) == ("化学组", "周师傅", "更换软管")
    assert page.status.due_soon and not page.status.overdue
    assert page.supervised_by.endswith("王科长") and page.supervision_note == "限期整改"
    assert [p.key for p in page.after] == [after] and [p.key for p in page.before] == [before]
    assert [(s.action, s.by) for s in page.steps] == [("report", "李老师"), ("notify", "安主任"),
                                                     ("supervise", "王科长"), ("rectify", "周师傅"),
                                                     ("feedback", "周师傅")]
    assert page.steps[-1].photos[0].key == after and page.steps[-1].note == "已更换"
    assert _read(session, people["zhou"], code).open_steps == ()  # who rectified it does not accept it
    assert _read(session, people["li"], code).open_steps == ()


def test_another_school_or_an_unknown_code_is_none(session):
    people = school(session)
    code = hazard_work.report(session, people["li"], school="s1", description="走廊灯不亮", client_key="page-read-2",
                              now=NOW, building="lab").code
    assert _read(session, people["gao"], code) is None  # s2's safety office
    assert _read(session, people["liu"], code) is None  # another district
    assert _read(session, people["li"], "YH-NOPE") is None
    assert hazard_page(session, people["li"], school="s2", code=code, now=NOW, due_soon_days=3) is None
    assert _read(session, people["wang"], code).open_steps == ()  # the district reads it; an ordinary one
