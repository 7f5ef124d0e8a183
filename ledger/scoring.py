"""The 100-point assessment (考核, seed 001 attachment 2) as pure functions.

The rules are data (`assessment_rules.toml`). A unit's score is 100 minus its deductions, down
past zero: deductions computed from the ledger's facts where the data allows (`UnitFacts`), plus
those inspectors entered. Every deduction says which article, how many points and why, so a
leader can see what makes a score up.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

FULL_MARKS = 100.0
DEFAULT_RULES_FILE = Path(__file__).with_name("assessment_rules.toml")
COMPUTED_FACTS = ("missing_lists", "overdue_reviews", "loop_violations", "late_hazards", "major_without_plan")
# The unit's lists that art. 7 asks for and the ledger can see (风险点清单, 危险源清单, 隐患清单).
LIST_NAMES_ZH = {"risk_points": "风险点清单", "hazard_sources": "危险源清单", "risk_levels": "风险等级清单"}


class AssessmentRulesError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    article: int
    points: float
    per: str
    title: str
    computed: str | None = None


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]

    def article(self, number: int) -> Rule:
        for rule in self.rules:
            if rule.article == number:
                return rule
        raise AssessmentRulesError(f"no assessment rule for article {number}")

    @classmethod
    def load(cls, path: str | Path | None = None) -> Rules:
        path = Path(path) if path else DEFAULT_RULES_FILE
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
        rules = []
        for entry in doc.get("rule", []):
            try:
                rule = Rule(int(entry["article"]), float(entry["points"]), str(entry["per"]),
                            str(entry["title"]), entry.get("computed"))
            except (KeyError, TypeError, ValueError) as exc:
                raise AssessmentRulesError(f"{path}: bad rule {entry!r}: {exc}") from exc
            if rule.computed is not None and rule.computed not in COMPUTED_FACTS:
                raise AssessmentRulesError(f"{path}: article {rule.article}: unknown fact {rule.computed!r}")
            if rule.points < 0:
                raise AssessmentRulesError(f"{path}: article {rule.article}: points must not be negative")
            rules.append(rule)
        return cls(tuple(rules))


@dataclass(frozen=True)
class UnitFacts:
    """What the ledger knows of one unit that the assessment scores."""

    missing_lists: tuple[str, ...] = ()  # keys of LIST_NAMES_ZH
    overdue_reviews: tuple[str, ...] = ()  # risk point codes past their annual review
    loop_violations: tuple[tuple[str, str], ...] = ()  # (person, hazard code) broke the closed loop
    late_hazards: tuple[str, ...] = ()  # hazard codes overdue now or closed after their deadline
    major_without_plan: tuple[str, ...] = ()  # open major hazards with no plan or no emergency measures


@dataclass(frozen=True)
class Deduction:
    article: int
    points: float
    reason: str
    computed: bool  # from the ledger (True) or entered by an inspector (False)
    count: int = 1


@dataclass(frozen=True)
class Score:
    unit: str
    score: float
    deductions: tuple[Deduction, ...] = field(default_factory=tuple)

    @property
    def deducted(self) -> float:
        return round(sum(d.points for d in self.deductions), 2)


def computed_deductions(facts: UnitFacts, rules: Rules) -> list[Deduction]:
    out: list[Deduction] = []
    for rule in rules.rules:
        if rule.computed is None:
            continue
        if rule.computed == "missing_lists":
            for name in facts.missing_lists:
                out.append(Deduction(rule.article, rule.points, f"缺少{LIST_NAMES_ZH.get(name, name)}", True))
        elif rule.computed == "overdue_reviews":
            # Art. 13 deducts once for the unit, however many risk points are late.
            if facts.overdue_reviews:
                n = len(facts.overdue_reviews)
                out.append(Deduction(rule.article, rule.points, f"{n}个风险点超过一年未复核", True, n))
        elif rule.computed == "loop_violations":
            people = sorted({person for person, _ in facts.loop_violations})
            for person in people:  # art. 16: per person
                hazards = sorted({h for p, h in facts.loop_violations if p == person})
                out.append(Deduction(rule.article, rule.points,
                                     f"{person}违反闭环管理：{'、'.join(hazards)}", True, len(hazards)))
        elif rule.computed == "late_hazards":
            for code in facts.late_hazards:  # art. 17: per place (per hazard)
                out.append(Deduction(rule.article, rule.points, f"隐患{code}未按期整改", True))
        elif rule.computed == "major_without_plan":
            for code in facts.major_without_plan:  # art. 18: per time
                out.append(Deduction(rule.article, rule.points, f"重大隐患{code}无整改方案或应急措施", True))
    return out


def score_unit(unit: str, facts: UnitFacts, entered: list[Deduction], rules: Rules) -> Score:
    """100 minus the computed and the entered deductions; negative scores stand (第四条)."""
    deductions = tuple(computed_deductions(facts, rules) + list(entered))
    total = FULL_MARKS - sum(d.points for d in deductions)
    return Score(unit, round(total, 2), deductions)


def entered_deduction(article: int, count: int, reason: str, rules: Rules) -> Deduction:
    """An inspector's finding: the article's points times how many places/people/times."""
    if count < 1:
        raise AssessmentRulesError("a deduction counts at least one finding")
    rule = rules.article(article)
    return Deduction(article, rule.points * count, reason or rule.title, False, count)
