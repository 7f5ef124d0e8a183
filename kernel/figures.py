"""Every number of the wall and the live JSON API, declared once: one name from Redis to the screen.

A figure's row says where it lives in Redis (a key of kernel/keys.py and the hash field, or how it
is derived from keys), where it sits in the summary document (GET /api/v1/schools/<school>/summary,
docs/api.md), its label's text key (layouts/i18n.py), and which module computes it. Its DOM id on
the wall follows from the name by one rule (`Figure.dom_id`). The consumer's writers
(streams/registers.py, streams/swipes.py), the summary's reader and builder (queries/summary.py)
and the wall (dashboard/pages/wall/) take the field names, paths, ids and text keys from here, so
a figure is renamed in one place and `grep VISITORS_ON_CAMPUS` finds every place a figure passes through.

Kept as they were before this table (data in Redis and clients of the API depend on them): the
Redis field names and the JSON paths. The table is in document order, so the summary's sections
built from it keep the order docs/api.md shows. docs/api.md's table of figures is checked against
this one by tests/dashboard/test_figures.py (which also walks every figure from Redis to the
wall).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kernel import keys
from kernel.catalogue import ALERT_SEVERITIES, DOMAINS, GROUP, HAZARD_STAGES

RISK_COLOURS: tuple[str, ...] = ("red", "orange", "yellow", "blue")  # the four colours, highest first

# The count hashes' fields of a family: the prefix, then a member's code (a group, a gate, a
# stage, a severity, a domain). The writers add a prefix to a code the table has no row for (a
# gate; an older stored entry's group or stage): plain concatenation, as cheap as the f-string was.
PRESENT_PREFIX = "present|"  # keys.day_counts: people of the group whose latest swipe today is in
SEEN_PREFIX = "seen|"  # keys.day_counts: people of the group with a swipe today
CHECKINS_PREFIX = "checkins|"  # keys.day_counts: visitor check-ins today at the gate
STAGE_PREFIX = "stage|"  # keys.hazard_counts: hazards whose latest step is the stage
SEVERITY_PREFIX = "sev|"  # keys.alert_counts: open alerts of the severity
DOMAIN_ALERTS_PREFIX = "dom|"  # keys.alert_counts: open alerts of the domain

# Modules, as docs/api.md names them.
REGISTERS = "streams/registers.py"
SWIPES = "streams/swipes.py"
AGGREGATION = "streams/aggregation.py"
SUMMARY = "queries/summary.py"
LEDGER_FIGURES = "queries/ledger/figures.py"
WALL_PANELS = "dashboard/pages/wall/panels.py"


@dataclass(frozen=True, eq=False)  # one object per figure: hashed by identity, cheaply
class Figure:
    """One number. `name` is the one name; a family's members (one per domain, stage, severity,
    colour) share a `pattern` with "{}" where the member's code goes."""

    name: str
    json: str  # its path in the summary document, keys joined by ".": "visitors.on_campus"
    key: Callable[..., str]  # the Redis key it is read from (a kernel/keys.py function)
    field: str | None  # the hash field, or None when it is derived (`derived` says how)
    computes: tuple[str, ...]  # the modules that compute it: the writer(s), then any reader deriving it
    text: str  # its label's key in layouts/i18n.py TEXT; "" when the label is the member's own name
    means: str  # what it counts, for docs/api.md
    derived: str = ""  # how it is worked out from Redis when it is not one hash field
    ledger: str | None = None  # the SQL ledger's figure the wall prefers when present (summary path)
    wall: bool = True  # shown on the wall
    pattern: str = ""  # the family's name with "{}" for the member ("" when not in a family)
    member: str = ""  # the member's code
    each: str = ""  # what the family's members are: "domain", "severity", "stage", "colour"

    @property
    def dom_id(self) -> str:
        """The DOM rule: the name with "_" as "-"; a member's code is kept as it is (domain codes
        have underscores): visitors_on_campus -> visitors-on-campus, {}_1h -> personal_safety-1h."""
        return (self.pattern or self.name).replace("_", "-").replace("{}", self.member)

    @property
    def source(self) -> str:
        """Where it lives in Redis, as docs/api.md shows it."""
        where = f"`keys.{self.key.__name__}`"
        return f"{where} `{self.field}`" if self.field else f"{where}: {self.derived}"


def _family(pattern: str, each: str, members: Iterable[str], **spec) -> dict[str, Figure]:
    """One figure per member: "{}" in the pattern, the path, the field and the text is its code."""
    def fill(value):
        return value.replace("{}", member) if isinstance(value, str) else value
    family = {}
    for member in members:
        family[member] = Figure(name=pattern.replace("{}", member), pattern=pattern, member=member, each=each,
                                **{k: fill(v) for k, v in spec.items()})
    return family


# ---- the table, in the summary document's order ------------------------------------------------

EVENTS_TOTAL = Figure(
    "events_total", "events_total", keys.meta, "events", (AGGREGATION,), "",
    "valid events applied for the school (repeats not counted)", wall=False)

