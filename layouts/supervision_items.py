"""What the bureau's and the school's supervision pages both draw (issue 17, dashboard/pages/
bureau_supervision and supervision): one supervision item as a card — its subject, state, deadline,
instructions and every step (who, when, the text, the photos as thumbnails) — and the words for
states, kinds and steps. Pure: rows in, Dash components out; all user text is rendered as text
(Dash escapes it), never as markup. Assets: assets/supervision.css."""
from __future__ import annotations

from datetime import datetime, tzinfo

from dash import html

from layouts.i18n import Language, text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "state_open": "待答复", "state_answered": "已答复", "state_returned": "已退回", "state_closed": "已办结",
        "kind_hazard": "隐患", "kind_report": "报送", "kind_figure": "指标", "kind_other": "其他",
        "action_open": "下发督办", "action_answer": "学校答复", "action_return": "退回", "action_close": "办结",
        "deadline": "办理期限：{at}", "overdue": "已逾期", "listed": "该隐患已挂牌督办（{at}）",
        "from": "督办单位：{unit}", "photo": "照片", "no_items": "暂无督办事项",
    },
    "en": {
        "state_open": "Open", "state_answered": "Answered", "state_returned": "Returned", "state_closed": "Closed",
        "kind_hazard": "Hazard", "kind_report": "Report", "kind_figure": "Figure", "kind_other": "Other",
        "action_open": "Opened", "action_answer": "School's answer", "action_return": "Returned",
        "action_close": "Closed", "deadline": "Due {at}", "overdue": "Overdue",
        "listed": "The hazard is listed for supervision ({at})", "from": "Supervised by {unit}", "photo": "Photo",
        "no_items": "No supervision items",
    },
}
ts = text_lookup(TEXT)
KINDS = ("hazard", "report", "figure", "other")


def when(at: datetime | None, tz: tzinfo) -> str:
    return "" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def thumbnails(lang: Language, keys) -> html.Div | None:
    """Photos by their keys (the photo routes check who may see each)."""
    if not keys:
        return None
    return html.Div([html.A(html.Img(src=f"/photos/{k}/thumbnail", alt=ts(lang, "photo")), href=f"/photos/{k}",
                            target="_blank", rel="noopener") for k in keys], className="phone-photos")


def state_badge(lang: Language, state: str, overdue: bool) -> list:
    badges = [html.Span(ts(lang, f"state_{state}"), className=f"sv-badge sv-{state}")]
    if overdue:
        badges.append(html.Span(ts(lang, "overdue"), className="sv-badge sv-overdue"))
    return badges


def item_card(lang: Language, item, steps, tz: tzinfo, *, show_school: bool) -> html.Article:
    """One item (queries/ledger/supervision.py ItemRow) and its steps (StepRow, in order)."""
    subject = f"{ts(lang, 'kind_' + item.kind)} {item.ref}".strip()
    head = [item.school_name, subject] if show_school else [subject]
    return html.Article(className=f"phone-card sv-item sv-item-{item.state}", children=[
        html.H3(item.title, className="phone-section"),
        html.P([*state_badge(lang, item.state, item.overdue), html.Span(" · ".join(head), className="sv-subject")],
               className="sv-line"),
        html.P(ts(lang, "deadline", at=when(item.deadline, tz)), className="phone-muted"),
        html.P(ts(lang, "from", unit=item.unit), className="phone-muted") if not show_school else None,
        html.P(ts(lang, "listed", at=when(item.hazard_listed_at, tz)), className="phone-muted")
        if item.hazard_listed_at else None,
        html.Ol([html.Li(className=f"sv-step sv-step-{s.action}", children=[
            html.Div([html.Strong(ts(lang, "action_" + s.action)), html.Span(f" {when(s.at, tz)} · {s.by}",
                                                                            className="phone-muted")]),
            html.P(s.text, className="sv-text") if s.text else None,
            thumbnails(lang, s.photos),
        ]) for s in steps], className="sv-steps"),
    ])


def item_cards(lang: Language, items, histories: dict, tz: tzinfo, *, show_school: bool) -> list:
    if not items:
        return [html.P(ts(lang, "no_items"), className="phone-muted")]
    return [item_card(lang, i, histories.get(i.id, ()), tz, show_school=show_school) for i in items]


def said(ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")
