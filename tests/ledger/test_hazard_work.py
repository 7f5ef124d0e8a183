"""The hazard loop worked by people (ledger/commands/hazard_work.py), on SQLite and PostgreSQL: the
whole loop by different people, every wrong role, scope, input or order refused with nothing saved,
the double submit, supervision from the district, the outbox events, and the recorder's replay of
them changing nothing."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dashboard import roles
from kernel import keys
from kernel.connections import sql_sessions
from kernel.contract import validate
from kernel.settings import DEFAULT_ALERT_RULES
from ledger import hazard_work_rules as rules
from ledger import org_scope
from ledger.commands import hazard_supervision, hazard_work
from ledger.commands.photos import PhotoRefused
from ledger.commands.recording import record_event
from ledger.errors import LedgerError, NotFound
from ledger.hazard_work_rules import StageRefused, StepRefused
from ledger.models import (
    Alert,
    AlertOutbox,
    Hazard,
    HazardTransition,
    LoopViolation,
    OrgUnit,
    RefusedEvent,
    RiskPoint,
    User,
)
from queries.ledger import my_work
from streams.aggregation import Planner, Snapshot
from streams.alert_rules import load_rules
from tests.ledger.hazard_work_support import DEADLINE, NOW, school

KEY = "form-0f3a9c2e-1"
LEDGER_SEED = school  # every test starts from the tree, the place and the people (tests/databases.py)


@pytest.fixture
def people(seeded, session):
    return seeded


def _report(session, person, key=KEY, **kw):
    values = dict(school="s1", description="305 实验室燃气软管老化开裂\n靠近窗口的那根", client_key=key, now=NOW,
                  building="lab", zone="3F-305")
    return hazard_work.report(session, person, **{**values, **kw})


def _assign(session, people, code, who="zhou", by="an", **kw):
    values = dict(school="s1", code=code, now=NOW + timedelta(minutes=5), grade="ordinary", responsible_unit="s1-chem",
                  responsible_user_id=people[who].user_id, deadline=DEADLINE, requirement="更换软管，加装报警器")
    return hazard_work.assign(session, people[by], **{**values, **kw})


def _counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(t))
                 for t in (Hazard, HazardTransition, AlertOutbox, LoopViolation, RefusedEvent, Alert))


def test_the_roles_the_ledger_holds_agree_with_the_web_apps_grants():
    def holding(permission):
        return frozenset(role for role, granted in roles.GRANTS.items() if permission in granted)
    assert rules.REPORT_ROLES == holding(roles.HAZARD_REPORT)
    assert rules.ASSIGN_ROLES == holding(roles.HAZARD_ASSIGN)
    assert rules.ACCEPT_ROLES == holding(roles.HAZARD_ACCEPT)
    assert rules.SUPERVISE_ROLES == holding(roles.HAZARD_SUPERVISE)


def test_a_hazard_goes_round_the_loop_by_different_people(session, people):
    reported = _report(session, people["li"])
    code = reported.code
    assert reported.created and reported.stage == "reported" and code.startswith("YH-")
    at = NOW + timedelta(minutes=5)
    assert _assign(session, people, code).stage == "notified"
    zhou, yan = people["zhou"], people["yan"]
    assert hazard_work.start(session, zhou, school="s1", code=code, now=at + timedelta(hours=1)).stage == "rectifying"
    hazard_work.feed_back(session, zhou, school="s1", code=code, now=at + timedelta(hours=2), measures="已更换软管")
    back = hazard_work.reject(session, yan, school="s1", code=code, now=at + timedelta(hours=3),
                              reason="报警器未装")
    assert back.stage == "rectifying"
    hazard_work.feed_back(session, zhou, school="s1", code=code, now=at + timedelta(hours=4), measures="报警器已装")
    done = hazard_work.accept(session, yan, school="s1", code=code, now=at + timedelta(hours=5), note="复查合格")
    assert done.stage == "accepted"

    hazard = session.scalar(select(Hazard))
    assert (hazard.title, hazard.client_key, hazard.reported_by_user_id) == ("305 实验室燃气软管老化开裂", KEY,
                                                                             people["li"].user_id)
    assert (hazard.responsible_user_id, hazard.responsible_person) == (zhou.user_id, "周师傅")
    assert hazard.requirement == "更换软管，加装报警器" and hazard.deadline == DEADLINE
    assert hazard.measures == "报警器已装" and hazard.recheck_result == "复查合格"
    assert hazard.closed_at == at + timedelta(hours=5)
    assert session.get(OrgUnit, hazard.responsible_unit_id).code == "s1-chem"
    steps = [(t.action, t.by, t.by_user_id, t.note) for t in hazard.transitions]
    assert steps == [
        ("report", "li", people["li"].user_id, ""), ("notify", "an", people["an"].user_id, "更换软管，加装报警器"),
        ("rectify", "zhou", zhou.user_id, ""), ("feedback", "zhou", zhou.user_id, "已更换软管"),
        ("reject", "yan", yan.user_id, "报警器未装"), ("feedback", "zhou", zhou.user_id, "报警器已装"),
        ("accept", "yan", yan.user_id, "复查合格")]
    events = [row.event for row in session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))]
    assert [e["type"] for e in events] == ["hazard.reported", "hazard.notified", "hazard.rectifying",
                                           "hazard.feedback", "hazard.rejected", "hazard.feedback", "hazard.accepted"]
    assert [e["id"] for e in events] == [t.event_id for t in hazard.transitions]
    assert len(set(e["id"] for e in events)) == 7
    assert events[0]["building"] == "lab" and events[0]["zone"] == "3F-305"
    assert events[1]["data"]["deadline"] and events[1]["data"]["hazard"] == code


def test_the_same_form_sent_twice_is_one_hazard(session, people):
    first = _report(session, people["li"])
    again = _report(session, people["li"], description="重发的内容不同也一样")
    assert (again.code, again.hazard_id, again.created) == (first.code, first.hazard_id, False)
    assert again.event_ids == first.event_ids
    assert _counts(session)[:3] == (1, 1, 1)
    with pytest.raises(StepRefused) as refused:  # someone else's form key
        _report(session, people["an"])
    assert refused.value.zh
    assert _counts(session)[:3] == (1, 1, 1)


def test_a_scanned_risk_point_fills_the_place_and_names_the_point(session, people):
    result = hazard_work.report(session, people["li"], school="s1", description="燃气阀门锈蚀",
                                client_key="scan-000001", now=NOW, risk_point="RP-GAS-1", grade="major")
    hazard = session.get(Hazard, result.hazard_id)
    point = session.scalar(select(RiskPoint))
    assert (hazard.risk_point_id, hazard.building_id, hazard.zone_id) == (point.id, point.building_id, point.zone_id)
    assert hazard.grade == "major" and hazard.source == "self_inspection"
    with pytest.raises(StepRefused):  # the form says another place than the point's
        hazard_work.report(session, people["li"], school="s1", description="x", client_key="scan-000002", now=NOW,
                           risk_point="RP-GAS-1", zone="4F")



def test_a_report_from_a_failed_items_draft_names_the_item_in_the_same_transaction(session, people, tmp_path):
    from ledger.commands import photos as store
    from ledger.models import InspectionResult, Photo
    from tests.ledger import photo_support as made

    s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    s2 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s2"))
    yan = people["yan"]
    item, other = made.failed_results(session, s1, by="yan")
    (elsewhere,) = made.failed_results(session, s2, n=1, by="gao")
    photo = made.kept(session, tmp_path, yan.user_id, s1)
    store.attach(session, keys=[photo.key], uploaded_by=yan.user_id, school=s1, now=NOW, inspection_result_id=item)
    session.commit()
    values = dict(school="s1", description="第 1 项不合格", now=NOW, building="lab", source="school_inspection")
    first = hazard_work.report(session, yan, client_key="draft-0001", photo_keys=[photo.key],
                               inspection_result=item, **values)
    row = session.get(InspectionResult, item)
    assert row.hazard_code == first.code and row.reported_at is not None
    assert session.get(Photo, photo.id).hazard_id == first.hazard_id  # the item's photo goes with the hazard too
    again = hazard_work.report(session, yan, client_key="draft-0001", inspection_result=item, **values)
    assert (again.code, again.created) == (first.code, False)
    for key, result, refusal in (("draft-0002", item, "reported already"),  # the item names its hazard
                                 ("draft-0003", elsewhere, "no failed inspection item"),  # another school's
                                 ("draft-0004", 10_000, "no failed inspection item"),
                                 ("draft-0005", "1", "no failed inspection item")):
        with pytest.raises(LedgerError, match=refusal) as refused:
            hazard_work.report(session, yan, client_key=key, inspection_result=result, **values)
        assert refused.value.zh
    assert session.scalar(select(func.count()).select_from(Hazard)) == 1  # a refused draft saves nothing
    assert session.get(InspectionResult, other).hazard_code is None

# Each a form a careless or hostile phone sends, and what the ledger refuses it with. One test runs
# them all on one ledger: a database per case cost more than the cases (nothing is saved between).
BAD_REPORTS = [
    (dict(description=""), StepRefused),
    (dict(description="\x1b\x07 \n"), StepRefused),  # nothing left once the controls go
    (dict(description="长" * 2001), StepRefused),
    (dict(client_key="short"), StepRefused),
    (dict(client_key="bad key with spaces"), StepRefused),
    (dict(building=None, zone=None), StepRefused),  # no place
    (dict(building="nowhere"), StepRefused),
    (dict(zone="9F"), StepRefused),
    (dict(risk_point="RP-NONE", building=None, zone=None), StepRefused),
    (dict(grade="huge"), StepRefused),
    (dict(source="rumour"), StepRefused),
    (dict(photo_keys=["x"]), PhotoRefused),
    (dict(photo_keys=[3]), PhotoRefused),  # keys, not numbers
    (dict(photo_keys=[f"{i:032x}" for i in range(10)]), PhotoRefused),
    (dict(photo_keys=["f" * 32]), PhotoRefused),  # well formed, but no photo of li's
    (dict(school="s2"), org_scope.OutOfScope),  # li reads s1 only
    (dict(building="lab\x1b[2J"), StepRefused),
]


def test_a_bad_report_is_refused_in_both_languages_and_saves_nothing(session, people):
    for change, refusal in BAD_REPORTS:
        with pytest.raises(refusal) as refused:
            _report(session, people["li"], **change)
        assert refused.value.zh and isinstance(refused.value, LedgerError), change
        assert _counts(session) == (0, 0, 0, 0, 0, 0), change


def test_control_characters_in_a_description_are_cleaned_as_the_ledger_does_elsewhere(session, people):
    result = _report(session, people["li"], description="\x1b[31m插座\x00冒烟\r\n二楼")
    hazard = session.get(Hazard, result.hazard_id)
    assert hazard.description == "[31m插座冒烟\n二楼" and hazard.title == "[31m插座冒烟"


def test_every_wrong_step_is_refused_with_nothing_saved(session, people):
    code = _report(session, people["li"]).code
    at = NOW + timedelta(minutes=10)

    def refused(kind, step, who, **kw):
        before = _counts(session)
        with pytest.raises(kind) as caught:
            getattr(hazard_work, step)(session, people[who], school=kw.pop("school", "s1"), code=kw.pop("code", code),
                                       now=at, **kw)
        assert caught.value.zh, caught.value
        assert _counts(session) == before
        return caught.value

    def offered(who):
        return my_work.steps_open_to(session, people[who], school="s1", code=code)

    assert (offered("an"), offered("zhou"), offered("li"), offered("gao")) == (("notify",), (), (), None)
    # Out of order, with the state machine's words in both languages.
    out_of_order = refused(StageRefused, "start", "an")
    assert "reported" in str(out_of_order) and "已上报" in out_of_order.zh and "下发整改通知" in out_of_order.zh
    refused(StageRefused, "accept", "yan")
    # The wrong role or scope for the notice, or bad notice input.
    notice = dict(grade="ordinary", responsible_unit="s1-chem", responsible_user_id=people["zhou"].user_id,
                  deadline=DEADLINE, requirement="更换")
    refused(StepRefused, "assign", "yan", **notice)  # an inspector does not assign
    refused(StepRefused, "assign", "li", **notice)
    refused(org_scope.OutOfScope, "assign", "gao", **notice)  # another school's safety office
    refused(StepRefused, "assign", "an", **{**notice, "deadline": NOW - timedelta(days=1)})
    refused(StepRefused, "assign", "an", **{**notice, "responsible_unit": "s1"})  # the school is no unit of itself
    refused(StepRefused, "assign", "an", **{**notice, "responsible_user_id": people["gao"].user_id})  # not of s1
    refused(StepRefused, "assign", "an", **{**notice, "responsible_user_id": 999_999})
    refused(StepRefused, "assign", "an", **{**notice, "requirement": " "})
    refused(StepRefused, "assign", "an", **{**notice, "grade": "tiny"})
    refused(NotFound, "assign", "an", **{**notice, "code": "YH-none"})
    refused(org_scope.OutOfScope, "assign", "an", **{**notice, "school": "s2"})
    _assign(session, people, code)
    refused(StageRefused, "assign", "an", **notice)  # a second notice
    assert (offered("zhou"), offered("an"), offered("li")) == (("rectify",), ("rectify",), ())
    # Only the responsible person (or the safety office) works it.
    refused(StepRefused, "start", "li")
    refused(StepRefused, "start", "yan")
    hazard_work.start(session, people["an"], school="s1", code=code, now=at)  # the office records it for zhou
    refused(StepRefused, "feed_back", "li", measures="做了")
    refused(StepRefused, "feed_back", "zhou", measures="")
    hazard_work.feed_back(session, people["zhou"], school="s1", code=code, now=at, measures="已更换")
    assert (offered("yan"), offered("an"), offered("zhou")) == (("accept", "reject"),) * 2 + ((),)
    # Acceptance: not by the person who rectified, not by a reporter, a reason to reject.
    refused(StepRefused, "accept", "zhou")
    refused(StepRefused, "reject", "yan", reason="")
    refused(org_scope.OutOfScope, "accept", "gao")
    refused(StageRefused, "feed_back", "zhou", measures="again")
    hazard_work.accept(session, people["an"], school="s1", code=code, now=at)
    closed = refused(StageRefused, "reject", "yan", reason="晚了")
    assert "已验收销号" in closed.zh


def test_the_person_who_fed_back_does_not_accept(session, people):
    code = _report(session, people["li"]).code
    _assign(session, people, code, who="yan")  # an inspector made responsible
    at = NOW + timedelta(hours=1)
    hazard_work.start(session, people["yan"], school="s1", code=code, now=at)
    hazard_work.feed_back(session, people["yan"], school="s1", code=code, now=at, measures="已处理")
    with pytest.raises(StepRefused):
        hazard_work.accept(session, people["yan"], school="s1", code=code, now=at)
    assert hazard_work.accept(session, people["an"], school="s1", code=code, now=at).stage == "accepted"


def test_a_district_lists_a_major_hazard_for_supervision_until_it_is_accepted(session, people):
    major = hazard_work.report(session, people["li"], school="s1", description="配电房漏水", client_key="major-00001",
                               now=NOW, building="lab", grade="major")
    minor = _report(session, people["li"], key="minor-00001")
    # The district's officers read the school from the moment it is reported (their unit's schools).
    assert people["wang"].reads("s1") and not people["liu"].reads("s1")
    listing = dict(school="s1", code=major.code, now=NOW + timedelta(minutes=1), deadline=DEADLINE,
                   instructions="三日内报送整改方案")
    for who, kind in (("liu", org_scope.OutOfScope), ("xiao", StepRefused), ("an", StepRefused)):
        with pytest.raises(kind):
            hazard_supervision.supervise(session, people[who], **listing)
    with pytest.raises(StepRefused):
        hazard_supervision.supervise(session, people["wang"], **{**listing, "code": minor.code})
    with pytest.raises(StepRefused):
        hazard_supervision.supervise(session, people["wang"], **{**listing, "deadline": NOW})
    def offered(who):
        return my_work.steps_open_to(session, people[who], school="s1", code=major.code)

    assert (offered("wang"), offered("xiao"), offered("liu")) == (("supervise",), (), None)
    before = _counts(session)
    hazard_supervision.supervise(session, people["wang"], **listing)
    assert offered("wang") == ()
    hazard = session.get(Hazard, major.hazard_id)
    assert hazard.listed_supervision and hazard.supervised_by == "金水区 王科长"
    assert (hazard.supervision_deadline, hazard.supervision_note) == (DEADLINE, "三日内报送整改方案")
    assert session.get(OrgUnit, hazard.supervision_unit_id).code == "d1"
    assert hazard.transitions[-1].action == "supervise" and hazard.stage == "reported"
    after = _counts(session)
    assert after[1] == before[1] + 1 and after[2] == before[2]  # a step in the history, no event
    with pytest.raises(StepRefused) as twice:
        hazard_supervision.supervise(session, people["wang"], **listing)
    assert "王科长" in twice.value.zh


def _replay(session, ledger_settings) -> None:
    """Run every event the steps wrote through the recorder's own handling, as it does after Kafka."""
    rules_now = load_rules(ledger_settings.alert_rules_file)
    for row in list(session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))):
        event = validate(json.dumps(row.event).encode(), now_ms=int(time.time() * 1000), max_bytes=16384,
                         max_future_ms=300_000, max_age_ms=7 * 86_400_000)
        assert not hasattr(event, "reason"), event
        assert record_event(session, event, alert_severity=rules_now.severity_for(event),
                            group_window=timedelta(seconds=600), tz=ZoneInfo("Asia/Shanghai")) is None
    session.commit()


