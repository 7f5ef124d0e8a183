"""The figures table (kernel/figures.py) walked from Redis to the screen: after a representative
stream of events goes through the consumer's real write path into the real Redis, and the
recorder's ledger figures of the demo campus are stored beside them, every figure is in Redis
where the table says, in the summary JSON at its path with the same value, and on the wall page
under its DOM id with its label and that value. docs/api.md's table of figures is the table's.

    .venv/bin/python -m tests.dashboard.test_figures   # rewrites docs/api.md's table from the table
"""
from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.pages.wall import ids
from dashboard.pages.wall.model import wall_model
from dashboard.pages.wall.panels import figure_text
from dashboard.pages.wall.view import label, wall_frame
from demo.seed import load_demo
from kernel import contract, figures, keys
from kernel.clock import HOUR_MS, local_day
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import DEFAULT_ALERT_RULES
from layouts.i18n import LANGUAGES, TEXT
from ledger.db import migrate
from ledger.grading import GradingRules
from streams import ledger_figures
from streams.aggregation import Planner
from streams.alert_rules import load_rules
from streams.store import SchoolStore
from tests.dashboard.conftest import client_with, issue_token, now_ms
from tests.streams import events as ev

SCHOOL = "demo-univ"  # the demo campus: its ledger has hazards and risk points of every colour
API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BEGIN = "<!-- figures: generated from kernel/figures.py by `python -m tests.dashboard.test_figures` -->"
END = "<!-- end of figures -->"
# The default rules open no alert in two domains; a site adds rules of its own (ALERT_RULES_FILE),
# and so does this walk, so that every domain's open-alert count is written.
EXTRA_RULES = """
[[rule]]
type = "campaign.check_result"
field = "result"
in = ["fail"]
severity = "low"

[[rule]]
type = "assessment.deduction"
severity = "low"
"""


def representative(t: int, tz) -> list[dict]:
    """Events that move every figure the consumer writes off zero, in every domain: at `t` and
    within 1.5 s after it, but for the smoke alarm five minutes before."""
    day = datetime.fromtimestamp(t / 1000, tz).date()
    return [
        ev.attendance("in", "T1", "staff", t), ev.attendance("in", "S1", "student", t + 100),
        ev.visitor("check_in", "V1", t + 200, gate="east"),
        ev.event("vehicle.entry", "active_defence", t + 300, plate="京A12345", gate="north"),
        ev.event("alarm.one_key", "personal_safety", t + 400),  # critical
        ev.smoke(t - 5 * 60_000),  # critical, unacknowledged past its 60 s deadline: escalated
        ev.event("sensor.temperature", "environment", t + 500, value=21.0),  # in the 5-minute window
        ev.event("perimeter.intrusion", "active_defence", t + 600),  # high
        ev.event("device.offline", "operations", t + 700, device="cam-1", system="video"),  # medium
        ev.event("campaign.check_result", "special_campaigns", t + 800, campaign="fire", item="exits",
                 result="fail"),  # low (EXTRA_RULES)
        ev.event("assessment.deduction", "mechanisms", t + 900, unit="lab", article=3, points=1.5),
        ev.hazard("reported", "H1", t + 1000, grade="major", deadline=str(day + timedelta(days=10))),
        ev.hazard("notified", "H2", t + 1100, deadline=str(day - timedelta(days=2))),  # overdue
        ev.hazard("rectifying", "H3", t + 1200, deadline=str(day + timedelta(days=1))),  # due soon
        ev.hazard("feedback", "H4", t + 1300),
        ev.hazard("accepted", "H5", t + 1400),
    ]


@pytest.fixture
def walked(settings_factory, redis_client, tmp_path):
    """Settings whose SQLite ledger holds the demo campus with its figures in Redis (as the
    recorder keeps them), and the representative events applied as the consumer applies them.
    Returns (settings, the events' time)."""
    settings = settings_factory(database_url=f"sqlite:///{tmp_path / 'ledger.db'}", stale_after_seconds=120)
    engine = sql_engine(settings)
    migrate(engine)
    now = datetime.now(UTC)
    with sql_sessions(engine)() as session, session.begin():
        load_demo(session, today=now.astimezone(settings.tz).date(), rules=GradingRules())
    with sql_sessions(engine)() as session:
        ledger_figures.refresh(session, redis_client, now=now, due_soon_days=settings.hazard_due_soon_days)
    engine.dispose()

    rules = tmp_path / "alert_rules.toml"
    rules.write_text(Path(DEFAULT_ALERT_RULES).read_text(encoding="utf-8") + EXTRA_RULES, encoding="utf-8")
    store = SchoolStore(redis_client, Planner(load_rules(rules), settings.tz))
    # The events' time: ten seconds ago, or the start of this hour when an hour began since then,
    # so that every event is in one hour's (and day's) buckets.
    t = now_ms() - 10_000
    if t // HOUR_MS != (t + 2_000) // HOUR_MS:
        t = (t + 2_000) // HOUR_MS * HOUR_MS
    events = []
    for doc in representative(t, settings.tz):  # validated as the consumer validates what it reads
        parsed = contract.validate(ev.raw({**doc, "school": SCHOOL}), now_ms=now_ms(),
                                   max_bytes=settings.max_event_bytes,
                                   max_future_ms=settings.max_future_seconds * 1000, max_age_ms=86_400_000)
        assert isinstance(parsed, contract.Event), parsed
        events.append(parsed)
    store.apply(SCHOOL, f"{settings.events_topic}/0", list(enumerate(events)), len(events))
    return settings, t


