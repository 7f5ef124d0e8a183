"""The monthly safety report as a printed document (issue 17): a school's to its district, a district's
(or any unit's) to its bureau. Pure: `document_html(view, lang)` lays out a plain view — built by the
callers from the ledger's figures — and `document_pdf` prints it with WeasyPrint (ledger/pdf_render.py:
Noto CJK embedded as subsets, nothing fetched), `document_xlsx` writes its tables and pairs as sheets
(ledger/spreadsheet.py: what people typed stays text).

The view:
    {"issuer": "金水区教育局",                 # the bureau's header, on every page
     "title": "学校安全月度报告", "unit": "第一中学 (s1)", "period": "2026年11月",
     "printed": "2026-12-01 06:00",          # optional
     "status": "已报送 2026-12-03 / 已签收",    # optional: where the report stands
     "sections": [
        {"title": "隐患排查治理", "pairs": [{"label": "新发现", "value": 12}, ...]},
        {"title": "各学校", "columns": [...], "rows": [[...], ...]},
        {"title": "隐患按环节", "chart": {"kind": "bars" | "ranked", "items": [[label, value], ...],
                                          "unit": "件", "maximum": 100}},
        {"title": "学校说明", "text": "free text the school wrote"},
     ]}
Every string is the ledger's or a person's text, escaped, never markup; a section of a shape this
module does not know is left out rather than guessed at.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from ledger import svg_charts
from ledger.pdf_render import render_pdf
from ledger.spreadsheet import Sheet, xlsx_bytes

CSS_FILE = Path(__file__).with_name("report_document.css")
# The page numbers' words in English (the stylesheet's are Chinese; @page cannot be chosen by language).
ENGLISH_PAGES = ('<style>@page { @bottom-center { content: "Page " counter(page) " of " counter(pages); } }'
                 "</style>")
WORDS = {"zh": {"printed": "生成时间", "status": "状态"}, "en": {"printed": "Generated", "status": "Status"}}


def _text(value: object) -> str:
    return escape("" if value is None else str(value))


def _pairs(pairs: list) -> str:
    rows = "".join(f"<tr><th>{_text(p.get('label'))}</th><td>{_text(p.get('value'))}</td></tr>"
                   for p in pairs if isinstance(p, dict))
    return f'<table class="pairs">{rows}</table>'


def _table(columns: list, rows: list) -> str:
    head = "".join(f"<th>{_text(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>"
                   for row in rows if isinstance(row, list | tuple))
    if not rows:
        body = f'<tr><td class="none" colspan="{max(1, len(columns))}">—</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(chart: dict, title: str, lang: str) -> str:
    items = [(str(i[0]), float(i[1])) for i in chart.get("items", ())
             if isinstance(i, list | tuple) and len(i) == 2 and isinstance(i[1], int | float)]
    unit = str(chart.get("unit") or "")
    if chart.get("kind") == "ranked":
        return svg_charts.ranked(items, title=title, unit=unit, maximum=chart.get("maximum"), lang=lang)
    return svg_charts.bars(items, title=title, unit=unit, lang=lang)


def section_html(section: dict, lang: str) -> str:
    title = str(section.get("title") or "")
    if isinstance(section.get("chart"), dict):  # the chart carries its own title
        return f'<section class="chart">{_chart(section["chart"], title, lang)}</section>'
    heading = f"<h2>{_text(title)}</h2>" if title else ""
    if isinstance(section.get("pairs"), list):
        return f"<section>{heading}{_pairs(section['pairs'])}</section>"
    if isinstance(section.get("rows"), list):
        return f"<section>{heading}{_table(list(section.get('columns') or ()), section['rows'])}</section>"
    if isinstance(section.get("text"), str):
        paragraphs = "".join(f"<p>{_text(line)}</p>" for line in section["text"].splitlines() if line.strip())
        return f'<section class="text">{heading}{paragraphs or "<p>—</p>"}</section>'
    return ""


def document_html(view: dict, lang: str = "zh") -> str:
    words = WORDS["en" if lang == "en" else "zh"]
    status = (f'<p class="status">{words["status"]}：{_text(view["status"])}</p>' if view.get("status") else "")
    printed = (f'<p class="printed">{words["printed"]}：{_text(view["printed"])}</p>' if view.get("printed") else "")
    sections = "".join(section_html(s, lang) for s in view.get("sections", ()) if isinstance(s, dict))
    return (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
            f'<title>{_text(view.get("title"))} · {_text(view.get("period"))}</title>'
            f'<link rel="stylesheet" href="{CSS_FILE.name}">{ENGLISH_PAGES if lang == "en" else ""}</head><body>'
            f'<div class="issuer">{_text(view.get("issuer"))}</div>'
            f'<header><h1>{_text(view.get("title"))}</h1>'
            f'<p class="unit">{_text(view.get("unit"))} · {_text(view.get("period"))}</p>{status}{printed}</header>'
            f"{sections}</body></html>")


def document_pdf(view: dict, lang: str = "zh") -> bytes:
    return render_pdf(document_html(view, lang), CSS_FILE)


def document_xlsx(view: dict, lang: str = "zh") -> bytes:
    """Every section with figures as a sheet (a chart as its label/value table); the free text as a sheet
    of its lines. Sheet names are the sections' titles, cut to Excel's 31 characters, made unique."""
    sheets, names = [], set()
    for n, section in enumerate(s for s in view.get("sections", ()) if isinstance(s, dict)):
        name = (str(section.get("title") or f"{n + 1}").replace("/", "-").replace("\\", "-")[:28]
                .translate(str.maketrans("", "", "[]:*?")) or f"{n + 1}")
        while name in names:
            name = f"{name[:26]}{n + 1}"
        names.add(name)
        value, label = ("数值", "项目") if lang != "en" else ("Value", "Item")
        if isinstance(section.get("pairs"), list):
            rows = [[p.get("label"), p.get("value")] for p in section["pairs"] if isinstance(p, dict)]
            sheets.append(Sheet(name, [label, value], rows))
        elif isinstance(section.get("rows"), list):
            sheets.append(Sheet(name, list(section.get("columns") or ()), [list(r) for r in section["rows"]]))
        elif isinstance(section.get("chart"), dict):
            sheets.append(Sheet(name, [label, value], [list(i) for i in section["chart"].get("items", ())]))
        elif isinstance(section.get("text"), str):
            sheets.append(Sheet(name, [name], [[line] for line in section["text"].splitlines()]))
    if not sheets:
        sheets.append(Sheet(str(view.get("title") or "report")[:28], [""], []))
    return xlsx_bytes(sheets)
