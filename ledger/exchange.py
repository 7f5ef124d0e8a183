"""The risk-point list (风险点清单) and the hazard ledger (隐患治理清单) as spreadsheets. Pure.

The Chinese column headers, the checks of every imported row (errors say row, column and what is
wrong, in Chinese), the formatting of exported values. Reading and writing the files is
`ledger.exchange_files`; the database side is `ledger.exchange_db`.

Row numbers are the spreadsheet's: the header is row 1, the first record row 2.

Control characters in a cell (ledger/control_chars.py says why): a one-line field (codes, names,
people, units, choices, dates, figures) that holds one is a row error naming it; a free-text field
(`FREE_TEXT`) is cleaned, and the row lists it in `cleaned` so the import can say so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from ledger.control_chars import clean_free_text, describe, first_control, one_line
from ledger.grading import LEC_C_VALUES, LEC_E_VALUES, LEC_L_VALUES, LEVEL_ZH, GradingError, GradingRules, grade
from ledger.hazard_loop import GRADE_ZH, SOURCE_ZH, STAGE_ZH
from ledger.models.risk import ACCIDENT_TYPES, CATEGORIES, CONTROL_LEVEL_OF, CONTROL_LEVEL_ZH

RISK_POINT_COLUMNS: tuple[str, ...] = (
    "风险点编号", "风险点名称", "所属单位", "楼宇", "区域", "类别", "危险源", "可能导致的事故类型", "管控措施",
    "责任人", "管控层级", "评价方法", "L", "E", "C", "S", "风险值", "风险等级", "辨识日期", "复核日期",
)
RISK_POINT_REQUIRED = ("风险点编号", "风险点名称", "楼宇", "评价方法", "L", "辨识日期")
HAZARD_COLUMNS: tuple[str, ...] = (
    "隐患编号", "隐患名称", "隐患描述", "隐患等级", "楼宇", "区域", "发现人", "发现时间", "隐患来源", "整改措施",
    "应急措施", "整改期限", "责任单位", "责任人", "复查结果", "挂牌督办", "督办单位", "当前环节", "销号时间",
)
HAZARD_REQUIRED = ("隐患编号", "隐患名称", "隐患等级", "发现时间", "当前环节")
# Columns of several lines of prose, where pasted text brings control characters, and the lists
# whose items a line break may separate: cleaned on import (each list item is checked after).
FREE_TEXT = frozenset({"危险源", "可能导致的事故类型", "管控措施", "隐患描述", "整改措施", "应急措施", "复查结果"})
YES, NO = "是", "否"
_LIST_SPLIT = re.compile(r"[；;\n]+")
_TYPES_SPLIT = re.compile(r"[、，,；;\s]+")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        # One line, whatever the file held: its header or a quoted cell may carry a line break or
        # an ESC sequence a terminal would obey.
        return f"第{self.row}行【{one_line(self.column, 40)}】{one_line(self.message, 400)}"


class ImportRejected(ValueError):
    """Some rows are bad: nothing was imported. `errors` lists every one."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)}处错误，未导入任何数据")


@dataclass(frozen=True)
class BuildingRef:
    code: str
    name_zh: str
    unit: str | None  # the responsible unit's code
    zones: dict[str, str]  # zone code and Chinese name -> zone code


@dataclass(frozen=True)
class SchoolContext:
    """What rows are checked against: the school's buildings, zones and units, and the clock."""

    buildings: dict[str, BuildingRef]  # building code and Chinese name -> building
    units: dict[str, str]  # unit code and Chinese name -> unit code
    tz: ZoneInfo
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


@dataclass
class RiskPointRow:
    row: int
    code: str
    name: str
    unit: str | None
    building: str
    zone: str | None
    category: str | None
    sources: list[str]
    accident_types: list[str]
    measures: str
    person: str | None
    control_level: str
    method: str
    l_value: float
    e_value: float | None
    c_value: float | None
    s_value: float | None
    score: float
    level: str
    colour: str
    identified_on: date
    last_reviewed_on: date
    cleaned: tuple[str, ...] = ()  # free-text columns whose control characters were removed


