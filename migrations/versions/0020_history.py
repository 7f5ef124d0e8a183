"""the wall's history (issue 18, 事后评估): each school's summary minute by minute, an hour a row

New table only (ledger/models/wall_history.py).

Revision ID: 0020_history
Revises: 0018_distwall
Create Date: 2026-12-06 21:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0020_history'
down_revision = '0018_distwall'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wall_history',
    sa.Column('school', sa.String(length=64), nullable=False),
    sa.Column('hour_start', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('frames', sa.LargeBinary(), nullable=False),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('school', 'hour_start', name=op.f('pk_wall_history'))
    )
    op.create_index('ix_wall_history_hour_start', 'wall_history', ['hour_start'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_wall_history_hour_start', table_name='wall_history')
    op.drop_table('wall_history')
