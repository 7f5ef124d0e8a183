"""`python -m ledger assessment deduct …`: an inspector's finding entered from the command line
(ledger/commands/assessment.py: the same checks as the pages, as an administrator of the whole
tree, `cli:<login>` in the audit log).

    python -m ledger assessment deduct --unit demo-univ/u03 --article 10 --count 2 --reason "两人不清楚岗位风险"
    python -m ledger assessment list --unit demo-univ/u03 [--year 2026]     # each deduction with its id
    python -m ledger assessment withdraw --id 12 --reason "录错单位，应为 u04"   # entered by mistake

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
    listing = actions.add_parser("list", help="a unit's or school's deductions of a year, with their ids")
    listing.add_argument("--unit", required=True, help="the unit's or school's code")
    listing.add_argument("--year", type=int, help="the assessment year (default: this year)")
    withdraw = actions.add_parser("withdraw", help="withdraw a deduction entered by mistake (audited)")
    withdraw.add_argument("--id", required=True, type=int, help="the deduction's id (`list` shows it)")
    withdraw.add_argument("--reason", required=True, help="why it is withdrawn")


def run(args: argparse.Namespace, sessions, now: datetime, settings) -> int:
    from ledger import scoring
    from ledger.commands.assessment import enter_deduction, withdraw_deduction
    from ledger.commands.audit import Actor
    from ledger.errors import LedgerError

    if args.action == "list":
        return _list(args, sessions, now, settings)
    actor = Actor(f"cli:{getpass.getuser()}", "admin")
    if args.action == "withdraw":
        try:
            with sessions.begin() as db:
                done = withdraw_deduction(db, actor=actor, scope=None, deduction_id=args.id, reason=args.reason,
                                          now=now)
        except LedgerError as exc:
            print(f"refused: {exc}" + (f" / {exc.zh}" if exc.zh else ""), file=sys.stderr)
            return 1
        said = "withdrew" if done.written else "was already withdrawn:"
        print(f"{said} deduction {done.id} ({done.points:g} points from {done.unit} under article {done.article} "
              f"for {done.period}); the scores no longer count it")
        return 0
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
          f"for {done.period}: {done.reason} (deduction {done.id})")
    return 0


def _list(args: argparse.Namespace, sessions, now: datetime, settings) -> int:
    from sqlalchemy import select

    from ledger.models import AssessmentDeduction, OrgUnit

    year = args.year or now.astimezone(settings.tz).year
    with sessions() as db:
        unit = db.scalar(select(OrgUnit).where(OrgUnit.code == args.unit))
        if unit is None:
            print(f"refused: no school or unit {args.unit!r} / 没有学校或单位 {args.unit!r}", file=sys.stderr)
            return 1
        rows = db.scalars(select(AssessmentDeduction).where(AssessmentDeduction.unit_id == unit.id,
                                                            AssessmentDeduction.period == str(year))
                          .order_by(AssessmentDeduction.at, AssessmentDeduction.id)).all()
        for row in rows:
            state = "counts" if row.counts else f"withdrawn by {row.withdrawn_by}: {row.withdrawn_reason}"
            print(f"{row.id}\tart. {row.article}\t-{row.points:g}\t{row.by or ''}\t{row.reason}\t{state}")
    if not rows:
        print(f"no deductions for {args.unit} in {year}")
    return 0
