"""Charts for printed documents (the monthly reports, issue 17) as inline SVG, pure: WeasyPrint draws
SVG itself, so a chart needs no browser, no plotly image export (kaleido would bring its own Chrome)
and no file. Every label is escaped text; sizes are in points of the printed page.

Two shapes cover the reports: `bars` (a value per label: hazards by stage, alerts by domain) and
`ranked` (horizontal bars, longest first: schools by rectification rate). Values below zero are drawn
as zero; an empty series draws its frame with "无数据"."""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = '"Noto Sans CJK SC", "Noto Sans CJK TC", sans-serif'
COLOURS = ("#1c7ed6", "#e8590c", "#2f9e44", "#c92a2a", "#7048e8", "#f08c00", "#0c8599", "#868e96")
EMPTY = {"zh": "无数据", "en": "No data"}


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _heading(title: str, unit: str, lang: str, x: float, y: float) -> str:
    unit_text = (f"（{unit}）" if lang == "zh" else f" ({unit})") if unit else ""
    return f'<text x="{x}" y="{y}" font-size="10" font-weight="bold">{escape(title + unit_text)}</text>'


def _empty(lang: str) -> str:
    return EMPTY.get(lang, EMPTY["zh"])


def _svg(width: int, height: int, body: str, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" '
            f'viewBox="0 0 {width} {height}" font-family=\'{FONT}\' role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>{body}</svg>')


def bars(items: Sequence[tuple[str, float]], *, title: str, unit: str = "", width: int = 480, height: int = 200,
         colour: str = COLOURS[0], lang: str = "zh") -> str:
    """Vertical bars, one per (label, value), in the order given, each with its value above it."""
    top, bottom, left = 24, 34, 8
    plot_h, plot_w = height - top - bottom, width - 2 * left
    parts = [_heading(title, unit, lang, left, 14),
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" stroke="#888" '
             f'stroke-width="0.6"/>']
    if not items:
        parts.append(f'<text x="{width / 2}" y="{top + plot_h / 2}" font-size="10" fill="#777" '
                     f'text-anchor="middle">{_empty(lang)}</text>')
        return _svg(width, height, "".join(parts), title)
    peak = max(max(v, 0) for _, v in items) or 1
    slot = plot_w / len(items)
    bar_w = min(36.0, slot * 0.6)
    for n, (label, value) in enumerate(items):
        value = max(value, 0)
        h = plot_h * value / peak
        x = left + slot * n + (slot - bar_w) / 2
        y = top + plot_h - h
        middle = x + bar_w / 2
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{middle:.1f}" y="{y - 3:.1f}" font-size="8" text-anchor="middle">'
                     f'{_number(value)}</text>')
        parts.append(f'<text x="{middle:.1f}" y="{top + plot_h + 12:.1f}" font-size="8" text-anchor="middle">'
                     f'{escape(str(label)[:10])}</text>')
    return _svg(width, height, "".join(parts), title)


def ranked(items: Sequence[tuple[str, float]], *, title: str, unit: str = "", width: int = 480,
           row: int = 14, maximum: float | None = None, colour: str = COLOURS[2], lang: str = "zh",
           limit: int = 30) -> str:
    """Horizontal bars, longest first (ties by label), at most `limit` rows; `maximum` fixes the scale
    (100 for a rate in %)."""
    ordered = sorted(items, key=lambda item: (-max(item[1], 0), str(item[0])))[:limit]
    label_w, top = 120, 22
    height = top + max(1, len(ordered)) * row + 6
    plot_w = width - label_w - 40
    parts = [_heading(title, unit, lang, 0, 12)]
    if not ordered:
        parts.append(f'<text x="{label_w}" y="{top + 10}" font-size="9" fill="#777">{_empty(lang)}</text>')
    peak = maximum or max((max(v, 0) for _, v in ordered), default=1) or 1
    for n, (label, value) in enumerate(ordered):
        value = max(value, 0)
        y = top + n * row
        w = plot_w * min(value, peak) / peak
        parts.append(f'<text x="{label_w - 4}" y="{y + row * 0.7:.1f}" font-size="8" text-anchor="end">'
                     f'{escape(str(label)[:16])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2:.1f}" width="{w:.1f}" height="{row - 4}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + w + 3:.1f}" y="{y + row * 0.7:.1f}" font-size="8">{_number(value)}</text>')
    return _svg(width, height, "".join(parts), title)
