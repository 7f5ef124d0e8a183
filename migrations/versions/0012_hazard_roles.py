"""the people of the hazard loop and of inspections (issue 15): a person may be a school's safety
office (`safety`), an inspector (`inspector`) or a reporter (`reporter`: teachers, staff, students'
school-issued accounts) besides leadership, duty officers and administrators

Only the CHECK on users.role changes. PostgreSQL swaps the constraint. SQLite cannot alter a CHECK,
so it copies `users` into a new table (a batch); with foreign keys on, dropping the old copy would
empty the rows that point at users, so those are kept aside and put back (as 0009 does).

Revision ID: 0012_hazard_roles
Revises: 0011_campaign_en
Create Date: 2026-12-06 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012_hazard_roles'
down_revision = '0011_campaign_en'
branch_labels = None
depends_on = None

BEFORE = ('leader', 'duty', 'admin')
AFTER = ('leader', 'duty', 'admin', 'safety', 'inspector', 'reporter')
POINTING_AT_USERS = ('user_schools', 'user_sessions')


def _condition(roles: tuple[str, ...]) -> str:
    return f"role IN ({', '.join(repr(r) for r in roles)})"


def upgrade() -> None:
    _change_role_check(AFTER)


def downgrade() -> None:
    bind = op.get_bind()
    taken = bind.execute(sa.text(f"SELECT count(*) FROM users WHERE NOT ({_condition(BEFORE)})")).scalar()
    if taken:
        raise RuntimeError(f"{taken} people have a role this revision does not know "
                           f"(safety, inspector, reporter): change their role before going down")
    _change_role_check(BEFORE)


def _change_role_check(roles: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_users_role'), 'users', type_='check')
        op.create_check_constraint(op.f('ck_users_role'), 'users', _condition(roles))
        return
    kept = {table: [dict(row._mapping) for row in bind.execute(sa.text(f"SELECT * FROM {table}"))]
            for table in POINTING_AT_USERS}
    for table in POINTING_AT_USERS:  # else dropping the old `users` is refused (sessions) or cascades
        bind.execute(sa.text(f"DELETE FROM {table}"))
    with op.batch_alter_table('users', recreate='always') as batch:
        batch.drop_constraint(op.f('ck_users_role'), type_='check')
        batch.create_check_constraint(op.f('ck_users_role'), _condition(roles))
    for table, rows in kept.items():
        if rows:
            columns = list(rows[0])
            bind.execute(sa.text(f"INSERT INTO {table} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join(':' + c for c in columns)})"), rows)
