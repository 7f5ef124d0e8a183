"""the district wall's map: an image per unit above schools, and its schools' places (issue 17)

New tables only (ledger/models/district_map.py).

Revision ID: 0018_distwall
Revises: 0019_report_documents
Create Date: 2026-12-06 18:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0018_distwall'
down_revision = '0019_report_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('district_maps',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('pixel_width', sa.Integer(), nullable=False),
    sa.Column('pixel_height', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_district_maps_unit_id_org_units')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_district_maps'))
    )
    op.create_table('district_map_places',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_district_map_places_school_id_org_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_district_map_places_unit_id_org_units')),
    sa.PrimaryKeyConstraint('unit_id', 'school_id', name=op.f('pk_district_map_places'))
    )
    op.create_index(op.f('ix_district_map_places_school_id'), 'district_map_places', ['school_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_district_map_places_school_id'), table_name='district_map_places')
    op.drop_table('district_map_places')
    op.drop_table('district_maps')
