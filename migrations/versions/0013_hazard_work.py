"""the hazard loop worked by people in the product (issue 15): the phone form's key (one hazard per
key and school), who reported a hazard and who must rectify it, the notice's requirement, the
district's supervision (挂牌督办), and the account behind each step

Plain columns and indexes only: `hazards` is pointed at by its transitions and comments, so SQLite
must not copy it (no batch); the ids are plain integers for that reason too.

Revision ID: 0013_hazard_work
Revises: 0013_photos
Create Date: 2026-12-06 12:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ledger.models.base import UTCDateTime

revision = '0013_hazard_work'
down_revision = '0013_photos'
branch_labels = None
depends_on = None

HAZARD_COLUMNS = (
    ('client_key', sa.String(length=64)),
    ('reported_by_user_id', sa.Integer()),
    ('responsible_user_id', sa.Integer()),
    ('requirement', sa.Text()),
    ('supervised_at', UTCDateTime()),
    ('supervision_unit_id', sa.Integer()),
    ('supervision_deadline', UTCDateTime()),
    ('supervision_note', sa.Text()),
)


def upgrade() -> None:
    for name, type_ in HAZARD_COLUMNS:
        op.add_column('hazards', sa.Column(name, type_, nullable=True))
    op.create_index('uq_hazards_school_client_key', 'hazards', ['school_id', 'client_key'], unique=True)
    op.create_index(op.f('ix_hazards_reported_by_user_id'), 'hazards', ['reported_by_user_id'])
    op.create_index(op.f('ix_hazards_responsible_user_id'), 'hazards', ['responsible_user_id'])
    op.add_column('hazard_transitions', sa.Column('by_user_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('hazard_transitions', 'by_user_id')
    op.drop_index(op.f('ix_hazards_responsible_user_id'), table_name='hazards')
    op.drop_index(op.f('ix_hazards_reported_by_user_id'), table_name='hazards')
    op.drop_index('uq_hazards_school_client_key', table_name='hazards')
    for name, _ in reversed(HAZARD_COLUMNS):
        op.drop_column('hazards', name)
