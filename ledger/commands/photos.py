"""Photos into the ledger: keeping an uploaded photo (its files and its row) and attaching photos to the step
they belong to (issue 15, "Photos").

Two moments, because a phone sends each photo as soon as it is taken (over a weak connection, one at a
time, retried) and the report, rectification or inspection it belongs to later:
1. `keep`: a cleaned photo (ledger/photos.py) of one school, sent by one person, unattached. Its files are
   written first (ledger/photo_files.py), then its row: a crash in between leaves files no row names
   (`discard` removes them when the row is refused), never a row without its files.
   The same photo sent again by the same person for the same school while it is still unattached (a retry
   whose answer was lost) is the same photo: one row, the first one's id, whoever wins a race (the row's
   unique `pending` key). Once attached, the same picture sent again is a new photo: it may go with
   another report, and one hazard's history never shares a photo with another's.
2. `attach`: the photos a person uploaded for this school, not yet attached, go with a hazard, a step of
   its loop, or an inspection result; anything else is refused, all or nothing. "Not yet attached" is per
   kind of record: an inspection result's photo may also go with the hazard reported from it.
   `form_keys` is the one check of the keys a form sends (the hazard loop's and the inspections').
3. `detach`: an inspection answer changed before signing lets go of the photos it no longer names.
4. `attach_result_photos`: the photos of a failed inspection item go with the hazard reported from it,
   whoever reports it (a safety officer reporting an inspector's failed item cannot re-send another
   person's photos through `attach`, which takes only the acting person's own uploads).
A photo sent and never attached (the phone gave up, the form was abandoned) is removed after a day by
`sweep` (`unattached_before`, then `stray_files`): the recorder runs it every PHOTO_SWEEP_SECONDS
(streams/recorder.py), and `python -m ledger photos sweep` (ledger/cli_photos.py) on demand.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import photo_files
from ledger.errors import LedgerError
from ledger.models import Hazard, HazardTransition, Inspection, InspectionResult, OrgUnit, Photo
from ledger.photos import CleanPhoto

UNATTACHED_HOURS = 24.0  # how old a photo attached to nothing must be before the sweep removes it
MAX_PER_STEP = 9  # what one report, rectification or checklist item carries: a phone's grid of nine


class PhotoRefused(LedgerError):
    """A photo cannot be kept or attached as asked."""


def form_keys(value: object) -> list[str]:
    """Photo keys as a form sends them (the keys the uploads answered): a list of at most MAX_PER_STEP
    distinct keys; the same key twice is one photo. The one check of the hazard loop and inspections."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise PhotoRefused("photos are sent as a list of the keys their uploads answered",
                           zh="照片须以上传后返回的照片编号列表提交")
    for key in value:
        if not isinstance(key, str) or not photo_files.KEY.fullmatch(key):
            shown = repr(key)[:20]
            raise PhotoRefused(f"{shown} is not a photo key as an upload answers it (32 hex digits); upload the "
                               "photo again", zh=f"{shown} 不是有效的照片编号（32 位十六进制），请重新上传照片")
    keys = list(dict.fromkeys(value))
    if len(keys) > MAX_PER_STEP:
        raise PhotoRefused(f"at most {MAX_PER_STEP} photos go with one step ({len(keys)} were sent)",
                           zh=f"每个步骤至多 {MAX_PER_STEP} 张照片（收到 {len(keys)} 张）")
    return keys


def pending_key(uploaded_by: int, school_id: int, sent_sha256: str) -> str:
    return f"{uploaded_by}:{school_id}:{sent_sha256}"


def already_sent(db: Session, *, uploaded_by: int, school: OrgUnit, sent_sha256: str) -> Photo | None:
    """The unattached photo this person already sent for this school with exactly these bytes, if any."""
    return db.scalar(select(Photo).where(Photo.pending == pending_key(uploaded_by, school.id, sent_sha256)))


def write_files(photo_dir: str | Path, photo: CleanPhoto) -> str:
    """The photo's files on the volume, under a new random key (returned); before its row is written."""
    key = photo_files.new_key()
    photo_files.write_atomically(photo_files.original_path(photo_dir, key, photo.content_type), photo.data)
    photo_files.write_atomically(photo_files.thumbnail_path(photo_dir, key), photo.thumbnail)
    return key


def discard(photo_dir: str | Path, key: str, content_type: str) -> None:
    """Remove the files of a photo whose row was not kept."""
    photo_files.remove(photo_files.original_path(photo_dir, key, content_type),
                       photo_files.thumbnail_path(photo_dir, key))


