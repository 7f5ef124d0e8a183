"""reminders already sent: one mark per reminder key (issue 16, reminders and digest)

A new table only (ledger/models/reminders.ReminderMark).

Revision ID: 0017_reminders
Revises: 0017_ladder
Create Date: 2026-12-06 18:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0017_reminders'
down_revision = '0017_ladder'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notify_reminders',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('school', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_notify_reminders'))
    )
    op.create_index(op.f('ix_notify_reminders_school'), 'notify_reminders', ['school'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_notify_reminders_school'), table_name='notify_reminders')
    op.drop_table('notify_reminders')
