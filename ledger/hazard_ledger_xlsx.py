"""The hazard ledger as filtered on the leadership page, as an Excel workbook (.xlsx, openpyxl).

Columns are the ledger's usual ones, those of the spreadsheet exchange (ledger/exchange.py
HAZARD_COLUMNS: 隐患编号 … 销号时间), with 序号 first, then 逾期天数 and 照片 last. So the Chinese
file is also a file `python -m ledger import hazards` reads back (it ignores 序号, 逾期天数 and 照片).
照片 is how many photos the hazard has, linked to its first photo on this server (`photo_url(key)`
makes the address): the link opens only for a signed-in person whose scope covers the school, as
every photo does (dashboard/photos.py); a file sent on to anyone else links to a sign-in. With
lang=en the headers and the names of grades, stages and sources are English, for reading only.
Times are the school's local time. Written by the product's one spreadsheet writer
(ledger/spreadsheet.py): text people typed stays text, whatever it begins with or holds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kernel.names import GRADE_NAMES, SOURCE_NAMES, STAGE_NAMES, language, local_name, name_of
from ledger.exchange import HAZARD_COLUMNS, NO, YES, local_moment
from ledger.spreadsheet import Link, Sheet, xlsx_bytes

if TYPE_CHECKING:  # rows come from queries.ledger.lead_hazards; this module reads no database
    from queries.ledger.lead_hazards import LedgerRow

NUMBER, OVERDUE, PHOTOS = "序号", "逾期天数", "照片"
COLUMNS: tuple[str, ...] = (NUMBER, *HAZARD_COLUMNS, OVERDUE, PHOTOS)
ENGLISH = {
    NUMBER: "No.", "隐患编号": "Code", "隐患名称": "Hazard", "隐患描述": "Description", "隐患等级": "Grade",
    "楼宇": "Building", "区域": "Zone", "发现人": "Found by", "发现时间": "Found at", "隐患来源": "Source",
    "整改措施": "Rectification measures", "应急措施": "Emergency measures", "整改期限": "Deadline",
    "责任单位": "Responsible unit", "责任人": "Responsible person", "复查结果": "Re-check result",
    "挂牌督办": "Listed supervision", "督办单位": "Supervised by", "当前环节": "Stage", "销号时间": "Closed at",
    OVERDUE: "Days overdue", PHOTOS: "Photos",
}
SHEET = {"zh": "隐患排查治理台账", "en": "Hazard ledger"}
YES_NO = {"zh": (YES, NO), "en": ("Yes", "No")}
PHOTO_COUNT = {"zh": "{n} 张", "en": "{n} photo(s)"}
PhotoUrl = Callable[[str], str]  # a photo's key -> its absolute address on this server


def photo_cell(photos: tuple[int, str] | None, *, lang: str, photo_url: PhotoUrl | None) -> object:
    """How many photos, linked to the first: 0 (no link) when there are none."""
    if not photos:
        return 0
    count, first = photos
    text = PHOTO_COUNT[language(lang)].format(n=count)
    return Link(text, photo_url(first)) if photo_url is not None else text


def ledger_cells(row: LedgerRow, number: int, *, lang: str, tz: ZoneInfo, now: datetime,
                 photos: tuple[int, str] | None = None, photo_url: PhotoUrl | None = None) -> dict[str, object]:
    """One hazard's cells by (Chinese) column: numbers and times as values, names in `lang`;
    `photos`: (how many, the first's key) of the hazard's photos."""
    lang = language(lang)
    yes, no = YES_NO[lang]
    return {
        NUMBER: number, "隐患编号": row.code, "隐患名称": row.title, "隐患描述": row.description,
        "隐患等级": name_of(GRADE_NAMES, row.grade, lang),
        "楼宇": local_name(lang, row.building_zh, row.building_en) or None, "区域": row.zone_zh,
        "发现人": row.found_by, "发现时间": local_moment(row.found_at, tz),
        "隐患来源": name_of(SOURCE_NAMES, row.source, lang), "整改措施": row.measures,
        "应急措施": row.emergency_measures, "整改期限": local_moment(row.deadline, tz),
        "责任单位": local_name(lang, row.unit_zh, row.unit_en) or None, "责任人": row.person,
        "复查结果": row.recheck_result, "挂牌督办": yes if row.listed_supervision else no,
        "督办单位": row.supervised_by, "当前环节": name_of(STAGE_NAMES, row.stage, lang),
        "销号时间": local_moment(row.closed_at, tz), OVERDUE: row.days_overdue(now),
        PHOTOS: photo_cell(photos, lang=lang, photo_url=photo_url),
    }


def ledger_workbook(rows: Iterable[LedgerRow], *, lang: str | None, tz: ZoneInfo, now: datetime,
                    photos: Mapping[int, tuple[int, str]] | None = None, photo_url: PhotoUrl | None = None) -> bytes:
    """The rows, in their order, as .xlsx bytes: one sheet, the header row and 序号 kept in view.
    `photos`: per hazard id, (how many, the first's key) (queries.ledger.photos.hazard_photo_summary)."""
    photos = photos or {}
    lang = language(lang)
    header: Callable[[str], str] = (lambda c: c) if lang == "zh" else (lambda c: ENGLISH[c])
    table = []
    for number, row in enumerate(rows, start=1):
        cells = ledger_cells(row, number, lang=lang, tz=tz, now=now, photos=photos.get(row.id), photo_url=photo_url)
        table.append([cells[name] for name in COLUMNS])
    return xlsx_bytes([Sheet(SHEET[lang], [header(c) for c in COLUMNS], table, freeze="B2")])
