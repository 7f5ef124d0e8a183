"""Who may use what: the one table of the web app's permissions, and the pure checks over it.

Every route of the Flask server is named in ROUTES or BLUEPRINTS, every Dash page in PAGES, and a
page's callbacks need what the page needs (dashboard/access.py learns which callbacks are whose
when the app factory registers them). Anything not named here is refused, whoever asks, and
tests/dashboard/test_access.py enumerates the registered routes and callbacks, so a new one
without an entry fails there before it can be refused in production. Issue 5 adds the users'
pages and actions (alert handling for `duty`, management for `admin`) as new permissions here.
"""
from __future__ import annotations

from dataclasses import dataclass

# Permissions.
PUBLIC = "public"  # no principal needed: Dash's scripts and styles, the favicon, the health check
SHELL = "shell"  # Dash's layout and callback list: the empty frame every page is drawn in, no data
WALL = "wall.view"  # the video wall's pages and their callbacks
API_READ = "api.read"  # GET /api/v1/…
ACCOUNT = "account"  # a signed-in person's own session: sign out, who am I (not a wall token)
DUTY_VIEW = "duty.view"  # the duty console and its reports, read
ALERT_HANDLE = "alert.handle"  # acknowledge, dispatch, resolve alerts
HAZARD_COMMENT = "hazard.comment"  # comment on a hazard in the ledger
LEAD_VIEW = "lead.view"  # leadership's pages on tablets (/lead/...): read only, every one of them
# The wall and the summary at a past minute (issue 18, 事后评估; dashboard/wall_past.py): ?at= on the wall
# and the summary API. Never a kiosk's wall token: its ?at= is ignored on the wall, refused by the API.
WALL_PAST = "wall.past"
ADMIN = "admin.manage"  # users, tokens, master data
# The hazard loop and inspections, worked by people on phones (issue 15). A permission lets a person
# ask; the ledger's commands then hold each step to the hazard's school and stage, and WORK to the
# hazard's responsible person (ledger/commands/hazard_work.py, docs/hazards.md).
HAZARD_REPORT = "hazard.report"  # report a hazard (随手拍), with photos; see one's own reports
HAZARD_ASSIGN = "hazard.assign"  # grade it, name the responsible unit, person and deadline (整改通知)
HAZARD_WORK = "hazard.work"  # rectify a hazard assigned to oneself and feed back, with photos
HAZARD_ACCEPT = "hazard.accept"  # accept (验收销号) or reject a rectification
HAZARD_SUPERVISE = "hazard.supervise"  # list a school's hazard for supervision (挂牌督办), from a unit above it
INSPECT = "inspection.do"  # do the inspections due, item by item
INSPECTION_PLAN = "inspection.plan"  # plan inspections: what, which checklist, how often, by whom
DRILL_RECORD = "drill.record"  # record drills and trainings (issue 16; ledger/commands/drills.py RECORDERS)
# Reporting up (issue 17, 报送; ledger/commands/reporting.py holds each step to the school or the unit above it).
REPORT_SUBMIT = "report.submit"  # a school's safety head or admin: the school's reports to its district
REPORT_RECEIVE = "report.receive"  # a district's leaders and admins: receipt (签收) or return (退回) them
PHOTO_UPLOAD = "photo.upload"  # send a photo for a report, a rectification or an inspection
PHOTO_VIEW = "photo.view"  # see the photos of hazards in one's scope
# Supervising down (issue 17, ledger/commands/supervision.py, notices.py): the ledger holds each to the
# person's unit (an officer's district, city or province; a school person's own school).
SUPERVISION_OPEN = "supervision.open"  # open, return and close supervision items (督办), from a unit above schools
SUPERVISION_ANSWER = "supervision.answer"  # a school answers its supervision items, with photos
NOTICE_WRITE = "notice.write"  # publish notices (通报) to the schools below, see their read receipts
NOTICE_READ = "notice.read"  # read the notices to one's school and confirm them (已阅)
INCIDENT_REVIEW = "incident.review"  # write an alert's incident review (事后评估, issue 18): findings, measures
# Only a signed-in person, never a token of the same role, works hazards and inspections and sees
# their photos: every step names who took it, and a photo is for people whose scope covers it.
PERSON_ONLY = frozenset({HAZARD_REPORT, HAZARD_ASSIGN, HAZARD_WORK, HAZARD_ACCEPT, HAZARD_SUPERVISE, INSPECT,
                         INSPECTION_PLAN, PHOTO_UPLOAD, PHOTO_VIEW, DRILL_RECORD, SUPERVISION_OPEN,
                         SUPERVISION_ANSWER, NOTICE_WRITE, NOTICE_READ, REPORT_SUBMIT, REPORT_RECEIVE,
                         INCIDENT_REVIEW})
