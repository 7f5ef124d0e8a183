"""`python -m ledger …`: create or upgrade the ledger's schema, regrade the
risk points, exchange the risk-point list and the hazard ledger with spreadsheets, issue, list
and revoke the access tokens of the video walls, manage people's accounts (ledger/cli_users.py) and
the API keys of the campus systems that send events (ledger/cli_sources.py), and sweep photos never
attached off the photo volume (ledger/cli_photos.py).

Settings come from the environment (`kernel/settings.py`: DATABASE_URL, RISK_GRADING_FILE,
SCHOOL_TIMEZONE). Exit status: 0 done, 1 an import was refused (each problem printed on one line:
the file and what is wrong with it, or its row, column and what is wrong), 2 bad use.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger import cli_assessment, cli_campaigns, cli_district_map, cli_photos, cli_sources, cli_users, passwords
from ledger.commands.risk_points import apply_grade
from ledger.db import current_revision, migrate
from ledger.grading import GradingRules
from ledger.models import AccessToken, OrgUnit, RiskPoint

LISTS = ("risk-points", "hazards")
# Tokens the CLI issues: read-only walls. The ledger accepts every role (ledger.models.ROLES);
# whether people's roles may also come as tokens is for the users and login of issue 5.
TOKEN_ROLES = ("wall",)


def regrade(session: Session, rules: GradingRules) -> int:
    """Recompute every risk point's score, level and colour from its factors; how many changed."""
    changed = 0
    for point in session.scalars(select(RiskPoint)):
        before = (point.score, point.level, point.colour)
        apply_grade(point, rules)
        changed += (point.score, point.level, point.colour) != before
    return changed


def init_schema(engine) -> None:
    """Migrate to the newest revision and say what changed (init-db; `python -m demo seed` too)."""
    before = current_revision(engine)
    migrate(engine)
    after = current_revision(engine)
    print(f"schema: {before or 'empty'} -> {after}" if before != after else f"schema: already at {after}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ledger", description="校园安全台账 · the safety ledger")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init-db", help="create or upgrade the schema (Alembic); the demo: python -m demo seed")
    commands.add_parser("regrade", help="recompute every risk point's level from RISK_GRADING_FILE")
    export = commands.add_parser("export", help="write a list to .xlsx or .csv")
    export.add_argument("list", choices=LISTS)
    export.add_argument("--school", required=True)
    export.add_argument("--format", choices=("xlsx", "csv"))
    export.add_argument("--out", type=Path, help="default: <school>-<list>.<format>")
    load = commands.add_parser("import", help="read a list from .xlsx or .csv (all rows or none)")
    load.add_argument("list", choices=LISTS)
    load.add_argument("file", type=Path)
    load.add_argument("--school", required=True)
    load.add_argument("--by", default="台账导入", help="who the import's hazard steps are recorded as")
    token = commands.add_parser("token", help="access tokens of the walls (shown once, stored as a digest)")
    tokens = token.add_subparsers(dest="action", required=True)
    create = tokens.add_parser("create", help="issue a token; prints it once with the wall's path")
    create.add_argument("--role", choices=TOKEN_ROLES, default="wall")
    create.add_argument("--label", required=True, help="where it is used, e.g. 指挥中心大屏")
    create.add_argument("--school", help="the one school it may show (default: every school)")
    create.add_argument("--replace", action="store_true", help="revoke the active tokens with the same label")
    tokens.add_parser("list", help="every token, never the tokens themselves")
    revoke = tokens.add_parser("revoke", help="refuse a token from now on (its walls go dark within seconds)")
    revoke.add_argument("id", type=int)
    cli_users.add_parser(commands)
    cli_sources.add_parser(commands)
    cli_campaigns.add_parser(commands)
    cli_photos.add_parser(commands)
    cli_assessment.add_parser(commands)
    cli_district_map.add_parser(commands)
    return parser


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = settings or Settings.from_env()
    passwords.use(settings)
    engine = sql_engine(settings)
    try:
        return _run(args, settings, engine)
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, settings: Settings, engine) -> int:
    rules = GradingRules.load(settings.risk_grading_file)
    sessions = sql_sessions(engine)
    now = datetime.now(settings.tz)
    if args.command == "init-db":
        init_schema(engine)
        return 0
    if args.command == "token":
        return _token(args, sessions, now)
    if args.command == "user":
        return cli_users.run(args, sessions, now)
    if args.command == "source":
        return cli_sources.run(args, sessions, now)
    if args.command == "campaign":
        return cli_campaigns.run(args, sessions, now)
    if args.command == "photos":
        return cli_photos.run(args, settings, sessions, now)
    if args.command == "district-map":
        return cli_district_map.run(args, sessions, now)
    if args.command == "assessment":
        return cli_assessment.run(args, sessions, now, settings)
    if args.command == "regrade":
        with sessions.begin() as session:
            changed = regrade(session, rules)
        print(f"regraded with {settings.risk_grading_file}: {changed} risk points changed level or score")
        return 0
    if args.command == "export":
        return _export(args, settings, sessions)
    return _import(args, settings, sessions, rules, now)


