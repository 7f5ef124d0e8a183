"""The photo routes (dashboard/photos.py) on a real app: real photo files made with Pillow sent as a phone
sends them, kept cleaned on PHOTO_DIR, shown only to people whose scope covers them; the real Redis, the
ledger on SQLite and on PostgreSQL. One app, one ledger and its people per module: each test sends photos
of its own."""
from __future__ import annotations

import io
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from dashboard import sessions
from dashboard.access import COOKIE
from dashboard.app import create_app
from kernel.connections import sql_engine, sql_sessions
from ledger import photo_files
from ledger.commands import hazards, users
from ledger.commands import photos as photo_commands
from ledger.db import migrate
from ledger.models import OrgUnit, Photo, User
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, client_with, issue_token, signed_in
from tests.ledger import photo_support as made
from tests.ledger.register_support import NOW, school_with_buildings

PEOPLE = {  # username: (role, unit)
    "wang": ("reporter", "s1"), "li": ("reporter", "s1"), "zhao": ("reporter", "s2"),
    "chen": ("safety", "s1"), "district": ("leader", "d1"),
}


class Site:
    def __init__(self, settings):
        self.settings = settings
        self.app = create_app(settings)
        self.photo_dir = Path(settings.photo_dir)
        self.token = issue_token(settings)
        self.clients = {name: signed_in(self.app, name) for name in PEOPLE}
        for client in self.clients.values():
            with client.session_transaction() as held:
                held[sessions.CSRF_KEY] = "test-csrf-token"

    def ledger(self):
        return sql_sessions(sql_engine(self.settings))

    def files(self) -> set[str]:
        return {p.name for p in self.photo_dir.rglob("*") if p.is_file()} if self.photo_dir.exists() else set()


@pytest.fixture(scope="module")
def site(module_database_url, redis_url, tmp_path_factory) -> Site:
    settings = settings_for(redis_url, tmp_path_factory.mktemp("photos"), database_url=module_database_url,
                            secret_key="p" * 32)
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            school_with_buildings(db)
            for name, (role, unit) in PEOPLE.items():
                users.create_user(db, username=name, display_name=name, role=role, password=PASSWORD, unit=unit,
                                  now=datetime.now(timezone.utc))
            hazards.report_hazard(db, school=db.scalar(select(OrgUnit).where(OrgUnit.code == "s1")), code="H-1",
                                  title="灭火器过期", found_at=NOW, by="wang")
    finally:
        engine.dispose()
    return Site(settings)


def send(client, data: bytes, *, name: str = "IMG_0001.jpg", school: str | None = None,
         csrf: str | None = "test-csrf-token", headers: dict | None = None):
    form = {"photo": (io.BytesIO(data), name), **({"school": school} if school else {})}
    headers = {**({"X-CSRF-Token": csrf} if csrf else {}), **(headers or {})}
    return client.post("/photos", data=form, headers=headers, content_type="multipart/form-data")


def attach(site: Site, key: str, username: str = "wang") -> None:
    with site.ledger().begin() as db:
        user = db.scalar(select(User).where(User.username == username))
        school = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
        hazard = hazards.find(db, school_id=school.id, code="H-1")
        photo_commands.attach(db, keys=[key], uploaded_by=user.id, school=school, hazard=hazard,
                              now=datetime.now(timezone.utc))


def unique_jpeg(seed: int, **options) -> bytes:
    return made.jpeg(made.halves(64 + seed, 32), **options)


def test_a_phones_jpeg_is_kept_without_its_location_and_shown_to_its_sender(site):
    sent = send(site.clients["wang"], unique_jpeg(1, orientation=6))
    assert sent.status_code == 201, sent.get_data(as_text=True)
    body = sent.get_json()
    key = body["id"]
    assert photo_files.KEY.fullmatch(key) and body["repeat"] is False
    assert body["thumbnail"] == f"/photos/{key}/thumbnail" and body["original"] == f"/photos/{key}"
    assert (body["content_type"], body["width"], body["height"]) == ("image/jpeg", 32, 65)  # upright
    assert sent.headers["Cache-Control"] == "no-store"
    for path, size in ((body["original"], (32, 65)), (body["thumbnail"], (32, 65))):
        shown = site.clients["wang"].get(path)
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
        assert shown.headers["Cache-Control"] == "no-store"
        assert shown.headers["X-Content-Type-Options"] == "nosniff"
        assert shown.headers["Content-Disposition"].startswith(f'inline; filename="photo-{key[:8]}')
        assert made.no_metadata_left(shown.data) == [] and Image.open(io.BytesIO(shown.data)).size == size
    stored = photo_files.original_path(site.photo_dir, key, "image/jpeg").read_bytes()
    assert made.no_metadata_left(stored) == [] and b"IMG_0001" not in stored  # no GPS, no make, no name
    assert {f"{key}.jpg", f"{key}.thumb.jpg"} <= site.files()


@pytest.mark.parametrize("make, name, kept", [(made.png, "截图.png", "image/png"), (made.webp, "a.webp", "image/jpeg"),
                                              (made.heic, "IMG_0002.HEIC", "image/jpeg")])
def test_png_webp_and_heic_are_kept_as_browsers_show_them(site, make, name, kept):
    sent = send(site.clients["wang"], make(), name=name)
    assert sent.status_code in (200, 201) and sent.get_json()["content_type"] == kept
    shown = site.clients["wang"].get(sent.get_json()["original"])
    assert shown.mimetype == kept and made.no_metadata_left(shown.data) == []


