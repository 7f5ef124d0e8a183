"""Photos (issue 15): the pure checks and cleaning on real files made with Pillow, the files written
atomically, and the ledger's commands that keep them and attach them (SQLite and PostgreSQL)."""
from __future__ import annotations

import io
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from sqlalchemy import select

from kernel.connections import sql_sessions
from ledger import photo_files, photos
from ledger.commands import hazards, users
from ledger.commands import photos as photo_commands
from ledger.models import OrgUnit, Photo
from queries.ledger import photos as photo_reads
from tests.ledger import photo_support as made
from tests.ledger.register_support import NOW, school_with_buildings

# ---- checks and cleaning, pure ------------------------------------------------------------------------


@pytest.mark.parametrize("make, sent, kept", [
    (made.jpeg, photos.JPEG, photos.JPEG), (made.png, photos.PNG, photos.PNG),
    (made.webp, photos.WEBP, photos.JPEG), (made.heic, photos.HEIC, photos.JPEG)])
def test_phone_photos_are_kept_displayable_and_without_their_metadata(make, sent, kept):
    data = make()
    assert made.MAKE.encode() in data  # the phone's make went in
    clean = photos.clean(data)
    assert (clean.sent_type, clean.content_type, clean.width, clean.height) == (sent, kept, 64, 32)
    assert made.no_metadata_left(clean.data) == [] and made.no_metadata_left(clean.thumbnail) == []
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.format == ("PNG" if kept == photos.PNG else "JPEG")
        assert image.getpixel((5, 5))[0] > 180 and image.getpixel((60, 5))[2] > 180  # the same picture


def test_the_gps_location_and_the_device_are_gone_and_the_photo_stays_upright():
    sent = made.jpeg(made.halves(64, 32), orientation=6)  # taken with the phone held upright: "turn it 90°"
    with Image.open(io.BytesIO(sent)) as image:
        assert image.getexif().get_ifd(0x8825)[2] == (34.0, 45.0, 30.0)  # the location is really in it
    clean = photos.clean(sent)
    assert (clean.width, clean.height) == (32, 64)  # turned as the EXIF said, before the EXIF went
    with Image.open(io.BytesIO(clean.data)) as image:
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        top, bottom = image.getpixel((16, 5)), image.getpixel((16, 58))
    assert top[0] > 180 and bottom[2] > 180  # the left (red) half is now on top: rotated clockwise
    assert made.no_metadata_left(clean.data) == []


def test_a_colour_profile_is_applied_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    sent = made.encoded(made.halves(), "JPEG", icc_profile=srgb)
    assert "icc_profile" in Image.open(io.BytesIO(sent)).info
    assert "icc_profile" not in Image.open(io.BytesIO(photos.clean(sent).data)).info


def test_a_large_photo_is_kept_at_most_4096_pixels_and_its_thumbnail_at_320():
    clean = photos.clean(made.jpeg(Image.new("RGB", (6000, 4500), (90, 120, 60)), metadata=False))
    assert (clean.width, clean.height) == (4096, 3072)
    assert (clean.thumb_width, clean.thumb_height) == (320, 240)
    assert Image.open(io.BytesIO(clean.thumbnail)).size == (320, 240)


