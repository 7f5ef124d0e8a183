"""The reporting pages' builders, pure (dashboard/pages/reports/view.py, bureau_reports/view.py): the
figures shown as kept, the timeliness of each report, the district's total as a sum, the schools'
words as text, and the tabs shown only to who may open them."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dashboard.pages.bureau_reports import view as bureau
from dashboard.pages.reports import view as school
from layouts.lead_frame import frame
from layouts.lead_view import LeadView
from ledger import reporting
from queries.ledger.reporting import DueItem
from tests.dashboard.lead_support import component_props, component_texts

TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 12, 5, 16, tzinfo=timezone.utc)


def item(**changes) -> DueItem:
    values = dict(school="s1", school_name_zh="第一中学", school_name_en="No. 1 Middle", kind="monthly",
                  subject="2026-11", title="<b>2026-11 月度安全报告</b>", due_at=DUE, status="submitted",
                  timeliness="late", report_id=7, first_submitted_at=datetime(2026, 12, 6, 1, tzinfo=timezone.utc),
                  return_reason=None)
    return DueItem(**{**values, **changes})


def test_the_schools_panel_shows_the_kept_figures_and_its_list_the_timeliness():
    figures = {"as_of": "2026-12-01T00:00:00+08:00", "hazards_found": 3, "ack_median_s": 45.0, "ack_p90_s": 600.0,
               "alerts_by_domain": {"environment": {"raised": 2, "critical": 1, "true_alarms": 1, "false_alarms": 0,
                                                    "acknowledged": 2, "ack_median_s": 45.0, "ack_p90_s": 600.0}}}
    shown = {"id": 7, "kind": "monthly", "title": "2026-11 月度安全报告", "status": "returned",
             "due_at": DUE.isoformat(), "timeliness": "on_time", "text": "", "return_reason": "<i>补充</i>",
             "submitted_at": None, "receipted_at": None, "figures": figures, "kept": True}
    texts = component_texts(school.panel("zh", shown, TZ))
    assert "报送时的数据（截至 2026-12-01 00:00）" in texts and "已退回：<i>补充</i>" in texts
    assert "截止：2026-12-06 00:00 · 按时" in texts and "45 秒" in texts and "10.0 分钟" in texts
    assert "环境安全" in texts
    unopened = item(report_id=None, status=None, timeliness="missing", subject="2026-10")
    rows = school.report_rows("en", [item(), unopened], TZ)
    assert "<b>2026-11 月度安全报告</b>" in component_texts(rows)  # text, never markup
    assert {"Late", "Missing (overdue)", "not opened"} <= set(component_texts(rows))
    assert {"type": "reports-pick", "report": 7} in component_props(rows, "id")


def test_the_districts_total_is_the_sum_and_only_a_submitted_report_has_receipt_and_return():
    rates = [("s1", "第一中学", reporting.Rate(1, 1, 0, 0)), ("s2", "第二中学", reporting.Rate(3, 0, 1, 2))]
    texts = component_texts(bureau.rate_table("zh", rates, reporting.total(r for *_, r in rates)))
    assert texts[-6:] == ["合计", "4", "1", "1", "2", "25.0 %"]
    rows = bureau.report_rows("zh", [item(), item(status="receipted", report_id=8)], TZ)
    ids = component_props(rows, "id")
    assert {"type": "bureau-reports-receipt", "report": 7} in ids
    assert {"type": "bureau-reports-return", "report": 7} in ids
    assert not [i for i in ids if isinstance(i, dict) and i["report"] == 8]


def test_the_reporting_tabs_are_shown_only_to_who_may_open_them():
    schools = {"s1": {"name_zh": "一中"}, "s2": {"name_zh": "二中"}}
    reader = frame(LeadView("zh", "s1", schools), "lead_overview", "body")
    assert not [h for h in component_props(reader, "href") if "reports" in h]
    both = frame(LeadView("zh", "s1", schools, reports_tab=True, bureau_tab=True), "reports", "body")
    assert {"/reports?school=s1", "/bureau/reports?school=s1"} <= set(component_props(both, "href"))


def test_officers_get_the_bureaus_supervision_and_notices_tabs_and_school_people_the_schools():
    from dashboard.lead_context import more_tabs
    from dashboard.roles import Principal

    officer = Principal(role="leader", user_id=1, unit="d1", schools=frozenset({"s1", "s2"}))
    head = Principal(role="safety", user_id=2, unit="s1", schools=frozenset({"s1"}))
    assert more_tabs(officer) == {"bureau_supervision", "bureau_notices"}
    assert more_tabs(head) == {"supervision", "notices"}
    assert more_tabs(Principal(role="reporter", user_id=3, unit="s1", schools=frozenset({"s1"}))) == frozenset()
    assert more_tabs(Principal(role="wall", token_id=4)) == frozenset()  # a token: no person's pages
    schools = {"s1": {"name_zh": "一中", "name_en": None}}
    body = str(frame(LeadView("zh", "s1", schools, more_tabs=more_tabs(officer)), "lead_overview", "body"))
    assert "/bureau/supervision" in body and "/bureau/notices" in body and "'/supervision" not in body