def test_a_photo_is_seen_by_the_schools_people_once_it_goes_with_a_hazard_and_never_by_another_school(site):
    key = send(site.clients["wang"], unique_jpeg(2)).get_json()["id"]
    for name, status in (("li", 403), ("chen", 403), ("zhao", 403), ("district", 403)):  # not yet part of a record
        assert site.clients[name].get(f"/photos/{key}/thumbnail").status_code == status, name
    attach(site, key)
    for name, status in (("wang", 200), ("li", 200), ("chen", 200), ("district", 200), ("zhao", 403)):
        for path in (f"/photos/{key}", f"/photos/{key}/thumbnail"):
            assert site.clients[name].get(path).status_code == status, (name, path)
    wall = client_with(site.app, site.token)  # a token never sees photos, whatever its scope
    assert wall.get(f"/photos/{key}").status_code == 403
    assert site.app.server.test_client().get(f"/photos/{key}").status_code == 401
    for unknown in ("0" * 32, "f" * 32, "not-a-key", key.upper(), f"{key}.jpg"):
        assert site.clients["zhao"].get(f"/photos/{unknown}").status_code == 404, unknown  # nothing said of others


def test_what_is_not_a_photo_is_refused_with_its_reason_and_nothing_is_kept(site):
    before = site.files()
    for data, name, words in (
            (b"hello, this is text, not a photo\n" * 50, "photo.jpg", "不是 JPEG、PNG、HEIC 或 WebP 照片"),
            (made.png_claiming(30_000, 30_000), "bomb.png", "解压炸弹"),
            (made.encoded(Image.new("1", (9000, 8000)), "PNG"), "big.png", "至多 64 百万像素"),
            (b"", "empty.jpg", "空的")):
        refused = send(site.clients["wang"], data, name=name)
        assert refused.status_code == 400 and words in refused.get_json()["zh"], refused.get_json()
        assert refused.get_json()["en"] in refused.get_json()["error"]
    assert site.files() == before


def test_a_40_mb_photo_is_refused_before_it_is_read(site):
    before = site.files()
    refused = send(site.clients["wang"], b"\xff\xd8\xff" + b"\x00" * (40 * 2**20), name="huge.jpg")
    assert refused.status_code == 413 and "至多 20 MB" in refused.get_json()["zh"]
    assert "at most 20 MB" in refused.get_json()["en"]
    # A body sent without a length (chunked, which gunicorn terminates) stops being read at the limit.
    streamed = site.clients["wang"].post("/photos", environ_overrides={"wsgi.input_terminated": True},
                                         headers={"X-CSRF-Token": "test-csrf-token",
                                                             "Transfer-Encoding": "chunked",
                                                             "Content-Type": "multipart/form-data; boundary=x"},
                                         input_stream=io.BytesIO(b"--x\r\nContent-Disposition: form-data; "
                                                                 b"name=\"photo\"; filename=\"a.jpg\"\r\n\r\n"
                                                                 + b"\x00" * (25 * 2**20)))
    assert streamed.status_code == 413
    assert site.files() == before


def test_an_upload_needs_a_person_their_csrf_token_this_site_and_a_school_of_theirs(site):
    photo = unique_jpeg(3)
    assert send(site.clients["wang"], photo, csrf=None).status_code == 400
    assert send(site.clients["wang"], photo, csrf="forged").status_code == 400
    cross = send(site.clients["wang"], photo, headers={"Origin": "https://elsewhere.example"})
    assert cross.status_code == 403
    wall = client_with(site.app, site.token)
    assert send(wall, photo, csrf=None).status_code == 403  # a token never sends photos
    assert site.app.server.test_client().post("/photos").status_code == 401
    assert send(site.clients["wang"], photo, school="s2").status_code == 403  # not their school
    assert send(site.clients["wang"], photo, school="../s1").status_code == 403
    # A district officer reads two schools: says which one; its photos are that school's.
    assert send(site.clients["district"], photo).status_code == 400
    sent = send(site.clients["district"], photo, school="s2")
    assert sent.status_code == 201
    with site.ledger()() as db:
        kept = db.scalar(select(Photo).where(Photo.key == sent.get_json()["id"]))
        assert db.get(OrgUnit, kept.school_id).code == "s2" and kept.sent_type == "image/jpeg"
    assert send(site.clients["wang"], photo).status_code == 201  # their own school, by their scope


def test_the_same_photo_sent_twice_is_one_photo_until_it_goes_with_a_record(site):
    """A phone resends a photo whose answer it never got: the same photo, not a second one. Once it
    goes with a hazard, the same picture sent again is a new photo (for another record)."""
    photo = unique_jpeg(4)
    first = send(site.clients["wang"], photo)
    again = send(site.clients["wang"], photo)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["repeat"] is True
    other = send(site.clients["li"], photo)  # another person's copy is theirs
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]
    attach(site, first.get_json()["id"])
    after = send(site.clients["wang"], photo)
    assert after.status_code == 201 and after.get_json()["id"] != first.get_json()["id"]


def test_photos_sent_at_once_are_each_kept_whole(site):
    """Four phones of one person (the same session) send at once: four photos, eight files, no part-files;
    on SQLite the writers wait for each other."""
    cookie = site.clients["chen"].get_cookie(COOKIE).value
    answers: list = []

    def phone(n: int):
        client = site.app.server.test_client()
        client.set_cookie(COOKIE, cookie)
        answers.append(send(client, unique_jpeg(10 + n), name=f"IMG_{n}.jpg"))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.status_code for a in answers) == [201] * 4, [a.get_data(as_text=True) for a in answers]
    keys = {a.get_json()["id"] for a in answers}
    assert len(keys) == 4
    files = site.files()
    assert all({f"{k}.jpg", f"{k}.thumb.jpg"} <= files for k in keys)
    assert not [name for name in files if name.startswith(".incoming-")]
