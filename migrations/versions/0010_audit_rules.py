"""audit and rules (issue 14): the audit log read by actor (an index on actor and time, for the
audit page's filter and a scoped admin's own entries); rule texts: alert rules and acknowledgement
deadlines as admins edit them in the browser, every version kept

Revision ID: 0010_audit_rules
Revises: 0009
Create Date: 2026-12-06 09:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0010_audit_rules'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_entries_actor_at', 'audit_entries', ['actor', 'at'], unique=False)
    op.create_table('rule_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('saved_by', sa.String(length=64), nullable=False),
    sa.Column('saved_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_texts')),
    sa.UniqueConstraint('kind', 'version', name=op.f('uq_rule_texts_kind_version'))
    )


def downgrade() -> None:
    op.drop_table('rule_texts')
    op.drop_index('ix_audit_entries_actor_at', table_name='audit_entries')
