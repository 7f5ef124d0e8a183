"""The JSON API of the SQL ledger (docs/api.md): hazards, risk points, alerts, campaigns, the
assessment and the site plan of a school, under /api/v1/schools/<school>/.

Its own blueprint beside the live one (dashboard/api.py) so the ledger being unreachable turns
into a 503 here only: the live endpoints and the wall read Redis and carry on. Views are thin:
check the parameters, read through queries/ledger, shape with dashboard/ledger_json.
"""
from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ledger_json as shape
from dashboard import params
from dashboard.api import API_PREFIX, error
from dashboard.services import services
from kernel.contract import SCHOOL_ID
from ledger import alert_flow, grading, hazard_loop
from queries.ledger import alerts, assessment, campaigns, hazards, lookups, org, risk_points
from queries.ledger.alerts import SEVERITY_ORDER

LEDGER_DOWN = "safety ledger unavailable"
NOT_IN_LEDGER = "no such school in the safety ledger"
COLOURS = tuple(grading.COLOUR_OF_LEVEL.values())

ledger_api = Blueprint("ledger_api", __name__, url_prefix=API_PREFIX + "/schools/<school>")


@ledger_api.errorhandler(SQLAlchemyError)
def _ledger_down(exc: SQLAlchemyError):
    # Connection refused, a dead server, a schema not yet created: all temporary for a client.
    return error(503, LEDGER_DOWN, detail=type(exc).__name__)


@ledger_api.errorhandler(params.BadParameter)
def _bad_parameter(exc: params.BadParameter):
    response = jsonify(exc.body())
    response.status_code = 400
    return response


class _UnknownSchool(LookupError):
    pass


@ledger_api.errorhandler(_UnknownSchool)
def _unknown_school(exc: _UnknownSchool):
    return error(404, NOT_IN_LEDGER, school=str(exc))


def _school(session, code: str):
    # An id the contract would refuse cannot be a school: no need to ask the database.
    found = org.find_school(session, code) if SCHOOL_ID.fullmatch(code) else None
    if found is None:
        raise _UnknownSchool(code)
    return found


def _args(*filters: str) -> params.Page:
    params.check_known(request.args, (*params.PAGING, *filters))
    return params.page(request.args)


@ledger_api.get("/hazards")
def hazard_list(school: str):
    page = _args("stage", "grade", "unit", "overdue", "building")
    a = request.args
    filters = hazards.HazardFilter(
        stage=params.choice(a, "stage", hazard_loop.STAGES), grade=params.choice(a, "grade", hazard_loop.GRADES),
        unit=params.code(a, "unit"), overdue=params.boolean(a, "overdue"), building=params.code(a, "building"))
    live = services()
    now = live.now()
    with live.ledger_reads() as session:
        found = _school(session, school)
        rows, total = hazards.list_hazards(session, school_id=found.id, filters=filters, now=now,
                                           offset=page.offset, limit=page.per_page)
        codes = lookups.codes_for(session, rows, units=("responsible_unit_id",))
        items = [shape.hazard_item(h, codes, now=now, due_soon_days=live.settings.hazard_due_soon_days,
                                   tz=live.settings.tz) for h in rows]
    return jsonify(page.envelope(school, items, total))


@ledger_api.get("/hazards/<code>")
def hazard_detail(school: str, code: str):
    params.check_known(request.args, ())
    live = services()
    now = live.now()
    with live.ledger_reads() as session:
        found = _school(session, school)
        hazard = hazards.get(session, school_id=found.id, code=code)
        if hazard is None:
            return error(404, "no such hazard in this school's ledger", school=school, hazard=code)
        codes = lookups.codes_for(session, [hazard], units=("responsible_unit_id",),
                                  risk_points_attr="risk_point_id")
        body = shape.hazard_detail(hazard, codes, now=now, due_soon_days=live.settings.hazard_due_soon_days,
                                   tz=live.settings.tz)
    return jsonify({"school": school, **body})


@ledger_api.get("/risk-points")
def risk_point_list(school: str):
    page = _args("level", "colour", "building", "unit")
    a = request.args
    level, colour = params.choice(a, "level", grading.LEVELS), params.choice(a, "colour", COLOURS)
    building_code, unit_code = params.code(a, "building"), params.code(a, "unit")
    live = services()
    today = live.now().date()
    with live.ledger_reads() as session:
        found = _school(session, school)
        if colour and level and grading.COLOUR_OF_LEVEL[level] != colour:
            rows, total = [], 0  # filters combine with AND: a level of another colour matches nothing
        else:
            building = org.building(session, found.id, building_code) if building_code else None
            unit = org.unit_by_code(session, unit_code) if unit_code else None
            rows, total = risk_points.list_risk_points(
                session, school_id=found.id, level=level or (grading.LEVEL_OF_COLOUR[colour] if colour else None),
                # An unknown code filters to nothing, as an unknown stage would (-1 is no row's id).
                building_id=(building.id if building else -1) if building_code else None,
                unit_id=(unit.id if unit else -1) if unit_code else None,
                offset=page.offset, limit=page.per_page)
        codes = lookups.codes_for(session, rows, units=("unit_id",))
        items = [shape.risk_point_item(p, codes, today=today, review_days=live.settings.risk_review_days)
                 for p in rows]
    return jsonify(page.envelope(school, items, total))


@ledger_api.get("/alerts")
def alert_list(school: str):
    page = _args("state", "severity", "open")
    a = request.args
    state, severity = params.choice(a, "state", alert_flow.STATES), params.choice(a, "severity", SEVERITY_ORDER)
    open_only = params.boolean(a, "open")
    live = services()
    with live.ledger_reads() as session:
        found = _school(session, school)
        if open_only is False:  # open=false: the resolved ones, combined with `state` by AND
            state, empty = "resolved", state not in (None, "resolved")
        else:
            empty = open_only is True and state == "resolved"
        rows, total = ([], 0) if empty else alerts.list_alerts(
            session, school_id=found.id, state=state, severity=severity, open_only=bool(open_only),
            offset=page.offset, limit=page.per_page)
        items = [shape.alert_item(row, live.settings.tz) for row in rows]
    return jsonify(page.envelope(school, items, total))


@ledger_api.get("/campaigns")
def campaign_list(school: str):
    page = _args()
    live = services()
    today = live.now().date()
    with live.ledger_reads() as session:
        every = campaigns.list_campaigns(session, school=_school(session, school), today=today)
    items = [shape.campaign_item(c, live.settings.tz) for c in page.cut(every)]
    return jsonify(page.envelope(school, items, len(every)))


@ledger_api.get("/assessment")
def assessment_scores(school: str):
    page = _args()
    live = services()
    now = live.now()
    with live.ledger_reads() as session:
        every = assessment.school_scores(session, school=_school(session, school), today=now.date(), now=now,
                                         review_days=live.settings.risk_review_days, rules=live.assessment_rules)
    body = page.envelope(school, page.cut(every), len(every))
    return jsonify({**body, "period": str(now.year)})


@ledger_api.get("/site-plan")
def site_plan(school: str):
    params.check_known(request.args, ())
    with services().ledger_reads() as session:
        return jsonify(lookups.site_plan(session, _school(session, school)))


def register(server: Flask) -> None:
    server.register_blueprint(ledger_api)
