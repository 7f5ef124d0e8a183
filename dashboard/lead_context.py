"""What every leadership page resolves first: the language, the schools the caller may read and
the one shown, and how to link to another page keeping them.

The pages read the ledger (SQL); which schools a person reads comes from their account
(`user_schools`, or every school), enforced by the guard for the API and here for pages: a page
asked for a school its caller may not read shows the refusal and no figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from dashboard.access import csrf_token, current
from dashboard.roles import Principal
from dashboard.services import services
from layouts.i18n import Language, language

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
PATHS = {name: path for name, path, _ in NAV}


@dataclass(frozen=True)
class LeadView:
    """The request's view of the ledger: resolved once per page load, passed to the builders."""

    lang: Language
    school: str | None  # the school shown; None with `problem` set
    schools: dict[str, dict] = field(default_factory=dict)  # readable schools: code -> {name_zh, name_en}
    problem: str | None = None  # "no_school" | "unknown_school" | "ledger_down" (a lead_text key)
    principal: Principal | None = None
    csrf: str | None = None  # the session's CSRF token for the sign-out form; None for no person

    @property
    def several(self) -> bool:
        """Whether the caller reads more than one school (then the district page is theirs)."""
        return len(self.schools) > 1

    def school_name(self, code: str | None = None) -> str:
        names = self.schools.get(code or self.school or "", {})
        return (names.get("name_zh") if self.lang == "zh" else names.get("name_en")) or (code or self.school or "")

    def href(self, page: str, **extra: object) -> str:
        """The path of a leadership page for the same school and language, plus `extra` query (a None
        value drops that key: lang=None is Chinese)."""
        query = {"school": self.school, "lang": "en" if self.lang == "en" else None, **extra}
        text = urlencode({k: v for k, v in query.items() if v not in (None, "")})
        return PATHS[page] + (f"?{text}" if text else "")


def resolve(school: object, lang: object, schools: dict[str, dict] | None = None) -> LeadView:
    """The view a page asked with ?school=&lang= gets. `schools` is the ledger's schools by code
    (read here when not given; None from the ledger means it cannot be read)."""
    lang = language(lang)
    principal = current()
    csrf = csrf_token() if principal is not None and principal.user_id is not None else None
    return replace(_resolve(school, lang, principal, schools), csrf=csrf)


def _resolve(school: object, lang: Language, principal: Principal | None, schools: dict[str, dict] | None
             ) -> LeadView:
    if schools is None:
        schools = services().ledger_schools()
    if schools is None:
        return LeadView(lang, None, {}, "ledger_down", principal)
    readable = {code: names for code, names in schools.items()
                if principal is not None and principal.may_read_school(code)}
    return pick_school(lang, school, readable, principal)


def pick_school(lang: Language, school: object, readable: dict[str, dict],
                principal: Principal | None = None) -> LeadView:
    """Pure: the school asked for if readable, else the first readable one when none was asked."""
    if isinstance(school, str) and school:
        if school in readable:
            return LeadView(lang, school, readable, None, principal)
        return LeadView(lang, None, readable, "unknown_school", principal)
    if not readable:
        return LeadView(lang, None, readable, "no_school", principal)
    return LeadView(lang, next(iter(readable)), readable, None, principal)