def test_transparency_is_kept_in_a_png_and_laid_on_white_elsewhere():
    clear = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    assert Image.open(io.BytesIO(photos.clean(made.encoded(clear, "PNG")).data)).mode == "RGBA"
    flat = photos.clean(made.encoded(clear, "WEBP", lossless=True))
    assert Image.open(io.BytesIO(flat.data)).getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"just some text, though the file was called photo.jpg\n" * 20, "not a JPEG, PNG, HEIC or WebP"),
    (b"%PDF-1.7\n" + b"0" * 100, "not a JPEG, PNG, HEIC or WebP"),
    (b"GIF89a" + b"\x00" * 100, "not a JPEG, PNG, HEIC or WebP"),
    (made.jpeg()[:300], "cannot be read"),  # cut off on the way
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "cannot be read"),  # the signature alone
    (made.png_claiming(30_000, 30_000), "decompression bomb"),  # Pillow's own limit
    (made.png_claiming(9000, 8000), "at most 64 million pixels"),  # ours, read from the header
    (made.png_claiming(60_000, 10), "16384 on a side"),
])
def test_what_is_not_a_photo_is_refused_in_both_languages(data, words):
    with pytest.raises(photos.BadPhoto, match=words) as refused:
        photos.clean(data)
    assert refused.value.zh


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow warns as it opens it
def test_a_real_decompression_bomb_is_refused_before_it_is_unpacked():
    bomb = made.encoded(Image.new("1", (10_000, 10_000)), "PNG")  # 100 megapixels in a few kB
    assert len(bomb) < 100_000
    with pytest.raises(photos.BadPhoto, match="100000000|10000 × 10000"):
        photos.clean(bomb)


def test_more_than_the_size_limit_is_refused_unread():
    with pytest.raises(photos.BadPhoto, match="at most 20 MB") as refused:
        photos.clean(b"\xff\xd8\xff" + b"\x00" * (40 * 2**20))
    assert "20 MB" in refused.value.zh


