"""alert handling (issue 5): a version per alert, who a dispatch went to, escalation records, the
outbox of handling events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot add a NOT NULL column or an index to a table in place the
    # way PostgreSQL does; on PostgreSQL the batch is plain ALTER TABLEs.
    with op.batch_alter_table('alerts') as batch:
        batch.add_column(sa.Column('dispatched_to', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))
        batch.create_index('ix_alerts_state_raised', ['state', 'raised_at'], unique=False)
    with op.batch_alter_table('alert_transitions') as batch:
        batch.add_column(sa.Column('assignee', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
    op.create_table('alert_escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('due_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_escalations_alert_id_alerts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_escalations')),
    sa.UniqueConstraint('alert_id', 'level', name=op.f('uq_alert_escalations_alert_id_level'))
    )
    op.create_index(op.f('ix_alert_escalations_at'), 'alert_escalations', ['at'], unique=False)
    op.create_table('alert_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=128), nullable=False),
    sa.Column('school', sa.String(length=64), nullable=False),
    sa.Column('event', sa.JSON(), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_alert_outbox_event_id'))
    )


def downgrade() -> None:
    op.drop_table('alert_outbox')
    op.drop_index(op.f('ix_alert_escalations_at'), table_name='alert_escalations')
    op.drop_table('alert_escalations')
    with op.batch_alter_table('alert_transitions') as batch:
        batch.drop_column('outcome')
        batch.drop_column('assignee')
    with op.batch_alter_table('alerts') as batch:
        batch.drop_index('ix_alerts_state_raised')
        batch.drop_column('version')
        batch.drop_column('dispatched_to')
