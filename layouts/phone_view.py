"""What every phone page (issue 15: /m/...) resolves first, as plain data: the language, who is signed
in and in which role, the tabs their role opens, and the CSRF token their writes carry. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from layouts.i18n import Language

# (page name, path, text key): the phone's bottom tabs, in order. A page registers with the same name
# and path (dashboard/pages/phone_*/page.py); a tab shows only to a person whose role opens its page.
NAV: tuple[tuple[str, str, str], ...] = (
    ("phone_work", "/m", "nav_work"),
    ("phone_report", "/m/report", "nav_report"),
    ("phone_inspections", "/m/inspections", "nav_inspections"),
)


@dataclass(frozen=True)
class PhoneView:
    lang: Language
    who: str  # the signed-in person's display name
    role: str | None  # their role (ledger.models.USER_ROLES); None: nobody signed in
    tabs: tuple[str, ...] = ()  # the NAV pages this person may open
    csrf: str | None = None  # their session's token: the sign-out form and every write send it
    problem: str | None = None  # a text key shown instead of the body (e.g. ledger_down, not_person)

    def href(self, path: str, **query: str | None) -> str:
        """`path` in this view's language, with `query` (empty values left out)."""
        values = {"lang": "en" if self.lang == "en" else None, **query}
        kept = {k: v for k, v in values.items() if v}
        return path + ("?" + urlencode(kept) if kept else "")
