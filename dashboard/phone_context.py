"""What every phone page and phone action resolves first (issue 15): the view (language, who, the
tabs their role opens) and, for a step, the Person the ledger's commands hold to their scope. Both
come from the signed-in principal on the server, never from what the page sends back: a page's
dcc.Store and its URL are the browser's to edit. The guard has already refused anyone without the
page's permission (dashboard/roles.py PAGES); every action checks again (`acting_person`), because a
callback must never rely on a page having been shown.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from dash.development.base_component import Component
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard import roles
from dashboard.access import csrf_token, current
from dashboard.roles import Principal
from dashboard.services import services
from layouts.i18n import language
from layouts.phone_frame import frame
from layouts.phone_view import NAV, PhoneView
from ledger.hazard_work_rules import Person


def resolve(lang: object, permission: str | None = None) -> PhoneView:
    """The view of a phone page that needs `permission`; `problem` says why there is nothing to show."""
    lang = language(lang)
    principal = current()
    if principal is None or principal.user_id is None:
        return PhoneView(lang, "", None, problem="not_person")
    who = principal.display_name or principal.username or ""
    tabs = tuple(name for name, _path, _key in NAV if principal.may(roles.PAGES.get(name)))
    view = PhoneView(lang, who, principal.role, tabs, csrf_token())
    if permission is not None and not principal.may(permission):
        return replace(view, problem="not_allowed")
    return view


def person_of(principal: Principal) -> Person:
    """The Person a signed-in principal acts as in the ledger's hazard commands."""
    return Person(principal.user_id, principal.username or "", principal.display_name or principal.username or "",
                  principal.role, principal.schools, principal.unit)


def acting_person(permission: str) -> Person | None:
    """The signed-in person (never a token) asking, if their role has `permission`; else None."""
    principal = current()
    if principal is None or principal.user_id is None or not principal.may(permission):
        return None
    return person_of(principal)


Read = TypeVar("Read")


def phone_layout(lang: object, page: str, permission: str, read: Callable[[Session, PhoneView, Person], Read],
                 build: Callable[[PhoneView, Read], Component], *, title: str | None = None,
                 path: str | None = None) -> Component:
    """A phone page: the frame around `build(view, read(db, view, person))`, or around the reason
    there is nothing to show (not a person, not the role for it, the ledger unreachable). `read` may
    return None for "not found or not yours", shown as such (never which of the two)."""
    view = resolve(lang, permission)
    if view.problem:
        return frame(view, page, None, title=title, path=path)
    person = person_of(current())
    try:
        with services().ledger_reads() as db:
            found = read(db, view, person)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), page, None, title=title, path=path)
    if found is None:
        return frame(replace(view, problem="not_found"), page, None, title=title, path=path)
    return frame(view, page, build(view, found), title=title, path=path)
