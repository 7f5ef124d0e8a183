"""Every ledger table, imported together so `Base.metadata` knows them all (Alembic needs that)."""
from ledger.models.access import ROLES, AccessToken
from ledger.models.alert import Alert, AlertEscalation, AlertOccurrence, AlertOutbox, AlertTransition
from ledger.models.assessment import AssessmentDeduction
from ledger.models.audit import AuditEntry
from ledger.models.base import Base, UTCDateTime, utcnow
from ledger.models.campaign import Campaign, CampaignPhase, ChecklistItem, ChecklistResult
from ledger.models.devices import Device
from ledger.models.district_map import DistrictMap, DistrictMapPlace
from ledger.models.drills import DRILL_KINDS, Drill
from ledger.models.hazard import Hazard, HazardTransition, LoopViolation
from ledger.models.history import DailyDomainEvents, DailyTotals, RecorderOffset, RefusedEvent
from ledger.models.incident_review import IncidentReview
from ledger.models.inspection import Inspection, InspectionPlan, InspectionResult
from ledger.models.ladder import PAGE_HOWS, AlertPage
from ledger.models.notify import NotifyAddress, NotifyChannel, NotifyDelivery, NotifyOutbox, NotifyPolicy
from ledger.models.oncall import ONCALL_LEVELS, OnCallEntry
from ledger.models.org import BUILDING_USES, ORG_CHILDREN, ORG_KIND_ZH, ORG_KINDS, SCHOOL_TYPES, Building, OrgUnit, Zone
from ledger.models.photo import Photo
from ledger.models.reminders import ReminderMark
from ledger.models.report_document import ReportDocument
from ledger.models.reporting import REPORT_KINDS, REPORT_STATES, Report, ReportingRule
from ledger.models.response_card import ResponseCard, ResponseCardUse
from ledger.models.risk import HazardSource, RiskPoint
from ledger.models.rules import RULE_KINDS, RuleText
from ledger.models.sign_ins import SignInFailure
from ledger.models.site import SitePlanImage
from ledger.models.sources import EventSource, EventSourceSchool
from ledger.models.supervision import (
    ITEM_STATES,
    SUBJECT_KINDS,
    Notice,
    NoticeReceipt,
    SupervisionItem,
    SupervisionPhoto,
    SupervisionStep,
)
from ledger.models.users import END_REASONS, USER_ROLES, User, UserSchool, UserSession
from ledger.models.wall_history import WallHistory

__all__ = [
    "AccessToken", "Alert", "AlertEscalation", "AlertPage", "PAGE_HOWS",
    "AlertOccurrence", "AlertOutbox", "AlertTransition",
    "AssessmentDeduction", "AuditEntry", "BUILDING_USES", "Base", "Building",
    "Campaign", "CampaignPhase", "ChecklistItem", "ChecklistResult", "DailyDomainEvents", "DailyTotals", "Device",
    "DistrictMap", "DistrictMapPlace",
    "DRILL_KINDS", "Drill",
    "EventSource", "EventSourceSchool",
    "Hazard", "HazardSource",
    "HazardTransition", "Inspection", "InspectionPlan", "InspectionResult",
    "LoopViolation", "NotifyAddress", "NotifyChannel", "NotifyDelivery", "NotifyOutbox", "NotifyPolicy",
    "ONCALL_LEVELS",
    "ORG_CHILDREN", "ORG_KINDS", "ORG_KIND_ZH", "OnCallEntry", "OrgUnit", "Photo", "ROLES", "RULE_KINDS",
    "RecorderOffset", "RefusedEvent", "ReminderMark", "REPORT_KINDS", "REPORT_STATES", "Report", "ReportDocument",
    "IncidentReview", "ReportingRule", "ResponseCard", "ResponseCardUse", "RiskPoint", "RuleText",
    "SCHOOL_TYPES",
    "SitePlanImage", "SignInFailure",
    "ITEM_STATES", "SUBJECT_KINDS", "Notice", "NoticeReceipt", "SupervisionItem", "SupervisionPhoto",
    "SupervisionStep",
    "USER_ROLES", "UTCDateTime", "User", "UserSchool", "UserSession", "WallHistory", "Zone", "END_REASONS", "utcnow",
]