# Issue 12, "IT can see its health": GET /metrics, for a Prometheus scraper, which is no principal
# of the ledger's: no role has it; the guard lets in the METRICS_TOKEN or a METRICS_ALLOW address
# (dashboard/metrics.py) instead.
METRICS = "metrics.scrape"

_READ = frozenset({SHELL, WALL, API_READ})
# Every person (never a token) reports hazards, works the ones assigned to them, and sends and sees
# the photos that go with them.
_PERSON = frozenset({ACCOUNT, HAZARD_REPORT, HAZARD_WORK, PHOTO_UPLOAD, PHOTO_VIEW})
# What each role (ledger.models.ROLES) may do. The wall token is read-only and reaches no page
# but the wall's; leadership reads everything and supervises (from a district, ledger/org_scope.py);
# duty officers also handle alerts, comment on hazards and inspect; the safety office runs the loop
# and the inspections of its school; inspectors inspect and accept; a reporter (a teacher, a student's
# school account) reports and works what is assigned to them, and reads none of the screens;
# admins may do everything.
GRANTS: dict[str, frozenset[str]] = {
    "wall": _READ,
    "leader": _READ | _PERSON | {DUTY_VIEW, LEAD_VIEW, WALL_PAST, HAZARD_SUPERVISE, SUPERVISION_OPEN, NOTICE_WRITE,
                                 NOTICE_READ, REPORT_RECEIVE, INCIDENT_REVIEW},
    "duty": _READ | _PERSON | {DUTY_VIEW, LEAD_VIEW, WALL_PAST, ALERT_HANDLE, HAZARD_COMMENT, INSPECT, NOTICE_READ,
                               INCIDENT_REVIEW},
    "safety": _READ | _PERSON | {DUTY_VIEW, LEAD_VIEW, WALL_PAST, HAZARD_COMMENT, HAZARD_ASSIGN, HAZARD_ACCEPT, INSPECT,
                                 INSPECTION_PLAN, DRILL_RECORD, SUPERVISION_ANSWER, NOTICE_READ, REPORT_SUBMIT,
                                 INCIDENT_REVIEW},
    "inspector": _READ | _PERSON | {HAZARD_ACCEPT, INSPECT, NOTICE_READ},
    "reporter": frozenset({SHELL}) | _PERSON,
    "admin": _READ | _PERSON | {DUTY_VIEW, LEAD_VIEW, WALL_PAST, ALERT_HANDLE, HAZARD_COMMENT, ADMIN, HAZARD_ASSIGN,
                                HAZARD_ACCEPT, HAZARD_SUPERVISE, INSPECT, INSPECTION_PLAN, DRILL_RECORD,
                                SUPERVISION_OPEN, SUPERVISION_ANSWER, NOTICE_WRITE, NOTICE_READ, REPORT_SUBMIT,
                                REPORT_RECEIVE, INCIDENT_REVIEW},
}

# Route kinds whose permission depends on what is asked for, resolved per request.
PAGE = "page"  # a Dash page: the permission PAGES gives the page the path names
CALLBACK = "callback"  # a Dash callback: the permission of the page that registered it
# POST /api/v1/events (issue 12): a campus system proves itself with its source key
# (dashboard/source_keys.py, checked by the guard), never with a token or a person's session. No
# role is granted it, so no principal ever may; a source key opens nothing else.
SOURCE = "source"

