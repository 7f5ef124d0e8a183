"""The leadership pages' navigation and a request's view of them, pure: which pages there are, the
language, the schools the caller reads and the one shown, and links to another page keeping them.

dashboard/lead_context.py resolves a request into a LeadView (the caller, the ledger's schools);
everything here works on plain values, so the frame and the pages' builders can use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode

from layouts.i18n import Language

# The leadership pages in navigation order: (page name, path, text key of layouts/lead_text.py).
# The district page is shown only to someone who reads more than one school.
NAV: tuple[tuple[str, str, str], ...] = (
    ("lead_overview", "/lead", "nav_overview"),
    ("lead_domain", "/lead/domain", "nav_domain"),
    ("lead_hazards", "/lead/hazards", "nav_hazards"),
    ("lead_risks", "/lead/risks", "nav_risks"),
    ("lead_campaigns", "/lead/campaigns", "nav_campaigns"),
    ("lead_assessment", "/lead/assessment", "nav_assessment"),
    ("lead_district", "/lead/district", "nav_district"),
)
# The safety office's inspection plans (issue 15) are drawn in this frame but are no leadership page:
# they write, and need inspection.plan (dashboard/roles.py), so they are not in NAV (whose pages only
# read); their tab is shown to those who may open them (LeadView.plans_tab).
PLANS: tuple[str, str, str] = ("inspection_plans", "/inspection-plans", "nav_plans")
# Drills and trainings (issue 16): written by the same people, shown the same way (LeadView.drills_tab).
DRILLS: tuple[str, str, str] = ("drills", "/drills", "nav_drills")
# Reporting up (issue 17): the school's reports (LeadView.reports_tab) and the district's (.bureau_tab).
REPORTS: tuple[str, str, str] = ("reports", "/reports", "nav_reports")
BUREAU_REPORTS: tuple[str, str, str] = ("bureau_reports", "/bureau/reports", "nav_bureau_reports")
# Supervising down (issue 17): the bureau's pages for officers, the school's for its people; drawn in the
# phone frame, linked from here for those who may open them (LeadView.more_tabs).
BUREAU_SUPERVISION: tuple[str, str, str] = ("bureau_supervision", "/bureau/supervision", "nav_bureau_supervision")
BUREAU_NOTICES: tuple[str, str, str] = ("bureau_notices", "/bureau/notices", "nav_bureau_notices")
SUPERVISION: tuple[str, str, str] = ("supervision", "/supervision", "nav_supervision")
NOTICES: tuple[str, str, str] = ("notices", "/notices", "nav_notices")
MORE = (BUREAU_SUPERVISION, BUREAU_NOTICES, SUPERVISION, NOTICES)
PATHS = {name: path for name, path, _ in (*NAV, PLANS, DRILLS, REPORTS, BUREAU_REPORTS, *MORE)}


class Person(Protocol):
    """What the frame shows of the caller (dashboard.roles.Principal has these, and more)."""

    @property
    def role(self) -> str: ...

    @property
    def user_id(self) -> int | None: ...

    @property
    def username(self) -> str | None: ...

    @property
    def display_name(self) -> str | None: ...


@dataclass(frozen=True)
class LeadView:
    """The request's view of the ledger: resolved once per page load, passed to the builders."""

    lang: Language
    school: str | None  # the school shown; None with `problem` set
    schools: dict[str, dict] = field(default_factory=dict)  # readable schools: code -> {name_zh, name_en}
    problem: str | None = None  # "no_school" | "unknown_school" | "ledger_down" (a lead_text key)
    principal: Person | None = None
    csrf: str | None = None  # the session's CSRF token for the sign-out form; None for no person
    plans_tab: bool = False  # the caller may open the inspection plans (their tab is shown)
    drills_tab: bool = False  # the caller may record drills and trainings
    reports_tab: bool = False  # the caller may submit the school's reports (issue 17)
    bureau_tab: bool = False  # the caller may receipt and return the schools' reports (issue 17)
    more_tabs: frozenset[str] = frozenset()  # of MORE, the pages the caller may open (issue 17)

    @property
    def several(self) -> bool:
        """Whether the caller reads more than one school (then the district page is theirs)."""
        return len(self.schools) > 1

    def school_name(self, code: str | None = None) -> str:
        names = self.schools.get(code or self.school or "", {})
        # English when asked and the school has an English name; else its Chinese name; the code last.
        return ((names.get("name_en") if self.lang == "en" else None) or names.get("name_zh")
                or (code or self.school or ""))

    def href(self, page: str, **extra: object) -> str:
        """The path of a leadership page for the same school and language, plus `extra` query (a None
        value drops that key: lang=None is Chinese)."""
        query = {"school": self.school, "lang": "en" if self.lang == "en" else None, **extra}
        text = urlencode({k: v for k, v in query.items() if v not in (None, "")})
        return PATHS[page] + (f"?{text}" if text else "")


def pick_school(lang: Language, school: object, readable: dict[str, dict],
                principal: Person | None = None) -> LeadView:
    """The school asked for if readable, else the first readable one when none was asked."""
    if isinstance(school, str) and school:
        if school in readable:
            return LeadView(lang, school, readable, None, principal)
        return LeadView(lang, None, readable, "unknown_school", principal)
    if not readable:
        return LeadView(lang, None, readable, "no_school", principal)
    return LeadView(lang, next(iter(readable)), readable, None, principal)
