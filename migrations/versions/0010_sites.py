"""site plans and buildings (issue 14): campus plan images in the ledger, a building's floors, and
buildings and zones retired rather than deleted (their risk points and history keep pointing at them)

Plain ADD COLUMNs (no batch): on SQLite a batch copies `buildings` and drops the old table, and the
zones, risk points and hazards that reference it would go with it.

Revision ID: 0010_sites
Revises: 0010_audit_rules
Create Date: 2026-12-06 09:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0010_sites'
down_revision = '0010_audit_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('site_plan_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('campus', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('pixel_width', sa.Integer(), nullable=True),
    sa.Column('pixel_height', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_site_plan_images_school_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_plan_images')),
    sa.UniqueConstraint('school_id', 'campus', name=op.f('uq_site_plan_images_school_id_campus'))
    )
    op.create_index(op.f('ix_site_plan_images_school_id'), 'site_plan_images', ['school_id'], unique=False)
    op.add_column('buildings', sa.Column('floors', sa.Integer(), nullable=True))
    op.add_column('buildings', sa.Column('retired_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column('zones', sa.Column('name_en', sa.String(length=128), nullable=True))
    op.add_column('zones', sa.Column('retired_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column without constraints in place; no table is copied.
    op.drop_column('zones', 'retired_at')
    op.drop_column('zones', 'name_en')
    op.drop_column('buildings', 'retired_at')
    op.drop_column('buildings', 'floors')
    op.drop_index(op.f('ix_site_plan_images_school_id'), table_name='site_plan_images')
    op.drop_table('site_plan_images')
