"""Creating many accounts from one Excel sheet (a district has thousands of staff): all or nothing.

Columns (Chinese or English headers): 用户名/username, 姓名/display name, 角色/role, 机构代码/unit code,
and optionally 初始密码/password. Every row is checked before anything is written, against the ledger
and the admin's scope (ledger/commands/user_admin.py's rules); any bad row refuses the whole sheet with
every problem listed by row and column (ledger/exchange.py's RowError, the CLI import's style).

A row without a password gets a generated one, returned once in the result sheet (`result_sheet`),
never stored in the clear and never in the audit log. Generated passwords are hashed with light
argon2 parameters (`FIRST_HASHER`): 90 random bits need no stretching (the argument of
ledger/models/access.py for tokens), and the full parameters cost a third of a second a hash, so a
sheet of 2,000 would hold a request for ten minutes. `users.authenticate` replaces the hash with the
full parameters at the person's first sign-in (`needs_rehash`). A password typed in the sheet, which
a person chose, gets the full hash, so at most MAX_TYPED rows may carry one.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel import names
from ledger import org_scope, passwords
from ledger.commands import user_admin, users
from ledger.commands.audit import Actor, record
from ledger.commands.org import scope_of
from ledger.control_chars import describe, first_control
from ledger.exchange import ImportRejected, RowError
from ledger.exchange_files import Table, UnreadableFile, read_table
from ledger.models import USER_ROLES, OrgUnit, User
from ledger.spreadsheet import Sheet, xlsx_bytes

MAX_BYTES = 1024 * 1024  # 2,000 rows of five short columns are ~60 kB; the web's body limit is 2 MB
MAX_ROWS = 2000
MAX_TYPED = 40  # rows with a typed password: each costs a full argon2 hash (~0.35 s)
FIRST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)  # ~0.1 ms: 90 bits need no stretching

# Header (as people write it) -> field.
HEADERS = {"用户名": "username", "username": "username", "姓名": "display_name", "显示名": "display_name",
           "display name": "display_name", "角色": "role", "role": "role", "机构代码": "unit",
           "unit code": "unit", "unit": "unit", "初始密码": "password", "密码": "password", "password": "password"}
REQUIRED = {"username": "用户名", "display_name": "姓名", "role": "角色", "unit": "机构代码"}
ROLE_ZH = {role: names.ROLE_NAMES[role][0] for role in USER_ROLES}
ROLE_NAMES = {"值班": "duty", "安全员": "safety", "检查员": "inspector", "上报员": "reporter", "教职工": "reporter",
              **{zh: role for role, zh in ROLE_ZH.items()}, **{r: r for r in USER_ROLES}}


@dataclass(frozen=True)
class PersonRow:
    row: int
    username: str
    display_name: str
    role: str
    unit: str
    password: str | None


@dataclass(frozen=True)
class Created:
    username: str
    display_name: str
    role: str
    unit: str
    password: str | None  # the generated one; None when the sheet gave it


def upload_table(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """An uploaded .xlsx's table (ledger/exchange_files.read_table), or UnreadableFile for the file
    as a whole: too large, too many rows, not a workbook. The on-call import reads through it too."""
    if len(data) > max_bytes:
        raise UnreadableFile("upload.xlsx", f"有 {len(data) / 1024:.0f} KB，至多 {max_bytes // 1024} KB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(data)
        table = read_table(path)
    if len(table.rows) > max_rows:
        raise UnreadableFile("upload.xlsx", f"有 {len(table.rows)} 行，一次至多 {max_rows} 行，请分成几个文件")
    return table


def read_sheet(data: bytes) -> tuple[list[str], list[tuple[int, dict]], list[RowError]]:
    """The sheet's headers and rows (by field), or UnreadableFile for the file as a whole."""
    table = upload_table(data)
    fields = {h: HEADERS.get(h.strip().lower()) for h in table.headers}
    rows = [(number, {fields[h]: v for h, v in values.items() if fields.get(h)}) for number, values in table.rows]
    missing = [zh for key, zh in REQUIRED.items() if key not in fields.values()]
    errors = list(table.errors) + [RowError(1, zh, "缺少这一列") for zh in missing]
    return [h for h in table.headers], rows, errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a username of digits Excel stored as a number
        value = int(value)
    return str(value).strip()