@dataclass
class HazardRow:
    row: int
    code: str
    title: str
    description: str
    grade: str
    building: str | None
    zone: str | None
    found_by: str | None
    found_at: datetime
    source: str
    measures: str
    emergency_measures: str
    deadline: datetime | None
    unit: str | None
    person: str | None
    recheck_result: str | None
    listed: bool
    supervised_by: str | None
    stage: str
    closed_at: datetime | None
    cleaned: tuple[str, ...] = ()  # free-text columns whose control characters were removed


@dataclass
class _Checker:
    """Reads one row's cells, collecting an error per bad cell instead of stopping at the first."""

    row: int
    cells: dict[str, object]
    ctx: SchoolContext
    errors: list[RowError] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def text(self, column: str, *, required: bool = False, limit: int = 200) -> str | None:
        value = self.cells.get(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code Excel turned into a number
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.fail(column, "不能为空")
            return None
        if len(text) > limit:
            self.fail(column, f"超过{limit}个字")
            return None
        if column in FREE_TEXT:
            kept = clean_free_text(text)
            if kept != text:
                self.cleaned.append(column)
            return kept.strip() or None
        control = first_control(text)
        if control is not None:
            where, char = control
            self.fail(column, f"第{where + 1}个字是不可见的控制字符{describe(char)}，此列须是一行文字，请删去")
            return None
        return text

    def choice(self, column: str, names: dict[str, str], *, required: bool = False) -> str | None:
        """A value from a Chinese list (or its English key), as its key."""
        text = self.text(column, required=required)
        if text is None:
            return None
        for key, name in names.items():
            if text in (key, name):
                return key
        self.fail(column, f"“{one_line(text)}”不是有效值，应为：{'、'.join(names.values())}")
        return None

    def number(self, column: str) -> float | None:
        text = self.text(column)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            self.fail(column, f"“{one_line(text)}”不是数字")
            return None

    def day(self, column: str, *, required: bool = False) -> date | None:
        value = self.cells.get(column)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(column, required=required)
        if text is None:
            return None
        found = _parse_date(text)
        if found is None:
            self.fail(column, f"“{one_line(text)}”不是日期，应写作 2026-11-24")
        return found

    def moment(self, column: str, *, required: bool = False, end_of_day: bool = False) -> datetime | None:
        """A local date and time; a bare date means its start, or its end for a deadline."""
        found = self._moment(column, required=required, end_of_day=end_of_day)
        if found is not None and not _storable(found):
            self.fail(column, "超出可记录的时间范围")
            return None
        return found

    def _moment(self, column: str, *, required: bool, end_of_day: bool) -> datetime | None:
        value = self.cells.get(column)
        if isinstance(value, datetime):
            return value.replace(tzinfo=self.ctx.tz) if value.tzinfo is None else value
        if isinstance(value, date):
            return datetime.combine(value, time(23, 59, 59) if end_of_day else time(0), self.ctx.tz)
        text = self.text(column, required=required)
        if text is None:
            return None
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
            try:
                return datetime.strptime(text, pattern).replace(tzinfo=self.ctx.tz)
            except ValueError:
                pass
        try:
            parsed = datetime.fromisoformat(text)
            if "T" in text or " " in text:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.ctx.tz)
        except ValueError:
            pass
        found = _parse_date(text)
        if found is None:
            self.fail(column, f"“{one_line(text)}”不是日期时间，应写作 2026-11-24 10:30")
            return None
        return datetime.combine(found, time(23, 59, 59) if end_of_day else time(0), self.ctx.tz)

    def place(self, required: bool) -> tuple[BuildingRef | None, str | None]:
        building_text = self.text("楼宇", required=required)
        zone_text = self.text("区域")
        building = None
        if building_text is not None:
            building = self.ctx.buildings.get(building_text)
            if building is None:
                self.fail("楼宇", f"本校没有楼宇“{one_line(building_text)}”")
        zone = None
        if zone_text is not None:
            if building_text is None:
                self.fail("区域", "填了区域须同时填楼宇")
            elif building is not None:
                zone = building.zones.get(zone_text)
                if zone is None:
                    self.fail("区域", f"{building.name_zh}没有区域“{one_line(zone_text)}”")
        return building, zone

    def unit(self, column: str, building: BuildingRef | None) -> str | None:
        text = self.text(column)
        if text is None:
            return building.unit if building else None
        found = self.ctx.units.get(text)
        if found is None:
            self.fail(column, f"本校没有单位“{one_line(text)}”")
        return found


