"""photos of hazard reports, rectifications and inspections (issue 15): one row per photo, the files on
the photo volume (PHOTO_DIR); a new table only, pointing at org_units, users, hazards and hazard_transitions
and inspection_results (nothing points at it).

Revision ID: 0013_photos
Revises: 0013_inspections
Create Date: 2026-12-06 12:10:40
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0013_photos'
down_revision = '0013_inspections'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_type', sa.String(length=32), nullable=False),
    sa.Column('sent_bytes', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('stored_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('thumb_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pending', sa.String(length=100), nullable=True),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('transition_id', sa.Integer(), nullable=True),
    sa.Column('inspection_result_id', sa.Integer(), nullable=True),
    sa.Column('attached_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png')", name=op.f('ck_photos_content_type')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_photos_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['inspection_result_id'], ['inspection_results.id'],
                            name=op.f('fk_photos_inspection_result_id_inspection_results')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_photos_school_id_org_units')),
    sa.ForeignKeyConstraint(['transition_id'], ['hazard_transitions.id'],
                            name=op.f('fk_photos_transition_id_hazard_transitions')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('key', name=op.f('uq_photos_key')),
    sa.UniqueConstraint('pending', name=op.f('uq_photos_pending'))
    )
    op.create_index(op.f('ix_photos_hazard_id'), 'photos', ['hazard_id'], unique=False)
    op.create_index(op.f('ix_photos_inspection_result_id'), 'photos', ['inspection_result_id'], unique=False)
    op.create_index('ix_photos_school_id_created_at', 'photos', ['school_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_photos_transition_id'), 'photos', ['transition_id'], unique=False)
    op.create_index(op.f('ix_photos_uploaded_by_id'), 'photos', ['uploaded_by_id'], unique=False)


def downgrade() -> None:
    for index in ('ix_photos_uploaded_by_id', 'ix_photos_transition_id', 'ix_photos_inspection_result_id',
                  'ix_photos_hazard_id'):
        op.drop_index(op.f(index), table_name='photos')
    op.drop_index('ix_photos_school_id_created_at', table_name='photos')
    op.drop_table('photos')
