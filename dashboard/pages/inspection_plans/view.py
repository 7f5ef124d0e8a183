"""The inspection plans page's parts, pure: the plan form (new or editing one) and the school's plans,
each with this month's inspections (on time, late, missed). Data in, Dash components out; what people
typed (plan names, places) goes in as Dash children strings, never markup.

A tablet or a desktop in the safety office: the form and the list side by side on a wide screen, the
form above the list on a narrow one (assets/lead.css, .inspection-plans).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard.pages.inspection_plans import form, ids
from dashboard.pages.inspection_plans.text import tp
from kernel.names import FREQUENCY_NAMES, ROLE_NAMES, name_of
from layouts.i18n import Language

if TYPE_CHECKING:  # the reads (queries/ledger/...); annotations only
    from queries.ledger.inspection_plans import PlanChoices, PlanRow
    from queries.ledger.inspections import Owed

MONTH_KEYS = ("done", "late", "missed", "due")


def month_by_plan(rows: Iterable[Owed]) -> dict[int, dict[str, int]]:
    """This month's owed periods (queries/ledger/inspections.py owed_periods) counted per plan."""
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = found.setdefault(row.plan_id, dict.fromkeys(MONTH_KEYS, 0))
        counts[row.status] = counts.get(row.status, 0) + 1
    return found


def _field(label: str, control, *, wide: bool = False) -> html.Div:
    """A labelled control: a text or date input's label names it (htmlFor); a radio group and a
    dropdown are a group named by their label (a <label> around them would catch every tap)."""
    plain = isinstance(control, dcc.Input)
    caption = html.Label(label, htmlFor=control.id, className="inspection-plans-label") if plain else \
        html.Span(label, id=f"{control.id}-label", className="inspection-plans-label")
    extra = {} if plain else {"role": "group", "aria-labelledby": f"{control.id}-label"}
    return html.Div([caption, control], className="inspection-plans-field" + (" is-wide" if wide else ""), **extra)


def form_card(lang: Language, choices: PlanChoices) -> html.Section:
    """The form, empty (a new plan); the edit button of a row fills it (callbacks.py)."""
    def dropdown(id_, options, *, clearable=False):
        return dcc.Dropdown(id=id_, options=options, clearable=clearable, searchable=True, value=None,
                            className="inspection-plans-dropdown")
    return html.Section(className="lead-card inspection-plans-form", children=[
        html.Div(className="inspection-plans-formhead", children=[
            html.H2(tp(lang, "new"), id=ids.FORM_TITLE),
            html.Button(tp(lang, "new_button"), id=ids.NEW, n_clicks=0, type="button", className="lead-button"),
        ]),
        _field(tp(lang, "name"), dcc.Input(id=ids.NAME, type="text", maxLength=form.MAX_NAME, value="",
                                           className="inspection-plans-input"), wide=True),
        _field(tp(lang, "frequency"), dcc.RadioItems(id=ids.FREQUENCY, options=form.frequency_options(lang),
                                                     value="daily", inline=True,
                                                     className="inspection-plans-radios"), wide=True),
        _field(tp(lang, "target"), dropdown(ids.TARGET, form.target_options(lang, choices)), wide=True),
        _field(tp(lang, "checklist"), dropdown(ids.CHECKLIST, form.checklist_options(lang, choices)), wide=True),
        _field(tp(lang, "assignee"), dropdown(ids.ASSIGNEE, form.assignee_options(lang, choices))),
        _field(tp(lang, "unit"), dropdown(ids.UNIT, form.unit_options(lang, choices), clearable=True)),
        _field(tp(lang, "starts"), dcc.Input(id=ids.STARTS, type="date", value="",
                                             className="inspection-plans-input")),
        html.Div(className="inspection-plans-actions", children=[
            html.Button(tp(lang, "save"), id=ids.SAVE, n_clicks=0, type="button",
                        className="lead-button inspection-plans-save"),
            html.Div(id=ids.MESSAGE, className="inspection-plans-message", role="status", **{"aria-live": "polite"}),
        ]),
    ])


def _checklist(lang: Language, plan: PlanRow) -> str:
    if plan.checklist == "campaign":
        return tp(lang, "campaign", name=plan.campaign_name or plan.campaign or "", n=len(plan.items))
    return tp(lang, "measures", n=len(plan.items))