def _storable(moment: datetime) -> bool:
    """The ledger stores UTC: 0001-01-01 00:00 in Shanghai is in a year Python does not have (the row
    passed its checks, then storing it raised OverflowError)."""
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:
        return False
    return True


def _parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    return None


def _duplicates(rows: list[tuple[int, dict]], column: str) -> list[RowError]:
    seen: dict[str, int] = {}
    errors = []
    for number, cells in rows:
        code = str(cells.get(column) or "").strip()
        if code and code in seen:
            errors.append(RowError(number, column, f"编号“{one_line(code)}”与第{seen[code]}行重复"))
        seen.setdefault(code, number)
    return errors


def _missing_headers(headers: list[str], required: tuple[str, ...]) -> list[RowError]:
    return [RowError(1, column, "表头缺少此列") for column in required if column not in headers]


def check_risk_points(headers: list[str], rows: list[tuple[int, dict]], ctx: SchoolContext,
                      rules: GradingRules) -> tuple[list[RiskPointRow], list[RowError]]:
    """Every row checked; 风险值 and 风险等级 are not read but recomputed from L/E/C/S by the rules."""
    errors = _missing_headers(headers, RISK_POINT_REQUIRED)
    if errors:
        return [], errors
    errors = _duplicates(rows, "风险点编号")
    duplicated = {e.row for e in errors}
    out = []
    for number, cells in rows:
        c = _Checker(number, cells, ctx)
        code, name = c.text("风险点编号", required=True, limit=64), c.text("风险点名称", required=True)
        building, zone = c.place(required=True)
        unit = c.unit("所属单位", building)
        category = c.choice("类别", {k: k for k in CATEGORIES})
        sources = [s.strip() for s in _LIST_SPLIT.split(c.text("危险源", limit=2000) or "") if s.strip()]
        types = [t for t in _TYPES_SPLIT.split(c.text("可能导致的事故类型", limit=500) or "") if t]
        for bad in [t for t in types if t not in ACCIDENT_TYPES]:
            c.fail("可能导致的事故类型", f"“{one_line(bad)}”不是事故类型，应为：{'、'.join(ACCIDENT_TYPES)}")
        control = c.choice("管控层级", CONTROL_LEVEL_ZH)
        method = (c.text("评价方法", required=True) or "").upper() or None
        factors = {column: c.number(column) for column in ("L", "E", "C", "S")}
        graded = _grade(c, method, factors, rules)
        identified, reviewed = c.day("辨识日期", required=True), c.day("复核日期")
        for column, day in (("辨识日期", identified), ("复核日期", reviewed)):
            if day is not None and day > ctx.today:
                c.fail(column, "不能晚于今天")
        if identified and reviewed and reviewed < identified:
            c.fail("复核日期", "不能早于辨识日期")
        measures, person = c.text("管控措施", limit=4000) or "", c.text("责任人", limit=64)
        errors += c.errors
        if c.errors or number in duplicated:
            continue
        out.append(RiskPointRow(
            number, code, name, unit, building.code, zone, category, sources, types, measures, person,
            control or CONTROL_LEVEL_OF[graded.level], method, factors["L"], factors["E"], factors["C"],
            factors["S"], graded.score, graded.level, graded.colour, identified, reviewed or identified,
            cleaned=tuple(dict.fromkeys(c.cleaned))))
    return out, sorted(errors, key=lambda e: e.row)


