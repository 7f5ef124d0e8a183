"""The phone's checklist page, pure builders: the ledger's reads in, Dash components out. Item texts,
notes and names are child strings or attribute values (React escapes them), never markup."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard.pages.phone_inspection import ids
from dashboard.pages.phone_inspection.ids import item
from dashboard.pages.phone_inspection.text import tc
from layouts.phone_inspection_lines import clock, draft_href, period_line, place_line
from layouts.phone_inspection_text import ti
from layouts.phone_view import PhoneView

if TYPE_CHECKING:  # the rows the reads return, named without importing the reads (pure builders)
    from queries.ledger.inspections import Place, Sheet, SheetItem, TodayInspection

RESULTS = ("pass", "fail", "na")  # ledger.models.inspection.RESULTS, in the order the buttons show
NOTE_MAX = 2000  # ledger/commands/inspections.py NOTE_MAX
TODAY_PATH = "/m/inspections"
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Found:
    """What the page reads: the plan's inspection of today, its sheet once started."""

    today: TodayInspection | None  # None: a sheet read after it was signed (the summary needs no more)
    sheet: Sheet | None
    tz: ZoneInfo
    csrf: str | None = None  # the session's token: the photo uploads send it
    started_by: str | None = None  # who started it, by name when it was the person; else the sheet's username


def page(view: PhoneView, found: Found) -> html.Div:
    return html.Div(className="phone-inspection-page", children=[
        dcc.Store(id=ids.VIEW, data={"lang": view.lang, "plan": found.today.plan_id if found.today else None}),
        html.Div(panel(view, found), id=ids.SHEET),
        html.Div(id=ids.MESSAGE, role="status", className="phone-message"),
    ])


def panel(view: PhoneView, found: Found):
    if found.sheet is None:
        return start_panel(view, found.today)
    if found.sheet.finished_at is not None:
        return summary(view, found)
    return checklist(view, found)


def _heading(view: PhoneView, name: str, place: Place, period: str) -> list:
    return [html.H2(name, className="phone-inspection-name"),
            html.Div(place_line(view.lang, place), className="phone-inspection-place"),
            html.Div(period, className="phone-muted")]


def start_panel(view: PhoneView, today: TodayInspection) -> html.Section:
    lang = view.lang
    return html.Section(className="phone-card phone-inspection-start", children=[
        *_heading(view, today.plan_name, today.place,
                  period_line(lang, today.frequency, today.period_key, today.period_last_day)),
        html.P(tc(lang, "items_count", n=today.items)),
        html.P(tc(lang, "start_hint"), className="phone-muted"),
        html.Button(tc(lang, "start"), id=ids.START, className="phone-primary", n_clicks=0),
    ])


def card_class(result: str | None) -> str:
    """The item card's class: its answer drives the look (the chosen button, the failed item's photos)."""
    return "phone-inspection-card" + (f" is-answered is-{result}" if result else "")


def thumbnails(lang, position: int, keys: list[str]) -> list:
    return [html.A(html.Img(src=f"/photos/{key}/thumbnail", alt=tc(lang, "photo_alt", n=position + 1),
                            **{"data-key": key}), href=f"/photos/{key}", target="_blank", rel="noopener")
            for key in keys]


def report_link(view: PhoneView, result: str | None, result_id: int | None, hazard_code: str | None):
    """A failed item's way into the hazard loop: its draft on the report form, or the hazard it became."""
    if result != "fail" or result_id is None:
        return None
    if hazard_code:
        return html.Span(tc(view.lang, "reported", code=hazard_code), className="phone-inspection-reported")
    return dcc.Link(tc(view.lang, "report"), href=draft_href(view, result_id),
                    className="phone-secondary phone-danger phone-inspection-report-link")


def _item(view: PhoneView, entry: SheetItem) -> html.Li:
    lang, n = view.lang, entry.position
    return html.Li(id=f"phone-inspection-at-{n}", className="phone-inspection-slot", children=html.Div(
        id=item(ids.ITEM, n), className=card_class(entry.result), children=[
            html.Div([html.Span(str(n + 1), className="phone-inspection-no"),
                      html.Span(entry.text, className="phone-inspection-text")], className="phone-inspection-head"),
            html.Div([html.Button(tc(lang, r), id=ids.answer(r, n), n_clicks=0,
                                  className=f"phone-inspection-answer answer-{r}") for r in RESULTS],
                     className="phone-inspection-answers"),
            html.Label([html.Span(tc(lang, "note"), className="phone-label"),
                        dcc.Textarea(id=item(ids.NOTE, n), value=entry.note, maxLength=NOTE_MAX,
                                     placeholder=tc(lang, "note_placeholder"), className="phone-inspection-note")],
                       className="phone-field"),
            html.Div(className="phone-inspection-failed", children=[
                dcc.Store(id=item(ids.PHOTOS, n), data=list(entry.photo_keys)),
                html.Div(thumbnails(lang, n, entry.photo_keys), id=item(ids.PHOTO_LIST, n), className="phone-photos"),
                html.Button(tc(lang, "add_photo"), id=item(ids.ADD_PHOTO, n), type="button",
                            className="phone-secondary phone-inspection-add-photo"),
                html.Div(className="phone-inspection-photo-status", role="status"),  # the photo script's own line
                html.Div(report_link(view, entry.result, entry.result_id, entry.hazard_code), id=item(ids.REPORT, n)),
            ]),
            dcc.Store(id=item(ids.ANSWERED, n), data=entry.result),
            html.Div(id=item(ids.STATUS, n), role="status", className="phone-inspection-status"),
        ]))