def test_types_are_read_from_the_first_bytes():
    assert photos.sniff(made.heic()[:64]) == photos.HEIC
    assert photos.sniff(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1miaf") is None  # AVIF: not HEVC
    assert photos.sniff(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic") == photos.HEIC
    assert photos.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert photos.heic_supported()


def test_without_pillow_heif_a_heic_photo_is_refused_saying_to_send_jpeg(monkeypatch):
    """What a deployment without the HEIC reader says (the pinned wheel has it: tested above)."""
    data = made.heic()
    monkeypatch.setattr(photos, "_heif_registered", False)
    with pytest.raises(photos.BadPhoto, match="HEIC photos cannot be read here; send it as JPEG") as refused:
        photos.clean(data)
    assert "兼容性最佳" in refused.value.zh


# ---- files ---------------------------------------------------------------------------------------------

def test_files_are_named_by_random_keys_and_written_whole(tmp_path):
    keys = {photo_files.new_key() for _ in range(100)}
    assert len(keys) == 100 and all(photo_files.KEY.fullmatch(k) for k in keys)
    clean = photos.clean(made.jpeg())
    key = photo_commands.write_files(tmp_path, clean)
    assert photo_files.original_path(tmp_path, key, clean.content_type).read_bytes() == clean.data
    assert photo_files.thumbnail_path(tmp_path, key).read_bytes() == clean.thumbnail
    assert [p.name for p in (tmp_path / key[:2]).iterdir() if p.name.startswith(".")] == []  # no temporary left
    for bad in ("../../etc/passwd", "ABC", "0" * 31):
        with pytest.raises(ValueError):
            photo_files.folder(tmp_path, bad)
    photo_commands.discard(tmp_path, key, clean.content_type)
    assert list((tmp_path / key[:2]).iterdir()) == []


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    target = tmp_path / "ab" / "x.jpg"
    with pytest.raises(TypeError):
        photo_files.write_atomically(target, object())  # not bytes: fails after the temporary file is made
    assert list((tmp_path / "ab").iterdir()) == []


# ---- the ledger ---------------------------------------------------------------------------------------

def _people(db) -> tuple[int, int, OrgUnit, OrgUnit]:
    school_with_buildings(db)
    ids = [users.create_user(db, username=name, display_name=name, role="reporter", password="x" * 12,
                             unit="s1", now=NOW).id for name in ("wang", "li")]
    return ids[0], ids[1], db.scalar(select(OrgUnit).where(OrgUnit.code == "s1")), \
        db.scalar(select(OrgUnit).where(OrgUnit.code == "s2"))


def _kept(db, tmp_path, user, school, data=None):
    clean = photos.clean(data or made.jpeg())
    key = photo_commands.write_files(tmp_path, clean)
    row, new = photo_commands.keep(db, key=key, school=school, uploaded_by=user, photo=clean, now=NOW)
    if not new:
        photo_commands.discard(tmp_path, key, clean.content_type)
    return row, new


def test_a_photo_is_kept_once_per_sender_until_attached_and_goes_with_one_hazard(session, tmp_path):
    wang, li, s1, s2 = _people(session)
    first, new = _kept(session, tmp_path, wang, s1)
    again, repeat_new = _kept(session, tmp_path, wang, s1)
    assert new and not repeat_new and again.id == first.id  # a retry: the same photo
    by_li, li_new = _kept(session, tmp_path, li, s1)
    assert li_new and by_li.id != first.id  # someone else's copy is theirs
    other = _kept(session, tmp_path, wang, s1, made.png())[0]
    hazard = hazards.report_hazard(session, school=s1, code="H-1", title="灭火器过期", found_at=NOW, by="wang")
    step = hazard.transitions[0]
    with pytest.raises(photo_commands.PhotoRefused, match="not one you uploaded"):
        photo_commands.attach(session, keys=[first.key, by_li.key], uploaded_by=wang, school=s1, hazard=hazard,
                              now=NOW)
    with pytest.raises(photo_commands.PhotoRefused, match="not one you uploaded"):
        photo_commands.attach(session, keys=["f" * 32], uploaded_by=wang, school=s1, hazard=hazard, now=NOW)
    with pytest.raises(photo_commands.PhotoRefused, match="not one you uploaded"):  # another school's sender
        photo_commands.attach(session, keys=[first.key], uploaded_by=wang, school=s2, inspection_result_id=7,
                              now=NOW)
    with pytest.raises(photo_commands.PhotoRefused, match="another school's"):
        photo_commands.attach(session, keys=[first.key], uploaded_by=wang, school=s2, hazard=hazard, now=NOW)
    with pytest.raises(photo_commands.PhotoRefused, match="say what the photos belong to"):
        photo_commands.attach(session, keys=[first.key], uploaded_by=wang, school=s1, now=NOW)
    assert first.hazard_id is None and first.pending is not None  # all or nothing
    attached = photo_commands.attach(session, keys=[first.key, other.key, first.key], uploaded_by=wang, school=s1,
                                     hazard=hazard, transition=step, now=NOW)
    assert [p.key for p in attached] == [first.key, other.key]
    assert {(p.hazard_id, p.transition_id, p.pending) for p in attached} == {(hazard.id, step.id, None)}
    with pytest.raises(photo_commands.PhotoRefused, match="already goes with another record"):
        photo_commands.attach(session, keys=[first.key], uploaded_by=wang, school=s1, hazard=hazard, now=NOW)
    # Sent again once attached: a new photo, for another record.
    fresh, fresh_new = _kept(session, tmp_path, wang, s1)
    assert fresh_new and fresh.id != first.id
    views = photo_reads.of_hazard(session, hazard.id)
    assert [v.key for v in views] == [first.key, other.key] and views[0].school == "s1" and views[0].attached
    assert views[0].thumbnail_url == f"/photos/{first.key}/thumbnail"
    assert photo_reads.by_key(session, fresh.key).attached is False
    with pytest.raises(photo_commands.PhotoRefused, match="at most 9"):
        photo_commands.attach(session, keys=[photo_files.new_key() for _ in range(10)], uploaded_by=wang,
                              school=s1, hazard=hazard, now=NOW)


def test_an_inspection_photo_can_then_go_with_the_hazard_its_failed_item_becomes(session, tmp_path):
    wang, _, s1, _ = _people(session)
    first, second = made.failed_results(session, s1)
    photo = _kept(session, tmp_path, wang, s1)[0]
    photo_commands.attach(session, keys=[photo.key], uploaded_by=wang, school=s1, inspection_result_id=first, now=NOW)
    hazard = hazards.report_hazard(session, school=s1, code="H-2", title="消防通道堵塞", found_at=NOW, by="wang")
    photo_commands.attach(session, keys=[photo.key], uploaded_by=wang, school=s1, hazard=hazard, now=NOW)
    assert (photo.inspection_result_id, photo.hazard_id) == (first, hazard.id)
    assert [v.key for v in photo_reads.of_inspection_result(session, first)] == [photo.key]
    with pytest.raises(photo_commands.PhotoRefused, match="already goes"):
        photo_commands.attach(session, keys=[photo.key], uploaded_by=wang, school=s1, inspection_result_id=second,
                              now=NOW)
    # Detached from the result (its answer changed), it still goes with the hazard: not unattached.
    assert photo_commands.detach(session, keys=[photo.key], inspection_result_id=first) == [photo.key]
    assert (photo.inspection_result_id, photo.hazard_id, photo.attached_at) == (None, hazard.id, NOW)


@pytest.mark.parametrize("sent, words", [
    ("0" * 32, "a list"), (["0" * 31], "not a photo key"), (["0" * 32 + "\n"], "not a photo key"),
    ([7], "not a photo key"), (["A" * 32], "not a photo key"), ([f"{i:032x}" for i in range(10)], "at most 9")])
def test_the_keys_a_form_sends_are_checked_in_both_languages(sent, words):
    with pytest.raises(photo_commands.PhotoRefused, match=words) as refused:
        photo_commands.form_keys(sent)
    assert refused.value.zh
    assert photo_commands.form_keys(["a" * 32, "b" * 32, "a" * 32]) == ["a" * 32, "b" * 32]
    assert photo_commands.form_keys(None) == [] and photo_commands.form_keys(()) == []


def test_the_same_photo_sent_twice_at_once_is_one_photo(engine, tmp_path):
    """Two sends of one photo racing (a phone's retry while the first is still on its way): whichever
    commits first, both answer the same photo, and the loser's files are gone."""
    tmp_path = tmp_path / "photos"
    with sql_sessions(engine).begin() as db:
        wang = _people(db)[0]
    clean = photos.clean(made.jpeg())
    answers, barrier = [], threading.Barrier(2)

    def send():
        key = photo_commands.write_files(tmp_path, clean)
        barrier.wait()
        with sql_sessions(engine)() as db:
            school = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
            row, new = photo_commands.keep(db, key=key, school=school, uploaded_by=wang, photo=clean,
                                           now=datetime.now(timezone.utc))
            db.commit()
            answers.append((row.key, new))
        if not new:
            photo_commands.discard(tmp_path, key, clean.content_type)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(new for _, new in answers) == [False, True] and len({key for key, _ in answers}) == 1
    with sql_sessions(engine)() as db:
        assert db.scalar(select(Photo.key)) == answers[0][0] and len(db.scalars(select(Photo)).all()) == 1
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 2  # one original, one thumbnail


def test_photos_never_attached_are_swept_after_a_day_and_nothing_else(engine, ledger_settings, tmp_path,
                                                                     monkeypatch):
    """`python -m ledger photos sweep`: an unattached photo a day old goes, rows and files; an attached one,
    or one sent an hour ago, stays; files no row names go once they are as old (never a photo being sent)."""
    from tests.ledger.cli_runner import run_ledger

    photo_dir = tmp_path / "photos"
    monkeypatch.setenv("PHOTO_DIR", str(photo_dir))
    now = datetime.now(timezone.utc)
    day_ago = now - timedelta(hours=30)
    with sql_sessions(engine).begin() as db:
        wang, _, s1, _ = _people(db)
        kept = {}
        for name, data, when in (("abandoned", made.jpeg(), day_ago), ("attached", made.png(), day_ago),
                                 ("recent", made.webp(), now)):
            clean = photos.clean(data)
            key = photo_commands.write_files(photo_dir, clean)
            kept[name] = photo_commands.keep(db, key=key, school=s1, uploaded_by=wang, photo=clean, now=when)[0].key
        hazard = hazards.report_hazard(db, school=s1, code="H-9", title="栏杆松动", found_at=NOW, by="wang")
        photo_commands.attach(db, keys=[kept["attached"]], uploaded_by=wang, school=s1, hazard=hazard, now=now)
    stray_key, fresh_key = photo_files.new_key(), photo_files.new_key()
    strays = [photo_files.thumbnail_path(photo_dir, stray_key), photo_dir / stray_key[:2] / ".incoming-x.part"]
    fresh = photo_files.thumbnail_path(photo_dir, fresh_key)
    for path in (*strays, fresh):
        photo_files.write_atomically(path, b"left over")
    for path in (*strays, *photo_dir.rglob(f"{kept['abandoned']}*")):
        os.utime(path, (day_ago.timestamp(), day_ago.timestamp()))
    swept = run_ledger(ledger_settings.database_url, "photos", "sweep")
    assert swept.returncode == 0 and "removed 1 photos attached to nothing and 2 files" in swept.stdout, swept
    with sql_sessions(engine)() as db:
        assert set(db.scalars(select(Photo.key))) == {kept["attached"], kept["recent"]}
    left = {p.name for p in photo_dir.rglob("*") if p.is_file()}
    assert not any(name.startswith(kept["abandoned"]) for name in left) and fresh.name in left
    assert {f"{kept['attached']}.png", f"{kept['recent']}.jpg"} <= left and not set(p.name for p in strays) & left
    assert run_ledger(ledger_settings.database_url, "photos", "sweep", "--hours", "0.5").returncode == 2


@pytest.mark.kafka
def test_the_recorder_sweeps_photos_every_photo_sweep_seconds(kafka_bootstrap, settings_factory):
    """The sweep is scheduled where the ledger's periodic work runs: the recorder's tick sweeps on its
    first turn, not again before PHOTO_SWEEP_SECONDS have passed, then again; 0 turns it off."""
    from dataclasses import replace

    from kernel.connections import sql_engine
    from ledger.db import migrate
    from streams.recorder import Recorder

    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, photo_sweep_seconds=60,
                                recorder_group=f"rec-{os.getpid()}-{id(settings_factory)}")
    engine = sql_engine(settings)
    migrate(engine)
    photo_dir = settings.photo_dir
    day_ago = datetime.now(timezone.utc) - timedelta(hours=30)

    def abandoned(data: bytes, when=day_ago) -> str:
        with sql_sessions(engine).begin() as db:
            school = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
            clean = photos.clean(data)
            key = photo_commands.write_files(photo_dir, clean)
            return photo_commands.keep(db, key=key, school=school, uploaded_by=wang, photo=clean, now=when)[0].key

    def left() -> set[str]:
        with sql_sessions(engine)() as db:
            return set(db.scalars(select(Photo.key)))

    with sql_sessions(engine).begin() as db:
        wang = _people(db)[0]
    recorder = Recorder(settings, engine=engine)
    try:
        old, recent = abandoned(made.jpeg()), abandoned(made.png(), when=datetime.now(timezone.utc))
        recorder._tick()  # the first turn sweeps
        assert left() == {recent}
        assert not any(p.name.startswith(old) for p in Path(photo_dir).rglob("*"))
        again = abandoned(made.webp())
        recorder._tick()  # within the minute: not again
        assert left() == {recent, again}
        recorder._last_photo_sweep -= 61  # a minute later
        recorder._tick()
        assert left() == {recent}
        recorder.settings = replace(settings, photo_sweep_seconds=0)  # off: the command is run from cron
        kept = abandoned(made.jpeg(made.halves(80, 40)))
        recorder._last_photo_sweep -= 10_000
        recorder._tick()
        assert left() == {recent, kept}
    finally:
        recorder.consumer.close()
        recorder.producer.close()
        engine.dispose()