def _grade(c: _Checker, method: str | None, factors: dict[str, float | None], rules: GradingRules):
    if method not in ("LEC", "LS"):
        if method:
            c.fail("评价方法", f"“{one_line(method)}”不是评价方法，应为 LEC 或 LS")
        return None
    needed = ("L", "E", "C") if method == "LEC" else ("L", "S")
    allowed = {"L": LEC_L_VALUES, "E": LEC_E_VALUES, "C": LEC_C_VALUES}
    ok = True
    for column in ("L", "E", "C", "S"):
        value = factors[column]
        if column not in needed:
            if value is not None:
                c.fail(column, f"{method}法不填{column}")
                ok = False
        elif value is None:
            if c.cells.get(column) in (None, ""):
                c.fail(column, f"{method}法须填{column}")
            ok = False
        elif method == "LEC" and value not in allowed[column]:
            c.fail(column, f"{value:g}不是LEC取值，应为：{'、'.join(f'{v:g}' for v in allowed[column])}")
            ok = False
        elif method == "LS" and (not value.is_integer() or not 1 <= value <= 5):
            c.fail(column, f"{value:g}不是LS取值，应为1至5的整数")
            ok = False
    if not ok:
        return None
    try:
        return grade(method, likelihood=factors["L"], exposure=factors["E"], consequence=factors["C"],
                     severity=factors["S"], rules=rules)
    except GradingError as exc:  # the checks above should have caught it; say it as the rules do
        c.fail("L", f"无法评级：{exc.text('zh')}")
        return None


def check_hazards(headers: list[str], rows: list[tuple[int, dict]],
                  ctx: SchoolContext) -> tuple[list[HazardRow], list[RowError]]:
    errors = _missing_headers(headers, HAZARD_REQUIRED)
    if errors:
        return [], errors
    errors = _duplicates(rows, "隐患编号")
    duplicated = {e.row for e in errors}
    out = []
    for number, cells in rows:
        c = _Checker(number, cells, ctx)
        code, title = c.text("隐患编号", required=True, limit=128), c.text("隐患名称", required=True)
        grade_key = c.choice("隐患等级", GRADE_ZH, required=True)
        building, zone = c.place(required=False)
        found_at = c.moment("发现时间", required=True)
        if found_at and found_at > ctx.now:
            c.fail("发现时间", "不能晚于现在")
        deadline = c.moment("整改期限", end_of_day=True)
        if found_at and deadline and deadline < found_at:
            c.fail("整改期限", "不能早于发现时间")
        listed_text = c.text("挂牌督办")
        listed = listed_text in (YES, "Y", "y", "1", "true", "TRUE")
        if listed_text not in (None, YES, NO, "Y", "y", "N", "n", "1", "0", "true", "false", "TRUE", "FALSE"):
            c.fail("挂牌督办", f"“{one_line(listed_text)}”应为“是”或“否”")
        if listed and grade_key == "ordinary":
            c.fail("挂牌督办", "只有重大隐患挂牌督办")
        stage = c.choice("当前环节", STAGE_ZH, required=True)
        closed_at = c.moment("销号时间")
        if closed_at is not None and stage not in (None, "accepted"):
            c.fail("销号时间", "只有已验收销号的隐患有销号时间")
        elif closed_at is not None and ((found_at and closed_at < found_at) or closed_at > ctx.now):
            c.fail("销号时间", "须在发现时间与现在之间")
        row = HazardRow(
            number, code or "", title or "", c.text("隐患描述", limit=4000) or "", grade_key or "",
            building.code if building else None, zone, c.text("发现人", limit=64), found_at,
            c.choice("隐患来源", SOURCE_ZH) or "self_inspection", c.text("整改措施", limit=4000) or "",
            c.text("应急措施", limit=4000) or "", deadline, c.unit("责任单位", building), c.text("责任人", limit=64),
            c.text("复查结果", limit=4000), listed, c.text("督办单位", limit=128), stage or "", closed_at)
        row.cleaned = tuple(dict.fromkeys(c.cleaned))
        errors += c.errors
        if not c.errors and number not in duplicated:
            out.append(row)
    return out, sorted(errors, key=lambda e: e.row)


# -- export formatting -------------------------------------------------------------------------------
def local_moment(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A moment as the naive local time a spreadsheet shows, to the second."""
    return None if value is None else value.astimezone(tz).replace(tzinfo=None, microsecond=0)


def factor(value: float | None) -> float | int | None:
    return None if value is None else (int(value) if float(value).is_integer() else value)


def level_zh(level: str) -> str:
    return LEVEL_ZH.get(level, level)
