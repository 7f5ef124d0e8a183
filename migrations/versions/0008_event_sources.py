"""event sources: campus systems that POST events to /api/v1/events, each with its own API key
(the key's SHA-256 digest only) and the schools it may send for (issue 12)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('all_schools', sa.Boolean(), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_sources')),
    sa.UniqueConstraint('digest', name=op.f('uq_event_sources_digest'))
    )
    op.create_table('event_source_schools',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('school', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['event_sources.id'],
                            name=op.f('fk_event_source_schools_source_id_event_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', 'school', name=op.f('pk_event_source_schools'))
    )


def downgrade() -> None:
    op.drop_table('event_source_schools')
    op.drop_table('event_sources')
