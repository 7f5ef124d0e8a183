"""LEC and LS grading at every cut-off, and cut-offs read from configuration."""
from __future__ import annotations

import pytest

from ledger.grading import GradingError, GradingRules, grade, grade_lec, grade_ls, highest_level

RULES = GradingRules()


@pytest.mark.parametrize("likelihood, e, c, score, colour", [
    (1, 1, 1, 1, "blue"),
    (1, 10, 7, 70, "blue"),        # D = 70 is not above 70
    (0.5, 6, 40, 120, "yellow"),   # 70 < D <= 160
    (1, 2, 40, 80, "yellow"),
    (3, 6, 7, 126, "yellow"),
    (6, 2, 15, 180, "orange"),     # 160 < D <= 320
    (10, 2, 15, 300, "orange"),
    (1, 6, 40, 240, "orange"),
    (3, 6, 15, 270, "orange"),
    (10, 1, 40, 400, "red"),       # D > 320
    (10, 10, 100, 10000, "red"),
])
def test_lec_grades_by_the_default_cutoffs(likelihood, e, c, score, colour):
    result = grade_lec(likelihood, e, c, RULES)
    assert result.score == score
    assert result.colour == colour


@pytest.mark.parametrize("score, level", [
    (70, "low"), (70.01, "moderate"), (160, "moderate"), (160.01, "high"), (320, "high"), (320.01, "major"),
])
def test_lec_cutoffs_are_strict_at_every_boundary(score, level):
    assert RULES.lec.level(score) == level


@pytest.mark.parametrize("likelihood, s, score, colour", [
    (1, 1, 1, "blue"), (2, 4, 8, "blue"), (3, 3, 9, "yellow"),
    (3, 4, 12, "yellow"), (2, 5, 10, "yellow"), (3, 5, 15, "orange"), (4, 4, 16, "orange"),
    (5, 3, 15, "orange"), (4, 5, 20, "red"), (5, 5, 25, "red"),
])
def test_ls_grades_at_and_around_every_cutoff(likelihood, s, score, colour):
    result = grade_ls(likelihood, s, RULES)
    assert (result.score, result.colour) == (score, colour)


@pytest.mark.parametrize("score, level", [
    (8, "low"), (9, "moderate"), (14, "moderate"), (15, "high"), (19, "high"), (20, "major"),
])
def test_ls_cutoffs_include_the_boundary(score, level):
    assert RULES.ls.level(score) == level


@pytest.mark.parametrize("call, message", [
    (lambda: grade_lec(2, 1, 1, RULES), "L must be one of"),
    (lambda: grade_lec(1, 4, 1, RULES), "E must be one of"),
    (lambda: grade_lec(1, 1, None, RULES), "LEC needs C"),
    (lambda: grade_ls(0, 3, RULES), "1 to 5"),
    (lambda: grade_ls(3, 6, RULES), "1 to 5"),
    (lambda: grade_ls(2.5, 3, RULES), "whole number"),
    (lambda: grade("XYZ", rules=RULES), "unknown grading method"),
])
def test_invalid_factors_are_refused_with_a_clear_message(call, message):
    with pytest.raises(GradingError, match=message):
        call()


def test_cutoffs_come_from_the_configuration_file(tmp_path):
    path = tmp_path / "grading.toml"
    path.write_text("[lec]\nred = 400\norange = 200\nyellow = 100\n[ls]\nred = 16\n")
    rules = GradingRules.load(path)
    assert grade_lec(10, 1, 40, rules).colour == "orange"   # 400 is not above 400
    assert grade_lec(1, 2, 40, rules).colour == "blue"      # 80 <= 100
    assert grade_ls(4, 4, rules).colour == "red"            # 16 >= 16
    assert grade_ls(3, 5, rules).colour == "orange"


def test_a_configuration_out_of_order_is_refused(tmp_path):
    path = tmp_path / "grading.toml"
    path.write_text("[lec]\nred = 100\norange = 200\nyellow = 50\n")
    with pytest.raises(GradingError, match="red > orange > yellow"):
        GradingRules.load(path)


def test_the_shipped_configuration_is_the_documented_default():
    assert GradingRules.load() == GradingRules()


def test_a_building_takes_the_highest_level_inside_it():
    assert highest_level(["low", "major", "moderate"]) == "major"
    assert highest_level(["low", "moderate"]) == "moderate"
    assert highest_level([]) is None
