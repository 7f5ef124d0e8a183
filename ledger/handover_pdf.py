"""The shift handover report (交接班) as a printable PDF, from what `handover_view` gives.

`handover_html(view, lang)` is pure: every string of the view is the ledger's text escaped, never
markup. It renders the view whole — title, shift, summary, every table in `tables`, and any other
part a later change adds (a list of label/value pairs, a table, a line of text), so an addition to
the view (who was on call, which response card was used) appears here without a change.

`handover_pdf(view, lang)` lays the page out with WeasyPrint (HTML and CSS through Pango, Chinese
in the Noto CJK fonts fontconfig finds on the machine: fonts-noto-cjk, embedded as subsets). It
fetches nothing: its url_fetcher serves the one stylesheet beside this module (handover_pdf.css)
and refuses every other address, so nothing in a report reaches the network or the disk.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from ledger import pdf_render
from ledger.pdf_render import Refused

CSS_FILE = Path(__file__).with_name("handover_pdf.css")
KNOWN = ("title", "shift", "summary", "tables")
PRINTED = {"zh": "打印时间", "en": "Printed"}
# WeasyPrint's url_fetcher: the stylesheet as bytes; Refused for any other address (WeasyPrint then
# leaves that resource out).
local_only = pdf_render.fetcher(CSS_FILE)
__all__ = ["CSS_FILE", "Refused", "handover_html", "handover_pdf", "local_only", "render_pdf"]


def _table(part: dict) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in part.get("columns", ()))
    rows = part.get("rows", ())
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td class="none" colspan="{max(1, len(part.get("columns", ())))}">—</td></tr>'
    title = f"<h2>{escape(str(part['title']))}</h2>" if part.get("title") else ""
    return f'<section class="table">{title}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>'


def _pairs(title: str | None, pairs: list[dict]) -> str:
    rows = "".join(f"<tr><th>{escape(str(p.get('label', '')))}</th><td>{escape(str(p.get('value', '')))}</td></tr>"
                   for p in pairs)
    heading = f"<h2>{escape(title)}</h2>" if title else ""
    return f'<section class="pairs">{heading}<table>{rows}</table></section>'


def _part(key: str, value: object) -> str:
    """A part of the view this module does not know by name, drawn by its shape."""
    if isinstance(value, dict) and "rows" in value:
        return _table(value)
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        return _pairs(str(value.get("title") or ""), [i for i in value["items"] if isinstance(i, dict)])
    if isinstance(value, list) and all(isinstance(i, dict) and "label" in i for i in value):
        return _pairs(None, value)
    if isinstance(value, list):
        return "".join(_part(key, item) for item in value)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return f'<p class="extra">{escape(str(value))}</p>'
    return ""


def handover_html(view: dict, lang: str = "zh", *, printed: str = "") -> str:
    """The report as one HTML page (escaped text only); `printed`: when it was printed, as text."""
    en = lang == "en"
    parts = [_pairs(None, view.get("summary", []))]
    parts += [_part(key, value) for key, value in view.items() if key not in KNOWN]
    parts += [_table(t) for t in view.get("tables", [])]
    stamp = f'<p class="printed">{PRINTED["en" if en else "zh"]}：{escape(printed)}</p>' if printed else ""
    return (f'<!doctype html><html lang="{"en" if en else "zh-CN"}"><head><meta charset="utf-8">'
            f'<title>{escape(str(view.get("title", "")))} · {escape(str(view.get("shift", "")))}</title>'
            f'<link rel="stylesheet" href="{CSS_FILE.name}">'
            f'</head><body><header><h1>{escape(str(view.get("title", "")))}</h1>'
            f'<p class="shift">{escape(str(view.get("shift", "")))}</p>{stamp}</header>'
            + "".join(parts) + "</body></html>")


def render_pdf(html: str) -> bytes:
    return pdf_render.render_pdf(html, CSS_FILE)


def handover_pdf(view: dict, lang: str = "zh", *, printed: str = "") -> bytes:
    return render_pdf(handover_html(view, lang, printed=printed))
