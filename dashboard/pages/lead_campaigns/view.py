"""The special campaigns page's parts (/lead/campaigns), pure: the failing checks to chase first,
then each campaign with its phase, dates, progress and pass rate; a campaign opens to its items,
each item to its buildings' latest results. Data in, Dash components out; notes and names people
typed are Dash children strings, never markup. Campaigns and items read in English on ?lang=en when
they have English, else in Chinese (kernel.names.local_name)."""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard.pages.lead_campaigns.ids import FAILING, LIST, VIEW, items_id, open_id
from layouts.i18n import Language
from layouts.lead_board_text import percent, tb
from layouts.lead_ledger_text import local_name

if TYPE_CHECKING:  # the rows the callbacks read (queries/ledger/lead_campaigns.py); annotations only
    from queries.ledger.lead_campaigns import CampaignProgress, FailingCheck

FAILING_SHOWN = 5  # failing checks shown before "the rest"


def _name(lang: Language, zh: str | None, en: str | None, fallback: str) -> str:
    return (en or zh or fallback) if lang == "en" else (zh or en or fallback)


def _place(lang: Language, code: str, zh: str | None, en: str | None) -> str:
    return tb(lang, "whole_school") if not code else _name(lang, zh, en, code)


def _day(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d")


def days_ago(at: datetime, now: datetime) -> int:
    return max(0, (now - at) // timedelta(days=1))


def failing_section(lang: Language, failing: list[FailingCheck], total: int, *, now: datetime,
                    tz: tzinfo) -> html.Section:
    """The checks whose latest result failed, the longest outstanding first."""
    if not failing:
        content = [html.P(tb(lang, "failing_none"), className="lead-note")]
    else:
        def table(checks):
            return _failing_table(lang, checks, now=now, tz=tz)

        # The oldest few first; the rest a tap away, so the campaigns stay in sight on a tablet.
        content = [table(failing[:FAILING_SHOWN])]
        if len(failing) > FAILING_SHOWN:
            content.append(html.Details(className="lead-campaigns-more", children=[
                html.Summary(tb(lang, "failing_rest", n=len(failing) - FAILING_SHOWN), className="lead-button"),
                table(failing[FAILING_SHOWN:])]))
        if total > len(failing):
            content.append(html.P(tb(lang, "failing_more", n=total - len(failing)), className="lead-note"))
    return html.Section(id=FAILING, className="lead-card lead-campaigns-failing", children=[
        html.H2([tb(lang, "failing_title"), " ", html.Span(str(total), className="lead-chip red")]), *content])


def _failing_table(lang: Language, checks: list[FailingCheck], *, now: datetime, tz: tzinfo) -> html.Div:
    head = html.Tr([html.Th(tb(lang, k)) for k in ("col_item", "col_building", "col_checked_at", "col_note")])
    return html.Div(className="lead-table-wrap", children=html.Table(className="lead-table", children=[
        html.Thead(head), html.Tbody([_failing_row(lang, f, now=now, tz=tz) for f in checks])]))


def _failing_row(lang: Language, f: FailingCheck, *, now: datetime, tz: tzinfo) -> html.Tr:
    by = f" · {f.checked_by}" if f.checked_by else ""
    return html.Tr(className="lead-campaigns-failing-row", children=[
        html.Td([html.Div(local_name(lang, f.campaign_name_zh, f.campaign_name_en), className="lead-note"),
                 html.Div(local_name(lang, f.item, f.item_en), className="lead-campaigns-item-text")]),
        html.Td(_place(lang, f.building, f.building_name_zh, f.building_name_en)),
        html.Td([html.Div(_day(f.checked_at, tz)),
                 html.Div(tb(lang, "days_ago", n=days_ago(f.checked_at, now)) + by, className="lead-note")]),
        html.Td(f.note),
    ])


def phase_line(lang: Language, campaign: CampaignProgress) -> html.Div:
    """The three phases with their dates, today's marked; or not started / ended."""
    chips = []
    for phase, starts, ends in campaign.phases:
        current = phase == campaign.phase
        chips.append(html.Span(className="lead-campaigns-phase" + (" is-current" if current else ""), children=[
            html.B(tb(lang, f"phase_{phase}")) if current else tb(lang, f"phase_{phase}"), " ",
            tb(lang, "phase_dates", start=starts.strftime("%m-%d"), end=ends.strftime("%m-%d"))]))
    state = None if campaign.state == "running" else html.Span(tb(lang, f"state_{campaign.state}"),
                                                               className="lead-chip info")
    return html.Div([state, *chips], className="lead-campaigns-phases")


def progress_bar(campaign: CampaignProgress) -> html.Div:
    """Checked share of the bar, its failed part in red."""
    due = campaign.due or 1
    return html.Div(className="lead-campaigns-bar", role="img", children=[
        html.Span(className="pass", style={"width": f"{100 * campaign.passed / due:.1f}%"}),
        html.Span(className="fail", style={"width": f"{100 * campaign.failed / due:.1f}%"}),
    ])


def campaign_card(lang: Language, campaign: CampaignProgress) -> html.Details:
    """A campaign: its summary always shown; tapped open, its items (read then: ITEMS)."""
    unchecked = campaign.due - campaign.checked
    return html.Details(className="lead-card lead-campaigns-card", children=[
        html.Summary(id=open_id(campaign.code), n_clicks=0, className="lead-campaigns-summary", children=[
            html.Div(className="lead-campaigns-head", children=[
                html.H3(local_name(lang, campaign.name_zh, campaign.name_en)),
                html.Span(tb(lang, "progress", checked=campaign.checked, due=campaign.due),
                          className="lead-campaigns-progress"),
                html.Span(tb(lang, "pass_rate", rate=percent(campaign.pass_rate)), className="lead-campaigns-rate"),
            ]),
            phase_line(lang, campaign),
            progress_bar(campaign),
            html.Div(className="lead-campaigns-counts", children=[
                html.Span(tb(lang, "passed", n=campaign.passed), className="is-pass"),
                html.Span(tb(lang, "failed", n=campaign.failed), className="is-fail" if campaign.failed else ""),
                html.Span(tb(lang, "unchecked", n=unchecked)),
                html.Span(tb(lang, "open_campaign"), className="lead-campaigns-open"),
            ]),
        ]),
        html.Div(id=items_id(campaign.code), className="lead-campaigns-items",
                 children=html.P(tb(lang, "loading"), className="lead-note")),
    ])


def campaign_list(lang: Language, campaigns: list[CampaignProgress]) -> html.Section:
    cards = [campaign_card(lang, c) for c in campaigns] or [html.P(tb(lang, "campaigns_none"), className="lead-note")]
    return html.Section(id=LIST, className="lead-campaigns-list", children=[
        html.H2(tb(lang, "campaigns_title")), *cards])


def item_checks(lang: Language, checks: dict, *, tz: tzinfo) -> list:
    """A campaign's items (queries.ledger.lead_campaigns.campaign_checks): each a line with its
    counts that opens to every building's latest result; failing items come open."""
    out = []
    for item in checks["items"]:
        counts = {"pass": 0, "fail": 0, None: 0}
        chips = []
        for check in item["checks"]:
            counts[check["result"]] = counts.get(check["result"], 0) + 1
            result = check["result"] or "none"
            when = _day(check["checked_at"], tz) if check["checked_at"] else ""
            chips.append(html.Li(className=f"lead-campaigns-check is-{result}", children=[
                html.Span(_place(lang, check["building"], check["name_zh"], check["name_en"]),
                          className="lead-campaigns-place"),
                html.Span(tb(lang, f"result_{result}"), className="lead-campaigns-result"),
                html.Span(when, className="lead-note") if when else None,
                html.Span(check["note"], className="lead-campaigns-note") if check["note"] else None,
            ]))
        out.append(html.Details(open=bool(counts["fail"]), className="lead-campaigns-item", children=[
            html.Summary(className="lead-campaigns-item-summary", children=[
                html.Span(local_name(lang, item["item"], item.get("item_en")), className="lead-campaigns-item-text"),
                html.Span(className="lead-campaigns-counts", children=[
                    html.Span(tb(lang, "passed", n=counts["pass"]), className="is-pass"),
                    html.Span(tb(lang, "failed", n=counts["fail"]), className="is-fail" if counts["fail"] else ""),
                    html.Span(tb(lang, "unchecked", n=counts[None])),
                ]),
            ]),
            html.Ul(chips, className="lead-campaigns-checks"),
        ]))
    return out


def body(lang: Language, *, school: str, campaigns: list[CampaignProgress], failing: list[FailingCheck],
         failing_total: int, now: datetime, tz: tzinfo) -> list:
    return [dcc.Store(id=VIEW, data={"school": school, "lang": lang}),
            failing_section(lang, failing, failing_total, now=now, tz=tz),
            campaign_list(lang, campaigns)]
