"""reporting up (报送, issue 17): the reports schools send their district, and the district's rules

New tables only (ledger/models/reporting.py).

Revision ID: 0018_reporting
Revises: 0018_supervision
Create Date: 2026-12-06 18:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0018_reporting'
down_revision = '0018_supervision'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reporting_rules',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('monthly_due_day', sa.Integer(), nullable=False),
    sa.Column('major_hazard_hours', sa.Integer(), nullable=False),
    sa.Column('true_alarm_hours', sa.Integer(), nullable=False),
    sa.Column('first_period', sa.String(length=7), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('monthly_due_day BETWEEN 1 AND 28', name=op.f('ck_reporting_rules_monthly_due_day')),
    sa.CheckConstraint('major_hazard_hours BETWEEN 1 AND 720', name=op.f('ck_reporting_rules_major_hazard_hours')),
    sa.CheckConstraint('true_alarm_hours BETWEEN 1 AND 720', name=op.f('ck_reporting_rules_true_alarm_hours')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_reporting_rules_unit_id_org_units')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_reporting_rules'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('occurred_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=64), nullable=True),
    sa.Column('first_submitted_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('receipted_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('receipted_by', sa.String(length=64), nullable=True),
    sa.Column('returned_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_by', sa.String(length=64), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('monthly', 'major_hazard', 'true_alarm')", name=op.f('ck_reports_kind')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'receipted', 'returned')", name=op.f('ck_reports_status')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_reports_school_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('school_id', 'kind', 'subject', name=op.f('uq_reports_school_id_kind_subject'))
    )
    op.create_index('ix_reports_due_at', 'reports', ['due_at'], unique=False)
    op.create_index(op.f('ix_reports_school_id'), 'reports', ['school_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reports_school_id'), table_name='reports')
    op.drop_index('ix_reports_due_at', table_name='reports')
    op.drop_table('reports')
    op.drop_table('reporting_rules')