def test_the_recorder_finds_every_step_recorded_already(session, people, ledger_settings):
    code = _report(session, people["li"]).code
    _assign(session, people, code)
    at = NOW + timedelta(hours=1)
    hazard_work.start(session, people["zhou"], school="s1", code=code, now=at)
    hazard_work.feed_back(session, people["zhou"], school="s1", code=code, now=at, measures="已更换")
    hazard_work.reject(session, people["yan"], school="s1", code=code, now=at, reason="不合格")
    before = _counts(session)
    stages = session.scalar(select(Hazard.stage))
    _replay(session, ledger_settings)
    _replay(session, ledger_settings)
    assert _counts(session) == before and session.scalar(select(Hazard.stage)) == stages


def test_a_major_report_opens_its_alert_once_as_the_wall_does(session, people, ledger_settings):
    hazard_work.report(session, people["li"], school="s1", description="配电房漏水", client_key="major-00002",
                       now=NOW, building="lab", grade="major")
    before = _counts(session)
    _replay(session, ledger_settings)
    _replay(session, ledger_settings)
    after = _counts(session)
    assert after[:5] == before[:5] and after[5] == before[5] + 1
    alert = session.scalar(select(Alert))
    assert (alert.type, alert.severity, alert.building_code) == ("hazard.reported", "high", "lab")


