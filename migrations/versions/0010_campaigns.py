"""special campaigns as data (issue 14): who made a campaign (its scope) and the document it comes from

Plain nullable columns, no foreign key: the owner is an org unit's code, which never changes, and
SQLite adds and drops a plain column in place (no copy of `campaigns`, which checklist items point at).
Existing campaigns get no owner: they apply to every school, as before.

Revision ID: 0010_campaigns
Revises: 0010_register
Create Date: 2026-12-06 09:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_campaigns'
down_revision = '0010_register'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('campaigns', sa.Column('owner_unit', sa.String(length=64), nullable=True))
    op.add_column('campaigns', sa.Column('source', sa.String(length=200), nullable=True))
    op.create_index(op.f('ix_campaigns_owner_unit'), 'campaigns', ['owner_unit'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_campaigns_owner_unit'), table_name='campaigns')
    op.drop_column('campaigns', 'source')
    op.drop_column('campaigns', 'owner_unit')
