"""administration (issue 14): the audit log, a person's scope as an organisation unit, campuses as
nodes of the tree, and a school's type

A person who listed exactly the schools of one unit (every school of a district, or one school) is
given that unit as their scope, so a school added to the district tomorrow is theirs too; the list
stays as it was, so nobody reads less than before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# On PostgreSQL the log refuses to be rewritten, whoever connects: no page of the web app could, but a
# later bug or a hand-typed statement should not be able to either.
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
"""


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('school', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    op.create_index(op.f('ix_audit_entries_action'), 'audit_entries', ['action'], unique=False)
    op.create_index(op.f('ix_audit_entries_at'), 'audit_entries', ['at'], unique=False)
    op.create_index(op.f('ix_audit_entries_school'), 'audit_entries', ['school'], unique=False)
    # Plain ADD COLUMNs, not a batch: on SQLite a batch copies `users` into a new table and drops the
    # old one, and with foreign keys on, that DROP cascades to user_schools and user_sessions and
    # empties them. SQLite adds a nullable column with its REFERENCES in place (Alembic will not
    # write that statement for SQLite, hence the text).
    op.add_column('org_units', sa.Column('school_type', sa.String(length=16), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE users ADD COLUMN unit_id INTEGER REFERENCES org_units (id)")
    else:
        op.add_column('users', sa.Column('unit_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_users_unit_id_org_units'), 'users', 'org_units', ['unit_id'], ['id'])
    op.create_index(op.f('ix_users_unit_id'), 'users', ['unit_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)
    _scope_from_school_lists()


def _scope_from_school_lists() -> None:
    """A user whose listed schools are exactly one unit's schools gets that unit as their scope."""
    bind = op.get_bind()
    units = {row.id: row for row in bind.execute(sa.text("SELECT id, code, kind, parent_id FROM org_units"))}
    schools_of: dict[int, set[str]] = {}
    for row in units.values():
        if row.kind != 'school':
            continue
        schools_of.setdefault(row.id, set()).add(row.code)
        parent, seen = row.parent_id, 0
        while parent is not None and parent in units and seen < 16:
            schools_of.setdefault(parent, set()).add(row.code)
            parent, seen = units[parent].parent_id, seen + 1
    listed: dict[int, set[str]] = {}
    for row in bind.execute(sa.text("SELECT user_id, school FROM user_schools")):
        listed.setdefault(row.user_id, set()).add(row.school)
    for user_id, codes in listed.items():
        # The narrowest unit with exactly these schools: a school before its one-school district.
        matches = [uid for uid, found in schools_of.items() if found == codes]
        if matches:
            depth = {uid: _depth(units, uid) for uid in matches}
            unit_id = max(matches, key=lambda uid: depth[uid])
            bind.execute(sa.text("UPDATE users SET unit_id = :unit WHERE id = :user"),
                         {"unit": unit_id, "user": user_id})


def _depth(units, unit_id: int) -> int:
    depth, parent = 0, units[unit_id].parent_id
    while parent is not None and parent in units and depth < 16:
        depth, parent = depth + 1, units[parent].parent_id
    return depth


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
    op.drop_index('ix_users_unit_id', table_name='users')
    if op.get_bind().dialect.name == 'sqlite':
        _drop_users_unit_on_sqlite()
    else:
        op.drop_constraint('fk_users_unit_id_org_units', 'users', type_='foreignkey')
        op.drop_column('users', 'unit_id')
    op.drop_column('org_units', 'school_type')
    op.drop_index(op.f('ix_audit_entries_school'), table_name='audit_entries')
    op.drop_index(op.f('ix_audit_entries_at'), table_name='audit_entries')
    op.drop_index(op.f('ix_audit_entries_action'), table_name='audit_entries')
    op.drop_table('audit_entries')


def _drop_users_unit_on_sqlite() -> None:
    """SQLite drops a column with a REFERENCES only by copying the table, and dropping the old copy
    cascades to the rows that point at users: keep them aside and put them back."""
    bind = op.get_bind()
    kept = {table: [dict(row._mapping) for row in bind.execute(sa.text(f"SELECT * FROM {table}"))]
            for table in ('user_schools', 'user_sessions')}
    for table in kept:  # else dropping the old `users` is refused (a session points at it) or cascades
        bind.execute(sa.text(f"DELETE FROM {table}"))
    with op.batch_alter_table('users', recreate='always') as batch:
        batch.drop_column('unit_id')
    for table, rows in kept.items():
        if rows:
            columns = list(rows[0])
            bind.execute(sa.text(f"INSERT INTO {table} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join(':' + c for c in columns)})"), rows)
