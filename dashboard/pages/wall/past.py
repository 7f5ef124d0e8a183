"""The wall at a past minute (issue 18, 事后评估), pure: the time control, the past view's banner, and
what the wall's model becomes when it shows the past.

/?school=<id>&at=2026-12-06T03:14 (the school's local time; an offset may be given too) shows the
wall as it was at that minute, rebuilt by the wall's own model (model.py) from the summary the
recorder kept then. No live updates (the page's timer is off), no flashing and no sound, and a banner
that cannot be missed: 历史回看 · 2026-12-06 03:14（非实时）, with ±1 and ±10 minute steps, a date-time
input and 回到实时. Only people and tokens of the roles with `wall.past` (dashboard/roles.py) get any of
this, decided on the server (page.py, callbacks.py); a kiosk's wall token never does, and its ?at= is
ignored. Every control is a plain link or a GET form: navigation, no callback.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from dash import dcc, html

from layouts.i18n import Language, text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "banner": "历史回看 · {when}（非实时）",
        "gap": "{when} 无记录：记录进程当时未运行（缺失的分钟不做插补）",
        "none": "该学校在此时刻没有大屏历史记录",
        "unreadable": "历史记录暂时无法读取（安全台账数据库不可达），请稍后刷新",
        "back": "回到实时",
        "view": "回看",
        "when": "回看时刻",
        "minus10": "−10 分", "minus1": "−1 分", "plus1": "+1 分", "plus10": "+10 分",
    },
    "en": {
        "banner": "Past view · {when} (not live)",
        "gap": "Nothing recorded at {when}: the recorder was not running then (missing minutes are never filled in)",
        "none": "No wall history is kept for this school at that time",
        "unreadable": "The history cannot be read now (the safety ledger is unreachable); reload in a moment",
        "back": "Back to live",
        "view": "View",
        "when": "View the wall at",
        "minus10": "−10 min", "minus1": "−1 min", "plus1": "+1 min", "plus10": "+10 min",
    },
}
tp = text_lookup(TEXT)
STEPS = (("minus10", -10), ("minus1", -1), ("plus1", 1), ("plus10", 10))
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type=datetime-local> sends and shows
HISTORY_BAR = "wall-history"  # the control's element (not a callback's: plain links and a GET form)
PAST_BANNER = "wall-past"


def when_text(minute: datetime) -> str:
    """2026-12-06 03:14: the minute shown, in the school's zone (the caller converts)."""
    return minute.strftime("%Y-%m-%d %H:%M")


def href(school: str | None, lang: Language, minute: datetime | None) -> str:
    """The wall's address for a school at a minute (None: live), keeping the language."""
    query = {"school": school} if school else {}
    if minute is not None:
        query["at"] = minute.strftime(INPUT_FORMAT)
    if lang == "en":
        query["lang"] = "en"
    return "/?" + urlencode(query) if query else "/"


def picker(lang: Language, school: str | None, minute: datetime | None, latest: datetime) -> html.Form:
    """A GET form to "/" with the school, a date-time input (the school's local time) and a button."""
    hidden = [dcc.Input(type="hidden", name="school", value=school)] if school else []
    if lang == "en":
        hidden.append(dcc.Input(type="hidden", name="lang", value="en"))
    return html.Form(action="/", method="get", className="history-form", children=[
        *hidden,
        html.Label(tp(lang, "when"), className="history-label"),
        dcc.Input(type="datetime-local", name="at", className="history-input", step=60,
                  value=(minute or latest).strftime(INPUT_FORMAT), max=latest.strftime(INPUT_FORMAT)),
        html.Button(tp(lang, "view"), type="submit", className="history-view", **{"data-testid": "history-view"}),
    ])


def live_control(lang: Language, school: str | None, latest: datetime, refusal: str | None = None) -> html.Div:
    """On the live wall, for the roles that may see the past: a small corner control, faint until
    pointed at (assets/wall_history.css), that opens the past view; a refused `at` is said beside it."""
    children = [picker(lang, school, None, latest)]
    if refusal:
        children.append(html.Div(refusal, className="history-refusal", role="alert",
                                 **{"data-testid": "history-refusal"}))
    return html.Div(children, id=HISTORY_BAR, className="history-bar is-live" + (" is-refused" if refusal else ""),
                    **{"data-testid": "history-bar"})


def past_banner(lang: Language, school: str | None, minute: datetime, *, earliest: datetime,
                latest: datetime) -> html.Div:
    """The past view's banner: what minute is shown and that it is not live, the steps (a step past
    the newest minute or before the oldest kept is not offered), the date-time input, back to live.
    `minute`, `earliest` and `latest` are in the school's zone."""
    steps = []
    for key, delta in STEPS:
        target = minute + timedelta(minutes=delta)
        if earliest <= target <= latest:
            steps.append(html.A(tp(lang, key), href=href(school, lang, target), className="history-step",
                                **{"data-testid": f"history-{key}"}))
        else:
            steps.append(html.Span(tp(lang, key), className="history-step is-disabled"))
    return html.Div(id=PAST_BANNER, className="banner past-banner", role="status", **{"data-testid": "past-banner"},
                    children=[
        html.Span(tp(lang, "banner", when=when_text(minute)), className="past-title",
                  **{"data-testid": "past-title"}),
        html.Span(steps, className="history-steps"),
        picker(lang, school, minute, latest),
        html.A(tp(lang, "back"), href=href(school, lang, None), className="history-back",
               **{"data-testid": "history-back"}),
    ])


def past_model(model: dict, lang: Language, *, minute: datetime, state: str) -> dict:
    """The wall's model (model.py `wall_model` of the summary kept then) as the past view shows it:
    never flashing (an old alarm must not sound as new), marked past; `state` is "shown", "gap" (the
    minute was not recorded: every figure a dash, said so), "none" (nothing kept for the school) or
    "unreadable" (the ledger could not be read). `minute` is in the school's zone."""
    banner = model["banner"]
    if state == "gap":
        banner = tp(lang, "gap", when=when_text(minute))
    elif state in ("none", "unreadable"):
        banner = tp(lang, state)
    stale = state != "shown" or " is-stale" in model["wall_class"]
    return {**model, "banner": banner, "flash": [],
            "wall_class": "wall is-past" + (" is-stale" if stale else "")}
