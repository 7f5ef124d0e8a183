"""special campaigns in English: a campaign's English name and each checklist item's English text

Plain nullable columns, added in place on SQLite too (no copy of `campaigns` or `checklist_items`, which
other tables point at). Existing campaigns have no English: English pages show their Chinese.

Revision ID: 0011_campaign_en
Revises: 0010_people
Create Date: 2026-12-06 11:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_campaign_en'
down_revision = '0010_people'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('campaigns', sa.Column('name_en', sa.String(length=200), nullable=True))
    op.add_column('checklist_items', sa.Column('text_en', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('checklist_items', 'text_en')
    op.drop_column('campaigns', 'name_en')
