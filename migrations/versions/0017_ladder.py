"""the escalation ladder (issue 16): whom each step paged (alert_pages), and a page withdrawn when its
alert is acknowledged before it went (notify_outbox.status 'withdrawn')

PostgreSQL swaps the status CHECK; SQLite cannot alter a CHECK, so it copies notify_outbox into a new
table (a batch): nothing points at notify_outbox (notify_deliveries keeps the ids in a JSON list).

Revision ID: 0017_ladder
Revises: 0016_notify_policy
Create Date: 2026-12-06 18:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0017_ladder'
down_revision = '0016_notify_policy'
branch_labels = None
depends_on = None

BEFORE = ('pending', 'retrying', 'sent', 'failed')
AFTER = BEFORE + ('withdrawn',)


def _condition(statuses: tuple[str, ...]) -> str:
    return f"status IN ({', '.join(repr(s) for s in statuses)})"


def _status_check(statuses: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_notify_outbox_status'), 'notify_outbox', type_='check')
        op.create_check_constraint(op.f('ck_notify_outbox_status'), 'notify_outbox', _condition(statuses))
        return
    with op.batch_alter_table('notify_outbox', recreate='always') as batch:
        batch.drop_constraint(op.f('ck_notify_outbox_status'), type_='check')
        batch.create_check_constraint(op.f('ck_notify_outbox_status'), _condition(statuses))


def upgrade() -> None:
    op.create_table('alert_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('oncall_level', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('how', sa.String(length=16), nullable=False),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    sa.Column('message_key', sa.String(length=160), nullable=False),
    sa.Column('at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("how IN ('roster', 'fallback', 'nobody')", name=op.f('ck_alert_pages_how')),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_pages_alert_id_alerts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alert_pages_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_pages'))
    )
    with op.batch_alter_table('alert_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_pages_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_pages_at'), ['at'], unique=False)
    _status_check(AFTER)


def downgrade() -> None:
    # A withdrawn page was never sent: going down it reads as failed (never retried, never sent).
    op.execute(sa.text("UPDATE notify_outbox SET status = 'failed' WHERE status = 'withdrawn'"))
    _status_check(BEFORE)
    with op.batch_alter_table('alert_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_pages_at'))
        batch_op.drop_index(batch_op.f('ix_alert_pages_alert_id'))
    op.drop_table('alert_pages')