_WINDOW = "distinct valid events of the domain with an event time in the window"
DOMAIN_5M = _family(
    "{}_5m", "domain", DOMAINS, json="domains.{}.events.5m", key=keys.minute_counts, field=None, wall=False,
    derived="fields `{}|<minute>`, the last 5 minute buckets", computes=(AGGREGATION, SUMMARY),
    text="", means=_WINDOW + " (last 5 minutes)")
DOMAIN_1H = _family(
    "{}_1h", "domain", DOMAINS, json="domains.{}.events.1h", key=keys.minute_counts, field=None,
    derived="fields `{}|<minute>`, the last 60 minute buckets", computes=(AGGREGATION, SUMMARY),
    text="events_1h", means=_WINDOW + " (last hour)")
DOMAIN_24H = _family(
    "{}_24h", "domain", DOMAINS, json="domains.{}.events.24h", key=keys.hour_counts, field=None,
    derived="field `{}`, the last 24 hour buckets", computes=(AGGREGATION, SUMMARY),
    text="events_24h", means=_WINDOW + " (last 24 hours)")
DOMAIN_7D = _family(
    "{}_7d", "domain", DOMAINS, json="domains.{}.events.7d", key=keys.hour_counts, field=None, wall=False,
    derived="field `{}`, the last 168 hour buckets", computes=(AGGREGATION, SUMMARY),
    text="", means=_WINDOW + " (last 7 days)")
DOMAIN_ALERTS = _family(
    "{}_alerts", "domain", DOMAINS, json="domains.{}.alerts_open", key=keys.alert_counts,
    field=DOMAIN_ALERTS_PREFIX + "{}", computes=(REGISTERS,), text="alerts_pill",
    means="open alerts of the domain (raised, not yet resolved)")

VISITORS_ON_CAMPUS = Figure(
    "visitors_on_campus", "visitors.on_campus", keys.day_counts, "visitors_on_campus", (REGISTERS,),
    "visitors_on_campus", "distinct visitors whose latest visitor event today is a check-in")
VISITORS_TODAY = Figure(
    "visitors_today", "visitors.checked_in_today", keys.day_counts, "visitors_checked_in", (REGISTERS,),
    "visitors_today", "distinct visitors with a check-in today")
STAFF_PRESENT = Figure(
    "staff_present", "attendance.staff_present", keys.day_counts, PRESENT_PREFIX + "staff",
    (SWIPES, REGISTERS), "staff_present", "distinct staff whose latest attendance event today is in")
STUDENTS_PRESENT = Figure(
    "students_present", "attendance.students_present", keys.day_counts, PRESENT_PREFIX + "student",
    (SWIPES, REGISTERS), "students_present", "distinct students whose latest attendance event today is in")
STAFF_TODAY = Figure(
    "staff_today", "attendance.staff_today", keys.day_counts, SEEN_PREFIX + "staff",
    (SWIPES, REGISTERS), "staff_today", "distinct staff with any attendance event today")
STUDENTS_TODAY = Figure(
    "students_today", "attendance.students_today", keys.day_counts, SEEN_PREFIX + "student",
    (SWIPES, REGISTERS), "students_today", "distinct students with any attendance event today")
VEHICLES_ON_CAMPUS = Figure(
    "vehicles_on_campus", "vehicles.on_campus", keys.day_counts, "vehicles_on_campus", (SWIPES, REGISTERS),
    "vehicles_on_campus", "distinct plates whose latest gate event today is an entry")
VEHICLES_TODAY = Figure(
    "vehicles_today", "vehicles.seen_today", keys.day_counts, "vehicles_seen", (SWIPES, REGISTERS),
    "vehicles_today", "distinct plates seen today")

ALERTS_OPEN = Figure(
    "alerts_open", "alerts.open", keys.alert_counts, None, (REGISTERS, SUMMARY), "alerts_total",
    "open alerts (acknowledged ones included)", derived="the sum of the `sev|<severity>` fields")
ALERTS_BY_SEVERITY = _family(
    "alerts_{}", "severity", ALERT_SEVERITIES, json="alerts.by_severity.{}", key=keys.alert_counts,
    field=SEVERITY_PREFIX + "{}", computes=(REGISTERS,), text="", means="open alerts of the severity")
ALERTS_ESCALATED = Figure(
    "alerts_escalated", "alerts.escalated", keys.open_alerts, None, (REGISTERS, SUMMARY), "alerts_escalated",
    "open alerts still new past their severity's acknowledgement deadline",
    derived="entries still `new` past the deadline (ledger/escalation.py)")

HAZARD_STAGE = _family(
    "hazards_stage_{}", "stage", HAZARD_STAGES, json="hazards.by_stage.{}", key=keys.hazard_counts,
    field=STAGE_PREFIX + "{}", computes=(REGISTERS,), text="stage_{}", ledger="ledger.hazards.by_stage.{}",
    means="hazards whose latest lifecycle step is the stage")
HAZARDS_OPEN = Figure(
    "hazards_open", "hazards.open", keys.hazard_counts, None, (REGISTERS, SUMMARY), "hazards_open",
    "hazards in any stage but `accepted`", derived="the sum of the `stage|<stage>` fields but accepted",
    ledger="ledger.hazards.open")
