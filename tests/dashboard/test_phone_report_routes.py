"""POST /m/report/send and the /report alias of printed risk cards (dashboard/phone_report_api.py,
dashboard/app.py) on a real app: the real Redis, the real broker, the ledger on SQLite and on
PostgreSQL. One app, one ledger and its people per module; each test sends reports of its own form
keys. What a careless or hostile phone sends is refused with nothing saved; a retry is one hazard."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from dashboard import sessions
from dashboard.app import create_app
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import photos as store
from ledger.models import Hazard, InspectionResult, OrgUnit, Photo, RiskPoint, User
from tests.conftest import settings_for
from tests.dashboard.conftest import client_with, issue_token, signed_in
from tests.dashboard.test_access import _router
from tests.ledger import photo_support as made
from tests.ledger.hazard_work_support import NOW, school
from tests.ledger.test_org_admin import PASSWORD

CSRF = "test-csrf-token"
SEND = "/m/report/send"


class Site:
    def __init__(self, settings, drafts: dict[str, int]):
        self.settings = settings
        self.app = create_app(settings)
        self.drafts = drafts
        self.clients = {}
        self.token = issue_token(settings)

    def client(self, username: str):
        if username not in self.clients:
            client = signed_in(self.app, username, PASSWORD)
            with client.session_transaction() as held:
                held[sessions.CSRF_KEY] = CSRF
            self.clients[username] = client
        return self.clients[username]

    def read(self, query):
        engine = sql_engine(self.settings)
        try:
            with sql_sessions(engine)() as db:
                return query(db)
        finally:
            engine.dispose()

    def hazards(self) -> int:
        return self.read(lambda db: db.scalar(select(func.count()).select_from(Hazard)))


@pytest.fixture(scope="module")
def site(module_database_url, redis_url, kafka_bootstrap, tmp_path_factory) -> Site:
    folder = tmp_path_factory.mktemp("phone-report")
    settings = settings_for(redis_url, folder, database_url=module_database_url, secret_key="r" * 32,
                            kafka_bootstrap_servers=kafka_bootstrap)
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            school(db)  # s1 (lab / 3F-305, RP-GAS-1) under d1, s2 under d2, and their people
            s1, s2 = (db.scalar(select(OrgUnit).where(OrgUnit.code == c)) for c in ("s1", "s2"))
            db.add(RiskPoint(school_id=s2.id, code="RP-S2", name="二小配电房", method="LEC", l_value=3, e_value=6,
                             c_value=15, score=270, level="major", colour="red", identified_on=date(2026, 1, 1),
                             last_reviewed_on=date(2026, 1, 1)))
            yan = db.scalar(select(User).where(User.username == "yan"))
            own, others = made.failed_results(db, s1, by="yan")
            photo = made.kept(db, folder / "photos", yan.id, s1)
            store.attach(db, keys=[photo.key], uploaded_by=yan.id, school=s1, now=NOW, inspection_result_id=own)
            db.get(InspectionResult, own).photo_keys = [photo.key]  # as record_item names them
            db.commit()
    finally:
        engine.dispose()
    return Site(settings, {"own": own, "others": others, "photo": photo.key})


def send(client, body, *, csrf: str | None = CSRF, raw: bytes | None = None, content_type="application/json"):
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    return client.post(SEND, data=data, headers=headers, content_type=content_type)


def report(key: str, **change) -> dict:
    return {"client_key": key, "school": "s1", "building": "lab", "zone": "3F-305",
            "description": "实验室水槽下漏水", **change}


def test_a_report_is_saved_once_however_often_it_is_sent(site):
    li = site.client("li")
    before = site.hazards()
    first = send(li, report("retry-0001-aaaa", grade="major"))
    assert first.status_code == 201, first.get_json()
    answer = first.get_json()
    assert answer["created"] is True and answer["school"] == "s1" and answer["code"].startswith("YH-")
    assert answer["published"] == 1  # Kafka took the report's event right after the commit
    again = send(li, report("retry-0001-aaaa", description="重发"))  # the phone never saw the first answer
    assert (again.status_code, again.get_json()["code"], again.get_json()["created"]) == (200, answer["code"], False)
    assert site.hazards() == before + 1
    hazard = site.read(lambda db: db.scalar(select(Hazard).where(Hazard.code == answer["code"])))
    assert (hazard.grade, hazard.description, hazard.source) == ("major", "实验室水槽下漏水", "self_inspection")


def test_a_scanned_point_fills_the_place_and_a_photo_goes_with_it(site):
    li = site.client("li")
    up = li.post("/photos", data={"photo": (io.BytesIO(made.jpeg()), "IMG_1.jpg")}, headers={"X-CSRF-Token": CSRF},
                 content_type="multipart/form-data")
    assert up.status_code in (200, 201), up.get_json()
    done = send(li, {"client_key": "scan-0002-bbbb", "point": "RP-GAS-1", "description": "燃气软管开裂",
                     "photos": [up.get_json()["id"]]})  # li reads s1 alone: the school is theirs
    assert done.status_code == 201, done.get_json()

    def found(db):
        hazard = db.scalar(select(Hazard).where(Hazard.code == done.get_json()["code"]))
        point = db.get(RiskPoint, hazard.risk_point_id)
        return point.code, [p.key for p in db.scalars(select(Photo).where(Photo.hazard_id == hazard.id))]
    assert site.read(found) == ("RP-GAS-1", [up.get_json()["id"]])


# (who, body, status, a word of the refusal): each refused with nothing saved.
REFUSED = [
    ("li", report("other-school-1", school="s2"), 403, "outside your scope"),
    ("li", report("other-point-1", building=None, zone=None, point="RP-S2"), 400, "no risk point"),
    ("li", report("ctrl-chars-01", building="lab\x1b[2J"), 400, "control characters"),
    ("li", report("ctrl-chars-02", zone="3F\x00"), 400, "control characters"),
    ("li", report("bad key!"), 400, "form key"),
    ("li", report("no-place-0001", building=None, zone=None), 400, "choose the place"),
    ("li", report("no-text-00001", description=" \x07 "), 400, "description"),
    ("li", report("long-text-001", description="长" * 2001), 400, "2000"),
    ("li", report("grade-000001", grade="catastrophic"), 400, "grade"),
    ("li", report("photos-00001", photos=["f" * 32]), 400, "not one you uploaded"),
    ("li", report("photos-00002", photos="abc"), 400, "list"),
    ("li", report("unknown-0001", reporter="somebody else"), 400, "unknown field"),
    ("li", report("draft-others1", draft=-1), 400, "item"),
    ("an", report("draft-others2", draft="DRAFT"), 400, "item"),  # the safety office, not the item's inspector
    ("li", ["a list"], 400, "JSON object"),
]


def test_what_a_careless_or_hostile_phone_sends_is_refused_with_nothing_saved(site):
    before = site.hazards()
    for who, body, status, words in REFUSED:
        if isinstance(body, dict) and body.get("draft") == "DRAFT":
            body = {**body, "draft": site.drafts["own"]}
        answer = send(site.client(who), body)
        said = answer.get_json()
        assert answer.status_code == status and words in said["en"] and said["zh"], (body, said)
    assert site.hazards() == before
    bad = site.client("li")
    assert send(bad, None, raw=b"{not json").status_code == 400
    assert send(bad, None, raw=b'{"a": 1}', content_type="text/plain").status_code == 415
    assert send(bad, report("no-csrf-00001"), csrf=None).get_json()["en"].startswith("report from this site")
    assert send(bad, report("bad-csrf-0001"), csrf="guessed").status_code == 400
    huge = json.dumps(report("huge-body-001", description="x" * 40_000)).encode()
    assert send(bad, None, raw=huge).status_code == 413
    assert site.hazards() == before


def test_only_a_person_may_send_and_the_school_is_chosen_among_theirs(site):
    body = json.dumps(report("token-000001")).encode()
    wall = client_with(site.app, site.token)
    assert wall.post(SEND, data=body, content_type="application/json").status_code == 403  # a token is nobody
    assert site.app.server.test_client().post(SEND, data=body, content_type="application/json").status_code == 401
    # An admin over the whole tree reads both schools: the school must be named, and is then theirs to use.
    # (made here: the module's people are the hazard loop's)
    engine = sql_engine(site.settings)
    try:
        from datetime import datetime, timezone

        from ledger.commands import users
        with sql_sessions(engine).begin() as db:
            if db.scalar(select(User).where(User.username == "root")) is None:
                users.create_user(db, username="root", display_name="总管理员", role="admin", password=PASSWORD,
                                  now=datetime.now(timezone.utc))
    finally:
        engine.dispose()
    root = site.client("root")
    unnamed = send(root, report("several-0001", school=None))
    assert (unnamed.status_code, unnamed.get_json()["en"]) == (400, "choose the school")
    assert send(root, report("several-0002", school="s2", building=None, zone=None, point="RP-S2")).status_code == 201


def test_a_report_from_the_inspectors_own_draft_links_back_to_the_failed_item(site):
    yan = site.client("yan")
    others = send(yan, report("draft-x-00001", draft=site.drafts["own"] + 10_000))
    assert others.status_code == 400
    done = send(yan, report("draft-own-001", draft=site.drafts["own"], description="第 1 项不合格：通风橱不转"))
    assert done.status_code == 201, done.get_json()
    code = done.get_json()["code"]

    def found(db):
        hazard = db.scalar(select(Hazard).where(Hazard.code == code))
        photos = [p.key for p in db.scalars(select(Photo).where(Photo.hazard_id == hazard.id))]
        return db.get(InspectionResult, site.drafts["own"]).hazard_code, hazard.source, photos
    assert site.read(found) == (code, "school_inspection", [site.drafts["photo"]])  # the item's photo too
    again = send(yan, report("draft-own-001", draft=site.drafts["own"])).get_json()
    assert (again["code"], again["created"]) == (code, False)
    twice = send(yan, report("draft-own-002", draft=site.drafts["own"]))  # a second form of the same item
    assert twice.status_code == 400 and "reported already" in twice.get_json()["en"]


def test_a_printed_cards_address_opens_the_report_page_with_its_query(site):
    li = site.client("li")
    moved = li.get("/report?school=s1&point=RP-GAS-1")
    assert (moved.status_code, moved.headers["Location"]) == (302, "/m/report?school=s1&point=RP-GAS-1")
    assert li.get("/m/report?school=s1&point=RP-GAS-1").status_code == 200
    # Another school's card: the guard refuses the school named, on the alias as on the page.
    assert li.get("/report?school=s2&point=RP-S2").status_code == 403
    assert li.get("/m/report?school=s2&point=RP-S2").status_code == 403
    anonymous = site.app.server.test_client().get("/report?school=s1&point=RP-GAS-1")
    assert anonymous.status_code == 303 and "next=%2Freport%3Fschool%3Ds1%26point%3DRP-GAS-1" in anonymous.headers[
        "Location"]


def test_a_draft_in_the_address_that_cannot_be_an_id_opens_the_page_without_it(site):
    """`?draft=²` (a digit to str.isdigit, not to int(): it was a 400) or past the ledger's integer."""
    li = site.client("li")
    for odd in ("%C2%B2", "%D9%A3", "2147483648"):
        page = _router(li, "?school=s1&draft=" + odd, "/m/report")
        assert page.status_code == 200, (odd, page.get_data(as_text=True))
