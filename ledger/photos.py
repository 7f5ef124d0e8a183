"""Checking and cleaning a photo before the ledger keeps it (issue 15, "Photos"). Pure: bytes in, bytes out.

A photo comes from a phone's camera or gallery for a hazard report, a rectification or an inspection.
- Its type is read from its bytes, never from its name or the browser's word: JPEG (FF D8 FF), PNG
  (its 8-byte signature), WebP (RIFF....WEBP) and HEIC/HEIF (an ISO-BMFF `ftyp` box whose brands are
  HEVC images: what iPhones and many Android phones take). Anything else is refused.
- Its size is limited twice: MAX_UPLOAD_BYTES on what is sent (the route refuses a larger body from its
  Content-Length before reading it), MAX_PIXELS on what it unpacks to, read from the header before a
  pixel is decoded, so a small file that unpacks to gigapixels (a decompression bomb) is refused;
  Pillow's own bomb check (Image.MAX_IMAGE_PIXELS) stands behind it.
- It is re-encoded, never kept as sent: the EXIF orientation is applied first (the photo stays upright
  without its EXIF), colours are converted to sRGB when the photo carries an ICC profile, then every
  piece of metadata is dropped — EXIF (GPS location, the phone's make and model, maker notes, times),
  XMP, ICC profiles, comments, PNG text chunks — because the new file is written from the pixels alone.
- What is kept is what every browser shows: a JPEG (from JPEG, HEIC and WebP; an alpha channel laid on
  white) or a PNG (from PNG: screenshots keep their sharp edges and transparency), at most STORED_SIDE
  pixels on its long side, and a JPEG thumbnail of THUMB_SIDE for lists.

HEIC needs pillow-heif (libheif with its HEVC decoder, from its wheel); without it a HEIC photo is refused
with a message that says to send JPEG (phones can: iPhone Settings > Camera > Formats > Most Compatible).
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from ledger.errors import LedgerError

# 20 MiB: a full-resolution phone photo is 2-8 MB (a 50-megapixel JPEG at most ~15 MB); anything larger is
# not a phone photo, and each upload is decoded in a web worker's memory.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# 64 megapixels: above the 48-50 MP of today's phone cameras (8160 × 6120); a bomb is far beyond. Decoding
# that many pixels costs ~200 MB for a moment, which the web workers can afford one request at a time.
MAX_PIXELS = 64_000_000
MAX_SIDE = 16_384  # and no side longer than this, whatever the area (a 1 × 60,000,000 strip)
STORED_SIDE = 4096  # the kept original's long side: every detail of a hazard, ~1-3 MB, fast on school Wi-Fi
THUMB_SIDE = 320  # lists on a 390-pixel-wide phone: sharp at 2× in a 160-pixel tile
JPEG_QUALITY = 85
THUMB_QUALITY = 75

JPEG, PNG, WEBP, HEIC = "image/jpeg", "image/png", "image/webp", "image/heic"
SENT_TYPES = (JPEG, PNG, WEBP, HEIC)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# ISO-BMFF brands of HEVC-coded HEIF images (ISO/IEC 23008-12 annex B): heic/heix still images,
# hevc/hevx sequences, heim/heis multi-layer; `mif1`/`msf1` are generic HEIF and count only together
# with one of these (alone they may be AVIF, which the wheel's libheif does not decode).
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"})
_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", HEIC: "HEIF"}
# EXIF Orientation (tag 274) -> the Image.Transpose that makes the picture upright (ImageOps.exif_transpose's
# table; done here by hand so the picture is turned after it is made smaller, not before).
_ORIENTATION = 0x0112
_TURNS = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}  # values of PIL.Image.Transpose: FLIP_LEFT_RIGHT 0, ROTATE_270 4…


class BadPhoto(LedgerError):
    """A photo the ledger does not keep, and why (in both languages)."""


@dataclass(frozen=True)
class CleanPhoto:
    """A photo as the ledger keeps it: the displayable original and the thumbnail, both without metadata."""

    sent_type: str  # what the bytes sent were: image/jpeg, image/png, image/webp, image/heic
    sent_bytes: int
    sent_sha256: str  # of the bytes sent: the same photo sent again (a retry) is recognised by it
    content_type: str  # of the kept original: image/jpeg or image/png
    data: bytes
    sha256: str  # of `data`
    width: int
    height: int
    thumbnail: bytes  # image/jpeg
    thumb_width: int
    thumb_height: int

    @property
    def suffix(self) -> str:
        return ".png" if self.content_type == PNG else ".jpg"


def sniff(head: bytes) -> str | None:
    """The photo type the first bytes say they are (32 are enough), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        size = int.from_bytes(head[:4], "big")
        box = head[8:min(max(size, 16), len(head))]
        brands = {box[i:i + 4] for i in range(0, len(box) - 3, 4)}  # major, minor version, compatible...
        if brands & _HEVC_BRANDS:
            return HEIC
    return None


def heic_supported() -> bool:
    """Whether HEIC photos can be read here (pillow-heif installed); registers its opener with Pillow."""
    global _heif_registered
    if _heif_registered is None:
        try:
            import pillow_heif
        except ImportError:
            _heif_registered = False
        else:
            pillow_heif.register_heif_opener()
            _heif_registered = True
    return _heif_registered


_heif_registered: bool | None = None


