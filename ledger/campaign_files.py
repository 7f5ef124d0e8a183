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
from ledger.errors import LedgerError, Words, words
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
# The keys as the page's form names them, for the Chinese of a reason ("items 3" -> "第 3 项检查").
KEY_ZH = {"code": "代码", "name_zh": "名称", "name_en": "英文名称", "source": "依据文件",
          "school_types": "适用学校类型", "building_kinds": "检查的建筑类型", "items": "检查项", "phases": "阶段"}
PHASE_ZH = {"deploy": "动员部署", "inspect": "排查整治", "consolidate": "巩固提升"}
_NUMBERED = {"items": "第 {n} 项检查", "phases": "第 {n} 个阶段"}
_DATE_ZH = {"starts_on": "开始日期", "ends_on": "结束日期"}
_ITEM_PART_ZH = {"zh": "的中文", "en": "的英文"}  # "items 3.en" -> "第 3 项检查的英文"


def key_zh(key: str) -> str:
    """A key of the file as the form names it in Chinese; an unknown one as it is."""
    word, _sep, number = key.partition(" ")
    number, _dot, part = number.partition(".")
    if number and word in _NUMBERED and part in ("", *_ITEM_PART_ZH):
        return _NUMBERED[word].format(n=number) + _ITEM_PART_ZH.get(part, "")
    phase, _dot, which = key.partition(".")
    if which in _DATE_ZH and phase in PHASE_ZH:
        return f"{PHASE_ZH[phase]}的{_DATE_ZH[which]}"
    return KEY_ZH.get(key) or PHASE_ZH.get(key) or key


class CampaignFileError(LedgerError):
    """A campaign file or form refused, with every reason found: `reasons` in English (the command
    line prints them), `reasons_zh` in Chinese (the page); each reason is given in both (Words), or
    as one string that reads the same in both."""

    def __init__(self, reasons: list[str | Words]):
        both = [words(reason) for reason in reasons[:MAX_ERRORS]]
        self.reasons = [reason.en for reason in both]
        self.reasons_zh = [reason.zh for reason in both]
        super().__init__("; ".join(self.reasons), zh="；".join(self.reasons_zh))


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
            errors.append(Words(f"{key}: is required", f"请填写{key_zh(key)}"))
        return ""
    if not isinstance(value, str):
        errors.append(Words(f"{key}: must be text", f"{key_zh(key)}须是文字"))
        return ""
    text = value.strip()
    if not text and required:
        errors.append(Words(f"{key}: is required", f"请填写{key_zh(key)}"))
    elif len(text) > limit:
        errors.append(Words(f"{key}: has at most {limit} characters", f"{key_zh(key)}至多 {limit} 个字"))
    else:
        control = first_control(text)
        if control is not None:
            errors.append(Words(f"{key}: holds an invisible character ({describe(control[1])}) at {control[0] + 1}",
                                f"{key_zh(key)}的第 {control[0] + 1} 个字是不可见字符 {describe(control[1])}，请删去"))
    return text


