"""Supervising down (issue 17) in the ledger, on SQLite and PostgreSQL (ledger/commands/supervision.py,
notices.py; queries/ledger/supervision.py, notices.py): an item goes down, is answered with a photo,
returned once, answered again and closed, every step kept and audited; overdue counted per school;
the school sees only its own; another district's officer cannot touch it; a notice to two of three
schools and its read receipts. Then the pages' callbacks through the real app (Flask's test client):
wrong role, another school, a double submit."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from dashboard import sessions
from dashboard.app import create_app
from dashboard.pages.bureau_notices import ids as bn_ids
from dashboard.pages.bureau_supervision import ids as bs_ids
from dashboard.pages.notices import ids as n_ids
from dashboard.pages.supervision import ids as s_ids
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import notices, supervision
from ledger.commands.hazards import report_hazard
from ledger.commands.photos import PhotoRefused
from ledger.db import migrate
from ledger.errors import NotFound
from ledger.models import (
    AuditEntry,
    Hazard,
    NotifyAddress,
    NotifyChannel,
    NotifyOutbox,
    OrgUnit,
    Photo,
    SupervisionItem,
    User,
)
from ledger.passwords import hash_password
from ledger.supervision import SupervisionRefused
from queries.ledger import notices as notice_reads
from queries.ledger import supervision as reads
from queries.ledger.supervision import Counts
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, signed_in
from tests.dashboard.test_access import _callback_body, _router
from tests.ledger.photo_support import halves, jpeg

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)
DUE = NOW + timedelta(days=3)
PEOPLE = {  # username: (role, unit)
    "off1": ("leader", "d1"), "adm1": ("admin", "d1"), "off2": ("leader", "d2"), "city": ("leader", "c1"),
    "safe1": ("safety", "s1"), "duty1": ("duty", "s1"), "safe2": ("safety", "s2"), "safe3": ("safety", "s3"),
}


def _tree(session) -> dict[str, OrgUnit]:
    """City c1 > districts d1 (schools s1, s2, s3) and d2 (school s4)."""
    units = {"c1": OrgUnit(code="c1", kind="city", name_zh="示范市")}
    session.add(units["c1"])
    session.flush()
    for code, name in (("d1", "城关区教育局"), ("d2", "新区教育局")):
        units[code] = OrgUnit(code=code, kind="district", name_zh=name, parent_id=units["c1"].id)
        session.add(units[code])
    session.flush()
    for code, district in (("s1", "d1"), ("s2", "d1"), ("s3", "d1"), ("s4", "d2")):
        units[code] = OrgUnit(code=code, kind="school", name_zh=f"{code}中学", parent_id=units[district].id)
        session.add(units[code])
    session.flush()
    return units


def _build(session) -> dict[str, int]:
    units = _tree(session)
    for name, (role, unit) in PEOPLE.items():
        session.add(User(username=name, display_name=name, role=role, password_hash="-", unit_id=units[unit].id))
    report_hazard(session, school=units["s1"], code="H-1", title="消防通道堵塞", found_at=NOW - timedelta(days=1),
                  grade="major")
    # Where messages go: s1's group robot, and the district's e-mail, which off1 keeps an address for.
    session.add_all([NotifyChannel(unit_id=units["s1"].id, kind="wecom", name="一中安全群", config={}),
                     NotifyChannel(unit_id=units["d1"].id, kind="email", name="区教育局邮件", config={})])
    session.flush()
    off1 = session.scalar(select(User.id).where(User.username == "off1"))
    session.add(NotifyAddress(user_id=off1, kind="email", value="off1@edu.example"))
    session.commit()
    return {name: session.scalar(select(User.id).where(User.username == name)) for name in PEOPLE}


LEDGER_SEED = _build


def people(settings, names, display: dict[str, str] | None = None) -> None:
    """The ledger of `settings` migrated, the tree above and these people who sign in with PASSWORD:
    one password hash for all of them (hashing is most of the cost of a person)."""
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            units = _tree(db)
            shared = hash_password(PASSWORD)
            for name in names:
                role, unit = PEOPLE[name]
                db.add(User(username=name, display_name=(display or {}).get(name, f"测试 {name}"), role=role,
                            password_hash=shared, unit_id=units[unit].id, created_at=NOW, password_changed_at=NOW))
            db.commit()
    finally:
        engine.dispose()


def _photo(session, uploaded_by: int, school: str, key: str) -> str:
    """A photo as POST /photos keeps it: uploaded, not yet attached (ledger/commands/photos.py keep)."""
    school_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == school))
    session.add(Photo(key=key, school_id=school_id, uploaded_by_id=uploaded_by, sent_type="image/jpeg", sent_bytes=9,
                      content_type="image/jpeg", stored_bytes=9, width=1, height=1, thumb_bytes=1, sha256="0" * 64,
                      pending=f"{uploaded_by}:{school_id}:{key}", created_at=NOW))
    session.flush()
    return key


def _open(session, who, school="s1", **change):
    values = dict(kind="hazard", ref="H-1", title="", instructions="三日内清理消防通道，\x07附照片", deadline=DUE)
    return supervision.open_item(session, user_id=who, school=school, now=NOW, **{**values, **change})


def test_an_item_goes_down_is_answered_returned_answered_again_and_closed(session, seeded):
    opened = _open(session, seeded["off1"])
    assert opened.written and opened.state == "open" and opened.title == "隐患 H-1"
    assert _open(session, seeded["off1"]) == opened.__class__(opened.item_id, "s1", "open", False, "隐患 H-1")
    photo = _photo(session, seeded["safe1"], "s1", "a" * 32)
    said = supervision.answer(session, user_id=seeded["safe1"], item_id=opened.item_id, text="已清理", photos=[photo],
                              now=NOW + timedelta(hours=1))
    assert (said.state, said.written) == ("answered", True)
    again = supervision.answer(session, user_id=seeded["safe1"], item_id=opened.item_id, text="已清理", now=NOW)
    assert not again.written  # a double submit: nothing more written
    with pytest.raises(SupervisionRefused) as refused:
        supervision.return_item(session, user_id=seeded["off1"], item_id=opened.item_id, reason=" ", now=NOW)
    assert refused.value.zh == "须填写退回原因"
    back = supervision.return_item(session, user_id=seeded["off1"], item_id=opened.item_id, reason="照片看不清",
                                   now=NOW + timedelta(hours=2))
    assert back.state == "returned"
    supervision.answer(session, user_id=seeded["safe1"], item_id=opened.item_id, text="补拍照片",
                       now=NOW + timedelta(hours=3))
    closed = supervision.close(session, user_id=seeded["adm1"], item_id=opened.item_id, note="同意办结",
                               now=NOW + timedelta(hours=4))
    assert closed.state == "closed" and not supervision.close(session, user_id=seeded["off1"], item_id=opened.item_id,
                                                              now=NOW).written
    session.commit()
    steps = reads.history(session, opened.item_id)
    assert [(s.action, s.by) for s in steps] == [("open", "城关区教育局 off1"), ("answer", "s1中学 safe1"),
                                                 ("return", "城关区教育局 off1"), ("answer", "s1中学 safe1"),
                                                 ("close", "城关区教育局 adm1")]
    assert steps[0].text == "三日内清理消防通道，附照片" and steps[1].photos == (photo,)  # the control char dropped
    kept = session.scalar(select(Photo).where(Photo.key == photo))
    assert kept.pending is None and kept.attached_at is not None  # attached: kept by the sweep, shown to the officer
    assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "supervision.open", "supervision.answer", "supervision.return", "supervision.answer", "supervision.close"]
    assert reads.counts(session, "d1", NOW) == {"s1": Counts(0, 0, 1), "s2": Counts(0, 0, 0), "s3": Counts(0, 0, 0)}
    outbox = session.scalars(select(NotifyOutbox).order_by(NotifyOutbox.id))
    told = [(o.kind, o.user_id, o.link, o.title) for o in outbox]
    assert told == [("supervision", None, "/supervision", "督办下发：隐患 H-1"),  # the school's group, once
                    ("supervision", seeded["off1"], "/bureau/supervision", "督办已答复：隐患 H-1"),  # the officer
                    ("supervision", None, "/supervision", "督办退回：隐患 H-1"),
                    ("supervision", seeded["off1"], "/bureau/supervision", "督办已答复：隐患 H-1")]
    row = reads.items(session, now=NOW, school_id=kept.school_id)[0]
    assert row.hazard_listed_at is None and row.state == "closed"  # the hazard's own listing is its own step


def test_overdue_is_counted_per_school_and_the_due_list_is_soonest_first(session, seeded):
    late = _open(session, seeded["off1"], "s2", kind="figure", ref="整改率 62%（11月）",
                 deadline=NOW + timedelta(days=1))
    _open(session, seeded["off1"], "s3", kind="other", ref="", title="食堂检查", deadline=NOW + timedelta(days=10))
    _open(session, seeded["off2"], "s4", kind="report", ref="R-2026-11", deadline=NOW + timedelta(hours=12))
    supervision.answer(session, user_id=seeded["safe2"], item_id=late.item_id, text="正在整改", now=NOW)
    session.commit()
    later = NOW + timedelta(days=2)
    assert reads.counts(session, "d1", later) == {"s1": Counts(0, 0, 0), "s2": Counts(1, 1, 0), "s3": Counts(1, 0, 0)}
    assert set(reads.counts(session, "c1", later)) == {"s1", "s2", "s3", "s4"}  # a city: every school below it
    assert reads.counts(session, "s4", later) == {"s4": Counts(1, 1, 0)}
    due = reads.due(session, "d1", later)
    assert [(d.school, d.kind, d.overdue) for d in due] == [("s2", "figure", True)]  # s3's is 8 days off
    assert [d.title for d in reads.due(session, "c1", later, within=timedelta(days=9))] == [
        "报送 R-2026-11", "指标 整改率 62%（11月）", "食堂检查"]
    # What the school's phone (/m) counts as waiting for its answer: s2 answered its item (the officer's turn
    # now), s3's waits and is not yet late, s4's waits and is late.
    ids = dict(session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.kind == "school")).all())
    assert [reads.waiting_for_school(session, ids[c], later) for c in ("s1", "s2", "s3", "s4")] == [
        (0, 0), (0, 0), (1, 0), (1, 1)]


def test_the_school_sees_only_its_own_and_another_district_cannot_touch_it(session, seeded):
    item = _open(session, seeded["off1"]).item_id
    session.commit()
    s2 = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "s2"))
    assert reads.items(session, now=NOW, school_id=s2) == []
    refusals = [  # (call, the refusal, its Chinese)
        (lambda: supervision.answer(session, user_id=seeded["safe2"], item_id=item, text="x", now=NOW), NotFound,
         f"您的范围内没有督办事项 {item}"),
        (lambda: supervision.close(session, user_id=seeded["off2"], item_id=item, now=NOW), NotFound, "没有督办事项"),
        (lambda: supervision.return_item(session, user_id=seeded["off2"], item_id=item, reason="x", now=NOW), NotFound,
         "没有督办事项"),
        (lambda: _open(session, seeded["off2"]), SupervisionRefused, "不在新区教育局的管辖范围内"),
        (lambda: _open(session, seeded["safe1"]), SupervisionRefused, "只有上级单位的领导或管理员可以督办"),
        (lambda: supervision.close(session, user_id=seeded["safe1"], item_id=item, now=NOW), SupervisionRefused,
         "只有上级单位"),
        (lambda: supervision.answer(session, user_id=seeded["duty1"], item_id=item, text="x", now=NOW),
         SupervisionRefused, "只有学校安全管理部门或管理员可以答复督办"),
        (lambda: supervision.answer(session, user_id=seeded["safe1"], item_id=str(item), text="x", now=NOW), NotFound,
         "没有督办事项"),
        (lambda: _open(session, seeded["off1"], ref="H-404"), NotFound, "s1中学没有隐患 'H-404'"),
        (lambda: supervision.answer(session, user_id=seeded["safe1"], item_id=item, text="x", now=NOW,
                                    photos=[_photo(session, seeded["safe2"], "s2", "b" * 32)]), PhotoRefused,
         "不是您为本校上传的照片"),
    ]
    for call, refusal, zh in refusals:
        with pytest.raises(refusal) as refused:
            call()
        assert zh in refused.value.zh, zh
        session.rollback()
    assert session.get(SupervisionItem, item).state == "open"  # nothing of the refusals was kept
    # The city above the district may act on it: it closes the item (no longer needed, not yet answered).
    assert supervision.close(session, user_id=seeded["city"], item_id=item, now=NOW).written


def test_the_officer_picks_from_a_schools_open_hazards_major_and_overdue_first_and_only_below_the_unit(
        session, seeded):
    units = dict(session.execute(select(OrgUnit.code, OrgUnit)).all())
    for code, grade, deadline in (("H-2", "ordinary", NOW + timedelta(days=5)),
                                  ("H-3", "ordinary", NOW - timedelta(days=1)),
                                  ("H-4", "ordinary", None), ("H-5", "major", NOW - timedelta(hours=1))):
        report_hazard(session, school=units["s1"], code=code, title=f"<i>{code}</i>", found_at=NOW - timedelta(days=2),
                      grade=grade, deadline=deadline)
    report_hazard(session, school=units["s1"], code="H-6", title="已销号", found_at=NOW - timedelta(days=3))
    session.flush()
    closed = session.scalar(select(Hazard).where(Hazard.code == "H-6"))
    closed.stage = "accepted"  # struck off (the loop's own steps are tested in test_hazard_loop)
    report_hazard(session, school=units["s4"], code="H-9", title="新区的", found_at=NOW, grade="major")
    session.commit()
    picked = reads.hazard_choices(session, units["d1"], "s1", NOW)
    # Major first (overdue among them first), then overdue, then by deadline, no deadline last; H-6 is struck off.
    assert [(c.code, c.grade, c.overdue) for c in picked] == [
        ("H-5", "major", True), ("H-1", "major", False), ("H-3", "ordinary", True), ("H-2", "ordinary", False),
        ("H-4", "ordinary", False)]
    assert picked[0].title == "<i>H-5</i>" and picked[0].stage == "reported"
    assert [c.code for c in reads.hazard_choices(session, units["c1"], "s4", NOW)] == ["H-9"]  # the city above
    # The school the page sends is only a question: another district's, the unit itself, nonsense.
    for unit, school in (("d2", "s1"), ("d1", "s4"), ("d1", "d1"), ("d1", None), ("d1", ["s1"]), ("d1", "")):
        assert reads.hazard_choices(session, units[unit], school, NOW) == [], (unit, school)


def test_a_notice_to_two_of_three_schools_and_its_read_receipts(session, seeded):
    sent = notices.publish(session, user_id=seeded["off1"], title="寒假安全\n通报", body="请各校做好寒假安全工作。\x00",
                           schools=["s2", "s1"], form_key="form-0001", now=NOW)
    assert sent.written and sent.schools == ("s1", "s2")
    assert notices.publish(session, user_id=seeded["off1"], title="寒假安全", body="又一次", schools=["s1"],
                           form_key="form-0001", now=NOW) == notices.Published(sent.notice_id, ("s1", "s2"), False)
    with pytest.raises(SupervisionRefused, match="s4"):
        notices.publish(session, user_id=seeded["off1"], title="t", body="b", schools=["s4"], form_key="form-0002",
                        now=NOW)
    with pytest.raises(NotFound):  # s3 was not sent it
        notices.confirm_read(session, user_id=seeded["safe3"], notice_id=sent.notice_id, now=NOW)
    first = notices.confirm_read(session, user_id=seeded["safe1"], notice_id=sent.notice_id, now=NOW)
    second = notices.confirm_read(session, user_id=seeded["duty1"], notice_id=sent.notice_id, now=NOW)
    assert first.written and not second.written and second.read_by == "s1中学 safe1"
    session.commit()
    d1 = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "d1"))
    listed = notice_reads.of_unit(session, d1)
    assert [(n.title, n.body, n.schools, n.read) for n in listed] == [
        ("寒假安全 通报", "请各校做好寒假安全工作。", 2, 1)]
    receipts = notice_reads.receipts(session, unit_id=d1, notice_id=sent.notice_id)
    assert [(r.school, r.read_by) for r in receipts] == [("s2", None), ("s1", "s1中学 safe1")]  # unread first
    d2 = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "d2"))
    assert notice_reads.receipts(session, unit_id=d2, notice_id=sent.notice_id) is None  # not d2's
    s3 = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "s3"))
    assert notice_reads.of_school(session, s3) == []
    s1, s2 = (session.scalar(select(OrgUnit.id).where(OrgUnit.code == c)) for c in ("s1", "s2"))
    assert (notice_reads.unread_count(session, s1), notice_reads.unread_count(session, s2),
            notice_reads.unread_count(session, s3)) == (0, 1, 0)  # the phone's "unread notices"
    to_all = notices.publish(session, user_id=seeded["off1"], title="全区", body="b", schools=None,
                             form_key="form-0003", now=NOW)
    assert to_all.schools == ("s1", "s2", "s3")



def test_a_notice_to_schools_named_wrongly_is_refused_not_sent_to_every_school(session, seeded):
    """A list of schools holding no school code (a number, an empty name: a form sent by hand) was read
    as no list, and the notice went to every school below the unit."""
    for named in ([1], [""], [None], ["s1", 7]):
        with pytest.raises(SupervisionRefused):
            notices.publish(session, user_id=seeded["off1"], title="t", body="b", schools=named,
                            form_key="form-0009", now=NOW)
    session.rollback()
    assert notices.publish(session, user_id=seeded["off1"], title="t", body="b", schools=["s1"],
                           form_key="form-0009", now=NOW).schools == ("s1",)


def test_a_notice_form_sent_twice_at_once_is_one_notice(engine, seeded):
    """The same form (its key) arriving twice at the same moment: one notice, the second send answered
    with it (not 'failed', while the notice went out)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    sessions = sql_sessions(engine)
    for n in range(4):
        barrier = threading.Barrier(2)

        def run(_, key=f"form-race-{n}", barrier=barrier):
            with sessions() as db:
                barrier.wait()
                done = notices.publish(db, user_id=seeded["off1"], title="同时", body="两次", schools=["s1"],
                                       form_key=key, now=NOW)
                db.commit()
                return done
        with ThreadPoolExecutor(2) as pool:
            one, other = pool.map(run, range(2))
        assert one.notice_id == other.notice_id and sorted((one.written, other.written)) == [False, True]
        assert one.schools == other.schools == ("s1",)