def test_an_outside_event_does_not_move_a_hazard_people_work(session, people, ledger_settings):
    """Forged or stray steps (a campus system, anyone who can produce) are refused by the recorder:
    a hazard worked in the product moves only by the people its steps name."""
    code = _report(session, people["li"]).code
    _assign(session, people, code)
    doc = {"id": "forged-1", "ts": (NOW + timedelta(hours=1)).isoformat(), "school": "s1", "domain": "operations",
           "type": "hazard.rectifying", "severity": "info", "source": "someone", "data": {"hazard": code}}
    event = validate(json.dumps(doc).encode(), now_ms=int(time.time() * 1000), max_bytes=16384,
                     max_future_ms=300_000, max_age_ms=7 * 86_400_000)
    refusal = record_event(session, event, alert_severity=None, group_window=timedelta(seconds=600),
                           tz=ZoneInfo("Asia/Shanghai"))
    session.commit()
    assert refusal is not None and refusal.reason == "worked_in_product"
    assert session.scalar(select(Hazard.stage)) == "notified"
    assert session.scalar(select(RefusedEvent.reason)) == "worked_in_product"


def _at_once(engine, *calls):
    """Run the calls on their own connections, released together; their results or errors."""
    sessions = sql_sessions(engine)
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        with sessions() as s:
            barrier.wait()
            try:
                results[index] = call(s)
            except Exception as exc:  # noqa: BLE001 - the refusal is the result
                results[index] = exc
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_sends_and_acceptances_each_happen_once(engine, seeded):
    sessions = sql_sessions(engine)
    people = seeded
    for round_ in range(3):
        key = f"together-{round_:04d}"
        sends = _at_once(engine, *[lambda s, key=key: _report(s, people["li"], key=key)] * 2)
        assert not any(isinstance(r, Exception) for r in sends), sends  # neither send may fail
        assert {r.hazard_id for r in sends} == {sends[0].hazard_id}, sends
        assert sorted(r.created for r in sends) == [False, True]
        code = sends[0].code
        with sessions() as s:
            _assign(s, people, code)
            hazard_work.start(s, people["zhou"], school="s1", code=code, now=NOW + timedelta(hours=1))
            hazard_work.feed_back(s, people["zhou"], school="s1", code=code, now=NOW + timedelta(hours=1),
                                  measures="已处理")
        steps = _at_once(engine, *[lambda s, who=who: hazard_work.accept(
            s, people[who], school="s1", code=code, now=NOW + timedelta(hours=2)) for who in ("an", "yan")])
        assert sum(isinstance(r, hazard_work.StepResult) for r in steps) == 1, steps
        assert sum(isinstance(r, StageRefused) for r in steps) == 1, steps
        with sessions() as s:
            hazard = s.scalar(select(Hazard).where(Hazard.code == code))
            assert [t.action for t in hazard.transitions].count("accept") == 1
    with sessions() as s:
        assert _counts(s)[0] == 3 and _counts(s)[2] == 3 * 5