def _redis_key(figure: figures.Figure, t: int, tz) -> str:
    """The figure's key for the walk's school and the hour and day of its events (`t`)."""
    hour = t // HOUR_MS
    by_bucket = {keys.day_counts: local_day(t, tz), keys.hour_counts: hour, keys.minute_counts: hour}
    if figure.key in by_bucket:
        return figure.key(SCHOOL, by_bucket[figure.key])
    return figure.key(SCHOOL)


def test_every_figure_goes_from_redis_to_the_json_and_the_wall(walked, redis_client):
    settings, t = walked
    app = create_app(settings)
    body = client_with(app, issue_token(settings)).get(f"/api/v1/schools/{SCHOOL}/summary").json
    assert body["ledger"] is not None  # the recorder's figures ride in the summary

    for figure in figures.FIGURES:
        key = _redis_key(figure, t, settings.tz)
        served = figures.at(body, figure.json)
        if figures.LEDGER_FIGURES in figure.computes:  # the recorder's, from the SQL ledger
            assert redis_client.exists(key) and served is not None, figure.name
            continue
        # Written by the consumer where the table says, and served under its path.
        if figure.field:
            stored = int(redis_client.hget(key, figure.field) or 0)
            assert stored > 0 and served == stored, (figure.name, key, figure.field, stored, served)
        else:
            assert redis_client.exists(key), (figure.name, key)
            assert isinstance(served, int) and served > 0, (figure.name, served)
        if figure.ledger:
            assert figures.at(body, figure.ledger) is not None, figure.name

    # On the wall: an element under the figure's DOM id, its label, and the served number in it
    # (the hazard panel shows the ledger's figures when they are there, as here).
    for lang in LANGUAGES:
        frame = wall_frame(lang, SCHOOL, screen="s", refresh_ms=500)
        elements: dict = {}
        _collect(frame, elements)
        model = wall_model(lang, school=SCHOOL, summary=body, plan=None,
                           now=datetime.now(settings.tz))["fig"]
        for figure in figures.WALL_FIGURES:
            element = elements.get(figure.dom_id)
            assert element is not None, figure.dom_id
            assert element["id"] == ids.figure(figure.dom_id) and element["box_label"] == label(lang, figure)
            value = figures.at(body, figure.ledger or figure.json)
            if figure is figures.HAZARDS_RATE:
                value = round(100 * value, 1)
            assert model[figure.dom_id] == figure_text(figure.dom_id, value), figure.name
        assert set(elements) == {f.dom_id for f in figures.WALL_FIGURES}  # and no number without a row


def _collect(component, found: dict) -> None:
    """data-testid -> {id, the label beside it} of every figure element under a component."""
    children = getattr(component, "children", None)
    kids = list(children) if isinstance(children, (list, tuple)) else [children]
    for kid in kids:
        kid_id = getattr(kid, "id", None)
        if isinstance(kid_id, dict) and kid_id.get("type") == ids.FIGURE:
            # A figure's box holds its number and its label; a legend item its name and its number.
            labels = [k.children for k in kids if k is not kid and
                      {"figure-label", "legend-name"} & set(getattr(k, "className", "").split())]
            found[getattr(kid, "data-testid")] = {"id": kid_id, "box_label": labels[0] if labels else None}
        elif kid is not None and not isinstance(kid, (str, int, float)):
            _collect(kid, found)


def test_each_figure_has_its_text_and_a_name_the_dom_rule_keeps():
    for figure in figures.FIGURES:
        assert re.fullmatch(r"[a-z0-9_]+", figure.name), figure.name
        assert figure.dom_id == figure.name.replace("_", "-") or figure.member and "_" in figure.member
        if figure.wall and figure.text:
            assert all(figure.text in TEXT[lang] for lang in LANGUAGES), figure.text
        assert figure.wall or not figure.text  # a label only for what a screen shows
        for module in figure.computes:
            assert (API_DOC.parents[1] / module).is_file(), module


def figures_table() -> str:
    """docs/api.md's table of figures, made from the table: a row per figure, one per family
    (its members' code as <domain>, <severity>, ...)."""
    rows = ["| figure | JSON path | means | computed by | Redis |", "|---|---|---|---|---|"]
    done = set()
    for f in figures.FIGURES:
        if f.pattern:
            if f.pattern in done:
                continue
            done.add(f.pattern)

        def general(text: str, f: figures.Figure = f) -> str:  # a family member's text made the family's
            return text.replace(f.member, f"<{f.each}>") if f.member else text

        path = f"`{general(f.json)}`"
        if f.ledger:
            path += f"; the wall shows `{general(f.ledger)}` when present"
        modules = ", ".join(f"`{m}`" for m in f.computes)
        cells = (f"`{f.pattern.replace('{}', f'<{f.each}>') or f.name}`", path, f.means, modules,
                 general(f.source))
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join([BEGIN, *rows, END])


def test_the_api_doc_lists_every_figure_as_the_table_does():
    text = API_DOC.read_text(encoding="utf-8")
    found = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), text, re.DOTALL)
    assert found, f"docs/api.md has no table of figures between {BEGIN!r} and {END!r}"
    assert found.group(0) == figures_table(), \
        "docs/api.md's figures differ from kernel/figures.py: python -m tests.dashboard.test_figures"


if __name__ == "__main__":  # rewrite docs/api.md's table of figures from kernel/figures.py
    doc = API_DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(doc):
        sys.exit(f"docs/api.md: put {BEGIN} and {END} where the table goes")
    API_DOC.write_text(pattern.sub(lambda _: figures_table(), doc), encoding="utf-8")