def _export(args: argparse.Namespace, settings: Settings, sessions) -> int:
    from ledger import exchange_db

    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "xlsx")
    out = args.out or Path(f"{args.school}-{args.list}.{fmt}")
    if fmt not in ("xlsx", "csv") or out.suffix.lower() != f".{fmt}":
        print(f"error: --out {out} does not end in .{fmt}", file=sys.stderr)
        return 2
    with sessions() as session:
        try:
            if args.list == "risk-points":
                n = exchange_db.export_risk_points(session, args.school, out)
            else:
                n = exchange_db.export_hazards(session, args.school, out, tz=settings.tz)
        except exchange_db.UnknownSchool as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    print(f"exported {n} {args.list} of {args.school} to {out}")
    return 0


def _import(args: argparse.Namespace, settings: Settings, sessions, rules: GradingRules,
            now: datetime) -> int:
    """One transaction: a refused file or a failed write leaves the ledger as it was. Every problem
    is one line on stderr: the file and what is wrong with it, or the file, row, column and what."""
    from ledger import exchange, exchange_db, exchange_files

    if not args.file.exists():
        print(f"error: no file {args.file}", file=sys.stderr)
        return 2
    try:
        with sessions.begin() as session:
            if args.list == "risk-points":
                result = exchange_db.import_risk_points(session, args.school, args.file, rules=rules,
                                                        tz=settings.tz, now=now)
            else:
                result = exchange_db.import_hazards(session, args.school, args.file, tz=settings.tz, now=now,
                                                    by=args.by)
    except exchange_files.UnreadableFile as exc:
        print(f"导入失败，未导入任何数据：{exc}", file=sys.stderr)
        return 1
    except exchange.ImportRejected as exc:
        print(f"导入失败，未导入任何数据（{len(exc.errors)}处错误）：", file=sys.stderr)
        for error in exc.errors:
            print(f"{args.file}: {error}", file=sys.stderr)
        return 1
    except exchange_db.UnknownSchool as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"imported {args.list} of {args.school} from {args.file}: "
          f"{result.created} created, {result.updated} updated")
    if result.cleaned:
        cells = "、".join(f"第{row}行【{column}】" for row, column in result.cleaned[:10])
        more = f"等{len(result.cleaned)}处" if len(result.cleaned) > 10 else ""
        print(f"已去掉这些单元格中的不可见控制字符（换行保留）：{cells}{more}")
    return 0


def _token(args: argparse.Namespace, sessions, now: datetime) -> int:
    from ledger.commands import access
    from ledger.errors import LedgerError

    try:
        with sessions.begin() as session:
            if args.action == "create":
                issued = access.issue_token(session, role=args.role, label=args.label, school=args.school,
                                            now=now, replace=args.replace)
                row, token = issued.row, issued.token
                _audit_tokens(session, issued, now)
                for old in issued.replaced:
                    print(f"revoked token {old.id} ({old.label})")
                print(f"token {row.id} · {row.role} · {row.label} · {row.school or 'every school'}")
                print(f"令牌 token (shown only now; the ledger keeps its SHA-256 digest): {token}")
                kind = session.scalar(select(OrgUnit.kind).where(OrgUnit.code == row.school)) if row.school else None
                unit_wall = kind in ("district", "city", "province")
                print(f"大屏 wall: <web app address>{access.wall_path(token, row.school, unit_wall=unit_wall)}")
                print(f"API: Authorization: Bearer {token}")
            elif args.action == "list":
                print("id  role    school        created           last used         state / label")
                for row in access.list_tokens(session):
                    state = f"revoked {_local(row.revoked_at, now)}" if row.revoked_at else "active"
                    print(f"{row.id:<3} {row.role:<7} {row.school or '*':<13} "
                          f"{_local(row.created_at, now):<17} {_local(row.last_used_at, now) or '-':<17} "
                          f"{state} · {row.label}")
            else:
                found = session.get(AccessToken, args.id)
                was_revoked = found is not None and found.revoked_at is not None
                row = access.revoke_token(session, token_id=args.id, now=now)
                if not was_revoked:
                    _audit_revoked(session, row, now)
                print(f"token {row.id} ({row.label}) revoked {_local(row.revoked_at, now)}; "
                      "the web app refuses it within seconds")
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _audit_tokens(session: Session, issued, now: datetime) -> None:
    """The command line's token changes are audited like the web's (ledger/commands/token_admin.py), by
    the login that ran it: what the token is for, never the token or its digest."""
    from ledger.commands import audit, token_admin

    for old in issued.replaced:
        _audit_revoked(session, old, now)
    audit.record(session, actor=cli_users.cli_actor(), action="token.create", target=f"token:{issued.row.id}",
                 school=issued.row.school, after=token_admin.snapshot(issued.row), now=now)


def _audit_revoked(session: Session, row, now: datetime) -> None:
    from ledger.commands import audit

    audit.record(session, actor=cli_users.cli_actor(), action="token.revoke", target=f"token:{row.id}",
                 school=row.school, before={"revoked": False}, after={"revoked": True}, now=now)


def _local(moment: datetime | None, now: datetime) -> str:
    """A stored moment in the schools' zone, to the minute."""
    return moment.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M") if moment else ""
