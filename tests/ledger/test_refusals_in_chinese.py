"""Refusals read in the page's language: every LedgerError (or subclass) the ledger raises carries
its Simplified Chinese beside the English (`zh=`), and no page shows a refusal with `str(exc)` (the
English the CLI, the API and dead letters keep) instead of `exc.text(lang)`. Read from the source
(AST), so a new raise without `zh=` fails here, not on a zh page a person reads."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ledger import grading, live_rules, outlines, passwords
from ledger.campaign_files import CampaignFileError, from_mapping
from ledger.commands.users import problems_zh
from ledger.errors import LedgerError, Words

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _trees(folder: Path) -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(folder.rglob("*.py"))}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _builds_its_own_chinese(node: ast.ClassDef) -> bool:
    """A refusal whose __init__ takes no `zh` writes both languages itself (from its reasons)."""
    init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
    return init is not None and "zh" not in {a.arg for a in init.args.args + init.args.kwonlyargs}


def refusal_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """LedgerError and every class in the ledger that derives from it, however deep; those that
    build their Chinese themselves are left out of the check of calls (their __init__ is read)."""
    found = {"LedgerError"}
    classes = [node for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    bases = {node.name: {_name(base) for base in node.bases} for node in classes}
    grew = True
    while grew:
        more = {name for name, parents in bases.items() if parents & found} - found
        found |= more
        grew = bool(more)
    return found


def self_written(trees: dict[Path, ast.Module]) -> set[str]:
    return {node.name for tree in trees.values() for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and _builds_its_own_chinese(node)}


def _literal_text(node: ast.expr) -> str | None:
    """The literal parts of a string or f-string (None for any other expression)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return None


def missing_chinese(trees: dict[Path, ast.Module], classes: set[str]) -> list[str]:
    bad = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in classes):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            zh = next((k.value for k in node.keywords if k.arg == "zh"), None)
            if zh is None:
                bad.append(f"{where}: {_name(node.func)}(...) without zh=")
                continue
            literal = _literal_text(zh)
            if (isinstance(zh, ast.Constant) and not zh.value) or (literal is not None and not CJK.search(literal)):
                bad.append(f"{where}: zh= is not Chinese")
    return bad


def test_every_refusal_the_ledger_raises_carries_its_chinese():
    trees = _trees(ROOT / "ledger")
    classes = refusal_classes(trees)
    assert {"NotFound", "OutOfScope", "BadImage", "RulesRefused"} <= classes
    bad = missing_chinese(trees, classes - self_written(trees))
    assert not bad, "\n".join(bad)


def test_the_alert_rules_parser_says_each_reason_in_chinese_too():
    """The rules page shows the kernel parser's reasons (ledger/live_rules.py passes them on)."""
    path = ROOT / "kernel" / "alert_rules.py"
    bad = missing_chinese({path: ast.parse(path.read_text(encoding="utf-8"))}, {"AlertRulesError"})
    assert not bad, "\n".join(bad)


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {_name(kind) for kind in kinds if kind is not None}


def english_shown(trees: dict[Path, ast.Module], classes: set[str]) -> list[str]:
    """`str(exc)` or `f"{exc}"` of a caught refusal inside a page's handler."""
    bad = []
    for path, tree in trees.items():
        for handler in ast.walk(tree):
            if not (isinstance(handler, ast.ExceptHandler) and handler.name and _caught(handler) & classes):
                continue
            for node in (n for statement in handler.body for n in ast.walk(statement)):
                as_str = (isinstance(node, ast.Call) and _name(node.func) == "str" and node.args
                          and _name(node.args[0]) == handler.name)
                formatted = isinstance(node, ast.FormattedValue) and _name(node.value) == handler.name
                if as_str or formatted:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: shows {handler.name} in English")
    return bad


