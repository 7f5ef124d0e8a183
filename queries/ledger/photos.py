"""What the photo routes and the hazard pages read of photos (issue 15): one photo by its key, with the
school it belongs to; the photos of a hazard, step by step. The files themselves: ledger/photo_files.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import OrgUnit, Photo


@dataclass(frozen=True)
class PhotoView:
    key: str  # the photo's address: /photos/<key> (original), /photos/<key>/thumbnail
    school: str  # the school's code: who may see it is whoever may read this school
    uploaded_by_id: int
    created_at: datetime
    content_type: str  # of the original: image/jpeg or image/png
    width: int
    height: int
    stored_bytes: int
    sha256: str
    hazard_id: int | None
    transition_id: int | None
    inspection_result_id: int | None
    # Set whenever the photo goes with something: also an answer to a supervision item (issue 17), which
    # none of the three ids above names (ledger/models/supervision.py SupervisionPhoto).
    attached_at: datetime | None = None

    @property
    def attached(self) -> bool:
        return (self.hazard_id is not None or self.transition_id is not None or self.inspection_result_id is not None
                or self.attached_at is not None)

    @property
    def original_url(self) -> str:
        return f"/photos/{self.key}"

    @property
    def thumbnail_url(self) -> str:
        return f"/photos/{self.key}/thumbnail"


def _view(photo: Photo, school: str) -> PhotoView:
    return PhotoView(photo.key, school, photo.uploaded_by_id, photo.created_at, photo.content_type, photo.width,
                     photo.height, photo.stored_bytes, photo.sha256, photo.hazard_id, photo.transition_id,
                     photo.inspection_result_id, photo.attached_at)


def by_key(db: Session, key: str) -> PhotoView | None:
    found = db.execute(select(Photo, OrgUnit.code).join(OrgUnit, OrgUnit.id == Photo.school_id)
                       .where(Photo.key == key)).first()
    return None if found is None else _view(*found)


def of_hazard(db: Session, hazard_id: int) -> list[PhotoView]:
    """A hazard's photos in the order they were taken; each says the step it went with (transition_id:
    None for the report's own photos when the report named no step)."""
    rows = db.execute(select(Photo, OrgUnit.code).join(OrgUnit, OrgUnit.id == Photo.school_id)
                      .where(Photo.hazard_id == hazard_id).order_by(Photo.created_at, Photo.id)).all()
    return [_view(photo, school) for photo, school in rows]


def of_inspection_result(db: Session, result_id: int) -> list[PhotoView]:
    rows = db.execute(select(Photo, OrgUnit.code).join(OrgUnit, OrgUnit.id == Photo.school_id)
                      .where(Photo.inspection_result_id == result_id).order_by(Photo.created_at, Photo.id)).all()
    return [_view(photo, school) for photo, school in rows]


def hazard_photo_summary(db: Session, school_id: int) -> dict[int, tuple[int, str]]:
    """Per hazard of the school that has photos: (how many, the key of its first, in `of_hazard`'s
    order). One read for a whole ledger (the Excel download links each hazard's photos)."""
    found: dict[int, tuple[int, str]] = {}
    rows = db.execute(select(Photo.hazard_id, Photo.key).where(Photo.school_id == school_id,
                                                               Photo.hazard_id.is_not(None))
                      .order_by(Photo.hazard_id, Photo.created_at, Photo.id))
    for hazard_id, key in rows:
        count, first = found.get(hazard_id, (0, key))
        found[hazard_id] = (count + 1, first)
    return found
