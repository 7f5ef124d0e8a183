"""What every administration page and action resolves first: the view (language, who, the unit they
manage) and, for a write, the Actor the audit log names. Both come from the signed-in principal on
the server, never from what the page sends back: a page's dcc.Store is the browser's to edit.

The guard has already refused anyone without the admin permission (dashboard/roles.py PAGES); the
actions check again (`acting_admin`), because a callback must never rely on a page having been shown.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from dash.development.base_component import Component
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard import roles
from dashboard.access import csrf_token, current
from dashboard.roles import Principal
from dashboard.services import services
from layouts.admin_frame import frame
from layouts.admin_view import AdminView
from layouts.i18n import language
from ledger.commands.audit import Actor
from queries.ledger import org


def resolve(lang: object) -> AdminView:
    lang = language(lang)
    principal = current()
    who = (principal.display_name or principal.username or "") if principal is not None else ""
    unit = principal.unit if principal is not None else None
    csrf = csrf_token() if principal is not None and principal.user_id is not None else None
    unit_name = None
    if unit is not None:
        try:
            with services().ledger_reads() as db:
                found = org.unit_by_code(db, unit)
                unit_name = (found.name_en or found.name_zh) if found is not None and lang == "en" else (
                    found.name_zh if found is not None else None)
        except SQLAlchemyError:
            return AdminView(lang, who, unit, None, csrf, "ledger_down")
    return AdminView(lang, who, unit, unit_name, csrf)


Read = TypeVar("Read")


def listed_only(principal: Principal) -> bool:
    """An admin with no unit who reads a list of schools (an account from before units, or the
    command line's --school): no admin of the whole tree, though the unit-scoped reads and commands
    take a missing unit (scope None) for the whole tree. They manage nothing by unit here."""
    return principal.unit is None and principal.schools is not None


def admin_layout(lang: object, page: str, read: Callable[[Session, AdminView], Read],
                 build: Callable[[AdminView, Read], Component], *, listed: bool = False) -> Component:
    """An administration page: the frame around `build(view, read(db, view))`, or around the reason
    there is nothing to show (not an admin, the ledger unreachable, no unit to manage) instead of a
    half-drawn page. `listed`: the page's read holds an admin of a list of schools to it itself."""
    view = resolve(lang)
    principal = current()
    if not view.problem and not listed and principal is not None and listed_only(principal):
        view = replace(view, problem="no_unit")
    if view.problem:
        return frame(view, page, None)
    try:
        with services().ledger_reads() as db:
            found = read(db, view)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), page, None)
    return frame(view, page, build(view, found))


def acting_admin(*, listed: bool = False) -> Principal | None:
    """The current principal if it may administer (a signed-in person, never a token), else None.
    An admin of a list of schools without a unit (`listed_only`) is None too, unless the caller
    holds them to what they may do itself (`listed`): scope=principal.unit would be the whole tree."""
    principal = current()
    if principal is None or principal.user_id is None or not principal.may(roles.ADMIN):
        return None
    if listed_only(principal) and not listed:
        return None
    return principal


def actor_of(principal: Principal) -> Actor:
    """Who the audit log says acted, and from where (the client's address as the trusted proxy gives
    it: dashboard/proxies.py sets remote_addr)."""
    ip = request.remote_addr if has_request_context() else None
    return Actor(principal.actor, principal.role, ip)
