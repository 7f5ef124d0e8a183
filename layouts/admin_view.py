"""What every administration page resolves first, as plain data: the language, who is signed in, the
unit they manage (its code and name; None: the whole tree), and the navigation. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from layouts.i18n import Language

# (page name, path, text key): the tabs of the administration pages, in order. Each admin page adds
# its own entry here and registers with the same name and path (dashboard/pages/admin_*/page.py).
NAV: tuple[tuple[str, str, str], ...] = (
    ("admin_org", "/admin/org", "nav_org"),
    ("admin_rules", "/admin/rules", "nav_rules"),
    ("admin_audit", "/admin/audit", "nav_audit"),
    ("admin_sites", "/admin/sites", "nav_sites"),
    ("admin_district_map", "/admin/district-map", "nav_district_map"),
    ("admin_risks", "/admin/risks", "nav_risks"),
    ("admin_devices", "/admin/devices", "nav_devices"),
    ("admin_cards", "/admin/cards", "nav_cards"),
    ("admin_oncall", "/admin/oncall", "nav_oncall"),
    ("admin_imports", "/admin/imports", "nav_imports"),
    ("admin_campaigns", "/admin/campaigns", "nav_campaigns"),
    ("admin_users", "/admin/users", "nav_users"),
    ("admin_tokens", "/admin/tokens", "nav_tokens"),
    ("admin_notify", "/admin/notify", "nav_notify"),
)


@dataclass(frozen=True)
class AdminView:
    lang: Language
    who: str  # the signed-in person's display name
    unit: str | None  # the code of the unit they manage; None: every unit
    unit_name: str | None
    csrf: str | None = None  # their session's token, for the sign-out form
    problem: str | None = None  # a text key shown instead of the body (e.g. ledger_down)

    def href(self, page: str, **query: str | None) -> str:
        path = dict((name, p) for name, p, _k in NAV)[page]
        values = {"lang": "en" if self.lang == "en" else None, **query}
        kept = {k: v for k, v in values.items() if v}
        return path + ("?" + urlencode(kept) if kept else "")
