"""`python -m ledger assessment deduct …`: an inspector's finding entered from the command line
(ledger/commands/assessment.py: the same checks as the pages, as an administrator of the whole
tree, `cli:<login>` in the audit log).

    python -m ledger assessment deduct --unit demo-univ/u03 --article 10 --count 2 --reason "两人不清楚岗位风险"

A refusal is one line on stderr (English, then Chinese) and exit 1; nothing is saved.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime


def add_parser(commands) -> None:
    assessment = commands.add_parser("assessment", help="the assessment (考核): deductions entered by hand")
    actions = assessment.add_subparsers(dest="action", required=True)
    deduct = actions.add_parser("deduct", help="deduct findings of an article entered by hand from a unit or school")
    deduct.add_argument("--unit", required=True, help="the unit's or school's code")
    deduct.add_argument("--article", required=True, type=int, help="the article of attachment 2 (5, 6, 8–12, 14)")
    deduct.add_argument("--count", type=int, default=1, help="places, people or times found (default 1)")
    deduct.add_argument("--reason", default="", help="what was found (default: the article's title)")


def run(args: argparse.Namespace, sessions, now: datetime, settings) -> int:
    from ledger import scoring
    from ledger.commands.assessment import enter_deduction
    from ledger.commands.audit import Actor
    from ledger.errors import LedgerError

    rules = scoring.Rules.load(settings.assessment_rules_file)
    try:
        with sessions.begin() as db:
            done = enter_deduction(db, actor=Actor(f"cli:{getpass.getuser()}", "admin"), scope=None, unit=args.unit,
                                   article=args.article, count=args.count, reason=args.reason, now=now,
                                   tz=settings.tz, rules=rules)
    except LedgerError as exc:
        print(f"refused: {exc}" + (f" / {exc.zh}" if exc.zh else ""), file=sys.stderr)
        return 1
    print(f"deducted {done.points:g} points from {done.unit} {done.unit_name_zh} under article {done.article} "
          f"for {done.period}: {done.reason}")
    return 0
