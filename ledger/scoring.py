"""The 100-point assessment (考核, seed 001 attachment 2) as pure functions.

The rules are data (`assessment_rules.toml`). A unit's score is 100 minus its deductions, down
past zero: deductions computed from the ledger's facts where the data allows (`UnitFacts`), plus
those inspectors entered. Every deduction says which article, how many points and why, so a
leader can see what makes a score up. A finding entered by hand (or carried by an event) is held
to its article first (`check_entry`, `check_event_points`): the ledger's computed articles are
never entered, and no article takes more than its maximum (docs/ledger.md, *Assessment*).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ledger.errors import LedgerError

FULL_MARKS = 100.0
DEFAULT_RULES_FILE = Path(__file__).with_name("assessment_rules.toml")
COMPUTED_FACTS = ("missing_lists", "overdue_reviews", "loop_violations", "late_hazards", "major_without_plan",
                  "inspection_gaps", "no_training", "drill_gaps")
# The unit's lists that art. 7 asks for and the ledger can see (风险点清单, 危险源清单, 隐患清单).
LIST_NAMES_ZH = {"risk_points": "风险点清单", "hazard_sources": "危险源清单", "risk_levels": "风险等级清单"}


# One hand-entered finding of a per-place, per-person or per-time article counts at most this many:
# the attachment sets no maximum there (scores go below zero), so this only catches a slip of the
# keyboard (200 for 2); a real count that large is entered as several findings with their reasons.
MAX_COUNT = 50


# What each computed fact is read from, for refusals and the docs (English, Chinese).
COMPUTED_FROM = {
    "missing_lists": ("the unit's risk points and hazard sources", "风险点及危险源清单"),
    "overdue_reviews": ("the risk points' annual reviews", "风险点年度复核"),
    "loop_violations": ("the hazard steps the closed loop refused", "隐患闭环中被拒绝的操作"),
    "late_hazards": ("hazards past their deadline", "隐患整改期限"),
    "major_without_plan": ("open major hazards without a plan or emergency measures", "重大隐患整改方案和应急措施"),
    "inspection_gaps": ("campaign checks and routine inspections not done", "专项治理检查和日常排查的完成情况"),
    "no_training": ("the trainings recorded", "安全教育培训记录"),
    "drill_gaps": ("the drills recorded each term", "每学期的应急演练记录"),
}
# How the attachment counts an article's findings ("2分/处", "2分/人", "10分/次", "2分/类").
PER_WORDS = {"place": ("place", "places", "处"), "person": ("person", "people", "人"),
             "time": ("time", "times", "次"), "list": ("list", "lists", "类")}


class AssessmentRulesError(ValueError):
    pass


class DeductionRefused(LedgerError, AssessmentRulesError):
    """A deduction entered by hand (or carried by an event) that its article does not allow."""


@dataclass(frozen=True)
class Rule:
    article: int
    points: float
    per: str
    title: str
    computed: str | None = None
    max_points: float | None = None  # the most it takes from a unit in a year; None: no maximum

    @property
    def once(self) -> bool:
        """Deducted at most once a year (the attachment's "计10分扣除" without "/处" "/人" "/次")."""
        return self.max_points is not None and self.max_points <= self.points


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
                most = entry.get("max")
                rule = Rule(int(entry["article"]), float(entry["points"]), str(entry["per"]),
                            str(entry["title"]), entry.get("computed"), None if most is None else float(most))
            except (KeyError, TypeError, ValueError) as exc:
                raise AssessmentRulesError(f"{path}: bad rule {entry!r}: {exc}") from exc
            if rule.computed is not None and rule.computed not in COMPUTED_FACTS:
                raise AssessmentRulesError(f"{path}: article {rule.article}: unknown fact {rule.computed!r}")
            if rule.points < 0:
                raise AssessmentRulesError(f"{path}: article {rule.article}: points must not be negative")
            if rule.max_points is not None and rule.max_points < rule.points:
                raise AssessmentRulesError(f"{path}: article {rule.article}: max is less than one finding's points")
            if any(r.article == rule.article for r in rules):
                raise AssessmentRulesError(f"{path}: article {rule.article} twice")
            rules.append(rule)
        return cls(tuple(rules))


@cache
def default_rules() -> Rules:
    """The shipped rules, read once (for callers not given the configured ones)."""
    return Rules.load()


@dataclass(frozen=True)
class UnitFacts:
    """What the ledger knows of one unit that the assessment scores."""

    missing_lists: tuple[str, ...] = ()  # keys of LIST_NAMES_ZH
    overdue_reviews: tuple[str, ...] = ()  # risk point codes past their annual review
    loop_violations: tuple[tuple[str, str], ...] = ()  # (person, hazard code) broke the closed loop
    late_hazards: tuple[str, ...] = ()  # hazard codes overdue now or closed after their deadline
    major_without_plan: tuple[str, ...] = ()  # open major hazards with no plan or no emergency measures
    # Art. 15, per place: (place, campaign) a campaign's items were not all checked at by the end of
    # its inspect phase; (place, how many) routine inspections were missed at (queries of issue 15's
    # inspections, next: the place is the inspection plan's risk point or area, as the page names it).
    campaign_gaps: tuple[tuple[str, str], ...] = ()
    missed_inspections: tuple[tuple[str, int], ...] = ()
    # Art. 17's second half, per time: failed inspection items not reported as a hazard in time.
    unreported_findings: tuple[str, ...] = ()
    # Art. 9 and 12 from the drills and trainings recorded (ledger/drills.py says how): no training in
    # the year up to the day read (the window's first day, "YYYY-MM-DD", else None); the terms ended
    # without a drill ("YYYY-MM-DD至YYYY-MM-DD").
    no_training_since: str | None = None
    drill_gaps: tuple[str, ...] = ()


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
            for finding in facts.unreported_findings:  # art. 17: 未及时报送, per time
                out.append(Deduction(rule.article, rule.points, f"检查发现的问题{finding}未及时上报", True))
        elif rule.computed == "inspection_gaps":
            out += inspection_gaps(facts, rule)
        elif rule.computed == "no_training":
            if facts.no_training_since is not None:  # art. 9: once
                out.append(Deduction(rule.article, rule.points,
                                     f"自{facts.no_training_since}起未记录安全教育培训", True))
        elif rule.computed == "drill_gaps":
            if facts.drill_gaps:  # art. 12: once, however many terms
                out.append(Deduction(rule.article, rule.points,
                                     f"学期内未进行应急演练（培训效果检测）：{'、'.join(facts.drill_gaps)}", True,
                                     len(facts.drill_gaps)))
        elif rule.computed == "major_without_plan":
            for code in facts.major_without_plan:  # art. 18: per time
                out.append(Deduction(rule.article, rule.points, f"重大隐患{code}无整改方案或应急措施", True))
    return out


def inspection_gaps(facts: UnitFacts, rule: Rule) -> list[Deduction]:
    """Art. 15 (分层次、定频次、逐项检查): one deduction per place where the checks fell short — a
    campaign's items not all checked by the end of its inspect phase, or routine inspections
    missed — however many campaigns or inspections (5分/处). A late inspection was done: it is
    not deducted. Places in the order of their names, so a score reads the same every time."""
    why: dict[str, list[str]] = {}
    for place, campaign in facts.campaign_gaps:
        why.setdefault(place, []).append(f"专项治理“{campaign}”排查整治阶段结束仍有检查项未检查")
    for place, missed in facts.missed_inspections:
        if missed > 0:
            why.setdefault(place, []).append(f"漏检{missed}次")
    return [Deduction(rule.article, rule.points, f"{place}：{'；'.join(reasons)}", True, len(reasons))
            for place, reasons in sorted(why.items())]


def score_unit(unit: str, facts: UnitFacts, entered: list[Deduction], rules: Rules) -> Score:
    """100 minus the computed and the entered deductions; negative scores stand (第四条)."""
    deductions = tuple(computed_deductions(facts, rules) + list(entered))
    total = FULL_MARKS - sum(d.points for d in deductions)
    return Score(unit, round(total, 2), deductions)


def entered_deduction(article: int, count: int, reason: str, rules: Rules, *, already: float = 0.0) -> Deduction:
    """An inspector's finding: the article's points times how many places/people/times, checked
    against the article (`check_entry`); `already`: what the unit lost to it this year so far."""
    rule = check_entry(article, count, rules, already=already)
    return Deduction(article, rule.points * count, reason or rule.title, False, count)


def entry_articles(rules: Rules) -> list[Rule]:
    """The articles a person may enter by hand (the form's choices), in article order: every one
    the ledger does not compute. `Rule.title`, `points`, `per` and `max_points` say what each takes."""
    return sorted((r for r in rules.rules if r.computed is None), key=lambda r: r.article)


def check_entry(article: object, count: object, rules: Rules, *, already: float = 0.0) -> Rule:
    """The article's rule if a hand-entered finding of `count` places/people/times may be deducted
    under it; DeductionRefused (English and Chinese) naming what is wrong if not: an unknown
    article, an article the ledger computes, a count below one or not a whole number, or more than
    the article's maximum together with what the unit already lost to it this year."""
    if isinstance(article, bool) or not isinstance(article, int):
        raise DeductionRefused(f"the article is a number, not {article!r}", zh=f"条款应为数字，而不是 {article!r}")
    known = {r.article: r for r in rules.rules}
    rule = known.get(article)
    if rule is None:
        numbers = "、".join(str(n) for n in sorted(known))
        raise DeductionRefused(f"the assessment has no article {article} (its articles: {numbers.replace('、', ', ')})",
                               zh=f"考核办法没有第{article}条（扣分条款为第{numbers}条）")
    if rule.computed is not None:
        raise DeductionRefused(
            f"article {article} is computed from the ledger's records ({COMPUTED_FROM[rule.computed][0]}); "
            "correct the records instead of entering it by hand",
            zh=f"第{article}条由系统根据台账记录（{COMPUTED_FROM[rule.computed][1]}）自动扣分，不能手工录入；请更正台账记录")
    if isinstance(count, bool) or not isinstance(count, int):
        raise DeductionRefused(f"the count is a whole number, not {count!r}", zh=f"扣分数量应为整数，而不是 {count!r}")
    one_en, unit_en, unit_zh = PER_WORDS.get(rule.per, ("finding", "findings", "项"))
    if count < 1:
        raise DeductionRefused(f"a deduction counts at least one {one_en}, not {count}",
                               zh=f"扣分数量至少为 1 {unit_zh}，而不是 {count}")
    points = rule.points * count
    if rule.max_points is not None and already + points > rule.max_points + 1e-9:
        if rule.once and already:
            raise DeductionRefused(
                f"article {article} is deducted once a year ({_n(rule.max_points)} points) "
                "and this unit already has it",
                zh=f"第{article}条每年只扣一次（{_n(rule.max_points)}分），该单位本年度已被扣过")
        raise DeductionRefused(
            f"article {article} takes at most {_n(rule.max_points)} points a year; {_n(points)} more "
            f"after {_n(already)} already deducted would be {_n(already + points)}",
            zh=f"第{article}条每年最多扣{_n(rule.max_points)}分；已扣{_n(already)}分，"
               f"再扣{_n(points)}分将达{_n(already + points)}分")
    if rule.max_points is None and count > MAX_COUNT:
        raise DeductionRefused(
            f"one finding counts at most {MAX_COUNT} {unit_en}, not {count}: enter a larger number as several findings",
            zh=f"一次录入至多 {MAX_COUNT} {unit_zh}，而不是 {count}；更多的请分几次录入并写明原因")
    return rule


def check_event_points(article: object, points: object, rules: Rules, *, already: float = 0.0) -> tuple[Rule, int]:
    """An `assessment.deduction` event carries points, not a count: they must be a whole number of
    the article's findings, then `check_entry` holds. The rule and the count."""
    if isinstance(article, bool) or not isinstance(article, int) or article not in {r.article for r in rules.rules}:
        check_entry(article, 1, rules)  # raises the unknown article's refusal
    rule = rules.article(article)
    if isinstance(points, bool) or not isinstance(points, int | float) or not points > 0:
        raise DeductionRefused(f"the points deducted are a positive number, not {points!r}",
                               zh=f"扣分应为正数，而不是 {points!r}")
    count = round(points / rule.points) if rule.points else 0
    if count < 1 or abs(count * rule.points - points) > 1e-9:
        per_zh = PER_WORDS.get(rule.per, ("", "", "项"))[2]
        raise DeductionRefused(
            f"article {article} deducts {_n(rule.points)} points a finding; "
            f"{_n(points)} is not a whole number of findings",
            zh=f"第{article}条每{per_zh}扣{_n(rule.points)}分，{_n(points)}分不是它的整数倍")
    return check_entry(article, count, rules, already=already), count


def _n(value: float) -> str:
    return f"{value:g}"
