"""`python -m ledger user …`: people's accounts. The first admin is made here; nothing ships one.

Passwords are read from a prompt (twice) or, for scripts, from standard input with
`--password-stdin` — never from the command line, where `ps` and shell history would show them.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime

from ledger.models import USER_ROLES


def add_parser(commands) -> None:
    user = commands.add_parser("user", help="people who sign in: leadership, duty officers, admins")
    actions = user.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a new user (the first admin too)")
    create.add_argument("--username", required=True, help="what they type to sign in: a-z 0-9 . _ -")
    create.add_argument("--name", required=True, help="shown in the audit trail, e.g. 张老师")
    create.add_argument("--role", required=True, choices=USER_ROLES)
    create.add_argument("--school", action="append", default=[], metavar="CODE",
                        help="a school they may read (repeat for several; with no unit and none: every school)")
    create.add_argument("--unit", metavar="CODE",
                        help="the organisation unit they work for (a district, a school): they read every "
                             "school under it, including ones added later")
    _password_source(create)
    actions.add_parser("list", help="every user, never a password")
    disable = actions.add_parser("disable", help="refuse the user from now on; open sessions end")
    disable.add_argument("username")
    enable = actions.add_parser("enable", help="let a disabled user sign in again (their old sessions stay ended)")
    enable.add_argument("username")
    reset = actions.add_parser("reset-password", help="set a new password; open sessions end")
    reset.add_argument("username")
    _password_source(reset)
    change = actions.add_parser("change", help="another role or other schools; open sessions end")
    change.add_argument("username")
    change.add_argument("--role", choices=USER_ROLES)
    change.add_argument("--school", action="append", metavar="CODE", help="replaces the list")
    change.add_argument("--all-schools", action="store_true", help="every school")
    change.add_argument("--unit", metavar="CODE", help="another organisation unit")
    change.add_argument("--no-unit", action="store_true", help="no organisation unit any more")


def _password_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 password: ")
    if getpass.getpass("再输一次 again: ") != first:
        print("error: the two passwords differ", file=sys.stderr)
        return None
    return first


def run(args: argparse.Namespace, sessions, now: datetime) -> int:
    from ledger.commands import users
    from ledger.commands.audit import changed
    from ledger.errors import LedgerError

    password = None
    if args.action in ("create", "reset-password"):
        password = _read_password(args)
        if password is None:
            return 2
    try:
        with sessions.begin() as db:
            if args.action == "create":
                user = users.create_user(db, username=args.username, display_name=args.name, role=args.role,
                                         password=password, schools=args.school, now=now, unit=args.unit)
                _audit(db, "user.create", user, now, after=_access(user))
                print(f"user {user.id} · {user.username} · {user.display_name} · {user.role} · {_schools(user)}")
            elif args.action == "list":
                print("id  username         role    schools             last sign-in      state · name")
                for user in users.list_users(db):
                    state = f"disabled {_local(user.disabled_at, now)}" if user.disabled_at else "active"
                    print(f"{user.id:<3} {user.username:<16} {user.role:<7} {_schools(user):<19} "
                          f"{_local(user.last_login_at, now) or '-':<17} {state} · {user.display_name}")
            elif args.action == "disable":
                user = users.disable_user(db, username=args.username, now=now)
                _audit(db, "user.disable", user, now)
                print(f"user {user.username} disabled; the web app refuses their sessions within seconds")
            elif args.action == "enable":
                user = users.enable_user(db, username=args.username, now=now)
                _audit(db, "user.enable", user, now, before={"disabled": True}, after={"disabled": False})
                print(f"user {user.username} enabled; they sign in again with their password")
            elif args.action == "reset-password":
                user = users.reset_password(db, username=args.username, password=password, now=now)
                _audit(db, "user.reset_password", user, now)
                print(f"password of {user.username} changed; their open sessions ended")
            else:
                schools = [] if args.all_schools else args.school
                unit = None if args.no_unit or args.all_schools else (args.unit if args.unit else users.KEEP)
                before = _access(users.find_user(db, args.username)) if users.find_user(db, args.username) else {}
                user = users.change_access(db, username=args.username, role=args.role, schools=schools, now=now,
                                           unit=unit)
                old, new = changed(before, _access(user))
                if new:
                    _audit(db, "user.change", user, now, before=old, after=new)
                print(f"user {user.username}: {user.role} · {_schools(user)}")
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _access(user) -> dict:
    return {"role": user.role, "unit": user.unit.code if user.unit is not None else None,
            "schools": sorted(s.school for s in user.schools), "display_name": user.display_name}


def _audit(db, action: str, user, now, *, before: dict | None = None, after: dict | None = None) -> None:
    """The command line's changes are audited like the web's (docs/admin.md), by the login that ran it."""
    from ledger.commands import audit

    audit.record(db, actor=cli_actor(), action=action, target=f"user:{user.username}", now=now, before=before,
                 after=after)


def cli_actor():
    """Who the audit log says acted from the command line: `cli:<the login that ran it>`."""
    from ledger.commands.audit import Actor

    return Actor(f"cli:{getpass.getuser()}", "admin")


def _schools(user) -> str:
    codes = user.school_codes
    listed = "every school" if codes is None else ",".join(sorted(codes))
    return f"unit {user.unit.code}" + (f" + {listed}" if codes else "") if user.unit is not None else listed


def _local(moment: datetime | None, now: datetime) -> str:
    return moment.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M") if moment else ""
