"""`python -m ledger source …`: the API keys of the campus systems that POST events
(`POST /api/v1/events`, docs/api.md). A key is printed once, at `create` or `rotate`; the ledger
keeps its SHA-256 digest only.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime


def add_parser(commands) -> None:
    source = commands.add_parser("source", help="campus systems that send events over HTTP, and their API keys")
    actions = source.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a new source; prints its key once")
    create.add_argument("--name", required=True, help="which system it is, e.g. 东校区门禁平台")
    create.add_argument("--school", action="append", default=[], metavar="CODE",
                        help="a school it may send events for (repeat for several)")
    create.add_argument("--all-schools", action="store_true",
                        help="it may send for every school (a district platform)")
    actions.add_parser("list", help="every source, never a key")
    revoke = actions.add_parser("revoke", help="refuse a source's key from now on (within seconds)")
    revoke.add_argument("id", type=int)
    rotate = actions.add_parser("rotate", help="a new key for a source; the old key is refused from now on")
    rotate.add_argument("id", type=int)


def run(args: argparse.Namespace, sessions, now: datetime) -> int:
    from ledger.commands import event_sources as sources
    from ledger.errors import LedgerError

    try:
        with sessions.begin() as db:
            if args.action == "create":
                issued = sources.issue_source(db, name=args.name, schools=args.school,
                                              all_schools=args.all_schools, now=now)
                _print_key(issued)
            elif args.action == "rotate":
                issued = sources.rotate_source(db, source_id=args.id, now=now)
                print(f"source {issued.replaced.id} ({issued.replaced.name}) revoked; "
                      "the web app refuses its old key within seconds")
                _print_key(issued)
            elif args.action == "list":
                print("id  schools              created           last used         state · name")
                for row in sources.list_sources(db):
                    state = f"revoked {_local(row.revoked_at, now)}" if row.revoked_at else "active"
                    print(f"{row.id:<3} {_schools(row):<20} {_local(row.created_at, now):<17} "
                          f"{_local(row.last_used_at, now) or '-':<17} {state} · {row.name}")
            else:
                row = sources.revoke_source(db, source_id=args.id, now=now)
                print(f"source {row.id} ({row.name}) revoked {_local(row.revoked_at, now)}; "
                      "the web app refuses its key within seconds")
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _print_key(issued) -> None:
    row = issued.row
    print(f"source {row.id} · {row.name} · {_schools(row)}")
    print(f"密钥 key (shown only now; the ledger keeps its SHA-256 digest): {issued.key}")
    print(f"send: POST <web app address>/api/v1/events with Authorization: Bearer {issued.key}")


def _schools(row) -> str:
    codes = row.school_codes
    return "every school" if codes is None else ",".join(sorted(codes))


def _local(moment: datetime | None, now: datetime) -> str:
    return moment.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M") if moment else ""
