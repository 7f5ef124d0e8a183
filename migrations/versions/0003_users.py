"""users and their sessions: people sign in (issue 5); walls keep their tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:04:01.590979
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The role and end-reason lists are written out, not imported from ledger.models: a migration
    # must build the same tables whatever the models say later.
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=128), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('all_schools', sa.Boolean(), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('leader', 'duty', 'admin')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('user_schools',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('school', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_schools_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'school', name=op.f('pk_user_schools'))
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_active_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=256), nullable=True),
    sa.CheckConstraint("end_reason IS NULL OR end_reason IN ('logout', 'idle', 'disabled', 'role_changed', 'password_changed', 'schools_changed')", name=op.f('ck_user_sessions_end_reason')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('digest', name=op.f('uq_user_sessions_digest'))
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
    op.drop_table('user_schools')
    op.drop_table('users')