def too_large(size: int) -> BadPhoto:
    """The refusal of a photo of `size` bytes (the route says it from Content-Length, before reading)."""
    mb, limit = size / 2**20, MAX_UPLOAD_BYTES // 2**20
    return BadPhoto(f"the photo is {mb:.1f} MB; a photo is at most {limit} MB",
                    zh=f"照片有 {mb:.1f} MB，每张照片至多 {limit} MB")


def clean(data: bytes) -> CleanPhoto:
    """The photo as the ledger keeps it, or BadPhoto saying what is wrong with what was sent."""
    if not data:
        raise BadPhoto("the photo is empty", zh="照片文件是空的")
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large(len(data))
    kind = sniff(data[:64])
    if kind is None:
        raise BadPhoto("the file is not a JPEG, PNG, HEIC or WebP photo (judged by its content, whatever its name)",
                       zh="文件不是 JPEG、PNG、HEIC 或 WebP 照片（按内容判断，与文件名无关）")
    if kind == HEIC and not heic_supported():
        raise BadPhoto("HEIC photos cannot be read here; send it as JPEG (iPhone: Settings > Camera > Formats > "
                       "Most Compatible)",
                       zh="此处无法读取 HEIC 照片，请以 JPEG 格式发送（iPhone：设置 > 相机 > 格式 > 兼容性最佳）")
    image = _decoded(data, kind)
    try:
        kept, content_type = _kept(image, kind)
        original = _encoded(kept, content_type, JPEG_QUALITY)
        thumb = _flat(kept)
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), _lanczos())
        thumbnail = _encoded(thumb, JPEG, THUMB_QUALITY)
    except (OSError, ValueError) as exc:  # decoded, yet in a form that cannot be converted (an odd mode)
        raise BadPhoto(f"the photo cannot be converted for display ({type(exc).__name__})",
                       zh=f"照片无法转换为可显示的格式（{type(exc).__name__}）") from None
    return CleanPhoto(
        sent_type=kind, sent_bytes=len(data), sent_sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type, data=original, sha256=hashlib.sha256(original).hexdigest(),
        width=kept.width, height=kept.height,
        thumbnail=thumbnail, thumb_width=thumb.width, thumb_height=thumb.height)


def _lanczos():
    from PIL import Image

    return Image.Resampling.LANCZOS


def _decoded(data: bytes, kind: str):
    """The photo's first frame, upright, decoded within the pixel limits."""
    from PIL import Image

    name = _PILLOW_FORMAT[kind]
    try:
        image = Image.open(io.BytesIO(data), formats=[name])
        width, height = image.size
        if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
            raise BadPhoto(f"the photo is {width} × {height} pixels; at most {MAX_PIXELS // 1_000_000} million pixels "
                           f"and {MAX_SIDE} on a side",
                           zh=f"照片为 {width} × {height} 像素，至多 {MAX_PIXELS // 1_000_000} 百万像素、每边至多 "
                              f"{MAX_SIDE} 像素")
        if kind == JPEG and image.mode in ("RGB", "L"):
            # A large JPEG is decoded at 1/2, 1/4 or 1/8 scale when still larger than what is kept.
            image.draft(image.mode, (STORED_SIDE, STORED_SIDE))
        image.seek(0)  # an animated WebP or PNG, a HEIC burst: its first (primary) picture
        turn = _TURNS.get(image.getexif().get(_ORIENTATION))  # read before the EXIF that says it is dropped
        image.load()  # decodes every pixel: a truncated or fake file fails here
        if max(image.size) > STORED_SIDE:  # made smaller first: turning and converting the kept size is cheaper
            image.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.BICUBIC)
        return image.transpose(turn) if turn is not None else image  # upright
    except BadPhoto:
        raise
    except Image.DecompressionBombError:
        raise BadPhoto("the photo unpacks to far too many pixels (a decompression bomb?)",
                       zh="照片解压后像素过多（可能是解压炸弹）") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BadPhoto(f"the {name} photo cannot be read (damaged or incomplete: {type(exc).__name__})",
                       zh=f"无法读取该 {name} 照片（文件损坏或不完整：{type(exc).__name__}）") from None


def _kept(image, kind: str):
    """(image, content type) of what is kept: sRGB pixels, at most STORED_SIDE, no metadata."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if alpha else "RGB"
    image = _to_srgb(image if image.mode == mode else image.convert(mode))
    if kind == PNG:
        return _bare(image), PNG
    return _bare(_flat(image)), JPEG


def _to_srgb(image):
    """Pixels in sRGB, what an image without a profile is shown as: phones take Display P3 (iPhone)."""
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the pixels as they are (the profile is dropped anyway)


def _flat(image):
    """RGB: an alpha channel laid on white (a JPEG has none)."""
    from PIL import Image

    if image.mode == "RGB":
        return image.copy()
    white = Image.new("RGB", image.size, (255, 255, 255))
    white.paste(image, mask=image.getchannel("A"))
    return white


def _bare(image):
    """The same pixels with nothing else: Pillow's encoders carry some of `info` over (a JPEG's comment,
    a PNG's ICC profile), so it is emptied."""
    image.info = {}
    return image


def _encoded(image, content_type: str, quality: int) -> bytes:
    image.info = {}
    out = io.BytesIO()
    if content_type == PNG:
        image.save(out, format="PNG", compress_level=6)
    else:
        image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()