# -- the pages' callbacks through the real app ------------------------------------------------------
@pytest.fixture(scope="module")
def served(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("supervision"), secret_key="v" * 32)
    people(settings, ("off1", "off2", "safe1", "safe2", "duty1"))
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:  # an overdue major hazard for the officer's picker
            school = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
            report_hazard(db, school=school, code="H-7", title="<b>楼梯扶手</b>", grade="major",
                          found_at=datetime.now(timezone.utc) - timedelta(days=3),
                          deadline=datetime.now(timezone.utc) - timedelta(days=1))
            db.commit()
    finally:
        engine.dispose()
    return create_app(settings)


def _post(app, client, button: str, values: dict) -> str:
    """The callback `button` starts, as Dash's renderer posts it; its answer as text."""
    key = next(k for k, spec in app.callback_map.items()
               if "callback" in spec and any(i["id"] == button for i in spec["inputs"]))
    body = _callback_body(app, key, {button: 1, **values})
    body["changedPropIds"] = [f"{button}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    return f"{answer.status_code} {answer.get_data(as_text=True)}"


def _changed(app, client, control: str, values: dict):
    """The callback a change of `control`'s value starts, as Dash's renderer posts it: (status, the
    properties it answered, by component id)."""
    key = next(k for k, spec in app.callback_map.items()
               if "callback" in spec and any(i["id"] == control and i["property"] == "value" for i in spec["inputs"]))
    body = _callback_body(app, key, values)
    body["changedPropIds"] = [f"{control}.value"]
    answer = client.post("/_dash-update-component", json=body)
    return answer.status_code, (answer.get_json() or {}).get("response", {}) if answer.status_code == 200 else {}


def test_the_pages_callbacks_hold_to_role_school_and_a_double_submit(served):
    app = served
    off1, safe1, safe2, duty1, off2 = (signed_in(app, n) for n in ("off1", "safe1", "safe2", "duty1", "off2"))
    for client, path, words in ((off1, "/bureau/supervision", "城关区教育局 · 督办"), (safe1, "/supervision", "s1中学"),
                                (off1, "/bureau/notices", "发布通报"), (duty1, "/notices", "暂无通报")):
        shown = _router(client, "", path).get_data(as_text=True)
        assert words in shown, path
    day = (datetime.now(timezone.utc) + timedelta(days=30)).date().isoformat()
    form = {bs_ids.SCHOOL: "s1", bs_ids.KIND: "other", bs_ids.REF: "", bs_ids.TITLE: "<b>食堂</b>",
            bs_ids.INSTRUCTIONS: "整改", bs_ids.DEADLINE: day, bs_ids.VIEW: {"lang": "zh"}}
    assert "已下发" in _post(app, off1, bs_ids.OPEN, form)
    # The picker offers s1's open hazards to its district's officer, nothing to another district's officer,
    # nothing for another kind of item; picking one fills the reference.
    pick = {bs_ids.SCHOOL: "s1", bs_ids.KIND: "hazard", bs_ids.VIEW: {"lang": "zh"}}
    status, shown = _changed(app, off1, bs_ids.SCHOOL, pick)
    assert status == 200 and shown[bs_ids.HAZARD_PICK]["options"] == [
        {"label": "H-7 · 重大隐患 · 已上报 · <b>楼梯扶手</b> · 逾期", "value": "H-7"}]  # a label is text, never markup
    assert _changed(app, off2, bs_ids.SCHOOL, pick)[1][bs_ids.HAZARD_PICK]["options"] == []
    assert _changed(app, off1, bs_ids.KIND, {**pick, bs_ids.KIND: "report"})[1][bs_ids.HAZARD_PICK]["options"] == []
    assert _changed(app, safe1, bs_ids.SCHOOL, pick)[0] == 403
    assert _changed(app, off1, bs_ids.HAZARD_PICK, {bs_ids.HAZARD_PICK: "H-7"})[1][bs_ids.REF] == {"value": "H-7"}
    # The school's safety head sees it waiting on the phone's "my work" (/m), linked to /supervision.
    mine = _router(safe1, "", "/m").get_data(as_text=True)
    assert "上级督办与通报" in mine and "待答复的督办 1 项" in mine
    assert "上级督办与通报" not in _router(safe2, "", "/m").get_data(as_text=True)  # another school: nothing
    assert "该对象已有未办结的督办" in _post(app, off1, bs_ids.OPEN, form)  # sent twice: one item
    assert "不在新区教育局的管辖范围内" in _post(app, off2, bs_ids.OPEN, form)  # the school is only a question
    assert _post(app, safe1, bs_ids.OPEN, form).startswith("403")  # the guard: no SUPERVISION_OPEN
    # The answer's evidence goes through the photo routes as a rectification's does (dashboard/photos.py).
    with safe1.session_transaction() as held:
        held[sessions.CSRF_KEY] = "csrf-of-safe1"
    sent = safe1.post("/photos", data={"photo": (io.BytesIO(jpeg(halves(96, 48))), "IMG_1.jpg")},
                      headers={"X-CSRF-Token": "csrf-of-safe1"}, content_type="multipart/form-data")
    assert sent.status_code == 201, sent.get_data(as_text=True)
    photo = sent.get_json()["id"]
    answer = {s_ids.ITEM: 1, s_ids.TEXT: "已整改", s_ids.PHOTOS: [photo], s_ids.VIEW: {"lang": "zh"}}
    assert _post(app, duty1, s_ids.SEND, answer).startswith("403")
    assert "您的范围内没有督办事项 1" in _post(app, safe2, s_ids.SEND, answer)  # another school's id: none of theirs
    assert "已提交答复" in _post(app, safe1, s_ids.SEND, answer)
    assert "该事项已答复，等待上级审核" in _post(app, safe1, s_ids.SEND, answer)
    assert off1.get(f"/photos/{photo}/thumbnail").status_code == 200  # attached: the officer above sees it
    assert safe2.get(f"/photos/{photo}/thumbnail").status_code == 403  # another school's person never
    assert "Supervision items" in _router(safe1, "?lang=en", "/supervision").get_data(as_text=True)
    act = {bs_ids.ACT_ITEM: 1, bs_ids.ACT_NOTE: "同意", bs_ids.VIEW: {"lang": "en"}}
    assert "no supervision item 1 of yours" in _post(app, off2, bs_ids.CLOSE, act)
    assert "Closed" in _post(app, off1, bs_ids.CLOSE, act)
    assert "already so" in _post(app, off1, bs_ids.CLOSE, act)
    notice = {bn_ids.FORM_KEY: "k" * 32, bn_ids.TITLE: "通报一", bn_ids.BODY: "正文", bn_ids.SCHOOLS: ["s1"],
              bn_ids.VIEW: {"lang": "zh"}}
    assert "已发布：通报一（1 所学校）" in _post(app, off1, bn_ids.PUBLISH, notice)
    assert "该通报已发布，未重复发布" in _post(app, off1, bn_ids.PUBLISH, notice)
    confirm = '{"notice":1,"type":"%s"}' % n_ids.CONFIRM
    key = next(k for k in app.callback_map if f"{n_ids.MESSAGE}." in k)
    body = _callback_body(app, key, {n_ids.VIEW: {"lang": "zh"}})
    body["inputs"] = [[{"id": {"notice": 1, "type": n_ids.CONFIRM}, "property": "n_clicks", "value": 1}]]
    body["changedPropIds"] = [f"{confirm}.n_clicks"]
    first = safe2.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "本校没有通报 1" in first  # s2 was not sent it
    assert "已确认已阅" in duty1.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "本校已确认已阅" in safe1.post("/_dash-update-component", json=body).get_data(as_text=True)
