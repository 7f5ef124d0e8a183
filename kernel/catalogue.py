"""The event catalogue of contract v1: which types exist in which domain, and their `data` fields.

This is part of the published contract (docs/events.md); add types and optional fields freely,
never change or remove one within v1.
"""
from __future__ import annotations

import re
from typing import Literal

CONTRACT_VERSION = 1

Domain = Literal[
    "personal_safety", "environment", "active_defence", "special_campaigns", "operations", "mechanisms"
]
DOMAINS: tuple[str, ...] = (
    "personal_safety",
    "environment",
    "active_defence",
    "special_campaigns",
    "operations",
    "mechanisms",
)
SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
# The duty console's handling steps: they must prove where they come from (kernel/proof.py).
HANDLING_TYPES = frozenset({"alert.acknowledged", "alert.dispatched", "alert.resolved"})
# The codes of hazards the product itself makes (ledger/hazard_work_rules.py hazard_code): YH-, the
# local day, a dash and ten upper-case hex digits. "YH-" alone (隐患's initials) is what any Chinese
# hazard system might put first, so the whole shape is reserved: a hazard event whose `hazard` has
# it must carry the product's proof (kernel/proof.py), as the handling steps do.
PRODUCT_HAZARD_CODE = re.compile(r"YH-[0-9]{8}-[0-9A-F]{10}")


def is_product_hazard(code: object) -> bool:
    """Whether a hazard code is one the product made (and so only the product may move)."""
    return isinstance(code, str) and PRODUCT_HAZARD_CODE.fullmatch(code) is not None


# Severities an alert can have; `info` events never open an alert.
ALERT_SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")

# A data field spec: (kind, required, allowed values or None).
#   str  - non-empty string of at most 128 characters
#   num  - finite int or float (not bool)
#   int  - int (not bool), >= 0
#   enum - one of the allowed strings
#   time - ISO-8601 date or date-time (a deadline)
FieldSpec = tuple[str, bool, tuple[str, ...] | None]


def _s(required: bool = True) -> FieldSpec:
    return ("str", required, None)


def _n(required: bool = True) -> FieldSpec:
    return ("num", required, None)


def _e(*values: str, required: bool = True) -> FieldSpec:
    return ("enum", required, values)


GROUP = _e("staff", "student")
HAZARD_FIELDS: dict[str, FieldSpec] = {
    "hazard": _s(),
    "grade": _e("ordinary", "major", required=False),
    "deadline": ("time", False, None),
    "title": _s(required=False),
}

# type -> (domain, data fields)
CATALOGUE: dict[str, tuple[str, dict[str, FieldSpec]]] = {
    # 人身安全 personal safety
    "attendance.in": ("personal_safety", {"person": _s(), "group": GROUP, "gate": _s(False)}),
    "attendance.out": ("personal_safety", {"person": _s(), "group": GROUP, "gate": _s(False)}),
    "visitor.check_in": ("personal_safety", {"visitor": _s(), "gate": _s(), "host": _s(False)}),
    "visitor.check_out": ("personal_safety", {"visitor": _s(), "gate": _s()}),
    "alarm.one_key": ("personal_safety", {"note": _s(False)}),
    # 环境安全 environment
    "fire.smoke_alarm": ("environment", {"detector": _s(False)}),
    "sensor.temperature": ("environment", {"value": _n(), "unit": _e("C", required=False)}),
    "sensor.gas": ("environment", {"value": _n(), "gas": _s(False)}),  # value in %LEL
    "electrical.leakage": ("environment", {"value": _n()}),  # residual current, mA
    "weather.warning": ("environment", {"kind": _s(), "level": _e("blue", "yellow", "orange", "red")}),
    # 主动防御 active defence
    "perimeter.intrusion": ("active_defence", {"segment": _s(False)}),
    "video.alarm": (
        "active_defence",
        {"behaviour": _e("loitering", "climbing", "crowding", "fighting", "fall"), "camera": _s(False)},
    ),
    "face.watchlist_hit": ("active_defence", {"match": _s(), "similarity": _n()}),
    "vehicle.entry": ("active_defence", {"plate": _s(), "gate": _s()}),
    "vehicle.exit": ("active_defence", {"plate": _s(), "gate": _s()}),
    "vehicle.speeding": ("active_defence", {"plate": _s(), "speed_kmh": _n(), "limit_kmh": _n()}),
    "vehicle.overtime_parking": ("active_defence", {"plate": _s(), "minutes": _n()}),
    "patrol.checkpoint": (
        "active_defence",
        {"guard": _s(), "checkpoint": _s(), "status": _e("on_time", "late", "missed")},
    ),
    # 专项治理 special campaigns
    "campaign.check_result": (
        "special_campaigns",
        {"campaign": _s(), "item": _s(), "result": _e("pass", "fail"), "note": _s(False)},
    ),
    # 运行管理 operations: the hazard closed loop, devices, alert handling
    "hazard.reported": ("operations", HAZARD_FIELDS),
    "hazard.notified": ("operations", HAZARD_FIELDS),
    "hazard.rectifying": ("operations", HAZARD_FIELDS),
    "hazard.feedback": ("operations", HAZARD_FIELDS),
    "hazard.accepted": ("operations", HAZARD_FIELDS),
    "hazard.rejected": ("operations", HAZARD_FIELDS),
    "device.online": ("operations", {"device": _s(), "system": _s()}),
    "device.offline": ("operations", {"device": _s(), "system": _s()}),
    "alert.acknowledged": ("operations", {"alert": _s(), "by": _s(False)}),
    # Added in v1 with the duty console (issue 5): the person or team an alert was sent to.
    "alert.dispatched": ("operations", {"alert": _s(), "by": _s(False), "assignee": _s(False)}),
    "alert.resolved": (
        "operations",
        {"alert": _s(), "outcome": _e("true_alarm", "false_alarm", required=False), "by": _s(False)},
    ),
    # 安全机制 mechanisms
    "training.completed": ("mechanisms", {"title": _s(), "participants": ("int", False, None)}),
    "drill.completed": ("mechanisms", {"title": _s(), "participants": ("int", False, None)}),
    "assessment.deduction": (
        "mechanisms",
        {"unit": _s(), "article": ("int", True, None), "points": _n(), "reason": _s(False)},
    ),
}

TYPES_BY_DOMAIN: dict[str, tuple[str, ...]] = {
    domain: tuple(t for t, (d, _) in CATALOGUE.items() if d == domain) for domain in DOMAINS
}

# The hazard closed loop (seed 001 art. 16-18): the stage each lifecycle event puts a hazard in.
# A rejection at acceptance sends the hazard back to rectification.
HAZARD_STAGES: tuple[str, ...] = ("reported", "notified", "rectifying", "feedback", "accepted")
HAZARD_GRADES: tuple[str, ...] = ("ordinary", "major")  # 一般隐患, 重大隐患 (ledger/hazard_loop.py GRADES)
# The four risk colours (四色), highest level first (ledger/grading.py COLOUR_OF_LEVEL's values).
RISK_COLOURS: tuple[str, ...] = ("red", "orange", "yellow", "blue")
HAZARD_STAGE_OF_TYPE = {
    "hazard.reported": "reported",
    "hazard.notified": "notified",
    "hazard.rectifying": "rectifying",
    "hazard.feedback": "feedback",
    "hazard.accepted": "accepted",
    "hazard.rejected": "rectifying",
}
