"""response cards (应急处置卡, issue 16): the card per alert type and place, and which card an officer
used for which alert. New tables only, pointing at org_units, alerts and each other.

Revision ID: 0015_response_cards
Revises: 0014_deduction_withdrawal
Create Date: 2026-12-06 15:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0015_response_cards'
down_revision = '0014_deduction_withdrawal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('response_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('alert_type', sa.String(length=64), nullable=True),
    sa.Column('domain', sa.String(length=32), nullable=True),
    sa.Column('building_code', sa.String(length=64), nullable=True),
    sa.Column('zone_code', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('steps', sa.Text(), nullable=False),
    sa.Column('contacts', sa.Text(), nullable=False),
    sa.Column('evacuation', sa.Text(), nullable=True),
    sa.Column('retired_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['org_units.id'], name=op.f('fk_response_cards_school_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_cards'))
    )
    op.create_index(op.f('ix_response_cards_school_id'), 'response_cards', ['school_id'], unique=False)
    op.create_table('response_card_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('used_by', sa.String(length=64), nullable=False),
    sa.Column('used_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_response_card_uses_alert_id_alerts')),
    sa.ForeignKeyConstraint(['card_id'], ['response_cards.id'],
                            name=op.f('fk_response_card_uses_card_id_response_cards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_card_uses')),
    sa.UniqueConstraint('alert_id', 'card_id', 'used_by', name=op.f('uq_response_card_uses_alert_id_card_id_used_by'))
    )
    op.create_index(op.f('ix_response_card_uses_alert_id'), 'response_card_uses', ['alert_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_response_card_uses_alert_id'), table_name='response_card_uses')
    op.drop_table('response_card_uses')
    op.drop_index(op.f('ix_response_cards_school_id'), table_name='response_cards')
    op.drop_table('response_cards')
