"""Special campaigns (专项治理) as data: a campaign is a TOML file, validated on load. Pure.

The product ships the checklists of seeds 003 and 004 as files in ledger/campaigns/ (one campaign a
file, named by its code); an administrator imports such a file on /admin/campaigns, and the page's
form builds the same mapping, so every campaign, however it arrives, passes the one check below.

    code = "fire-safety"                     # the `data.campaign` of events; 1-64 of A-Z a-z 0-9 _ . -
    name_zh = "消防安全专项整治"
    name_en = "Fire safety campaign"         # optional: what ?lang=en pages show (else the Chinese)
    school_types = ["university", "middle"]  # SCHOOL_TYPES; empty or absent: every type of school
    building_kinds = ["lab"]                 # where it is checked; empty or absent: every building
    source = "seed 003 (二) 消防安全"          # optional: the document it comes from
    items = [                                # the checklist, in order, each once
        "疏散通道、安全出口畅通",                # Chinese only: English pages show the Chinese
        { zh = "灭火器在有效期内", en = "Extinguishers within their service date" },
    ]
    [[phases]]                               # optional; each phase at most once, in this order
    phase = "deploy"                         # deploy | inspect | consolidate
    starts_on = 2019-07-01                   # TOML dates (or "YYYY-MM-DD" from the form)
    ends_on = 2019-07-15

A bad file is refused whole with every reason found, each naming its key (`CampaignFileError`).

The English is optional everywhere and only shown: events name an item by its Chinese (`data.item`),
so an item's English sits beside its Chinese in one inline table, and a file written before English
existed (plain strings, no name_en) loads as it always did.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kernel.contract import SCHOOL_ID
from ledger.control_chars import describe, first_control
from ledger.errors import LedgerError
from ledger.models.org import SCHOOL_TYPES

SHIPPED = Path(__file__).with_name("campaigns")  # the seeds' campaigns, shipped with the product
PHASES: tuple[str, ...] = ("deploy", "inspect", "consolidate")
# A building's kind is the ledger's free word (Building.kind: teaching, lab, canteen, dormitory, …):
# a campaign names kinds by that word, so any short lowercase word is accepted.
BUILDING_KIND = re.compile(r"[a-z][a-z0-9_]{0,31}")
KEYS = frozenset({"code", "name_zh", "name_en", "school_types", "building_kinds", "source", "items", "phases"})
MAX_FILE = 64 * 1024  # a checklist of a few hundred items fits many times over
MAX_NAME = 200  # the columns' widths (ledger/models/campaign.py)
MAX_ITEM = 200
MAX_ITEMS = 300
MAX_ERRORS = 20
ITEM_KEYS = ("zh", "en")  # an item with its English: { zh = "…", en = "…" }


class CampaignFileError(LedgerError):
    """A campaign file or form refused, with every reason found (`reasons`)."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons[:MAX_ERRORS]
        super().__init__("; ".join(self.reasons))


@dataclass(frozen=True)
class Phase:
    phase: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class CampaignSpec:
    code: str
    name_zh: str
    school_types: tuple[str, ...]  # empty: every type of school
    building_kinds: tuple[str, ...]  # empty: every building
    items: tuple[str, ...]
    phases: tuple[Phase, ...] = ()
    source: str = ""
    name_en: str = ""  # "": none, English pages show name_zh
    items_en: tuple[str, ...] = ()  # each item's English, in the items' order ("" or absent: none)

    @property
    def checklist(self) -> tuple[tuple[str, str], ...]:
        """Each item with its English ("" when it has none)."""
        return tuple((text, self.items_en[n] if n < len(self.items_en) else "") for n, text in enumerate(self.items))

    def applies_to(self, school_type: str | None) -> bool:
        """A school of this type takes part (a school with no type yet: every campaign)."""
        return not self.school_types or school_type is None or school_type in self.school_types

    def as_json(self) -> dict:
        """What the audit log keeps, and what the form shows."""
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en,
                "school_types": list(self.school_types), "building_kinds": list(self.building_kinds),
                "items": [{"zh": zh, "en": en} if en else zh for zh, en in self.checklist], "source": self.source,
                "phases": [{"phase": p.phase, "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()}
                           for p in self.phases]}


def _line(value, key: str, errors: list[str], *, limit: int, required: bool = True) -> str:
    if value is None:
        if required:
            errors.append(f"{key}: is required")
        return ""
    if not isinstance(value, str):
        errors.append(f"{key}: must be text")
        return ""
    text = value.strip()
    if not text and required:
        errors.append(f"{key}: is required")
    elif len(text) > limit:
        errors.append(f"{key}: has at most {limit} characters")
    else:
        control = first_control(text)
        if control is not None:
            errors.append(f"{key}: holds an invisible character ({describe(control[1])}) at {control[0] + 1}")
    return text


