"""drills and trainings (issue 16): what a school held, for the assessment's art. 9 and 12

Revision ID: 0015_drills
Revises: 0014_deduction_withdrawal
Create Date: 2026-12-06 15:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0015_drills'
down_revision = '0015_oncall'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participant_count', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('plan', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('request_id', sa.String(length=128), nullable=True),
    sa.Column('withdrawn_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=64), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('drill', 'training')", name=op.f('ck_drills_kind')),
    sa.CheckConstraint('participant_count IS NULL OR participant_count >= 0',
                       name=op.f('ck_drills_participant_count')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_drills_school_id_org_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_drills_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drills')),
    sa.UniqueConstraint('request_id', name=op.f('uq_drills_request_id'))
    )
    op.create_index('ix_drills_school_held_on', 'drills', ['school_id', 'held_on'], unique=False)
    op.create_index(op.f('ix_drills_unit_id'), 'drills', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_drills_unit_id'), table_name='drills')
    op.drop_index('ix_drills_school_held_on', table_name='drills')
    op.drop_table('drills')
