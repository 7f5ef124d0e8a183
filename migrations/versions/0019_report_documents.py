"""the monthly reports' documents kept for download (issue 17)

A new table only (ledger/models/report_document.py); the files are under REPORT_DIR.

Revision ID: 0019_report_documents
Revises: 0018_reporting
Create Date: 2026-12-06 18:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.models.base

revision = '0019_report_documents'
down_revision = '0018_reporting'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('fmt', sa.String(length=8), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('file', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('generated_at', ledger.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('generated_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('monthly')", name=op.f('ck_report_documents_kind')),
    sa.CheckConstraint("fmt IN ('pdf', 'xlsx')", name=op.f('ck_report_documents_fmt')),
    sa.CheckConstraint("lang IN ('zh', 'en')", name=op.f('ck_report_documents_lang')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_report_documents_unit_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_documents')),
    sa.UniqueConstraint('unit_id', 'kind', 'period', 'fmt', 'lang', name=op.f('uq_report_documents_unit_id_kind_period_fmt_lang'))
    )
    with op.batch_alter_table('report_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_documents_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_documents_unit_id'))
    op.drop_table('report_documents')