# Flask endpoints (Dash names its own by their rule, under the default "/" prefix).
ROUTES: dict[str, str] = {
    "static": PUBLIC,  # Flask's own static folder: the app has none
    "_dash_assets.static": PUBLIC,  # assets/: CSS, JS, fonts; never data
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": PUBLIC,
    "/_favicon.ico": PUBLIC,
    "health.healthz": PUBLIC,  # load balancers ask it: which part is up; no secrets (dashboard/health.py)
    "metrics.metrics": METRICS,  # GET /metrics: Prometheus text, for the metrics token or network
    "/_dash-layout": SHELL,
    "/_dash-dependencies": SHELL,
    "/_reload-hash": SHELL,  # Dash's hot reload, debug mode only
    "/_dash-update-component": CALLBACK,
    "/": PAGE,
    "/<path:path>": PAGE,
    "alias:/wall": PAGE,  # redirects to the wall, keeping the query
    "duty_api.handover_report": DUTY_VIEW,  # GET /api/v1/schools/<school>/handover: the shift report
    "duty_api.handover_pdf": DUTY_VIEW,  # GET /api/v1/schools/<school>/handover.pdf: the same, as PDF
    # The monthly reports as documents (issue 17): the unit is held to the caller's scope in the view
    # (dashboard/api_reports.readable_unit), a school to their schools, a unit above to their own or below.
    "reports_api.kept_documents": LEAD_VIEW,  # GET /api/v1/units/<unit>/reports
    "reports_api.document": LEAD_VIEW,  # GET /api/v1/units/<unit>/reports/<YYYY-MM>.pdf|.xlsx
    "duty_api.hazard_comment": HAZARD_COMMENT,  # POST /api/v1/schools/<school>/hazards/<code>/comments
    "auth.login": PUBLIC,  # the sign-in form and its POST (rate limited, dashboard/login/)
    "auth.logout": ACCOUNT,
    "auth.me": API_READ,  # GET /api/v1/me: who am I, for any principal
    "alerts_api.act": ALERT_HANDLE,  # POST /api/v1/alerts/<id>/<acknowledge|dispatch|resolve>
    "alerts_api.history": DUTY_VIEW,  # GET /api/v1/alerts/<id>/history
    "alerts_api.review_pdf": DUTY_VIEW,  # GET /api/v1/alerts/<id>/review.pdf: the incident review (事后评估)
    "lead_api.hazard_export": LEAD_VIEW,  # GET /lead/hazards.xlsx: the hazard ledger as filtered, in Excel
    "audit_api.audit_xlsx": ADMIN,  # GET /admin/audit.xlsx: the audit log as filtered (issue 14)
    "audit_api.audit_csv": ADMIN,  # GET /admin/audit.csv
    "events_api.receive": SOURCE,  # POST /api/v1/events: campus systems send events (dashboard/api_events.py)
    "wall_stream.stream": WALL,  # GET /wall/stream: a school wall pushed as server-sent events (issue 18)
    "plans.image": WALL,  # GET /plans/<school>/<campus>: a campus plan image; the maps draw it (issue 14)
    "district_maps.image": WALL,  # GET /district-maps/<unit>: the district wall's map, held to the unit there
    # The register (issue 14, dashboard/admin_register.py): the school is checked against the admin's scope there.
    "admin_register.risk_card": ADMIN,  # GET /admin/risks/<school>/<code>/card: the risk notice card
    "admin_register.import_upload": ADMIN,  # POST /admin/imports/upload: a spreadsheet to import
    # Photos of hazards and inspections (issue 15, dashboard/photos.py): the school is the person's, checked there.
    "photos.upload": PHOTO_UPLOAD,  # POST /photos: one photo, cleaned and kept; answers its id and addresses
    "photos.original": PHOTO_VIEW,  # GET /photos/<key>: to whoever may read the photo's school
    "photos.thumbnail": PHOTO_VIEW,  # GET /photos/<key>/thumbnail
    # The phone pages (issue 15): what they send besides photos; the school is the person's, checked there.
    "alias:/report": PAGE,  # printed risk cards' QR codes: /report?school=&point= redirects to /m/report
    "phone_report.send": HAZARD_REPORT,  # POST /m/report/send: a report (随手拍) as JSON; answers its code
}
# Every endpoint of these blueprints, for the safe methods; another method is refused until it
# has an entry of its own.
BLUEPRINTS: dict[str, str] = {"api": API_READ, "ledger_api": API_READ}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Dash pages by the name they register with; a path no page has shows Dash's "not found": SHELL.
PAGES: dict[str, str] = {
    "wall": WALL, "duty": DUTY_VIEW,
    "district_wall": WALL,  # /district?unit= (issue 17): held to the unit's schools by its callback
    # Leadership (issue 6): every page reads; none has a callback that writes.
    "lead_overview": LEAD_VIEW, "lead_domain": LEAD_VIEW, "lead_hazards": LEAD_VIEW, "lead_risks": LEAD_VIEW,
    "lead_campaigns": LEAD_VIEW, "lead_assessment": LEAD_VIEW, "lead_district": LEAD_VIEW,
    # Administration (issue 14): every page and its callbacks need ADMIN; what an admin may change is
    # then held to their unit by the ledger's commands (ledger/org_scope.py).
    "admin_org": ADMIN, "admin_audit": ADMIN, "admin_rules": ADMIN, "admin_sites": ADMIN,
    "admin_risks": ADMIN, "admin_devices": ADMIN, "admin_imports": ADMIN,  # the register (issue 14)
    "admin_campaigns": ADMIN,
    "admin_cards": ADMIN,  # response cards (issue 16), held to the admin's unit by the ledger's commands
    "admin_oncall": ADMIN,  # the on-call roster (issue 16), held to the admin's unit
    "admin_users": ADMIN, "admin_tokens": ADMIN,  # people and wall tokens, held to the admin's unit
    "admin_notify": ADMIN,  # notification channels (issue 16), held to the admin's unit
    "admin_district_map": ADMIN,  # the district wall's map (issue 17), held to the admin's unit
    # Everyone signed in changes their own password (never a wall token: it has no ACCOUNT).
    "account_password": ACCOUNT,
    # The phone pages (issue 15, /m/...): each needs its part of the hazard loop or inspections; the
    # ledger holds each step to the person's scope (an inspection to the person's own plans).
    "phone_report": HAZARD_REPORT,
    "phone_inspections": INSPECT, "phone_inspection": INSPECT,
    # My work and a hazard's page: every person opens them; each step's callback needs the step's own
    # permission (HAZARD_ASSIGN, _WORK, _ACCEPT, _SUPERVISE), and the ledger holds it to scope and stage.
    "phone_work": HAZARD_REPORT, "phone_hazard": HAZARD_REPORT,
    # The safety office's inspection plans (issue 15): drawn in the leadership frame, but they write.
    "inspection_plans": INSPECTION_PLAN,
    "drills": DRILL_RECORD,  # drills and trainings (issue 16), in the leadership frame too
    # Supervising down (issue 17): the bureau's side and the school's, held to the person's unit by the ledger.
    "bureau_supervision": SUPERVISION_OPEN, "bureau_notices": NOTICE_WRITE,
    "supervision": SUPERVISION_ANSWER, "notices": NOTICE_READ,
    # Reporting up (issue 17): the school's reports, and the district's view of its schools' reports.
    "reports": REPORT_SUBMIT, "bureau_reports": REPORT_RECEIVE,
    # An alert's incident review (issue 18): read by whoever sees the duty console; saving needs INCIDENT_REVIEW.
    "incident_review": DUTY_VIEW,
}