HAZARDS_OVERDUE = Figure(
    "hazards_overdue", "hazards.overdue", keys.hazard_deadlines, None, (REGISTERS, SUMMARY),
    "hazards_overdue", "open hazards past their deadline", derived="members due by now",
    ledger="ledger.hazards.overdue")
HAZARDS_DUE_SOON = Figure(
    "hazards_due_soon", "hazards.due_soon", keys.hazard_deadlines, None, (REGISTERS, SUMMARY),
    "hazards_due_soon", "open hazards due within three days", derived="members due within three days",
    ledger="ledger.hazards.due_soon")
HAZARDS_MAJOR = Figure(
    "hazards_major", "hazards.major_open", keys.hazard_counts, "major_open", (REGISTERS,), "hazards_major",
    "open major hazards", ledger="ledger.hazards.major_open")

# The SQL ledger's, kept in Redis by the recorder as one JSON value (keys.ledger_figures).
HAZARDS_RATE = Figure(
    "hazards_rate", "ledger.hazards.rectification_rate", keys.ledger_figures, None,
    (LEDGER_FIGURES, WALL_PANELS),
    "hazards_rate", "查改率: hazards closed over hazards found in the last 365 days (the wall shows a "
    "percentage; without the ledger's figures, accepted over all stages of `hazards.by_stage`)",
    derived="`hazards.rectification_rate` of the JSON value")
RISK = _family(
    "risk_{}", "colour", RISK_COLOURS, json="ledger.risk.by_colour.{}", key=keys.ledger_figures, field=None,
    derived="`risk.by_colour.{}` of the JSON value", computes=(LEDGER_FIGURES,), text="risk_{}",
    means="risk points graded in the colour")
# Routine inspections this local month (issue 15, queries/ledger/figures.py `month_inspections`): the
# hazard panel's line "巡查 本月 漏检 N / 迟检 M".
INSPECTIONS_MISSED = Figure(
    "inspections_missed", "ledger.inspections.month.missed", keys.ledger_figures, None, (LEDGER_FIGURES,),
    "inspections_missed", "inspection periods of this month that ended without a signed inspection "
    "(ledger/inspection_schedule.py)", derived="`inspections.month.missed` of the JSON value")
INSPECTIONS_LATE = Figure(
    "inspections_late", "ledger.inspections.month.late", keys.ledger_figures, None, (LEDGER_FIGURES,),
    "inspections_late", "inspection periods of this month signed after the period ended",
    derived="`inspections.month.late` of the JSON value")

FIGURES: tuple[Figure, ...] = (
    EVENTS_TOTAL,
    *(f[d] for d in DOMAINS for f in (DOMAIN_5M, DOMAIN_1H, DOMAIN_24H, DOMAIN_7D, DOMAIN_ALERTS)),
    VISITORS_ON_CAMPUS, VISITORS_TODAY,
    STAFF_PRESENT, STUDENTS_PRESENT, STAFF_TODAY, STUDENTS_TODAY,
    VEHICLES_ON_CAMPUS, VEHICLES_TODAY,
    ALERTS_OPEN, *ALERTS_BY_SEVERITY.values(), ALERTS_ESCALATED,
    *HAZARD_STAGE.values(), HAZARDS_OPEN, HAZARDS_OVERDUE, HAZARDS_DUE_SOON, HAZARDS_MAJOR,
    HAZARDS_RATE, *RISK.values(), INSPECTIONS_MISSED, INSPECTIONS_LATE,
)
BY_NAME: dict[str, Figure] = {f.name: f for f in FIGURES}
WALL_FIGURES: tuple[Figure, ...] = tuple(f for f in FIGURES if f.wall)
# The attendance figures by the group code events carry (kernel.catalogue.GROUP).
PRESENT: dict[str, Figure] = {"staff": STAFF_PRESENT, "student": STUDENTS_PRESENT}
SEEN: dict[str, Figure] = {"staff": STAFF_TODAY, "student": STUDENTS_TODAY}
assert set(PRESENT) == set(SEEN) == set(GROUP[2]), "an attendance group without its figures"
assert len(BY_NAME) == len(FIGURES) and len({f.dom_id for f in FIGURES}) == len(FIGURES), "a name twice"


def section(values: dict[Figure, object], prefix: str) -> dict:
    """The part of the summary document under `prefix` ("visitors", "domains.environment.events")
    made of the figures' values, in the table's order: {"on_campus": 37, "checked_in_today": 112}."""
    start = prefix + "."
    document: dict = {}
    for figure, value in values.items():
        if figure.json.startswith(start):
            *parents, leaf = figure.json[len(start):].split(".")
            place = document
            for parent in parents:
                place = place.setdefault(parent, {})
            place[leaf] = value
    return document


def at(document: dict | None, path: str, missing: object = None) -> object:
    """The value at a summary path; `missing` when the last key is absent from its dict, None when
    a dict on the way is."""
    *parents, leaf = path.split(".")
    for parent in parents:
        document = (document or {}).get(parent)
    if not isinstance(document, dict):
        return None
    return document.get(leaf, missing)
