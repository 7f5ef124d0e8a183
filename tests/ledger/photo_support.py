"""Real photo files made with Pillow for the photo tests: a phone's JPEG with its location, make, model,
maker notes, XMP and a sideways orientation; a PNG; a WebP; a HEIC; a decompression bomb."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

MAKE, MODEL = "AcmePhoneMaker", "Acme P50 Pro"
MAKER_NOTE = b"ACME-SERIAL-0042-secret"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="34,45.5N"/>'
       b'</rdf:RDF></x:xmpmeta>')
RED, BLUE = (220, 20, 20), (20, 20, 220)


def halves(width: int = 64, height: int = 32) -> Image.Image:
    """Left half red, right half blue: where the red ends up shows how the photo was turned."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = MAKE  # Make
    exif[0x0110] = MODEL  # Model
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)  # GPSInfo: 34°45.5'N 113°39'E
    gps.update({1: "N", 2: (34.0, 45.0, 30.0), 3: "E", 4: (113.0, 39.0, 0.0)})
    exif.get_ifd(0x8769)[0x927C] = MAKER_NOTE  # Exif IFD: MakerNote
    return exif


def jpeg(image: Image.Image | None = None, *, orientation: int = 1, metadata: bool = True) -> bytes:
    out = io.BytesIO()
    extra = dict(exif=phone_exif(orientation).tobytes(), xmp=XMP, comment=b"taken at 34.758N") if metadata else {}
    (image or halves()).save(out, format="JPEG", quality=90, **extra)
    return out.getvalue()


def encoded(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def png(image: Image.Image | None = None) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "张老师")
    return encoded(image or halves(), "PNG", pnginfo=info, exif=phone_exif().tobytes())


def webp(image: Image.Image | None = None) -> bytes:
    return encoded(image or halves(), "WEBP", quality=90, exif=phone_exif().tobytes())


def heic(image: Image.Image | None = None) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return encoded(image or halves(), "HEIF", quality=90, exif=phone_exif().tobytes())


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels: a decompression bomb's shape."""
    real = bytearray(encoded(Image.new("1", (8, 8)), "PNG"))
    header = struct.pack(">II", width, height) + bytes(real[24:29])
    real[16:29] = header
    real[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(real)


def no_metadata_left(data: bytes) -> list[str]:
    """What of the phone's metadata is still anywhere in the bytes (empty: nothing)."""
    found = [name for name, marker in (("make", MAKE.encode()), ("model", MODEL.encode()), ("maker note", MAKER_NOTE),
                                       ("xmp", b"xmpmeta"), ("comment", b"34.758N"), ("exif", b"Exif\x00\x00"),
                                       ("png text", "张老师".encode()), ("png exif", b"eXIf"))
             if marker in data]
    with Image.open(io.BytesIO(data)) as image:
        if image.getexif():
            found.append("exif tags")
        found += [key for key in ("exif", "xmp", "comment", "icc_profile", "Author") if key in image.info]
    return found


# ---- photos kept in the ledger by the store's own command (the hazard loop's and inspections' tests) ---------

def kept(db, photo_dir, uploaded_by: int, school, data: bytes | None = None):
    """A real photo, cleaned, its files written and its row kept (ledger/commands/photos.py `keep`), as an
    upload does; the Photo row (unattached)."""
    from datetime import datetime, timezone

    from ledger import photos
    from ledger.commands import photos as store

    clean = photos.clean(data or jpeg())
    key = store.write_files(photo_dir, clean)
    row, new = store.keep(db, key=key, school=school, uploaded_by=uploaded_by, photo=clean,
                          now=datetime.now(timezone.utc))
    if not new:
        store.discard(photo_dir, key, clean.content_type)
    return row


def distinct(n: int) -> list[bytes]:
    """n different JPEGs (the store keeps one photo per sender and picture until it is attached)."""
    return [jpeg(halves(64 + 2 * i, 32)) for i in range(n)]


def failed_results(db, school, n: int = 2, by: str = "wang") -> list[int]:
    """Ids of n failed items of one inspection of `school` (rows written directly: what the photo store's
    own tests attach to; the inspections' commands are tested in test_inspections.py)."""
    from datetime import date, datetime, timezone

    from ledger.models import Inspection, InspectionPlan, InspectionResult

    now = datetime.now(timezone.utc)
    plan = InspectionPlan(school_id=school.id, name="日查", checklist="risk_point", frequency="daily",
                          assignee_role="inspector", starts_on=date(2026, 12, 1), created_by=by)
    db.add(plan)
    db.flush()
    items = [f"第 {i + 1} 项" for i in range(n)]
    inspection = Inspection(plan_id=plan.id, school_id=school.id, frequency="daily", period_start=date(2026, 12, 1),
                            period_end=date(2026, 12, 2), items=items, started_by=by, started_at=now)
    db.add(inspection)
    db.flush()
    rows = [InspectionResult(inspection_id=inspection.id, position=i, item=text, result="fail", note="",
                             photo_keys=[], by=by, at=now) for i, text in enumerate(items)]
    db.add_all(rows)
    db.flush()
    return [row.id for row in rows]
