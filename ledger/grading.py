"""Risk grading (风险分级): LEC and LS assessments to four levels and four colours.

The cut-offs vary by sector, so they are configuration (`risk_grading.toml`, or the file named by
RISK_GRADING_FILE), read once at start-up into a `GradingRules`; the defaults are the common ones
of Chinese practice (DOMAIN.md): LEC D > 320 red, > 160 orange, > 70 yellow, else blue; LS R ≥ 20
red, ≥ 15 orange, ≥ 9 yellow, else blue.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ledger.errors import LedgerError

Method = Literal["LEC", "LS"]
# Highest first: the order the four-colour map and every list sorts by.
LEVELS: tuple[str, ...] = ("major", "high", "moderate", "low")
LEVEL_RANK = {level: rank for rank, level in enumerate(reversed(LEVELS))}  # low 0 .. major 3
COLOUR_OF_LEVEL = {"major": "red", "high": "orange", "moderate": "yellow", "low": "blue"}
LEVEL_OF_COLOUR = {colour: level for level, colour in COLOUR_OF_LEVEL.items()}
LEVEL_ZH = {"major": "重大风险", "high": "较大风险", "moderate": "一般风险", "low": "低风险"}
COLOUR_ZH = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}

DEFAULT_RULES_FILE = Path(__file__).with_name("risk_grading.toml")

# The usual LEC factor tables: likelihood L, exposure E, consequence C take these values only.
LEC_L_VALUES = (0.1, 0.2, 0.5, 1, 3, 6, 10)
LEC_E_VALUES = (0.5, 1, 2, 3, 6, 10)
LEC_C_VALUES = (1, 3, 7, 15, 40, 100)


class GradingError(LedgerError):
    """An assessment that cannot be graded: a factor out of its range or a missing factor (the risk
    point form shows it as the factors are typed, in the page's language)."""


@dataclass(frozen=True)
class Cutoffs:
    """Scores for red, orange and yellow; `strict` means the score must exceed the cut-off."""

    red: float
    orange: float
    yellow: float
    strict: bool

    def level(self, score: float) -> str:
        for level, cut in (("major", self.red), ("high", self.orange), ("moderate", self.yellow)):
            if score > cut if self.strict else score >= cut:
                return level
        return "low"


@dataclass(frozen=True)
class GradingRules:
    lec: Cutoffs = Cutoffs(red=320, orange=160, yellow=70, strict=True)
    ls: Cutoffs = Cutoffs(red=20, orange=15, yellow=9, strict=False)

    @classmethod
    def load(cls, path: str | Path | None = None) -> GradingRules:
        """Read the cut-offs; a missing file or a missing table keeps the defaults."""
        path = Path(path) if path else DEFAULT_RULES_FILE
        if not path.exists():
            return cls()
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
        base = cls()
        values = {}
        for name in ("lec", "ls"):
            table = doc.get(name)
            if table is None:
                continue
            default: Cutoffs = getattr(base, name)
            try:
                cut = Cutoffs(
                    red=float(table.get("red", default.red)),
                    orange=float(table.get("orange", default.orange)),
                    yellow=float(table.get("yellow", default.yellow)),
                    strict=default.strict,
                )
            except (TypeError, ValueError) as exc:
                raise GradingError(f"{path}: [{name}] cut-offs must be numbers",
                                   zh=f"{path}：[{name}] 的分级界限须是数字") from exc
            if not cut.red > cut.orange > cut.yellow:
                raise GradingError(f"{path}: [{name}] needs red > orange > yellow",
                                   zh=f"{path}：[{name}] 须满足 red > orange > yellow（红 > 橙 > 黄）")
            values[name] = cut
        return cls(**values)


@dataclass(frozen=True)
class Grade:
    score: float
    level: str

    @property
    def colour(self) -> str:
        return COLOUR_OF_LEVEL[self.level]


def grade_lec(likelihood: float, exposure: float, consequence: float, rules: GradingRules) -> Grade:
    """D = L × E × C, graded by the LEC cut-offs."""
    for name, value, allowed in (("L", likelihood, LEC_L_VALUES), ("E", exposure, LEC_E_VALUES),
                                 ("C", consequence, LEC_C_VALUES)):
        if value is None:
            raise GradingError(f"LEC needs {name}", zh=f"LEC 法须填 {name}")
        if float(value) not in allowed:
            raise GradingError(f"LEC {name} must be one of {', '.join(map(str, allowed))}, not {value}",
                               zh=f"LEC 的 {name} 应为 {'、'.join(map(str, allowed))} 之一，而不是 {value}")
    score = round(float(likelihood) * float(exposure) * float(consequence), 2)
    return Grade(score, rules.lec.level(score))


def grade_ls(likelihood: float, severity: float, rules: GradingRules) -> Grade:
    """R = L × S on 1–5 scales, graded by the LS cut-offs."""
    for name, value in (("L", likelihood), ("S", severity)):
        if value is None:
            raise GradingError(f"LS needs {name}", zh=f"LS 法须填 {name}")
        if float(value) != int(value) or not 1 <= int(value) <= 5:
            raise GradingError(f"LS {name} must be a whole number from 1 to 5, not {value}",
                               zh=f"LS 的 {name} 应为 1 至 5 的整数，而不是 {value}")
    score = float(int(likelihood) * int(severity))
    return Grade(score, rules.ls.level(score))


def grade(method: str, *, likelihood=None, exposure=None, consequence=None, severity=None,
          rules: GradingRules) -> Grade:
    if method == "LEC":
        return grade_lec(likelihood, exposure, consequence, rules)
    if method == "LS":
        return grade_ls(likelihood, severity, rules)
    raise GradingError(f"unknown grading method {method!r} (LEC or LS)",
                       zh=f"没有评价方法 {method!r}（应为 LEC 或 LS）")


def highest_level(levels) -> str | None:
    """The highest of some risk levels, or None when there are none: what a building is coloured."""
    found = None
    for level in levels:
        if found is None or LEVEL_RANK[level] > LEVEL_RANK[found]:
            found = level
    return found
