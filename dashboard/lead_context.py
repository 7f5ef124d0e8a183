"""What every leadership page resolves first: the language, the schools the caller may read and
the one shown (a layouts.lead_view.LeadView, whose links keep them).

The pages read the ledger (SQL); which schools a person reads comes from their account
(`user_schools`, or every school), enforced by the guard for the API and here for pages: a page
asked for a school its caller may not read shows the refusal and no figures.
"""
from __future__ import annotations

from dataclasses import replace

from dashboard.access import csrf_token, current
from dashboard.roles import (
    DRILL_RECORD,
    INSPECTION_PLAN,
    NOTICE_READ,
    NOTICE_WRITE,
    REPORT_RECEIVE,
    REPORT_SUBMIT,
    SUPERVISION_ANSWER,
    SUPERVISION_OPEN,
    Principal,
)
from dashboard.services import services
from layouts.i18n import Language, language
from layouts.lead_view import LeadView, pick_school


def resolve(school: object, lang: object, schools: dict[str, dict] | None = None) -> LeadView:
    """The view a page asked with ?school=&lang= gets. `schools` is the ledger's schools by code
    (read here when not given; None from the ledger means it cannot be read)."""
    lang = language(lang)
    principal = current()
    csrf = csrf_token() if principal is not None and principal.user_id is not None else None
    plans_tab = principal is not None and principal.may(INSPECTION_PLAN)
    drills_tab = principal is not None and principal.may(DRILL_RECORD)
    reports_tab = principal is not None and principal.may(REPORT_SUBMIT)
    bureau_tab = principal is not None and principal.may(REPORT_RECEIVE)
    return replace(_resolve(school, lang, principal, schools), csrf=csrf, plans_tab=plans_tab, drills_tab=drills_tab,
                   reports_tab=reports_tab, bureau_tab=bureau_tab, more_tabs=more_tabs(principal))


def more_tabs(principal: Principal | None) -> frozenset[str]:
    """Of the supervision and notice pages, those the caller may open; an officer (who writes them) gets
    the bureau's, not the school's page of the same thing."""
    if principal is None:
        return frozenset()
    pages = set()
    for bureau, school, writes, reads in (("bureau_supervision", "supervision", SUPERVISION_OPEN, SUPERVISION_ANSWER),
                                         ("bureau_notices", "notices", NOTICE_WRITE, NOTICE_READ)):
        if principal.may(writes) and (principal.unit is None or principal.schools is None
                                      or principal.unit not in principal.schools):
            pages.add(bureau)
        elif principal.may(reads):
            pages.add(school)
    return frozenset(pages)


def _resolve(school: object, lang: Language, principal: Principal | None, schools: dict[str, dict] | None
             ) -> LeadView:
    if schools is None:
        schools = services().ledger_schools()
    if schools is None:
        return LeadView(lang, None, {}, "ledger_down", principal)
    readable = {code: names for code, names in schools.items()
                if principal is not None and principal.may_read_school(code)}
    return pick_school(lang, school, readable, principal)