def test_the_aggregator_moves_the_walls_hazard_counts_with_the_steps(session, people):
    """The outbox's events, as the aggregator plans them (no broker needed for its arithmetic): the
    hazard ends rectifying after a rejection, with the notice's deadline, as the ledger has it."""
    code = _report(session, people["li"]).code
    _assign(session, people, code)
    at = NOW + timedelta(hours=1)
    hazard_work.start(session, people["zhou"], school="s1", code=code, now=at)
    hazard_work.feed_back(session, people["zhou"], school="s1", code=code, now=at, measures="已更换")
    hazard_work.reject(session, people["yan"], school="s1", code=code, now=at + timedelta(minutes=1), reason="不合格")
    now_ms = int(time.time() * 1000)
    rows = session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))
    events = [validate(json.dumps(row.event).encode(), now_ms=now_ms, max_bytes=16384, max_future_ms=300_000,
                       max_age_ms=7 * 86_400_000) for row in rows]
    tz = ZoneInfo("Asia/Shanghai")
    writes = Planner(load_rules(DEFAULT_ALERT_RULES), tz).plan("s1", events, Snapshot(), now_ms)
    counts = keys.hazard_counts("s1")
    assert {k[1]: v for k, v in writes.incr.items() if k[0] == counts and v} == {"stage|rectifying": 1}
    assert writes.zadd[keys.hazard_deadlines("s1")][code] == int(DEADLINE.timestamp() * 1000)


def test_a_retired_place_and_a_disabled_person_are_refused(session, people):
    point = session.scalar(select(RiskPoint))
    point.retired_on = NOW.date()
    session.commit()
    with pytest.raises(StepRefused):
        _report(session, people["li"], building=None, zone=None, risk_point="RP-GAS-1")
    code = _report(session, people["li"]).code
    session.get(User, people["zhou"].user_id).disabled_at = NOW
    session.commit()
    with pytest.raises(StepRefused):
        _assign(session, people, code)
    assert session.scalar(select(Hazard.stage)) == "reported" and _counts(session)[1] == 1