def _words(value, key: str, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(Words(f"{key}: must be a list of text", f"{key_zh(key)}须是一组文字"))
        return []
    if len(set(value)) != len(value):
        errors.append(Words(f"{key}: lists a value twice", f"{key_zh(key)}中有重复的值"))
    return value


def _school_types(value, errors: list[str]) -> tuple[str, ...]:
    words = _words(value, "school_types", errors)
    bad = [v for v in words if v not in SCHOOL_TYPES]
    if bad:
        errors.append(Words(f"school_types: {', '.join(repr(v) for v in bad[:5])} not one of {', '.join(SCHOOL_TYPES)}",
                            f"适用学校类型：{'、'.join(repr(v) for v in bad[:5])} 不是 {'、'.join(SCHOOL_TYPES)} 之一"))
    return tuple(v for v in SCHOOL_TYPES if v in words)  # a fixed order: the same campaign compares equal


def _building_kinds(value, errors: list[str]) -> tuple[str, ...]:
    words = _words(value, "building_kinds", errors)
    bad = [v for v in words if not BUILDING_KIND.fullmatch(v)]
    if bad:
        errors.append(Words(f"building_kinds: {', '.join(repr(v[:40]) for v in bad[:5])} not a building kind "
                            "(a lowercase word: teaching, lab, canteen, dormitory, …)",
                            f"检查的建筑类型：{'、'.join(repr(v[:40]) for v in bad[:5])} 不是建筑类型"
                            "（一个小写英文词：teaching、lab、canteen、dormitory 等）"))
    return tuple(sorted(set(words)))


def _date(value, key: str, errors: list[str]) -> date | None:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.append(Words(f"{key}: must be a date (YYYY-MM-DD)", f"{key_zh(key)}须是日期（YYYY-MM-DD）"))
    return None


def _phases(value, errors: list[str]) -> tuple[Phase, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        errors.append(Words("phases: must be a list of tables ([[phases]])", "阶段须是一组表（[[phases]]）"))
        return ()
    found: list[Phase] = []
    for n, raw in enumerate(value, start=1):
        extra = set(raw) - {"phase", "starts_on", "ends_on"}
        if extra:
            errors.append(Words(f"phases {n}: unknown key {', '.join(sorted(extra))}",
                                f"第 {n} 个阶段：未知的键 {'、'.join(sorted(extra))}"))
        phase = raw.get("phase")
        if phase not in PHASES:
            errors.append(Words(f"phases {n}: phase must be one of {', '.join(PHASES)}",
                                f"第 {n} 个阶段：phase 应为 {'、'.join(PHASES)} 之一"))
            continue
        starts, ends = _date(raw.get("starts_on"), f"{phase}.starts_on", errors), _date(
            raw.get("ends_on"), f"{phase}.ends_on", errors)
        if starts and ends:
            if ends < starts:
                errors.append(Words(f"{phase}: ends ({ends}) before it starts ({starts})",
                                    f"{PHASE_ZH[phase]}：结束日期（{ends}）早于开始日期（{starts}）"))
            found.append(Phase(phase, starts, ends))
    names = [p.phase for p in found]
    if len(set(names)) != len(names):
        errors.append(Words("phases: each phase at most once", "每个阶段至多出现一次"))
    elif names != [p for p in PHASES if p in names]:
        errors.append(Words("phases: in the order deploy, inspect, consolidate",
                            "阶段须按动员部署、排查整治、巩固提升的顺序排列"))
    else:
        for before, after in zip(found, found[1:]):
            if after.starts_on <= before.ends_on:
                errors.append(Words(f"{after.phase}: starts ({after.starts_on}) "
                                    f"before {before.phase} ends ({before.ends_on})",
                                    f"{PHASE_ZH[after.phase]}的开始日期（{after.starts_on}）"
                                    f"早于{PHASE_ZH[before.phase]}的结束日期（{before.ends_on}）"))
    return tuple(found)


def _item(value, n: int, errors: list[str]) -> tuple[str, str]:
    """An item: its Chinese alone, or a table of its Chinese and English."""
    if not isinstance(value, dict):
        return _line(value, f"items {n}", errors, limit=MAX_ITEM), ""
    unknown = set(value) - set(ITEM_KEYS)
    if unknown:
        errors.append(Words(f"items {n}: unknown key {', '.join(sorted(unknown))} (known: zh, en)",
                            f"第 {n} 项检查：未知的键 {'、'.join(sorted(unknown))}（可用的键：zh、en）"))
    return (_line(value.get("zh"), f"items {n}.zh", errors, limit=MAX_ITEM),
            _line(value.get("en"), f"items {n}.en", errors, limit=MAX_ITEM, required=False))


def _items(value, errors: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The checklist's Chinese and, in the same order, its English ("" for an item without)."""
    if not isinstance(value, list) or not value:
        errors.append(Words("items: the checklist needs at least one item", "检查项至少要有一项"))
        return (), ()
    if len(value) > MAX_ITEMS:
        errors.append(Words(f"items: at most {MAX_ITEMS}", f"检查项至多 {MAX_ITEMS} 项"))
        return (), ()
    pairs = [_item(v, n, errors) for n, v in enumerate(value, start=1)]
    items = tuple(zh for zh, _en in pairs)
    seen: set[str] = set()
    for n, text in enumerate(items, start=1):
        if text and text in seen:
            errors.append(Words(f"items {n}: {text} is listed twice", f"第 {n} 项检查：{text}重复了"))
        seen.add(text)
    return items, tuple(en for _zh, en in pairs)


def from_mapping(raw: dict) -> CampaignSpec:
    """A campaign from a file's table or the form's fields; refused with every reason found."""
    if not isinstance(raw, dict):
        raise CampaignFileError([Words("a campaign is a table of keys", "专项治理须是一张由键组成的表")])
    errors: list[Words] = []
    unknown = set(raw) - KEYS
    if unknown:
        errors.append(Words(f"unknown key {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})",
                            f"未知的键 {'、'.join(sorted(unknown))}（可用的键：{'、'.join(sorted(KEYS))}）"))
    code = _line(raw.get("code"), "code", errors, limit=64)
    if code and not SCHOOL_ID.fullmatch(code):
        errors.append(Words("code: 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit (events carry it)",
                            "代码为 1 至 64 个 A-Z a-z 0-9 _ . - 字符，以字母或数字开头（检查事件带着它）"))
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
    zh = "文件" if name == "the file" else name
    too_large = Words(f"{name}: larger than {MAX_FILE // 1024} KB", f"{zh}：大于 {MAX_FILE // 1024} KB")
    if isinstance(content, bytes):
        if len(content) > MAX_FILE:
            raise CampaignFileError([too_large])
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CampaignFileError([Words(f"{name}: not UTF-8 text (byte {exc.start + 1})",
                                           f"{zh}：不是 UTF-8 文字（第 {exc.start + 1} 个字节）")]) from None
    if len(content) > MAX_FILE:
        raise CampaignFileError([too_large])
    try:
        raw = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignFileError([Words(f"{name}: not TOML ({exc})", f"{zh}：不是 TOML（{exc}）")]) from None
    try:
        return from_mapping(raw)
    except CampaignFileError as exc:
        raise CampaignFileError([Words(f"{name}: {en}", f"{zh}：{cn}")
                                 for en, cn in zip(exc.reasons, exc.reasons_zh)]) from None


def load(path: Path) -> CampaignSpec:
    spec = parse(path.read_bytes(), name=path.name)
    if spec.code != path.stem:
        raise CampaignFileError([Words(f"{path.name}: its code {spec.code!r} differs from its name",
                                       f"{path.name}：代码 {spec.code!r} 与文件名不同")])
    return spec


def shipped(folder: Path = SHIPPED) -> tuple[CampaignSpec, ...]:
    """Every campaign shipped with the product, in the order of the files' names."""
    return tuple(load(path) for path in sorted(folder.glob("*.toml")))
