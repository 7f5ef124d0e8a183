"""administration (issue 14), the register: devices mapped from events' `source`, retired risk points

Revision ID: 0010_register
Revises: 0010_sites
Create Date: 2026-12-06 09:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0010_register'
down_revision = '0010_sites'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('system', sa.String(length=16), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('stream_url', sa.String(length=500), nullable=True),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_devices_building_id_buildings')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_devices_school_id_org_units')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_devices_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('school_id', 'source', name=op.f('uq_devices_school_id_source'))
    )
    op.create_index(op.f('ix_devices_building_id'), 'devices', ['building_id'], unique=False)
    op.create_index(op.f('ix_devices_school_id'), 'devices', ['school_id'], unique=False)
    # A plain ADD COLUMN (no batch): hazard_sources and hazards point at risk_points.
    op.add_column('risk_points', sa.Column('retired_on', sa.Date(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite (3.35+) drops a plain column in place; a batch would copy risk_points and cascade.
        op.execute("ALTER TABLE risk_points DROP COLUMN retired_on")
    else:
        op.drop_column('risk_points', 'retired_on')
    op.drop_index(op.f('ix_devices_school_id'), table_name='devices')
    op.drop_index(op.f('ix_devices_building_id'), table_name='devices')
    op.drop_table('devices')
