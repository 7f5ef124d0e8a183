"""The 100-point assessment on constructed cases."""
from __future__ import annotations

import pytest

from ledger.scoring import AssessmentRulesError, Rules, UnitFacts, entered_deduction, score_unit

RULES = Rules.load()


def test_a_unit_with_a_clean_ledger_keeps_full_marks():
    assert score_unit("u", UnitFacts(), [], RULES).score == 100


def test_each_computed_rule_deducts_its_points_per_finding():
    facts = UnitFacts(
        missing_lists=("hazard_sources",),                       # art. 7: 2 per list
        overdue_reviews=("RP-1", "RP-2", "RP-3"),                # art. 13: 10 once
        loop_violations=(("王强", "HZ-1"), ("王强", "HZ-2"), ("李明", "HZ-1")),  # art. 16: 5 per person
        late_hazards=("HZ-3", "HZ-4"),                           # art. 17: 5 per place
        major_without_plan=("HZ-5",),                            # art. 18: 10 per time
    )
    score = score_unit("u", facts, [], RULES)
    by_article = {}
    for d in score.deductions:
        by_article[d.article] = by_article.get(d.article, 0) + d.points
    assert by_article == {7: 2, 13: 10, 16: 10, 17: 10, 18: 10}
    assert score.score == 100 - 42
    assert all(d.computed for d in score.deductions)


def test_entered_deductions_add_to_computed_ones_and_scores_go_below_zero():
    entered = [entered_deduction(5, 1, "未成立工作小组", RULES), entered_deduction(11, 10, "岗位人员未掌握", RULES),
               entered_deduction(6, 1, "", RULES), entered_deduction(10, 20, "", RULES)]
    facts = UnitFacts(late_hazards=tuple(f"H{i}" for i in range(6)), no_training_since="2026-01-01",
                      drill_gaps=("2026-02-01至2026-08-31",))
    score = score_unit("u", facts, entered, RULES)
    # 10 + 20 + 10 + 40 entered; 30 computed, and art. 9 and 12 from the drills (10 each)
    assert score.score == 100 - 130
    assert score.deducted == 130
    assert entered[2].reason.startswith("未按要求规范建立")  # an empty reason takes the article's title


def test_deduction_points_come_from_the_rules_file(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\narticle = 17\nper = "place"\npoints = 3\ntitle = "t"\ncomputed = "late_hazards"\n')
    rules = Rules.load(path)
    assert score_unit("u", UnitFacts(late_hazards=("a", "b")), [], rules).score == 94


@pytest.mark.parametrize("text, message", [
    ('[[rule]]\narticle = 1\nper = "x"\npoints = 1\ntitle = "t"\ncomputed = "nonsense"\n', "unknown fact"),
    ('[[rule]]\narticle = 1\nper = "x"\ntitle = "t"\n', "bad rule"),
    ('[[rule]]\narticle = 1\nper = "x"\npoints = -1\ntitle = "t"\n', "must not be negative"),
])
def test_a_bad_rules_file_is_refused(tmp_path, text, message):
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(AssessmentRulesError, match=message):
        Rules.load(path)


def test_an_unknown_article_or_zero_count_is_refused():
    with pytest.raises(AssessmentRulesError):
        entered_deduction(99, 1, "", RULES)
    with pytest.raises(AssessmentRulesError):
        entered_deduction(15, 0, "", RULES)
