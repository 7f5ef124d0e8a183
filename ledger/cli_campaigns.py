"""`python -m ledger campaign …`: special campaigns from data files (ledger/campaign_files.py).

    python -m ledger campaign import             # the campaigns shipped with the product (ledger/campaigns/)
    python -m ledger campaign import a.toml …    # these files
    python -m ledger campaign list

An import is one transaction: every file is saved, or, when one is refused, none (the reasons are
printed, one line each). It acts as an administrator of the whole tree, `cli:<login>` in the audit log.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path


def add_parser(commands) -> None:
    campaign = commands.add_parser("campaign", help="special campaigns (专项治理) from data files")
    actions = campaign.add_subparsers(dest="action", required=True)
    load = actions.add_parser("import", help="create or update campaigns from TOML files (none: the shipped ones)")
    load.add_argument("files", nargs="*", type=Path)
    actions.add_parser("list", help="every campaign: code, name, school types, items")


def run(args: argparse.Namespace, sessions, now: datetime) -> int:
    from sqlalchemy import select

    from ledger.campaign_files import SHIPPED
    from ledger.commands.audit import Actor
    from ledger.commands.campaign_admin import import_campaign
    from ledger.control_chars import one_line
    from ledger.errors import LedgerError
    from ledger.models import Campaign

    if args.action == "list":
        with sessions() as db:
            for c in db.scalars(select(Campaign).order_by(Campaign.code)):
                types = ",".join(c.school_kinds or []) or "every type"
                print(f"{c.code}\t{c.name_zh}\t{types}\t{len(c.items)} items\t{c.owner_unit or 'every school'}")
        return 0
    files = args.files or sorted(SHIPPED.glob("*.toml"))
    actor = Actor(f"cli:{getpass.getuser()}", "admin")
    try:
        with sessions.begin() as db:
            said = []
            for path in files:
                try:
                    content = path.read_bytes()
                except OSError as exc:
                    raise LedgerError(f"{path}: cannot be read ({exc.strerror})",
                                      zh=f"{path}：无法读取（{exc.strerror}）") from None
                made, created = import_campaign(db, actor=actor, scope=None, content=content, name=path.name,
                                                now=now)
                said.append(f"{'created' if created else 'updated'} {made.code} {made.name_zh}")
    except LedgerError as exc:
        for reason in getattr(exc, "reasons", None) or [str(exc)]:
            print(one_line(reason, limit=500), file=sys.stderr)
        print("nothing imported", file=sys.stderr)
        return 1
    print("\n".join(said))
    return 0
