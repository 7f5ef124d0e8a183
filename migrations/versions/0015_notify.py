"""notification channels, people's addresses, the notification outbox and its delivery log (issue 16)

New tables only (ledger/models/notify.py); nothing existing is altered.

Revision ID: 0015_notify
Revises: 0014_deduction_withdrawal
Create Date: 2026-12-06 15:27:28
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0015_notify'
down_revision = '0015_drills'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notify_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('secret', sa.Text(), nullable=True),
    sa.Column('secret_hint', sa.String(length=64), nullable=True),
    sa.Column('signing_secret', sa.Text(), nullable=True),
    sa.Column('signing_hint', sa.String(length=64), nullable=True),
    sa.Column('rate_per_minute', sa.Integer(), nullable=False),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint("kind IN ('wecom', 'dingtalk', 'feishu', 'email', 'sms', 'webhook')", name=op.f('ck_notify_channels_kind')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_notify_channels_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_channels'))
    )
    with op.batch_alter_table('notify_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_channels_unit_id'), ['unit_id'], unique=False)

    op.create_table('notify_addresses',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=256), nullable=False),
    sa.CheckConstraint("kind IN ('phone', 'email')", name=op.f('ck_notify_addresses_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notify_addresses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notify_addresses'))
    )
    op.create_table('notify_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('outbox_ids', sa.JSON(), nullable=False),
    sa.Column('grouped', sa.Boolean(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.String(length=500), nullable=True),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['notify_channels.id'], name=op.f('fk_notify_deliveries_channel_id_notify_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_deliveries'))
    )
    with op.batch_alter_table('notify_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_deliveries_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_deliveries_channel_id'), ['channel_id'], unique=False)

    op.create_table('notify_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('message_key', sa.String(length=160), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=256), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('school', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=True),
    sa.Column('building', sa.String(length=128), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_answer', sa.String(length=500), nullable=True),
    sa.Column('sent_at', ledger.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'retrying', 'sent', 'failed')", name=op.f('ck_notify_outbox_status')),
    sa.ForeignKeyConstraint(['channel_id'], ['notify_channels.id'], name=op.f('fk_notify_outbox_channel_id_notify_channels')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notify_outbox_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notify_outbox_dedupe_key'))
    )
    with op.batch_alter_table('notify_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_outbox_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index('ix_notify_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_outbox_message_key'), ['message_key'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notify_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notify_outbox_message_key'))
        batch_op.drop_index('ix_notify_outbox_due')
        batch_op.drop_index(batch_op.f('ix_notify_outbox_channel_id'))

    op.drop_table('notify_outbox')
    with op.batch_alter_table('notify_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notify_deliveries_channel_id'))
        batch_op.drop_index(batch_op.f('ix_notify_deliveries_at'))

    op.drop_table('notify_deliveries')
    op.drop_table('notify_addresses')
    with op.batch_alter_table('notify_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notify_channels_unit_id'))

    op.drop_table('notify_channels')