def _words(value, key: str, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{key}: must be a list of text")
        return []
    if len(set(value)) != len(value):
        errors.append(f"{key}: lists a value twice")
    return value


def _school_types(value, errors: list[str]) -> tuple[str, ...]:
    words = _words(value, "school_types", errors)
    bad = [v for v in words if v not in SCHOOL_TYPES]
    if bad:
        errors.append(f"school_types: {', '.join(repr(v) for v in bad[:5])} not one of {', '.join(SCHOOL_TYPES)}")
    return tuple(v for v in SCHOOL_TYPES if v in words)  # a fixed order: the same campaign compares equal


def _building_kinds(value, errors: list[str]) -> tuple[str, ...]:
    words = _words(value, "building_kinds", errors)
    bad = [v for v in words if not BUILDING_KIND.fullmatch(v)]
    if bad:
        errors.append(f"building_kinds: {', '.join(repr(v[:40]) for v in bad[:5])} not a building kind "
                      "(a lowercase word: teaching, lab, canteen, dormitory, …)")
    return tuple(sorted(set(words)))


def _date(value, key: str, errors: list[str]) -> date | None:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.append(f"{key}: must be a date (YYYY-MM-DD)")
    return None


def _phases(value, errors: list[str]) -> tuple[Phase, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        errors.append("phases: must be a list of tables ([[phases]])")
        return ()
    found: list[Phase] = []
    for n, raw in enumerate(value, start=1):
        extra = set(raw) - {"phase", "starts_on", "ends_on"}
        if extra:
            errors.append(f"phases {n}: unknown key {', '.join(sorted(extra))}")
        phase = raw.get("phase")
        if phase not in PHASES:
            errors.append(f"phases {n}: phase must be one of {', '.join(PHASES)}")
            continue
        starts, ends = _date(raw.get("starts_on"), f"{phase}.starts_on", errors), _date(
            raw.get("ends_on"), f"{phase}.ends_on", errors)
        if starts and ends:
            if ends < starts:
                errors.append(f"{phase}: ends ({ends}) before it starts ({starts})")
            found.append(Phase(phase, starts, ends))
    names = [p.phase for p in found]
    if len(set(names)) != len(names):
        errors.append("phases: each phase at most once")
    elif names != [p for p in PHASES if p in names]:
        errors.append("phases: in the order deploy, inspect, consolidate")
    else:
        for before, after in zip(found, found[1:]):
            if after.starts_on <= before.ends_on:
                errors.append(f"{after.phase}: starts ({after.starts_on}) "
                              f"before {before.phase} ends ({before.ends_on})")
    return tuple(found)


def _item(value, n: int, errors: list[str]) -> tuple[str, str]:
    """An item: its Chinese alone, or a table of its Chinese and English."""
    if not isinstance(value, dict):
        return _line(value, f"items {n}", errors, limit=MAX_ITEM), ""
    unknown = set(value) - set(ITEM_KEYS)
    if unknown:
        errors.append(f"items {n}: unknown key {', '.join(sorted(unknown))} (known: zh, en)")
    return (_line(value.get("zh"), f"items {n}.zh", errors, limit=MAX_ITEM),
            _line(value.get("en"), f"items {n}.en", errors, limit=MAX_ITEM, required=False))


def _items(value, errors: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The checklist's Chinese and, in the same order, its English ("" for an item without)."""
    if not isinstance(value, list) or not value:
        errors.append("items: the checklist needs at least one item")
        return (), ()
    if len(value) > MAX_ITEMS:
        errors.append(f"items: at most {MAX_ITEMS}")
        return (), ()
    pairs = [_item(v, n, errors) for n, v in enumerate(value, start=1)]
    items = tuple(zh for zh, _en in pairs)
    seen: set[str] = set()
    for n, text in enumerate(items, start=1):
        if text and text in seen:
            errors.append(f"items {n}: {text} is listed twice")
        seen.add(text)
    return items, tuple(en for _zh, en in pairs)


def from_mapping(raw: dict) -> CampaignSpec:
    """A campaign from a file's table or the form's fields; refused with every reason found."""
    if not isinstance(raw, dict):
        raise CampaignFileError(["a campaign is a table of keys"])
    errors: list[str] = []
    unknown = set(raw) - KEYS
    if unknown:
        errors.append(f"unknown key {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    code = _line(raw.get("code"), "code", errors, limit=64)
    if code and not SCHOOL_ID.fullmatch(code):
        errors.append("code: 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit (events carry it)")
    name_zh = _line(raw.get("name_zh"), "name_zh", errors, limit=MAX_NAME)
    school_types = _school_types(raw.get("school_types"), errors)
    building_kinds = _building_kinds(raw.get("building_kinds"), errors)
    items, items_en = _items(raw.get("items"), errors)  # the reasons in the file's order, as before
    spec = CampaignSpec(
        code=code, name_zh=name_zh, school_types=school_types, building_kinds=building_kinds,
        items=items, phases=_phases(raw.get("phases"), errors),
        source=_line(raw.get("source"), "source", errors, limit=MAX_NAME, required=False),
        name_en=_line(raw.get("name_en"), "name_en", errors, limit=MAX_NAME, required=False),
        items_en=items_en if any(items_en) else ())
    if errors:
        raise CampaignFileError(errors)
    return spec


def parse(content: bytes | str, *, name: str = "the file") -> CampaignSpec:
    """A campaign from a TOML file's content (UTF-8); refused whole with the reasons."""
    if isinstance(content, bytes):
        if len(content) > MAX_FILE:
            raise CampaignFileError([f"{name}: larger than {MAX_FILE // 1024} KB"])
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CampaignFileError([f"{name}: not UTF-8 text (byte {exc.start + 1})"]) from None
    if len(content) > MAX_FILE:
        raise CampaignFileError([f"{name}: larger than {MAX_FILE // 1024} KB"])
    try:
        raw = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignFileError([f"{name}: not TOML ({exc})"]) from None
    try:
        return from_mapping(raw)
    except CampaignFileError as exc:
        raise CampaignFileError([f"{name}: {r}" for r in exc.reasons]) from None


def load(path: Path) -> CampaignSpec:
    spec = parse(path.read_bytes(), name=path.name)
    if spec.code != path.stem:
        raise CampaignFileError([f"{path.name}: its code {spec.code!r} differs from its name"])
    return spec


def shipped(folder: Path = SHIPPED) -> tuple[CampaignSpec, ...]:
    """Every campaign shipped with the product, in the order of the files' names."""
    return tuple(load(path) for path in sorted(folder.glob("*.toml")))
