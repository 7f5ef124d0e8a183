"""The monthly report as a document (issue 17): the HTML is the view's text escaped, the PDF carries the
bureau's header, the text and the charts on numbered pages (read back with poppler's pdftotext and
pdftoppm, as a reader's viewer would draw it), and the Excel has a sheet per section."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from ledger import report_document, svg_charts

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
CHART_BLUE = (0x1C, 0x7E, 0xD6)  # svg_charts.COLOURS[0], the bars' colour
VIEW = {
    "issuer": "金水区教育局", "title": "学校安全月度报告", "unit": "第一中学 (s1)", "period": "2026年11月",
    "printed": "2026-12-01 06:00", "status": "已报送",
    "sections": [
        {"title": "隐患排查治理",
         "pairs": [{"label": "新发现隐患", "value": 12}, {"label": "整改率", "value": "83.3%"}]},
        {"title": "隐患按环节", "chart": {"kind": "bars", "unit": "件",
                                      "items": [["已上报", 3], ["整改中", 5], ["已销号", 10]]}},
        {"title": "各学校整改率", "chart": {"kind": "ranked", "unit": "%", "maximum": 100,
                                        "items": [["第一中学", 83.3], ["实验小学", 91.0]]}},
        {"title": "逾期隐患", "columns": ["编号", "名称"], "rows": [["H-1", "<script>alert(1)</script>"]]},
        {"title": "学校说明", "text": "本月开展消防演练一次。\n=HYPERLINK(\"http://evil\")"},
        *[{"title": f"附表{n}", "columns": ["项目", "数值"], "rows": [[f"第{n}项", n] for n in range(25)]}
          for n in range(2)],  # long enough for several pages
    ],
}


def test_the_html_is_the_views_text_escaped_with_a_chart_per_chart_section():
    html = report_document.document_html(VIEW)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<svg") == 2 and "已销号" in html and "金水区教育局" in html
    assert report_document.section_html({"title": "x", "unknown": 1}, "zh") == ""  # not guessed at


def test_a_chart_escapes_its_labels_and_draws_an_empty_series_as_no_data():
    svg = svg_charts.bars([("<b>", 2), ("负", -3)], title="a&b")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a&amp;b" in svg
    assert 'height="-' not in svg  # a negative value is drawn as zero
    assert "无数据" in svg_charts.ranked([], title="空")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="never: .ci/system-packages installs poppler-utils")
def test_the_pdf_has_the_header_the_text_and_the_charts_on_numbered_pages(tmp_path):
    pdf = report_document.document_pdf(VIEW)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    for n, page in enumerate(p for p in pages if p.strip()):
        assert "金水区教育局" in page and re.search(rf"第\s*{n + 1}\s*页\s*/\s*共\s*{len(pages) - 1}\s*页", page)
    for words in ("学校安全月度报告", "第一中学 (s1)", "新发现隐患", "83.3%", "<script>alert(1)</script>",
                  "本月开展消防演练一次。", "已销号", "实验小学"):
        assert words in text, words
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    blue = sum(1 for pixel in image.get_flattened_data() if all(abs(a - b) < 40 for a, b in zip(pixel, CHART_BLUE)))
    assert blue > 50  # the bar chart is drawn on the first page


def test_the_excel_has_a_sheet_per_section_and_keeps_typed_text_as_text():
    book = load_workbook(io.BytesIO(report_document.document_xlsx(VIEW)))
    assert book.sheetnames[:5] == ["隐患排查治理", "隐患按环节", "各学校整改率", "逾期隐患", "学校说明"]
    assert [c.value for c in book["隐患按环节"][2]] == ["已上报", 3]
    typed = [row[0].value for row in book["学校说明"].iter_rows(min_row=2)]
    assert typed[1] == '=HYPERLINK("http://evil")' and book["学校说明"]["A3"].data_type == "s"


def test_a_document_is_kept_under_its_hash_replaced_when_generated_again_and_never_half_written(session, tmp_path):
    tmp_path = tmp_path / "reports"  # the SQLite ledger lives beside it
    from datetime import datetime, timezone

    from ledger.commands import report_documents
    from ledger.errors import LedgerError
    from ledger.models import OrgUnit
    from queries.ledger import report_documents as kept

    district = OrgUnit(code="rd1", kind="district", name_zh="示范区")
    session.add(district)
    session.flush()
    now = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    first, before = report_documents.keep(session, report_dir=tmp_path, unit=district, kind="monthly",
                                          period="2026-11", fmt="pdf", lang="zh", content=b"%PDF-1 first",
                                          by="schedule", now=now)
    session.commit()
    first_file = first.file  # the row object is the one `keep` updates below
    assert before is None and (tmp_path / first_file).read_bytes() == b"%PDF-1 first"
    again, before = report_documents.keep(session, report_dir=tmp_path, unit=district, kind="monthly",
                                          period="2026-11", fmt="pdf", lang="zh", content=b"%PDF-1 second",
                                          by="王主任", now=now)
    session.commit()
    assert before == first_file != again.file and report_documents.forget_unused(session, tmp_path, before)
    assert sorted(p.name for p in tmp_path.iterdir()) == [again.file]  # no temporary file left either
    found = kept.find(session, district.id, "monthly", "2026-11", "pdf", "zh")
    assert found.generated_by == "王主任" and found.size == len(b"%PDF-1 second")
    assert [k.period for k in kept.kept_for(session, district.id)] == ["2026-11"]
    for period in ("2026-13", "26-11", "2026-11/../x", None):
        with pytest.raises(LedgerError):
            report_documents.keep(session, report_dir=tmp_path, unit=district, kind="monthly", period=period,
                                  fmt="pdf", lang="zh", content=b"x", by="x", now=now)
    with pytest.raises(LedgerError):
        report_documents.path_of(tmp_path, "../../etc/passwd")


def test_a_document_made_twice_at_once_is_kept_once(engine, tmp_path):
    """Two first downloads of an ended month at the same moment: both are answered and kept, one row,
    the other's file handed back for removal (a 503 'ledger unavailable' before, the unique key)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from datetime import datetime, timezone

    from sqlalchemy import select

    from kernel.connections import sql_sessions
    from ledger.commands import report_documents
    from ledger.models import OrgUnit, ReportDocument

    folder = tmp_path / "reports"
    sessions = sql_sessions(engine)
    with sessions() as db:
        district = OrgUnit(code="rd2", kind="district", name_zh="并发区")
        db.add(district)
        db.commit()
        unit_id = district.id
    now = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    for period in ("2026-08", "2026-09", "2026-10", "2026-11"):
        barrier = threading.Barrier(2, timeout=20)

        def run(n, period=period, barrier=barrier):
            with sessions() as db:
                barrier.wait()  # before the first statement: SQLite's writers begin one at a time
                unit = db.get(OrgUnit, unit_id)
                row, before = report_documents.keep(db, report_dir=folder, unit=unit, kind="monthly", period=period,
                                                    fmt="pdf", lang="zh", content=f"%PDF-1 {n}".encode(), by="x",
                                                    now=now)
                file = row.file
                db.commit()
                report_documents.forget_unused(db, folder, before)
                return file
        with ThreadPoolExecutor(2) as pool:
            files = list(pool.map(run, range(2)))
        with sessions() as db:
            kept = db.scalars(select(ReportDocument.file).where(ReportDocument.unit_id == unit_id,
                                                                ReportDocument.period == period)).all()
        assert len(kept) == 1 and kept[0] in files and (folder / kept[0]).is_file(), period