def check(db: Session, *, scope: str | None, rows: list[tuple[int, dict]],
          errors: list[RowError]) -> list[PersonRow]:
    """Every row checked; ImportRejected listing every problem, or the rows to create."""
    errors = list(errors)
    scope_unit = scope_of(db, scope)
    units = {u.code: u for u in db.scalars(select(OrgUnit))}
    taken = set(db.scalars(select(User.username)))
    seen: dict[str, int] = {}
    good: list[PersonRow] = []
    typed = 0
    for number, values in rows:
        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        cells = {key: _text(values.get(key)) for key in ("username", "display_name", "role", "unit", "password")}
        bad = False
        for key, value in cells.items():
            control = first_control(value)
            if control is not None and key != "password":
                fail(REQUIRED.get(key, "初始密码"), f"含不可见字符（{describe(control[1])}），在第{control[0] + 1}个字")
                bad = True
        if bad:
            continue
        username = users.normal_username(cells["username"])
        if not users.USERNAME.fullmatch(username):
            fail("用户名", "用户名为 2–64 个 a-z 0-9 . _ -，以字母或数字开头")
        elif username in taken:
            fail("用户名", f"已有用户 {username}")
        elif username in seen:
            fail("用户名", f"与第{seen[username]}行重复")
        seen.setdefault(username, number)
        name = cells["display_name"]
        if not name or len(name) > users.MAX_NAME:
            fail("姓名", f"姓名为 1–{users.MAX_NAME} 个字")
        role = ROLE_NAMES.get(cells["role"].lower())
        if role is None:
            fail("角色", "角色为 领导、值班员 或 管理员（leader、duty、admin）")
        unit = units.get(cells["unit"])
        if unit is None:
            fail("机构代码", f"没有机构代码 {cells['unit']!r}" if cells["unit"] else "请填写机构代码")
        elif not org_scope.is_within(db, unit, scope_unit):
            fail("机构代码", f"{unit.name_zh} 不在您的管理范围内")
        password = cells["password"] or None
        if password is not None:
            typed += 1
            problems = passwords.policy_problems(password, username)
            if problems:
                fail("初始密码", "；".join(problems))
        if role is not None and unit is not None and name and users.USERNAME.fullmatch(username):
            good.append(PersonRow(number, username, name, role, unit.code, password))
    if typed > MAX_TYPED:
        errors.append(RowError(1, "初始密码", f"有 {typed} 行填写了密码，至多 {MAX_TYPED} 行：大批账号请留空，"
                                          "系统生成密码并在结果表中给出"))
    if not rows:
        errors.append(RowError(2, "用户名", "表中没有人员"))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return good


def create_all(db: Session, *, actor: Actor, scope: str | None, data: bytes, now: datetime) -> list[Created]:
    """Read, check, create every account (one audit entry each, as user_admin.create writes it) and
    flush; the caller commits. UnreadableFile or ImportRejected, with nothing written, when anything
    is wrong. The rows are built here rather than one `user_admin.create` each: `check` has already
    applied its rules to every row, and a query or two per row made 2,000 rows take half a minute."""
    _headers, rows, errors = read_sheet(data)
    good = check(db, scope=scope, rows=rows, errors=errors)
    units = {u.code: u for u in db.scalars(select(OrgUnit).where(OrgUnit.code.in_({r.unit for r in good})))}
    schools: dict[str, str | None] = {}
    for code, unit in units.items():
        school = org_scope.school_of(db, unit)
        schools[code] = school.code if school is not None else None
    made, entries = [], []
    for row in good:
        generated = None if row.password else user_admin.generate_password()
        digest = passwords.hash_password(row.password or generated, using=None if row.password else FIRST_HASHER)
        db.add(User(username=row.username, display_name=row.display_name, role=row.role, all_schools=False,
                    unit_id=units[row.unit].id, password_hash=digest, created_at=now, password_changed_at=now))
        entries.append((row, generated))
        made.append(Created(row.username, row.display_name, row.role, row.unit, generated))
    db.flush()
    for row, generated in entries:
        record(db, actor=actor, action="user.create", target=f"user:{row.username}", now=now,
               school=schools[row.unit],
               after={"username": row.username, "display_name": row.display_name, "role": row.role,
                      "unit": row.unit, "disabled": False, "password_set": "generated" if generated else "typed"})
    db.flush()
    return made


def result_sheet(made: list[Created]) -> bytes:
    """The accounts created, with each generated first password: shown once, to hand out."""
    header = ("用户名 username", "姓名 display name", "角色 role", "机构代码 unit code", "初始密码 first password")
    rows = [(c.username, c.display_name, ROLE_ZH.get(c.role, c.role), c.unit, c.password or "（表中已给出 as given）")
            for c in made]
    return xlsx_bytes([Sheet("新建账号 accounts", header, rows)])


def template_sheet() -> bytes:
    """An empty sheet with the columns, and one example row."""
    header = ("用户名", "姓名", "角色", "机构代码", "初始密码")
    return xlsx_bytes([Sheet("人员 people", header, [("zhang.san", "张三", "值班员", "school-code", "")])])
