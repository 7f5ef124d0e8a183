"""The plan form's choices and values, pure: PlanChoices (queries/ledger/inspection_plans.py) in,
dropdown options out; a plan's row in, the form's values out (to edit it). What the browser sends
back becomes the ledger's PlanForm in callbacks.py (`plan_form`).

A dropdown's value names a thing by kind and code(s) as a small JSON list (["zone", "lab", "3F"]):
codes are the ledger's, unique within the school, and JSON keeps one with any character whole. What
comes back is the browser's to change: it is decoded strictly here and then checked by the ledger
(a code not of the school is refused there with its reason).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from dashboard.pages.inspection_plans.text import tp
from kernel.names import FREQUENCY_NAMES, ROLE_NAMES, local_name, name_of
from layouts.i18n import Language

if TYPE_CHECKING:  # the reads (queries/ledger/inspection_plans.py); annotations only
    from queries.ledger.inspection_plans import PlanChoices, PlanRow

MAX_VALUE = 600  # a choice's value: a kind and two codes; anything longer is no choice of ours
MAX_NAME = 200  # the ledger's limit; a longer name is refused there, a much longer one here
FREQUENCIES = tuple(FREQUENCY_NAMES)  # daily, weekly, monthly, term: ledger/inspection_schedule.py's


def encode(*parts: str) -> str:
    return json.dumps(list(parts), ensure_ascii=False)


def decode(value: object) -> list[str] | None:
    """A choice's parts, or None for anything that is not one of ours."""
    if not isinstance(value, str) or not value or len(value) > MAX_VALUE:
        return None
    try:
        parts = json.loads(value)
    except ValueError:
        return None
    if not isinstance(parts, list) or not parts or not all(isinstance(p, str) and p for p in parts):
        return None
    return parts


def frequency_options(lang: Language) -> list[dict]:
    return [{"label": name_of(FREQUENCY_NAMES, f, lang), "value": f} for f in FREQUENCIES]


def target_options(lang: Language, choices: PlanChoices) -> list[dict]:
    """Risk points first (their checklist can be their measures), then each building and its zones."""
    options = [{"label": f"{tp(lang, 'risk_point')} · {code} {name}", "value": encode("risk_point", code)}
               for code, name, _n in choices.risk_points]
    for code, name, zones in choices.buildings:
        options.append({"label": f"{tp(lang, 'building')} · {name}", "value": encode("building", code)})
        options += [{"label": f"{tp(lang, 'building')} · {name} / {zone_name}", "value": encode("zone", code, zone)}
                    for zone, zone_name in zones]
    return options


def checklist_options(lang: Language, choices: PlanChoices) -> list[dict]:
    return [{"label": tp(lang, "measures_any"), "value": encode("risk_point")},
            *({"label": tp(lang, "campaign", name=name, n=n), "value": encode("campaign", code)}
              for code, name, n in choices.campaigns)]


def assignee_options(lang: Language, choices: PlanChoices) -> list[dict]:
    return [*({"label": tp(lang, "role", name=name_of(ROLE_NAMES, r, lang)), "value": encode("role", r)}
              for r in choices.roles),
            *({"label": tp(lang, "person", name=name or username, username=username),
               "value": encode("person", username)} for username, name, _role in choices.people)]


def unit_options(lang: Language, choices: PlanChoices) -> list[dict]:
    return [{"label": name, "value": code} for code, name in choices.units]


def form_values(plan: PlanRow) -> tuple:
    """The form's values (in ids.FORM_FIELDS order) showing a plan, to edit it."""
    place = plan.place
    if place.risk_point:
        target = encode("risk_point", place.risk_point)
    elif place.zone:
        target = encode("zone", place.building, place.zone)
    else:
        target = encode("building", place.building) if place.building else None
    checklist = encode("campaign", plan.campaign) if plan.checklist == "campaign" and plan.campaign \
        else encode("risk_point")
    assignee = encode("person", plan.assignee_username) if plan.assignee_username else \
        encode("role", plan.assignee_role) if plan.assignee_role else None
    return plan.name, plan.frequency, target, checklist, assignee, plan.unit, plan.starts_on.isoformat()


def place_text(lang: Language, plan: PlanRow) -> str:
    """Where a plan inspects, by name: the risk point, else the building and zone."""
    p = plan.place
    if p.risk_point:
        return f"{p.risk_point_name or p.risk_point}"
    return " / ".join(x for x in (local_name(lang, p.building_name, p.building_name_en),
                                  local_name(lang, p.zone_name, p.zone_name_en)) if x)
