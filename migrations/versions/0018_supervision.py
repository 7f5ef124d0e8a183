"""supervising down (issue 17): supervision items (督办) with their steps and photos; notices (通报)
with a read receipt per school

New tables only (ledger/models/supervision.py).

Revision ID: 0018_supervision
Revises: 0017_reminders
Create Date: 2026-12-06 17:57:32.171349
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0018_supervision'
down_revision = '0017_reminders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('all_schools', sa.Boolean(), nullable=False),
    sa.Column('published_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('published_by', sa.String(length=128), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_notices_published_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_notices_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('unit_id', 'client_key', name=op.f('uq_notices_unit_id_client_key'))
    )
    op.create_table('notice_receipts',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('read_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('read_by_id', sa.Integer(), nullable=True),
    sa.Column('read_by', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_receipts_notice_id_notices')),
    sa.ForeignKeyConstraint(['read_by_id'], ['users.id'], name=op.f('fk_notice_receipts_read_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_notice_receipts_school_id_org_units')),
    sa.PrimaryKeyConstraint('notice_id', 'school_id', name=op.f('pk_notice_receipts'))
    )
    op.create_index('ix_notice_receipts_school_id', 'notice_receipts', ['school_id'], unique=False)
    op.create_table('supervision_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.String(length=128), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('deadline', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('hazard', 'report', 'figure', 'other')", name=op.f('ck_supervision_items_kind')),
    sa.CheckConstraint("state IN ('open', 'answered', 'returned', 'closed')", name=op.f('ck_supervision_items_state')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_supervision_items_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_supervision_items_opened_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_supervision_items_school_id_org_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_supervision_items_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_items'))
    )
    op.create_index(op.f('ix_supervision_items_hazard_id'), 'supervision_items', ['hazard_id'], unique=False)
    op.create_index('ix_supervision_items_school_state', 'supervision_items', ['school_id', 'state'], unique=False)
    op.create_index(op.f('ix_supervision_items_unit_id'), 'supervision_items', ['unit_id'], unique=False)
    op.create_table('supervision_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('by_name', sa.String(length=128), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("action IN ('open', 'answer', 'return', 'close')", name=op.f('ck_supervision_steps_action')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_supervision_steps_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['supervision_items.id'], name=op.f('fk_supervision_steps_item_id_supervision_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_steps')),
    sa.UniqueConstraint('item_id', 'seq', name=op.f('uq_supervision_steps_item_id_seq'))
    )
    op.create_table('supervision_photos',
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_supervision_photos_photo_id_photos')),
    sa.ForeignKeyConstraint(['step_id'], ['supervision_steps.id'], name=op.f('fk_supervision_photos_step_id_supervision_steps')),
    sa.PrimaryKeyConstraint('photo_id', name=op.f('pk_supervision_photos'))
    )
    op.create_index(op.f('ix_supervision_photos_step_id'), 'supervision_photos', ['step_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_supervision_photos_step_id'), table_name='supervision_photos')
    op.drop_table('supervision_photos')
    op.drop_table('supervision_steps')
    op.drop_index(op.f('ix_supervision_items_unit_id'), table_name='supervision_items')
    op.drop_index('ix_supervision_items_school_state', table_name='supervision_items')
    op.drop_index(op.f('ix_supervision_items_hazard_id'), table_name='supervision_items')
    op.drop_table('supervision_items')
    op.drop_index('ix_notice_receipts_school_id', table_name='notice_receipts')
    op.drop_table('notice_receipts')
    op.drop_table('notices')
