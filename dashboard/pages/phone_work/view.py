"""The "my work" page's builders, pure: the person's lists (queries/ledger/my_work.py) as cards of
links to each hazard's page, the overdue and due-soon counted and marked, and an empty state that
says what to do; then the hazards they reported and where each stands."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard.pages.phone_work import ids
from dashboard.pages.phone_work.text import tw
from kernel.names import GRADE_NAMES, STAGE_NAMES, name_of
from layouts.phone_hazard_items import days_text, hazard_href, local, urgency_class
from layouts.phone_view import PhoneView

if TYPE_CHECKING:  # the rows the read returns, named, not imported (builders fetch nothing)
    from queries.ledger.my_work import WorkItem, WorkList


@dataclass(frozen=True)
class Bureau:
    """What the bureau asks of the person's school, for those who answer it: supervision items waiting
    for the school's answer (open or returned; how many past their deadline) and notices not yet read.
    None of a count: the person's role does not see that page."""

    to_answer: int | None = None
    overdue: int | None = None
    unread: int | None = None


@dataclass(frozen=True)
class Work:
    lists: list[WorkList]
    reports: list[WorkItem]
    now: datetime
    tz: tzinfo
    bureau: Bureau | None = None


def body(view: PhoneView, work: Work) -> html.Div:
    lang = view.lang
    waiting = sum(w.total for w in work.lists)
    return html.Div([
        html.Section(id=ids.LISTS, children=[
            html.H2(tw(lang, "waiting"), className="phone-section"),
            # Nothing at all: one card that says what to do; else every list, an empty one saying so.
            *([html.P(tw(lang, "nothing_waits"), className="phone-card phone-empty")] if not waiting
              else [work_list(view, w, work.tz) for w in work.lists]),
        ]),
        bureau_section(view, work.bureau) if work.bureau is not None else None,
        html.Section(id=ids.REPORTS, children=[
            html.H2(tw(lang, "my_reports"), className="phone-section"),
            html.Ul([html.Li(item(view, i, work.tz, mine=True)) for i in work.reports], className="phone-list")
            if work.reports else html.P(tw(lang, "no_reports"), className="phone-card phone-empty"),
        ]),
    ])


def bureau_section(view: PhoneView, bureau: Bureau) -> html.Section | None:
    """Links to the school's supervision items and the bureau's notices, with what waits there; nothing
    when nothing waits (the page stays about the person's own work)."""
    lang, links = view.lang, []
    if bureau.to_answer:
        chips = [html.Span(tw(lang, "supervision_overdue", n=bureau.overdue), className="phone-chip overdue")
                 ] if bureau.overdue else []
        links.append(dcc.Link([html.Span(tw(lang, "supervision_open", n=bureau.to_answer)), *chips],
                              href=view.href("/supervision"), className="phone-item"))
    if bureau.unread:
        links.append(dcc.Link(tw(lang, "notices_unread", n=bureau.unread), href=view.href("/notices"),
                              className="phone-item"))
    if not links:
        return None
    return html.Section(id=ids.BUREAU, children=[
        html.H2(tw(lang, "bureau"), className="phone-section"),
        html.Ul([html.Li(link) for link in links], className="phone-list"),
    ])


def work_list(view: PhoneView, work: WorkList, tz: tzinfo) -> html.Section:
    """One list: its name and counts, its items most urgent first, or what to do when it is empty."""
    lang = view.lang
    counts = [html.Span(tw(lang, "counts", total=work.total), className="phone-muted")]
    if work.overdue:
        counts.append(html.Span(tw(lang, "overdue_n", n=work.overdue), className="phone-chip overdue"))
    if work.due_soon:
        counts.append(html.Span(tw(lang, "due_soon_n", n=work.due_soon), className="phone-chip due-soon"))
    return html.Section(id=ids.list_id(work.kind), className="phone-work-list", children=[
        html.H3([html.Span(work.name(lang)), *counts], className="phone-work-heading"),
        html.Ul([html.Li(item(view, i, tz)) for i in work.items], className="phone-list") if work.items
        else html.P(tw(lang, f"empty_{work.kind}"), className="phone-muted"),
        html.P(tw(lang, "more", n=work.total - len(work.items)), className="phone-muted")
        if work.total > len(work.items) else None,
    ])


def item(view: PhoneView, i: WorkItem, tz: tzinfo, *, mine: bool = False) -> dcc.Link:
    """A hazard as a tap target: title, grade, stage, place; its deadline and how near it is."""
    lang = view.lang
    place = " · ".join(p for p in (i.school_zh, i.building_zh or i.building) if p)
    due = (tw(lang, "deadline", when=local(i.deadline, tz)) + " · " + days_text(lang, i.days_left, i.overdue)
           if i.deadline and i.days_left is not None else
           tw(lang, "deadline", when=local(i.deadline, tz)) if i.deadline else tw(lang, "no_deadline"))
    chips = [html.Span(name_of(GRADE_NAMES, i.grade, lang), className="phone-chip" + (
        " major" if i.grade == "major" else ""))]
    if i.supervised:
        chips.append(html.Span(tw(lang, "supervised"), className="phone-chip red"))
    return dcc.Link(href=hazard_href(view, i.school, i.code), className="phone-item" + urgency_class(
        i.overdue, i.due_soon), children=[
        html.Div(i.title, className="phone-item-title"),
        html.Div([*chips, html.Span(name_of(STAGE_NAMES, i.stage, lang), className="phone-stage")],
                 className="phone-item-chips"),
        html.Div(place, className="phone-muted"),
        html.Div(tw(lang, "found", when=local(i.found_at, tz)) if mine and i.stage == "reported" else due,
                 className="phone-item-due" + (" tone-error" if i.overdue else "")),
        html.Div(tw(lang, "responsible", name=i.responsible_person), className="phone-muted")
        if mine and i.responsible_person else None,
    ])
