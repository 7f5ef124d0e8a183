"""routine inspections (issue 15): a school's inspection plans, the inspections done under them
and each checklist item's result (ledger/models/inspection.py). New tables only.

Revision ID: 0013_inspections
Revises: 0012_hazard_roles
Create Date: 2026-12-06 12:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0013_inspections'
down_revision = '0012_hazard_roles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inspection_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=True),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('checklist', sa.String(length=16), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('assignee_role', sa.String(length=16), nullable=True),
    sa.Column('assignee_username', sa.String(length=64), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("checklist IN ('risk_point', 'campaign')", name=op.f('ck_inspection_plans_checklist')),
    sa.CheckConstraint("frequency IN ('daily', 'weekly', 'monthly', 'term')", name=op.f('ck_inspection_plans_frequency')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_inspection_plans_building_id_buildings')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_inspection_plans_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_points.id'], name=op.f('fk_inspection_plans_risk_point_id_risk_points')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_inspection_plans_school_id_org_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_inspection_plans_unit_id_org_units')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_inspection_plans_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plans'))
    )
    op.create_index(op.f('ix_inspection_plans_school_id'), 'inspection_plans', ['school_id'], unique=False)
    op.create_index(op.f('ix_inspection_plans_unit_id'), 'inspection_plans', ['unit_id'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('started_by', sa.String(length=64), nullable=False),
    sa.Column('started_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_by', sa.String(length=64), nullable=True),
    sa.Column('signed_name', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_inspections_plan_id_inspection_plans')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_inspections_school_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections')),
    sa.UniqueConstraint('plan_id', 'period_start', name=op.f('uq_inspections_plan_id_period_start'))
    )
    op.create_index('ix_inspections_school_period', 'inspections', ['school_id', 'period_start'], unique=False)

    op.create_table('inspection_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item', sa.Text(), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('photo_keys', sa.JSON(), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hazard_code', sa.String(length=128), nullable=True),
    sa.Column('reported_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("result IN ('pass', 'fail', 'na')", name=op.f('ck_inspection_results_result')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_results_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_results')),
    sa.UniqueConstraint('inspection_id', 'position', name=op.f('uq_inspection_results_inspection_id_position'))
    )
    op.create_index('ix_inspection_results_by_result', 'inspection_results', ['by', 'result'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_inspection_results_by_result', table_name='inspection_results')
    op.drop_table('inspection_results')
    op.drop_index('ix_inspections_school_period', table_name='inspections')
    op.drop_table('inspections')
    op.drop_index(op.f('ix_inspection_plans_unit_id'), table_name='inspection_plans')
    op.drop_index(op.f('ix_inspection_plans_school_id'), table_name='inspection_plans')
    op.drop_table('inspection_plans')