def _period(view: PhoneView, found: Found) -> str:
    """The sheet's period by its key (2026-12-07, 2026-W50, 2026-12, T2026-09-01), with its last day
    when it is longer than a day."""
    sheet = found.sheet
    last = sheet.period_end - ONE_DAY
    return sheet.period_key if last == sheet.period_start else \
        f"{sheet.period_key} · {ti(view.lang, 'until', day=last.strftime('%m-%d'))}"


def checklist(view: PhoneView, found: Found) -> html.Section:
    """The sheet being filled: every item with its saved answer; where to continue."""
    lang, sheet, tz, csrf = view.lang, found.sheet, found.tz, found.csrf
    open_items = [e.position for e in sheet.items if e.result is None]
    where = None
    if open_items and len(open_items) < len(sheet.items):
        where = html.A(tc(lang, "continue_at", n=open_items[0] + 1), id=ids.CONTINUE,
                       href=f"#phone-inspection-at-{open_items[0]}", className="phone-secondary")
    elif not open_items:
        where = html.P(tc(lang, "all_answered"), id=ids.CONTINUE, className="tone-ok")
    # The photo script (assets/phone_inspection.js) reads where to send and in which words from here.
    script_data = {"data-school": sheet.place.school, "data-csrf": csrf or "",
                   "data-uploading": tc(lang, "uploading"), "data-offline": tc(lang, "photo_offline"),
                   "data-failed": tc(lang, "photo_failed", reason="{reason}")}
    return html.Section(className="phone-inspection-checklist", **script_data, children=[
        dcc.Store(id=ids.INSPECTION, data={"inspection": sheet.inspection_id}),
        html.Div(className="phone-card", children=[
            *_heading(view, sheet.plan_name, sheet.place, _period(view, found)),
            html.Div(tc(lang, "started_by", who=found.started_by or sheet.started_by,
                        at=clock(sheet.started_at, tz, day=True)), className="phone-muted"),
            where,
        ]),
        html.Ol([_item(view, e) for e in sheet.items], className="phone-list phone-inspection-items"),
        html.Button(tc(lang, "finish"), id=ids.FINISH, className="phone-primary phone-inspection-finish", n_clicks=0),
    ])


def _failed(view: PhoneView, entry: SheetItem) -> html.Li:
    return html.Li([html.Span(f"{entry.position + 1}. {entry.text}"),
                    html.Div(entry.note, className="phone-muted") if entry.note else None,
                    html.Div(thumbnails(view.lang, entry.position, entry.photo_keys), className="phone-photos"),
                    report_link(view, entry.result, entry.result_id, entry.hazard_code)],
                   className="phone-item phone-inspection-failed-item")


def summary(view: PhoneView, found: Found) -> html.Section:
    """A signed inspection: how many passed, failed, did not apply; late or on time; the failed items."""
    lang, sheet, tz = view.lang, found.sheet, found.tz
    counts = {r: sum(1 for e in sheet.items if e.result == r) for r in RESULTS}
    failed = [e for e in sheet.items if e.result == "fail"]
    return html.Section(id=ids.SUMMARY, className="phone-card phone-inspection-summary", children=[
        *_heading(view, sheet.plan_name, sheet.place, _period(view, found)),
        html.H3(tc(lang, "summary")),
        html.Ul([html.Li(tc(lang, "passed_n", n=counts["pass"]), className="count-pass"),
                 html.Li(tc(lang, "failed_n", n=counts["fail"]), className="count-fail"),
                 html.Li(tc(lang, "na_n", n=counts["na"]), className="count-na")],
                className="phone-inspection-counts"),
        html.P(tc(lang, "late" if sheet.late else "on_time"),
               className="phone-chip " + ("overdue" if sheet.late else "on-time")),
        html.P(tc(lang, "finished", name=sheet.signed_name or "", at=clock(sheet.finished_at, tz, day=True)),
               className="phone-muted"),
        html.Div([html.H3(tc(lang, "failed_items")),
                  html.Ul([_failed(view, e) for e in failed], className="phone-list")]) if failed else None,
        dcc.Link(tc(lang, "back"), href=view.href(TODAY_PATH), className="phone-secondary"),
    ])