def keep(db: Session, *, key: str, school: OrgUnit, uploaded_by: int, photo: CleanPhoto,
         now: datetime) -> tuple[Photo, bool]:
    """(the photo's row, True) for files written under `key`; (the row of the same photo sent before,
    False) when this is a repeat, and the caller discards the files under `key`. The caller commits."""
    if school.kind != "school":
        raise PhotoRefused(f"{school.code} is not a school", zh=f"{school.code} 不是学校")
    pending = pending_key(uploaded_by, school.id, photo.sent_sha256)
    earlier = db.scalar(select(Photo).where(Photo.pending == pending))
    if earlier is not None:
        return earlier, False
    row = Photo(key=key, school_id=school.id, uploaded_by_id=uploaded_by, created_at=now, sent_type=photo.sent_type,
                sent_bytes=photo.sent_bytes, content_type=photo.content_type, stored_bytes=len(photo.data),
                width=photo.width, height=photo.height, thumb_bytes=len(photo.thumbnail), sha256=photo.sha256,
                pending=pending)
    try:
        with db.begin_nested():  # a savepoint: a lost race leaves the transaction usable
            db.add(row)
    except IntegrityError:
        earlier = db.scalar(select(Photo).where(Photo.pending == pending))
        if earlier is None:
            raise
        return earlier, False
    return row, True


def attach(db: Session, *, keys: Iterable[str], uploaded_by: int, school: OrgUnit, now: datetime,
           hazard: Hazard | None = None, transition: HazardTransition | None = None,
           inspection_result_id: int | None = None) -> list[Photo]:
    """Attach the photos named by `keys` (as the upload answered them) to a hazard, a step of its loop (the
    hazard is then the step's) and/or an inspection result. Each must have been uploaded by `uploaded_by`
    for this school and not yet be attached to anything of the kind asked; the hazard must be this school's.
    All or nothing: PhotoRefused names the first photo that cannot go. The caller commits with its step."""
    keys = form_keys(list(keys))  # the same photo twice in one form is one photo
    if (transition is not None and transition.id is None) or (hazard is not None and hazard.id is None):
        db.flush()  # a step taken in this transaction: its id, and its hazard's
    if transition is not None:
        if hazard is not None and transition.hazard_id != hazard.id:
            raise PhotoRefused("that step belongs to another hazard", zh="该步骤属于另一条隐患")
        hazard = hazard or db.get(Hazard, transition.hazard_id)
    if hazard is None and inspection_result_id is None:
        raise PhotoRefused("say what the photos belong to: a hazard, a step of it or an inspection result",
                           zh="请说明照片属于哪条隐患、哪个整改步骤或哪项检查结果")
    if hazard is not None and hazard.school_id != school.id:
        raise PhotoRefused("that hazard is another school's", zh="该隐患属于其他学校")
    if not keys:
        return []
    # Locked (PostgreSQL) so that two steps sent at once cannot both take the same photo; SQLite's writers
    # take the whole database in turn (kernel/connections.py) and need no lock of a row.
    found = {p.key: p for p in db.scalars(select(Photo).where(Photo.key.in_(keys)).with_for_update())}
    for key in keys:
        photo = found.get(key)
        mine = photo is not None and photo.uploaded_by_id == uploaded_by and photo.school_id == school.id
        if not mine:  # unknown, or someone else's: the same words, nothing learnt of others' photos
            raise PhotoRefused(f"photo {key[:8]}… is not one you uploaded for this school; upload it again",
                               zh=f"照片 {key[:8]}… 不是您为本校上传的照片，请重新上传")
        taken = ((hazard is not None and photo.hazard_id is not None)
                 or (transition is not None and photo.transition_id is not None)
                 or (inspection_result_id is not None and photo.inspection_result_id is not None))
        if taken:
            raise PhotoRefused(f"photo {key[:8]}… already goes with another record; upload it again for this one",
                               zh=f"照片 {key[:8]}… 已属于另一条记录，如需用于此处请重新上传")
    photos = [found[key] for key in keys]
    for photo in photos:
        if hazard is not None:
            photo.hazard_id = hazard.id
        if transition is not None:
            photo.transition_id = transition.id
        if inspection_result_id is not None:
            photo.inspection_result_id = inspection_result_id
        photo.pending = None
        photo.attached_at = now
    db.flush()
    return photos


