"""Response cards, pure: which card matches an alert, the card's text lines and tap-to-call numbers
checked, and the cameras nearest an alert. No database: the commands and queries hand in rows.

Most specific first (the issue's order): type + zone > type + building > type > the domain's
default; among type cards an exact type before a prefix (`fire.smoke_alarm` before `fire`), a
longer prefix before a shorter one; equal cards by the older one (the lower id).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ledger.control_chars import describe, first_control
from ledger.errors import LedgerError, Words, words

MAX_LINES = 30
MAX_LINE = 200
MAX_EVACUATION = 2000
# A number a phone dials: emergency short numbers (110, 119, 120, 122), landlines with area codes,
# mobiles, extensions after "," or ";" (a pause, as tel: allows). Spaces and hyphens are read as
# people write them and dropped; anything else is refused, so a `tel:` link never carries markup.
_DIALLED = re.compile(r"^\+?[0-9]{3,15}([,;][0-9]{1,6})?$")
_SPACING = re.compile(r"[\s\-()（）]")
_CONTACT = re.compile(r"^(?P<name>.+?)[\s:：]+(?P<number>\+?[0-9][0-9\s\-()（）,;]*)$")


class CardLike(Protocol):
    id: int
    alert_type: str | None
    domain: str | None
    building_code: str | None
    zone_code: str | None


def applies(card: CardLike, *, type: str, domain: str, building: str | None, zone: str | None) -> bool:
    """The card is for this alert's type (or a prefix of it, or its domain) and place."""
    if card.alert_type:
        if not (type == card.alert_type or type.startswith(card.alert_type + ".")):
            return False
    elif card.domain != domain:
        return False
    if card.building_code and card.building_code != building:
        return False
    return not card.zone_code or card.zone_code == zone


def specificity(card: CardLike) -> tuple[int, int, int, int]:
    """A larger tuple is more specific."""
    place = 2 if card.zone_code else 1 if card.building_code else 0
    return (1 if card.alert_type else 0, place, len(card.alert_type or ""), -card.id)


def match_card(cards, *, type: str, domain: str, building: str | None, zone: str | None):
    """The most specific of `cards` for the alert, or None."""
    fitting = [c for c in cards if applies(c, type=type, domain=domain, building=building, zone=zone)]
    return max(fitting, key=specificity, default=None)


def tel_number(text: str) -> str:
    """The number as a `tel:` link dials it ("0571-8888 1234" -> "057188881234"), or LedgerError."""
    compact = _SPACING.sub("", text or "")
    if not _DIALLED.match(compact):
        raise LedgerError(f"{text!r} is not a telephone number (digits, an optional leading +, 3 to 15 digits)",
                          zh=f"“{text}”不是电话号码（3 至 15 位数字，可以 + 开头）")
    return compact


def text_lines(text: str | None, what: str | Words, *, required: bool) -> list[str]:
    """Lines of a multi-line field, blank ones dropped: at most MAX_LINES of MAX_LINE characters,
    no control characters (TAB and the line breaks aside)."""
    what = words(what)
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if required and not lines:
        raise LedgerError(f"{what.en} needs at least one line", zh=f"请填写{what.zh}（至少一行）")
    if len(lines) > MAX_LINES:
        raise LedgerError(f"{what.en} has at most {MAX_LINES} lines", zh=f"{what.zh}至多 {MAX_LINES} 行")
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            raise LedgerError(f"line {number} of {what.en} has more than {MAX_LINE} characters",
                              zh=f"{what.zh}第 {number} 行超过 {MAX_LINE} 个字")
        control = first_control(line.replace("\t", " "))
        if control is not None:
            raise LedgerError(f"line {number} of {what.en} holds an invisible character ({describe(control[1])})",
                              zh=f"{what.zh}第 {number} 行有不可见字符 {describe(control[1])}，请删去")
    return lines


@dataclass(frozen=True)
class Contact:
    name: str
    number: str  # as written, for reading
    dial: str  # as the tel: link dials it


def contact_lines(text: str | None) -> list[Contact]:
    """"保卫处值班室 0571-88881234" a line (a space, ":" or "：" between): each number checked."""
    contacts = []
    for number, line in enumerate(text_lines(text, Words("the contacts", "联系人"), required=True), 1):
        found = _CONTACT.match(line)
        if found is None:
            raise LedgerError(f"contact line {number} is a name, then the number: {line!r}",
                              zh=f"联系人第 {number} 行应是“名称 电话”：{line}")
        written = found["number"].strip()
        contacts.append(Contact(found["name"].strip(), written, tel_number(written)))
    return contacts


def read_contacts(text: str | None) -> list[Contact]:
    """Saved contacts as the console shows them; a line that no longer reads is left out, never
    turned into a link (they were checked on saving)."""
    shown = []
    for line in (text or "").splitlines():
        found = _CONTACT.match(line.strip())
        if found is None:
            continue
        try:
            shown.append(Contact(found["name"].strip(), found["number"].strip(), tel_number(found["number"])))
        except LedgerError:
            continue
    return shown


@dataclass(frozen=True)
class Camera:
    source: str
    name: str
    building: str | None
    zone: str | None
    url: str


def nearest_cameras(cameras: list[Camera], *, building: str | None, zone: str | None, limit: int = 4) -> list[Camera]:
    """The cameras of the alert's zone, then of its building; none elsewhere (a camera across the
    campus shows nothing of the alarm). Stable by name within each."""
    if not building:
        return []
    same_zone = [c for c in cameras if zone and c.building == building and c.zone == zone]
    same_building = [c for c in cameras if c.building == building and c not in same_zone]
    return (sorted(same_zone, key=lambda c: c.name) + sorted(same_building, key=lambda c: c.name))[:limit]
