"""leadership pages' indexes (issue 6): alerts by school and time raised, and by school, building
and last alarm

The overview's "alerts today", the domain pages' trends over a day, week or month and the district
league's alerts in the period all read one school's (or a district's) alerts raised since a
moment: with only (school_id, state) and (school_id, resolved_at) they read every alert the school
ever had (bench/lead_pages.py on the demo x10: 6 ms -> 0.04 ms for alerts today at demo-univ on
SQLite, 11 -> 1.8 ms for the league's alerts of 30 schools). The overview's building drill-down
reads one building's recent alerts, newest first (3.2 -> 0.3 ms). The domain page reads one
domain's alerts over a day, a week or a month (its reads for a month at demo-univ, environment:
51 -> 29 ms).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 03:00:00
"""
from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_alerts_school_raised', 'alerts', ['school_id', 'raised_at'], unique=False)
    op.create_index('ix_alerts_school_building_last', 'alerts', ['school_id', 'building_code', 'last_raised_at'],
                    unique=False)
    op.create_index('ix_alerts_school_domain_raised', 'alerts', ['school_id', 'domain', 'raised_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_alerts_school_domain_raised', table_name='alerts')
    op.drop_index('ix_alerts_school_building_last', table_name='alerts')
    op.drop_index('ix_alerts_school_raised', table_name='alerts')
