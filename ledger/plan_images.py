"""Checking a campus plan image before the ledger keeps it. Pure.

The type is read from the bytes, never from the file's name or the browser's word: a PNG starts
with its 8-byte signature, a JPEG with FF D8 FF, an SVG is XML whose root is <svg>. A raster image
is then decoded by Pillow with a pixel limit, so a small file that unpacks to gigapixels (a
decompression bomb) is refused before it is unpacked, and a truncated or fake file fails to decode.
An SVG is parsed with defusedxml (no entities, no DTD tricks) and refused if anything in it could
run or reach out: scripts, on* event handlers, foreignObject, or any reference that is not to the
document itself (href/xlink:href other than "#..."; url(...) to anything but "#..." in a style or
any attribute, fill="url(…)" too), an animation that sets an href or a handler, and CSS escapes in
styles (which spell url( and @import without those letters).
The maps draw the image inside an <image> of Plotly's SVG, where no script runs anyway; the checks
are for a plan opened on its own, and the route serves it with a sandboxing policy too.
"""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from ledger.errors import LedgerError

MAX_BYTES = 1_400_000  # a Dash upload travels base64 (4/3) in a request of at most 2 MiB
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000: more than any plan needs, far less than a bomb
MAX_SIDE = 12_000
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
SVG_NS = "{http://www.w3.org/2000/svg}"
_HREF = re.compile(r"(^|})href$")
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
# Elements that set another attribute over time: <set attributeName="href" to="javascript:…"> makes
# a link no attribute of its own shows.
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}


class BadImage(LedgerError):
    """A plan image the ledger does not keep, and why."""


@dataclass(frozen=True)
class PlanImage:
    content_type: str
    data: bytes
    sha256: str
    pixel_width: int | None = None
    pixel_height: int | None = None


def sniff(data: bytes) -> str | None:
    """The image type the bytes say they are, or None."""
    if data.startswith(PNG):
        return "image/png"
    if data.startswith(JPEG):
        return "image/jpeg"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        return "image/svg+xml"
    return None


def check(data: bytes) -> PlanImage:
    """The image as the ledger keeps it; BadImage saying what is wrong."""
    if not data:
        raise BadImage("the file is empty", zh="文件是空的")
    if len(data) > MAX_BYTES:
        raise BadImage(f"the image is {len(data) / 1e6:.1f} MB; a plan image is at most {MAX_BYTES / 1e6:.1f} MB "
                       "(save it as a smaller PNG or JPG, or as SVG)",
                       zh=f"图片有 {len(data) / 1e6:.1f} MB，平面图至多 {MAX_BYTES / 1e6:.1f} MB"
                          "（请另存为更小的 PNG 或 JPG，或存为 SVG）")
    kind = sniff(data)
    if kind is None:
        raise BadImage("the file is not a PNG, JPG or SVG image (its content says otherwise, whatever its name)",
                       zh="文件不是 PNG、JPG 或 SVG 图片（按内容判断，与文件名无关）")
    digest = hashlib.sha256(data).hexdigest()
    if kind == "image/svg+xml":
        _check_svg(data)
        return PlanImage(kind, data, digest)
    width, height = _check_raster(data, kind)
    return PlanImage(kind, data, digest, width, height)


def _check_raster(data: bytes, kind: str) -> tuple[int, int]:
    from PIL import Image  # Pillow only where a raster image is checked

    expected = "PNG" if kind == "image/png" else "JPEG"
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise BadImage(f"the image is {width} × {height} pixels; at most {MAX_PIXELS // 1_000_000} "
                               f"million pixels and {MAX_SIDE} on a side",
                               zh=f"图片为 {width} × {height} 像素，至多 {MAX_PIXELS // 1_000_000} 百万像素、"
                                  f"每边至多 {MAX_SIDE} 像素")
            image.load()  # decodes every pixel: a truncated or fake file fails here
    except BadImage:
        raise
    except Image.DecompressionBombError:
        raise BadImage("the image unpacks to far too many pixels (a decompression bomb?)",
                       zh="图片解压后像素过多（可能是解压炸弹）") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadImage(f"the {expected} image cannot be read: {type(exc).__name__}",
                       zh=f"无法读取该 {expected} 图片：{type(exc).__name__}") from None
    return width, height


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _check_svg(data: bytes) -> None:
    try:
        root = SafeTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise BadImage("the SVG declares a DTD or entities, which a plan image has no need of",
                       zh="SVG 声明了 DTD 或实体，平面图用不到它们") from None
    except SafeTree.ParseError as exc:
        raise BadImage(f"the SVG is not well-formed XML ({exc})", zh=f"SVG 不是格式正确的 XML（{exc}）") from None
    if root.tag not in (f"{SVG_NS}svg", "svg"):
        raise BadImage("the file is XML but not an SVG image", zh="文件是 XML，但不是 SVG 图片")
    for element in root.iter():
        name = _local(element.tag)
        if name in _FORBIDDEN:
            raise BadImage(f"the SVG holds a <{name}> element; a plan image may not run scripts or embed pages",
                           zh=f"SVG 含有 <{name}> 元素，平面图不能运行脚本或嵌入网页")
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            if local.startswith("on"):
                raise BadImage(f"the SVG has an event handler ({local}); a plan image may not run scripts",
                               zh=f"SVG 含有事件处理属性（{local}），平面图不能运行脚本")
            if _HREF.search(attribute) and not value.strip().startswith("#"):
                raise BadImage("the SVG refers to something outside itself (an href); embed everything in the file",
                               zh="SVG 引用了文件以外的内容（href），请把所有内容嵌入文件")
            if local == "style":
                _check_style(value)
            _check_urls(value)  # presentation attributes too: fill="url(…)", filter, mask, clip-path
        if name in _ANIMATIONS:
            target = element.get("attributeName", "").rsplit(":", 1)[-1].strip().lower()
            if target == "href" or target.startswith("on"):
                raise BadImage(f"the SVG animates its {target} attribute; a plan image may not make links or run "
                               "scripts", zh=f"SVG 以动画改变 {target} 属性，平面图不能产生链接或运行脚本")
        if name == "style":
            _check_style(element.text or "")
            if "@import" in (element.text or "").lower():
                raise BadImage("the SVG's style imports another file; embed everything in the file",
                               zh="SVG 的样式导入了另一个文件，请把所有内容嵌入文件")


def _check_style(text: str) -> None:
    # A CSS escape spells url( or @import without those letters (\75 rl(…)); a plan needs none.
    if "\\" in text:
        raise BadImage("the SVG's style holds a CSS escape (\\); write its styles plainly",
                       zh="SVG 的样式含有 CSS 转义（\\），请直接书写样式")
    _check_urls(text)


def _check_urls(text: str) -> None:
    for target in _URL.findall(text):
        if not target.startswith("#"):
            raise BadImage("the SVG's style refers to something outside itself (url(...))",
                           zh="SVG 的样式引用了文件以外的内容（url(...)）")
