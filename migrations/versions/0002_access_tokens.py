"""access tokens: read-only wall tokens now, the roles of issue 5 already allowed by the check

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 19:39:02.037414
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The role list is written out, not imported from ledger.models: a migration must build the
    # same table whatever the models say later; a new role is a new revision.
    op.create_table('access_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('school', sa.String(length=64), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('wall', 'leader', 'duty', 'admin')", name=op.f('ck_access_tokens_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_tokens')),
    sa.UniqueConstraint('digest', name=op.f('uq_access_tokens_digest'))
    )


def downgrade() -> None:
    op.drop_table('access_tokens')
