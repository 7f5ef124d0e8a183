"""the on-call roster (issue 16): one row per school, day, shift and level, with a substitution; a new
table only, pointing at org_units and users (nothing points at it).

Revision ID: 0015_oncall
Revises: 0014_deduction_withdrawal
Create Date: 2026-12-06 15:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0015_oncall'
down_revision = '0015_response_cards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oncall_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shift', sa.String(length=32), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=True),
    sa.Column('substituted_by', sa.String(length=64), nullable=True),
    sa.Column('substituted_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('level IN (0, 1, 2)', name=op.f('ck_oncall_entries_level')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_oncall_entries_school_id_org_units')),
    sa.ForeignKeyConstraint(['substitute_id'], ['users.id'], name=op.f('fk_oncall_entries_substitute_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oncall_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oncall_entries')),
    sa.UniqueConstraint('school_id', 'day', 'shift', 'level', name=op.f('uq_oncall_entries_school_id_day_shift_level'))
    )
    op.create_index(op.f('ix_oncall_entries_substitute_id'), 'oncall_entries', ['substitute_id'], unique=False)
    op.create_index(op.f('ix_oncall_entries_user_id'), 'oncall_entries', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_oncall_entries_user_id'), table_name='oncall_entries')
    op.drop_index(op.f('ix_oncall_entries_substitute_id'), table_name='oncall_entries')
    op.drop_table('oncall_entries')
