"""The school's routine inspections this month, as the leadership overview and the hazard ledger show
them (issue 15): missed and late first (what a leader acts on), then done on time and what is owed,
and the current periods. Pure: queries/ledger/inspections.py `school_figures` in, a card out.

Missed: a period that ended with no signed inspection; late: signed after its period ended; done:
signed within it (ledger/inspection_schedule.py). A link to the plans page for those who may open it.
"""
from __future__ import annotations

from dash import dcc, html

from layouts.i18n import Language, text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "日常巡查（本月）",
        "missed": "漏检", "late": "迟检", "done": "按时完成",
        "owed": "本月应检 {owed} 次，其中尚在周期内 {due} 次",
        "now": "当前周期：待检 {due}，进行中 {progress}，已完成 {done}",
        "none": "本校尚无巡查计划",
        "plans": "巡查计划",
        "unknown": "巡查数据暂无法读取",
    },
    "en": {
        "title": "Routine inspections (this month)",
        "missed": "Missed", "late": "Late", "done": "On time",
        "owed": "{owed} owed this month, {due} of them still open",
        "now": "Current periods: {due} to do, {progress} in progress, {done} done",
        "none": "The school has no inspection plan yet",
        "plans": "Inspection plans",
        "unknown": "The inspection figures cannot be read just now",
    },
}
ti = text_lookup(TEXT)
CARD = "lead-inspections"  # the card's id on a page (one card a page)


def _n(value: int) -> str:
    return f"{value:,}"


def inspections_card(lang: Language, figures: dict[str, int] | None, *, plans_href: str | None = None,
                     card_id: str = CARD) -> html.Section:
    """The card. `figures`: school_figures' dict (None: could not be read); `plans_href`: the plans
    page for this school, or None for someone who may not open it."""
    link = dcc.Link(ti(lang, "plans"), href=plans_href, className="lead-button lead-inspections-plans") \
        if plans_href else None
    if figures is None:
        return html.Section(id=card_id, className="lead-card lead-inspections", children=[
            html.H2(ti(lang, "title")), html.P(ti(lang, "unknown"), className="lead-note"), link])
    owed = figures.get("month_owed", 0)
    current = sum(figures.get(k, 0) for k in ("due_now", "in_progress_now", "done_now"))
    if not owed and not current:
        return html.Section(id=card_id, className="lead-card lead-inspections", children=[
            html.H2(ti(lang, "title")), html.P(ti(lang, "none"), className="lead-note"), link])
    missed, late, done = (figures.get(f"month_{k}", 0) for k in ("missed", "late", "done"))
    due = owed - missed - late - done
    return html.Section(id=card_id, className="lead-card lead-inspections", children=[
        html.H2(ti(lang, "title")),
        html.Div(className="lead-inspections-figures", children=[
            html.Div(className="lead-inspections-figure" + (" is-alarm" if missed else ""), children=[
                html.Span(_n(missed), className="lead-figure", **{"data-figure": "inspections_missed"}),
                html.Span(ti(lang, "missed"), className="lead-note")]),
            html.Div(className="lead-inspections-figure" + (" is-warn" if late else ""), children=[
                html.Span(_n(late), className="lead-figure", **{"data-figure": "inspections_late"}),
                html.Span(ti(lang, "late"), className="lead-note")]),
            html.Div(className="lead-inspections-figure", children=[
                html.Span(_n(done), className="lead-figure", **{"data-figure": "inspections_done"}),
                html.Span(ti(lang, "done"), className="lead-note")]),
        ]),
        html.P(ti(lang, "owed", owed=_n(owed), due=_n(due)), className="lead-note", **{"data-figure": "month_owed"}),
        html.P(ti(lang, "now", due=_n(figures.get("due_now", 0)), progress=_n(figures.get("in_progress_now", 0)),
                  done=_n(figures.get("done_now", 0))), className="lead-note"),
        link,
    ])


STRIP = "lead-inspections-strip"


def inspections_strip(lang: Language, figures: dict[str, int] | None, *, plans_href: str | None = None) -> html.Div:
    """The same month in one line, for a page whose room is its grid (the hazard ledger): missed,
    late and on time, and the plans link; nothing when the school has no plan this month."""
    if figures is None or not (figures.get("month_owed", 0) or figures.get("due_now", 0)
                               or figures.get("in_progress_now", 0) or figures.get("done_now", 0)):
        return html.Div(id=STRIP, className="lead-inspections-strip", hidden=True)

    def part(key: str, tone: str) -> html.Span:
        value = figures.get(f"month_{key}", 0)
        return html.Span([ti(lang, key), " ", html.B(_n(value), **{"data-figure": f"inspections_{key}"})],
                         className="lead-inspections-part" + (f" {tone}" if value and tone else ""))
    return html.Div(id=STRIP, className="lead-inspections-strip", role="status", children=[
        html.Span(ti(lang, "title"), className="lead-inspections-strip-title"),
        part("missed", "is-alarm"), part("late", "is-warn"), part("done", ""),
        dcc.Link(ti(lang, "plans"), href=plans_href, className="lead-inspections-strip-link") if plans_href else None,
    ])