def _who(lang: Language, plan: PlanRow) -> str:
    if plan.assignee_username:
        return tp(lang, "person", name=plan.assignee_name or plan.assignee_username, username=plan.assignee_username)
    return tp(lang, "role", name=name_of(ROLE_NAMES, plan.assignee_role, lang))


def _month(lang: Language, counts: dict[str, int] | None) -> html.Td:
    counts = counts or dict.fromkeys(MONTH_KEYS, 0)
    return html.Td(className="inspection-plans-month" + (" is-alarm" if counts["missed"] else ""), children=[
        html.Span(tp(lang, "month", done=counts["done"], late=counts["late"], missed=counts["missed"]),
                  **{"data-done": str(counts["done"]), "data-late": str(counts["late"]),
                     "data-missed": str(counts["missed"])}),
        tp(lang, "month_due") if counts["due"] else None,
    ])


def _actions(lang: Language, plan: PlanRow) -> html.Td:
    if plan.retired_on is not None:
        return html.Td(tp(lang, "retired_on", date=plan.retired_on.isoformat()), className="lead-note")
    return html.Td(className="inspection-plans-row-actions", children=[
        html.Button(tp(lang, "edit"), id={"type": ids.EDIT, "plan": plan.plan_id}, n_clicks=0, type="button",
                    className="lead-button"),
        # A retirement cannot be undone: the browser asks first (window.confirm, no script of ours).
        dcc.ConfirmDialogProvider(
            id={"type": ids.RETIRE, "plan": plan.plan_id}, message=tp(lang, "retire_confirm", name=plan.name),
            children=html.Button(tp(lang, "retire"), type="button", className="lead-button inspection-plans-retire")),
    ])


def plan_rows(lang: Language, plans: list[PlanRow], month: dict[int, dict[str, int]]) -> list:
    """The list's contents: a table of the plans, or why there is none."""
    if not plans:
        return [html.P(tp(lang, "empty"), className="lead-note")]
    head = [tp(lang, k) for k in ("col_plan", "col_frequency", "col_month", "col_actions")]
    # Three short columns beside the plan: the list shares the screen with the form.
    rows = [html.Tr(className="is-retired" if p.retired_on else None,
                    **{"data-plan": str(p.plan_id), "data-frequency": p.frequency}, children=[
        html.Td([html.Div(p.name, className="inspection-plans-name"),
                 html.Div(form.place_text(lang, p) or "—", className="inspection-plans-place"),
                 html.Div(" · ".join((_checklist(lang, p), tp(lang, "starts_on", date=p.starts_on.isoformat()))),
                          className="lead-note")]),
        html.Td([html.Div(name_of(FREQUENCY_NAMES, p.frequency, lang), className="inspection-plans-frequency"),
                 html.Div(_who(lang, p), className="lead-note")]),
        _month(lang, month.get(p.plan_id)),
        _actions(lang, p),
    ]) for p in plans]
    return [html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
        className="lead-table inspection-plans-table"))]


def body(lang: Language, *, school: str, choices: PlanChoices, plans: list[PlanRow],
         month: dict[int, dict[str, int]], retired: bool, toggle_href: str) -> html.Div:
    """The page under the frame: title, the form, the list (with the retired ones when asked)."""
    return html.Div(className="inspection-plans-body", children=[
        dcc.Store(id=ids.VIEW, data={"school": school, "lang": lang, "retired": retired}),
        dcc.Store(id=ids.EDITING, data=None),
        html.H1(tp(lang, "title"), className="lead-page-title"),
        html.P(tp(lang, "intro"), className="lead-note"),
        html.Div(className="inspection-plans-grid", children=[
            form_card(lang, choices),
            html.Section(className="lead-card inspection-plans-list", children=[
                html.Div(className="inspection-plans-listhead", children=[
                    html.H2(tp(lang, "list")),
                    dcc.Link(tp(lang, "without_retired" if retired else "with_retired"), href=toggle_href,
                             className="lead-button inspection-plans-toggle"),
                ]),
                html.Div(plan_rows(lang, plans, month), id=ids.LIST),
            ]),
        ]),
    ])


def said(ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")
