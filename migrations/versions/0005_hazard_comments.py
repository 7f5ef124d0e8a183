"""hazard comments (issue 5): duty officers' comments on hazards, kept as written; indexes for the
shift handover report's window (hazard steps and comments by time, alerts by resolution)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The length limit is written out, not imported: a migration builds the same table whatever
    # the models say later.
    op.create_table('hazard_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint('length(text) BETWEEN 1 AND 2000', name=op.f('ck_hazard_comments_text_length')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_hazard_comments_hazard_id_hazards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_comments'))
    )
    op.create_index('ix_hazard_comments_hazard_at', 'hazard_comments', ['hazard_id', 'at'], unique=False)
    op.create_index('ix_hazard_comments_at', 'hazard_comments', ['at'], unique=False)
    op.create_index('ix_hazard_transitions_at', 'hazard_transitions', ['at'], unique=False)
    op.create_index('ix_alerts_school_resolved', 'alerts', ['school_id', 'resolved_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_alerts_school_resolved', table_name='alerts')
    op.drop_index('ix_hazard_transitions_at', table_name='hazard_transitions')
    op.drop_index('ix_hazard_comments_at', table_name='hazard_comments')
    op.drop_index('ix_hazard_comments_hazard_at', table_name='hazard_comments')
    op.drop_table('hazard_comments')
