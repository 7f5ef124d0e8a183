"""daily domain events (issue 6): valid events per school, local day and domain, snapshotted from
Redis's hourly counts by the recorder, for the leadership domain pages' week and month trends

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The domain's length is written out, not imported: a migration builds the same table whatever
    # the models say later.
    op.create_table('daily_domain_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'],
                            name=op.f('fk_daily_domain_events_school_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_domain_events')),
    sa.UniqueConstraint('school_id', 'day', 'domain',
                        name=op.f('uq_daily_domain_events_school_id_day_domain'))
    )


def downgrade() -> None:
    op.drop_table('daily_domain_events')