@dataclass(frozen=True)
class Principal:
    """Who a request comes from: a role, the token or the signed-in person that proved it, the
    schools it may see."""

    role: str
    token_id: int | None = None
    schools: frozenset[str] | None = None  # None: every school
    user_id: int | None = None  # a person (ledger.models.User), signed in; None for a token
    username: str | None = None
    display_name: str | None = None
    # The organisation unit a person works for, by code (ledger/org_scope.py): `schools` is already
    # resolved from it; administration asks it what lies below. None: the whole tree (or a token).
    unit: str | None = None

    @property
    def actor(self) -> str:
        """Who the audit trail says acted: the person's username, or the token that acted."""
        return self.username or f"token:{self.token_id}"

    def may(self, permission: str | None) -> bool:
        if permission in PERSON_ONLY and self.user_id is None:
            return False
        return permission == PUBLIC or (permission is not None and permission in GRANTS.get(self.role, ()))

    def may_read_school(self, school: str) -> bool:
        return self.schools is None or school in self.schools


# Where a person lands after signing in when no page asked for them: the first of these their role
# may open (a reporter or an inspector may not open the duty console: they land on their phone's "my
# work", issue 15).
HOMES: tuple[tuple[str, str], ...] = (("duty", "/duty"), ("lead_overview", "/lead"), ("phone_work", "/m"),
                                      ("account_password", "/account/password"))


def home_for(principal: Principal) -> str:
    return next((path for page, path in HOMES if principal.may(PAGES[page])), HOMES[-1][1])


def route_permission(endpoint: str, method: str) -> str | None:
    """The permission (or PAGE / CALLBACK) a Flask endpoint needs; None: not in the table, refused."""
    if endpoint in ROUTES:
        return ROUTES[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    if blueprint in BLUEPRINTS and method in SAFE_METHODS:
        return BLUEPRINTS[blueprint]
    return None


def page_permission(page_name: str | None) -> str | None:
    """What a page needs; a path that is no page needs SHELL (Dash answers "not found")."""
    return SHELL if page_name is None else PAGES.get(page_name)


def verdict(principal: Principal | None, permission: str | None, school: str | None = None) -> int:
    """200 allowed, 401 nobody is asking, 403 this principal may not (or not for this school)."""
    if permission == PUBLIC:
        return 200
    if principal is None:
        return 401
    if not principal.may(permission) or (school is not None and not principal.may_read_school(school)):
        return 403
    return 200
