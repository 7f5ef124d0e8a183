"""Who plans and who does routine inspections, and a plan's checklist as it stands: shared by the
commands (ledger/commands/inspection_plans.py, inspections.py) and the reads
(queries/ledger/inspections.py), which may not import the commands.

dashboard/roles.py GRANTS gives INSPECTION_PLAN and INSPECT to the same roles as PLAN_ROLES and
INSPECT_ROLES (tests/ledger/test_inspections.py keeps them in step): the web app lets a person ask,
the ledger holds the step to the person's account, school and plan.
"""
from __future__ import annotations

import re

from sqlalchemy.orm import Session

from ledger.models import Campaign, InspectionPlan, RiskPoint, User

PLAN_ROLES: tuple[str, ...] = ("safety", "admin")  # INSPECTION_PLAN
INSPECT_ROLES: tuple[str, ...] = ("duty", "safety", "inspector", "admin")  # INSPECT
# "1." "2、" "（3）" "- " "• ": the numbering a measures list is typed with, left off each item.
_NUMBERING = re.compile(r"^\s*(?:[（(]?\d{1,3}[)）.、．]|[-•·*])\s*")


def may_inspect(user: User, plan: InspectionPlan) -> bool:
    """The plan's person, or anyone of the plan's role; always an active account of an inspecting role."""
    if user.role not in INSPECT_ROLES or user.disabled_at is not None:
        return False
    if plan.assignee_username is not None:
        return user.username == plan.assignee_username
    return user.role == plan.assignee_role


def measure_lines(measures: str) -> list[str]:
    """A risk point's control measures as checklist items: one a line, numbering left off, no repeats."""
    items: list[str] = []
    for line in (measures or "").splitlines():
        text = _NUMBERING.sub("", line).strip()
        if text and text not in items:
            items.append(text)
    return items


def checklist(db: Session, plan: InspectionPlan) -> list[str]:
    """The plan's checklist as it stands now: the campaign's items, or the risk point's measures."""
    if plan.checklist == "campaign":
        campaign = db.get(Campaign, plan.campaign_id)
        return [item.text for item in campaign.items] if campaign else []
    point = db.get(RiskPoint, plan.risk_point_id) if plan.risk_point_id else None
    return measure_lines(point.control_measures) if point else []
