"""assessment deductions can be withdrawn (issue 15): who withdrew one, when and why

Plain nullable columns, added in place on SQLite too. A withdrawn deduction stays in the ledger (its
event id keeps a resent form or event from entering it again) and counts no more.

Revision ID: 0014_deduction_withdrawal
Revises: 0013_hazard_work
Create Date: 2026-12-06 14:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0014_deduction_withdrawal'
down_revision = '0013_hazard_work'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('assessment_deductions',
                  sa.Column('withdrawn_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column('assessment_deductions', sa.Column('withdrawn_by', sa.String(length=64), nullable=True))
    op.add_column('assessment_deductions', sa.Column('withdrawn_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('assessment_deductions', 'withdrawn_reason')
    op.drop_column('assessment_deductions', 'withdrawn_by')
    op.drop_column('assessment_deductions', 'withdrawn_at')
