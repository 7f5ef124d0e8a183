"""The drills and trainings page's builders and what its callbacks take from the browser, pure (no
services): the list and its counts, user text kept as text, the frame's tab, and the form's values
turned into the ledger's DrillForm or refused."""
from __future__ import annotations

from datetime import date, datetime, timezone

from dashboard.pages.drills import view as part
from dashboard.pages.drills.callbacks import drill_form
from layouts.lead_frame import frame
from layouts.lead_view import LeadView, pick_school
from ledger.drills import DrillForm
from queries.ledger.drills import DrillRow
from tests.dashboard.lead_support import component_props, component_texts

AT = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)


def row(**changes) -> DrillRow:
    values = dict(id=3, kind="drill", title="<b>消防疏散演练</b>", held_on=date(2026, 11, 20), unit=None,
                  unit_name_zh=None, unit_name_en=None, participant_count=320, participants="高一(1)班\n高一(2)班",
                  plan="火灾事故专项应急预案", notes="", recorded_by="safety", recorded_at=AT, updated_by=None,
                  updated_at=None, withdrawn_at=None, withdrawn_by=None, withdrawn_reason=None)
    return DrillRow(**{**values, **changes})


def test_the_years_records_and_their_counts():
    body = part.body("zh", school="s1", year=2026, units=[("s1-chem", "化学组")],
                     rows=(row(), row(id=4, kind="training", title="全员培训", unit="s1-chem", unit_name_zh="化学组",
                                      participant_count=None)),
                     counts={"drill": 1, "training": 1})
    texts = component_texts(body)
    assert "应急演练 1 次 · 安全教育培训 1 次" in texts and "<b>消防疏散演练</b>" in texts  # text, never markup
    assert "应急演练 · 全校 · 火灾事故专项应急预案" in texts and "320 人 · 高一(1)班" in texts
    assert "安全教育培训 · 化学组 · 火灾事故专项应急预案" in texts and "高一(1)班" in texts
    assert {"type": "drills-edit", "drill": 4} in component_props(body, "id")
    assert component_texts(part.drill_rows("en", ())) == ["No record this year yet"]


def test_the_drills_tab_is_in_the_frame_only_for_who_may_record():
    schools = {"s1": {"name_zh": "一中"}}
    reader = frame(pick_school("zh", "s1", schools), "lead_overview", "body")
    assert not any(h.startswith("/drills") for h in component_props(reader, "href"))
    recorder = frame(LeadView("zh", "s1", schools, drills_tab=True), "drills", "body")
    assert "/drills?school=s1" in component_props(recorder, "href")


def test_what_the_browser_sends_back_becomes_the_ledgers_form_or_nothing():
    sent = ("演练", "drill", "2026-11-20", "s1-chem", 30.0, "", "预案", "")
    assert drill_form(*sent) == DrillForm(title="演练", kind="drill", held_on="2026-11-20", unit="s1-chem",
                                          participant_count=30, participants="", plan="预案", notes="")
    # What is missing is the ledger's to say (ledger/drills.py check_form).
    assert drill_form("演练", "drill", "", None, None, None, None, None).held_on is None
    for position, bad in ((0, None), (1, ["drill"]), (3, {"code": "x"}), (4, 2.5), (4, True), (4, "30"),
                          (5, "x" * 10_000)):
        values = list(sent)
        values[position] = bad
        assert drill_form(*values) is None, (position, bad)
