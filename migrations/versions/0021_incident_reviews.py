"""incident reviews (事后评估) of alerts: findings and measures, versioned (issue 18)

New table only (ledger/models/incident_review.py).

Revision ID: 0021_incident_reviews
Revises: 0020_history
Create Date: 2026-12-06 21:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0021_incident_reviews'
down_revision = '0020_history'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident_reviews',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_incident_reviews_alert_id_alerts')),
    sa.PrimaryKeyConstraint('alert_id', name=op.f('pk_incident_reviews'))
    )


def downgrade() -> None:
    op.drop_table('incident_reviews')
