"""The duty console's response side, pure builders: the banner of unacknowledged critical alerts and
the response card of the picked alert (steps, tap-to-call numbers, the nearest cameras as links,
evacuation notes). Plain dicts in (queries/ledger/response_cards.py CardShown as a dict), Dash out.

Everything an admin typed is a string child, shown as text. Numbers reach a `tel:` link only as the
ledger checked them (digits, + , ; only). A camera opens as a link in a new tab, never embedded:
the page's CSP allows no frame or image from another origin (dashboard/headers.py), and a stream
belongs to the video system.
"""
from __future__ import annotations

from dash import html

from dashboard.pages.duty.text import td
from layouts.i18n import Language, event_type_name

LINK_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://")


def alarm_banner(lang: Language, alerts: list[dict], place) -> tuple[list, bool]:
    """(children, hidden) of the alarm banner: every unacknowledged critical alert by type and
    place; hidden when there is none. No close button: it goes when the alerts are acknowledged."""
    critical = [a for a in alerts if a["severity"] == "critical" and a["state"] == "new"]
    if not critical:
        return [], True
    items = [html.Li(" · ".join(x for x in (event_type_name(lang, a["type"]), place(a, lang)) if x),
                     **{"data-alert": str(a["id"])}) for a in critical]
    return [html.Strong(td(lang, "alarm", n=len(critical))), html.Ul(items),
            html.Span(td(lang, "alarm_hint"), className="hint")], False


def critical_ids(alerts: list[dict]) -> list[int]:
    """The unacknowledged critical alerts the browser sounds for, each once."""
    return sorted(a["id"] for a in alerts if a["severity"] == "critical" and a["state"] == "new")


def card_panel(lang: Language, card: dict | None, *, recorded_by: str | None = None) -> list:
    """The card, or the words that there is none."""
    if card is None:
        return [html.H3(td(lang, "card")), html.P(td(lang, "card_none"), className="card-none")]
    parts = [html.H3([td(lang, "card"), "：" if lang == "zh" else ": ", card["title"]])]
    parts += [html.H4(td(lang, "card_steps")), html.Ol([html.Li(step) for step in card["steps"]], className="steps")]
    parts += [html.H4(td(lang, "card_contacts")), html.Ul([html.Li(html.A(
        [html.Span(c["name"], className="name"), " ", html.Span(c["number"], className="number")],
        href="tel:" + c["dial"], className="tel")) for c in card["contacts"]], className="contacts")]
    cameras = [c for c in card["cameras"] if c["url"].lower().startswith(LINK_SCHEMES)]
    parts.append(html.H4(td(lang, "card_cameras")))
    parts.append(html.Ul([html.Li(html.A(c["name"], href=c["url"], target="_blank", rel="noopener noreferrer",
                                         className="camera", **{"data-zone": c.get("zone") or ""}))
                          for c in cameras], className="cameras")
                 if cameras else html.P(td(lang, "card_cameras_none"), className="card-none"))
    if card["evacuation"]:
        parts += [html.H4(td(lang, "card_evacuation")),
                  html.Div([html.P(line) for line in card["evacuation"]], className="evacuation")]
    if recorded_by:
        parts.append(html.P(td(lang, "card_recorded", by=recorded_by), className="recorded"))
    return parts