def test_no_page_shows_a_refusal_in_english_only():
    classes = refusal_classes(_trees(ROOT / "ledger")) | {"HandlingError"}
    pages = _trees(ROOT / "dashboard" / "pages")
    pages[ROOT / "dashboard" / "import_jobs.py"] = ast.parse((ROOT / "dashboard" / "import_jobs.py").read_text())
    bad = english_shown(pages, classes)
    assert not bad, "\n".join(bad)


def test_the_checks_catch_what_they_are_for():
    source = ast.parse(
        "class Odd(LedgerError): pass\n"
        "raise Odd('english')\n"
        "raise LedgerError('english', zh='still english')\n"
        "raise LedgerError('english', zh=f'{name} 不在范围内')\n"
        "raise NotFound('english', zh=chinese)\n"
        "try:\n    pass\nexcept Odd as exc:\n    show(str(exc))\n"
        "try:\n    pass\nexcept (KeyError, LedgerError) as exc:\n    show(f'no: {exc}')\n"
        "try:\n    pass\nexcept LedgerError as exc:\n    show(exc.text(lang))\n")
    trees = {ROOT / "example.py": source}
    classes = refusal_classes(trees)
    assert {"Odd", "LedgerError"} <= classes
    assert [line.split(": ", 1)[1] for line in missing_chinese(trees, classes)] == [
        "Odd(...) without zh=", "zh= is not Chinese"]
    assert [line.split(":")[1] for line in english_shown(trees, classes)] == ["9", "13"]


def test_a_refusal_reads_whole_in_each_language():
    """The same facts in both; the English unchanged (the CLI, the API and dead letters print it)."""
    bow_tie = [[0, 0], [20, 20], [20, 0], [0, 20]]
    with pytest.raises(outlines.BadOutline) as crossed:
        outlines.check(bow_tie, what=Words("feature 2 (gym)", "第 2 个要素（gym）"))
    assert str(crossed.value) == "feature 2 (gym) crosses itself: the edge from point 1 meets the edge from point 3"
    assert crossed.value.text("zh") == "第 2 个要素（gym）自相交：从第 1 个点出发的边与从第 3 个点出发的边相交"
    assert crossed.value.text("en") == str(crossed.value)

    with pytest.raises(grading.GradingError) as graded:
        grading.grade("LEC", likelihood=41, exposure=1, consequence=1, rules=grading.GradingRules())
    assert isinstance(graded.value, LedgerError) and "41" in graded.value.text("zh")
    assert graded.value.text("zh").startswith("LEC 的 L 应为")

    with pytest.raises(live_rules.RulesRefused) as refused:
        live_rules.parse("alert_rules", '[[rule]]\ntype = "fire.smoke_alarm"\nseverity = "urgent"\n')
    assert str(refused.value).startswith("rule 1: severity must be one of")
    assert refused.value.text("zh").startswith("第 1 条规则：severity 应为")

    with pytest.raises(CampaignFileError) as campaign:
        from_mapping({"code": "winter", "name_zh": "冬季安全", "items": []})
    assert campaign.value.reasons == ["items: the checklist needs at least one item"]
    assert campaign.value.text("zh") == "检查项至少要有一项"

    problems = passwords.policy_problems("abc", "abc")
    assert problems and " · " not in problems_zh(problems) and CJK.search(problems_zh(problems))


def test_the_imports_page_shows_its_own_half_of_the_upload_routes_answer():
    """The upload route answers "中文 / english" (dashboard/admin_register.py); the page shows one."""
    from dashboard.import_jobs import content_problem
    from dashboard.pages.admin_imports.view import in_language

    outside = "该学校不在您的管理范围内 / that school is outside what you manage"
    assert in_language("zh", outside) == "该学校不在您的管理范围内"
    assert in_language("en", outside) == "that school is outside what you manage"
    damaged = content_problem("plan.xlsx", b"not a zip")
    assert in_language("zh", damaged) == "不是有效的 .xlsx 文件（内容不是 Excel 工作簿）"
    assert in_language("en", damaged) == "not an .xlsx workbook (by its content)"
    assert in_language("en", "第3行不是有效的 CSV") == "第3行不是有效的 CSV"  # one language only: as it is
