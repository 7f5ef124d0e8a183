"""The phone's report page: /m/report[?school=&point=][&draft=][&lang=en], for everyone who reports
(HAZARD_REPORT). /report (what printed risk notice cards' QR codes hold, dashboard/risk_cards.py)
redirects here keeping its query (dashboard/app.py).

What the address asks for is a wish, never trusted: a point is used only when it is a point in use of
a school the person reads (else it is ignored and the page says so); a draft only when it is a failed
item the person recorded, in a school they read. The report route checks both again when it is sent."""
from __future__ import annotations

import dash

from dashboard import roles
from dashboard.pages.phone_report.text import tr
from dashboard.pages.phone_report.view import DraftStart, ReportStart, body
from dashboard.phone_context import phone_layout
from kernel.contract import SCHOOL_ID
from kernel.row_ids import row_id
from layouts.i18n import language
from ledger.commands.photos import MAX_PER_STEP
from ledger.hazard_work_rules import TEXT_MAX
from queries.ledger.inspections import hazard_draft
from queries.ledger.report_places import report_places, risk_point_place

PAGE = "phone_report"
PATH = "/m/report"
CODE_MAX = 64
dash.register_page(__name__, path=PATH, name=PAGE, title="随手拍 · 校园安全")


def _one(value: object) -> str | None:
    """One short value of the address (a list when repeated: then the first), or None."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value and len(value) <= CODE_MAX and value.isprintable() else None


def draft_of(db, person, value: object) -> tuple[DraftStart | None, bool]:
    """(the draft, whether one was asked for and not used)."""
    wanted = _one(value)
    if wanted is None:
        return None, value is not None
    as_id = row_id(wanted)  # a database integer; "²" is a digit to str.isdigit, not to int() (a 400)
    found = hazard_draft(db, user_id=person.user_id, result_id=as_id) if as_id is not None else None
    if found is None or found.found_by != person.username or not person.reads(found.school):
        return None, True
    text = found.description + (f"\n{found.note}" if found.note else "")
    return DraftStart(found.result_id, found.school, found.building, found.zone, found.risk_point,
                      found.risk_point_name, text, tuple(found.photo_keys), found.reported_as), False


def read(school: object, point: object, draft: object):
    def reading(db, _view, person) -> ReportStart:
        notices = []
        started, ignored = draft_of(db, person, draft)
        if ignored:
            notices.append("draft_ignored")
        scanned = None
        school_code, point_code = _one(school), _one(point)
        if point_code is not None and started is None:
            if school_code is not None and SCHOOL_ID.fullmatch(school_code):
                scanned = risk_point_place(db, person.schools, school_code, point_code)
            if scanned is None:
                notices.append("point_ignored")
        return ReportStart(person.user_id, tuple(report_places(db, person.schools)), scanned, started,
                           tuple(notices), MAX_PER_STEP, TEXT_MAX)
    return reading


def layout(lang: object = None, school: object = None, point: object = None, draft: object = None, **_other):
    return phone_layout(lang, PAGE, roles.HAZARD_REPORT, read(school, point, draft), body,
                        title=tr(language(lang), "title"), path=PATH)
