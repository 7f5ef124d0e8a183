"""The phone's inspections page, pure builders: the ledger's reads in, Dash components out. Every
name and text from the ledger is a child string (React escapes it), never markup."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard.pages.phone_inspections import ids
from kernel.names import INSPECTION_STATUS_NAMES, name_of
from layouts.phone_inspection_lines import clock, draft_href, period_line, place_line
from layouts.phone_inspection_text import ti
from layouts.phone_view import PhoneView

if TYPE_CHECKING:  # the rows the reads return, named without importing the reads (pure builders)
    from queries.ledger.inspections import HazardDraft, TodayInspection

# The checklist page of a plan's inspection of the current period (dashboard/pages/phone_inspection/).
SHEET_PATH = "/m/inspections/{plan}"


@dataclass(frozen=True)
class Today:
    """What the page reads: the person's inspections of today and their unreported failed items."""

    inspections: list[TodayInspection]
    drafts: list[HazardDraft] = field(default_factory=list)
    tz: ZoneInfo = ZoneInfo("Asia/Shanghai")


def sheet_href(view: PhoneView, plan_id: int) -> str:
    return view.href(SHEET_PATH.format(plan=plan_id))


def _inspection(view: PhoneView, item: TodayInspection, tz: ZoneInfo) -> html.Li:
    lang = view.lang
    facts = [ti(lang, "progress", answered=item.answered, items=item.items)]
    if item.failed:
        facts.append(ti(lang, "failed_count", n=item.failed))
    if item.status == "done" and item.signed_name:
        facts.append(ti(lang, "signed", name=item.signed_name, at=clock(item.finished_at, tz)))
    action = {"due": "start", "in_progress": "continue", "done": "open_done"}[item.status]
    return html.Li(className=f"phone-item phone-inspections-item is-{item.status}", **{"data-plan": str(item.plan_id)},
                   children=[
        html.Div([html.Strong(item.plan_name, className="phone-inspections-name"), " ",
                  html.Span(name_of(INSPECTION_STATUS_NAMES, item.status, lang),
                            className=f"phone-chip status-{item.status}")]),
        html.Div(place_line(lang, item.place), className="phone-inspections-place"),
        html.Div(period_line(lang, item.frequency, item.period_key, item.period_last_day), className="phone-muted"),
        html.Div(" · ".join(facts), className="phone-muted"),
        dcc.Link(ti(lang, action), href=sheet_href(view, item.plan_id),
                 className="phone-primary phone-inspections-open" if action != "open_done"
                 else "phone-secondary phone-inspections-open"),
    ])


def _draft(view: PhoneView, draft: HazardDraft, tz: ZoneInfo) -> html.Li:
    lang = view.lang
    return html.Li(className="phone-item phone-inspections-draft", **{"data-result": str(draft.result_id)}, children=[
        html.Strong(draft.title),
        html.Div(place_line(lang, draft.place), className="phone-inspections-place"),
        html.Div(draft.plan_name + " · " + clock(draft.found_at, tz, day=True), className="phone-muted"),
        html.Div(draft.note, className="phone-inspections-note") if draft.note else None,
        dcc.Link(ti(lang, "report_draft"), href=draft_href(view, draft.result_id),
                 className="phone-secondary phone-danger phone-inspections-report"),
    ])


def body(view: PhoneView, today: Today) -> html.Div:
    lang = view.lang
    children = [html.H2(ti(lang, "today"), className="phone-section")]
    if today.inspections:
        children.append(html.Ul([_inspection(view, i, today.tz) for i in today.inspections], id=ids.TODAY,
                                className="phone-list"))
    else:
        children.append(html.P(ti(lang, "none_today"), id=ids.EMPTY, className="phone-card phone-inspections-empty"))
    if today.drafts:
        children += [html.H2(ti(lang, "drafts"), className="phone-section"),
                     html.P(ti(lang, "drafts_hint"), className="phone-muted"),
                     html.Ul([_draft(view, d, today.tz) for d in today.drafts], id=ids.DRAFTS, className="phone-list")]
    return html.Div(children, className="phone-inspections-body")
