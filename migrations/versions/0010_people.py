"""people and tokens (issue 14): failed sign-ins kept for admins to read

Revision ID: 0010_people
Revises: 0010_campaigns
Create Date: 2026-12-06 09:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0010_people'
down_revision = '0010_campaigns'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    op.create_index(op.f('ix_sign_in_failures_at'), 'sign_in_failures', ['at'], unique=False)
    op.create_index(op.f('ix_sign_in_failures_username'), 'sign_in_failures', ['username'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sign_in_failures_username'), table_name='sign_in_failures')
    op.drop_index(op.f('ix_sign_in_failures_at'), table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