def attach_result_photos(db: Session, result_id: int, hazard: Hazard, *, now: datetime,
                         transition: HazardTransition | None = None) -> list[Photo]:
    """The photos of a failed inspection item go with the hazard reported from it (and with `transition`,
    the report's step, when given), whoever uploaded them: the inspector's evidence follows the item into
    the hazard loop. Call it in the report's transaction after `inspections.mark_reported` named this
    hazard on the result (the link is the authority: the result must be this school's failed item and
    name this hazard, else PhotoRefused). Photos already with this hazard stay; a photo another hazard
    holds is left to it. Idempotent (a resent report attaches nothing more). The caller commits."""
    if hazard.id is None or (transition is not None and transition.id is None):
        db.flush()
    result = db.get(InspectionResult, result_id)
    school_id = None if result is None else db.scalar(select(Inspection.school_id)
                                                       .where(Inspection.id == result.inspection_id))
    if result is None or result.result != "fail" or school_id != hazard.school_id:
        raise PhotoRefused(f"no failed inspection item {result_id} of this hazard's school",
                           zh=f"本校没有不合格检查项 {result_id}")
    if result.hazard_code != hazard.code:
        raise PhotoRefused(f"inspection item {result_id} was not reported as hazard {hazard.code}",
                           zh=f"检查项 {result_id} 未上报为隐患 {hazard.code}")
    if transition is not None and transition.hazard_id != hazard.id:
        raise PhotoRefused("that step belongs to another hazard", zh="该步骤属于另一条隐患")
    photos = list(db.scalars(select(Photo).where(Photo.inspection_result_id == result_id,
                                                 Photo.school_id == hazard.school_id)
                             .order_by(Photo.id).with_for_update()))
    moved = []
    for photo in photos:
        if photo.hazard_id not in (None, hazard.id):
            continue  # reported with another hazard before this link (its uploader's own report)
        photo.hazard_id = hazard.id
        if transition is not None and photo.transition_id is None:
            photo.transition_id = transition.id
        photo.pending = None
        photo.attached_at = photo.attached_at or now
        moved.append(photo)
    db.flush()
    return moved


def detach(db: Session, *, keys: Iterable[str], inspection_result_id: int) -> list[str]:
    """Take photos off an inspection result whose answer changed before it was signed (the keys the new
    answer no longer names); the keys detached. A photo left with nothing is unattached again (its
    `attached_at` cleared), so the sweep removes it once it is a day old. The caller commits."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    photos = list(db.scalars(select(Photo).where(Photo.key.in_(keys),
                                                 Photo.inspection_result_id == inspection_result_id)
                             .with_for_update()))
    for photo in photos:
        photo.inspection_result_id = None
        if photo.hazard_id is None and photo.transition_id is None:
            photo.attached_at = None
    db.flush()
    return [photo.key for photo in photos]


def unattached_before(db: Session, cutoff: datetime) -> list[tuple[str, str]]:
    """Delete the rows of photos sent before `cutoff` and attached to nothing; (key, content type) of each,
    whose files the caller removes once this is committed. A photo attached meanwhile is not touched: the
    DELETE asks again, row by row, whether it is still unattached (and waits for an attach in progress)."""
    old = (Photo.attached_at.is_(None), Photo.hazard_id.is_(None), Photo.transition_id.is_(None),
           Photo.inspection_result_id.is_(None), Photo.created_at < cutoff)
    gone = db.execute(delete(Photo).where(*old).returning(Photo.key, Photo.content_type)).all()
    return [(key, content_type) for key, content_type in gone]


def stray_files(db: Session, photo_dir: str | Path, cutoff: datetime) -> list[Path]:
    """Files under `photo_dir` last changed before `cutoff` that no row names: a crash between the files
    and the row, a temporary file of a write that died. Read only: the caller removes them."""
    root = Path(photo_dir)
    if not root.is_dir():
        return []
    candidates: dict[str, list[Path]] = {}
    for path in root.glob("[0-9a-f][0-9a-f]/*"):
        if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
            key = path.name.split(".")[0] if not path.name.startswith(".") else ""
            candidates.setdefault(key, []).append(path)
    known = set()
    keys = [k for k in candidates if photo_files.KEY.fullmatch(k)]
    for start in range(0, len(keys), 500):
        known |= set(db.scalars(select(Photo.key).where(Photo.key.in_(keys[start:start + 500]))))
    return sorted(path for key, paths in candidates.items() if key not in known for path in paths)


def sweep(sessions, photo_dir: str | Path, cutoff: datetime) -> tuple[int, int]:
    """Remove photos sent before `cutoff` and attached to nothing (rows committed first, then their
    files), then files no row names older than the cutoff; (photos removed, stray files removed).
    `sessions`: a sessionmaker; it commits its own transaction. Safe beside another sweep (a row is
    deleted once; removing a file already gone is no error)."""
    with sessions.begin() as db:
        gone = unattached_before(db, cutoff)
    for key, content_type in gone:
        discard(photo_dir, key, content_type)
    with sessions() as db:
        strays = stray_files(db, photo_dir, cutoff)
    photo_files.remove(*strays)
    return len(gone), len(strays)
