"""a unit's notification policy: quiet hours, hazard reminder points, the digest's time (issue 16)

A new table only (ledger/models/notify.NotifyPolicy).

Revision ID: 0016_notify_policy
Revises: 0015_notify
Create Date: 2026-12-06 17:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0016_notify_policy'
down_revision = '0015_notify'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notify_policies',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=True),
    sa.Column('quiet_end', sa.String(length=5), nullable=True),
    sa.Column('reminder_days', sa.String(length=64), nullable=False),
    sa.Column('reminder_at', sa.String(length=5), nullable=False),
    sa.Column('digest_at', sa.String(length=5), nullable=True),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_notify_policies_unit_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_notify_policies'))
    )


def downgrade() -> None:
    op.drop_table('notify_policies')