def _month(code: str, name: str, **figures):
    from datetime import datetime, timezone

    from queries.ledger.reporting import DomainAlerts, MonthlyFigures

    start, end = datetime(2026, 10, 31, 16, tzinfo=timezone.utc), datetime(2026, 11, 30, 16, tzinfo=timezone.utc)
    domains = {"environment": DomainAlerts(9, 2, 3, 5, 9, 41.0, 95.0), "personal_safety": DomainAlerts(4, 0, 1, 2, 4,
                                                                                                         30.0, 60.0)}
    return MonthlyFigures(code, name, "2026-11", start, end, end, alerts_by_domain=domains, **figures)


def test_the_school_and_unit_documents_carry_the_months_figures_and_the_schools_words(tmp_path):
    """queries/ledger/monthly_document's builders (pure): what a school submitted, as printed; a unit's
    month with each school's row and the totals from summed counts. UPDATE_SCREENSHOTS=1 saves their
    first pages for docs/district.md."""
    from ledger import reporting
    from queries.ledger import monthly_document

    s1 = _month("s1", "第一中学", hazards_found=12, hazards_found_major=1, hazards_rectified=9, hazards_open=5,
                hazards_overdue=2, hazards_major_open=1, inspections_owed=8, inspections_done=6, inspections_late=1,
                inspections_missed=1, drills=2, trainings=1, alerts_raised=13, alerts_critical=2, alerts_true=4,
                alerts_false=7, alerts_acknowledged=13, ack_median_s=38.0, ack_p90_s=90.0)
    s2 = _month("s2", "实验小学", hazards_found=3, hazards_rectified=1, hazards_open=3)
    school = monthly_document.school_document(s1, issuer="示范区教育局", unit="第一中学 (s1)", status="receipted",
                                              text="本月开展消防疏散演练两次。", printed="2026-12-06 06:00")
    assert school["status"] == "已报送，已签收" and school["period"] == "2026年11月"
    pairs = {p["label"]: p["value"] for s in school["sections"] if "pairs" in s for p in s["pairs"]}
    assert (pairs["本月发现隐患"], pairs["漏查"], pairs["应急演练"], pairs["确认用时中位数"]) == (12, 1, 2, "38 秒")
    rates = {"s1": reporting.rate_of(["on_time"]), "s2": reporting.rate_of(["late"])}
    unit = monthly_document.unit_document("示范区 (d1)", "示范区教育局", "2026-11", [s1, s2], rates,
                                          printed="2026-12-06 06:00")
    totals = {p["label"]: p["value"] for p in unit["sections"][0]["pairs"]}
    assert (totals["本月发现隐患"], totals["本月整改销号"]) == (15, 10)
    assert totals["整改销号占比"] == reporting.pct(10 / (10 + 8))  # summed counts, not a mean of shares
    assert totals["报送率"].startswith(reporting.pct(0.5))
    english = monthly_document.school_document(s1, issuer="Demo district", unit="No. 1 (s1)", status=None, text="",
                                               printed="", lang="en")
    assert english["status"].startswith("not submitted") and english["period"] == "2026-11"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        for name, view in (("monthly-school", school), ("monthly-district", unit)):
            path = tmp_path / f"{name}.pdf"
            path.write_bytes(report_document.document_pdf(view))
            subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", str(path),
                            str(DOCS_IMG / name)], check=True)
