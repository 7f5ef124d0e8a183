"""The risk notice card (风险告知卡) of one risk point, as a printable page:

GET /admin/risks/<school>/<code>/card?lang=en

What the card shows is what hangs at the place (DOMAIN.md: 岗位风险告知卡): the point's name and
place, its level in its colour, the hazard sources, the possible accidents, the control measures,
the control level, the responsible unit and person, the review date, and a QR code. The QR code
holds the address a phone will open to report a hazard at this point (`report_url`: the site's
PUBLIC_URL, or the address this page was opened at, then /report?school=…&point=…; the reporting
page itself is a later issue's). It is drawn as inline SVG by segno (pure Python), so the card needs
nothing from the internet.

PDF: the browser's own print (the card's "打印 / 保存为 PDF" button, print CSS in
assets/risk_card.css, one A5 card a page). Chosen over a PDF library because the fonts on the
machine (fonts-noto-cjk) are CFF OpenType collections, which reportlab cannot embed (a PDF naming a
non-embedded CID font depends on the reader's fonts), and because the browser prints the same page
a person checked on screen, with the same fonts, adding no dependency.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import segno

COLOUR_ZH = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
LEVEL_ZH = {"major": "重大风险", "high": "较大风险", "moderate": "一般风险", "low": "低风险"}
LEVEL_EN = {"major": "Major risk", "high": "High risk", "moderate": "Moderate risk", "low": "Low risk"}
CONTROL_ZH = {"school": "校级", "unit": "院（处）级", "section": "科（室）级", "post": "岗位级"}
CONTROL_EN = {"school": "School", "unit": "Department", "section": "Section", "post": "Post"}

WORDS = {
    "zh": {"title": "风险告知卡", "code": "风险点编号", "place": "所在位置", "level": "风险等级", "method": "评价",
           "sources": "危险源", "accidents": "可能导致的事故", "measures": "管控措施", "control": "管控层级",
           "unit": "责任单位", "person": "责任人", "reviewed": "评审日期", "scan": "扫码上报此处隐患",
           "print": "打印 / 保存为 PDF", "none": "—"},
    "en": {"title": "Risk notice card", "code": "Risk point", "place": "Where", "level": "Risk level",
           "method": "Assessment", "sources": "Hazard sources", "accidents": "Possible accidents",
           "measures": "Control measures", "control": "Control level", "unit": "Responsible unit",
           "person": "Responsible person", "reviewed": "Reviewed", "scan": "Scan to report a hazard here",
           "print": "Print / save as PDF", "none": "—"},
}


def report_url(origin: str, school: str, code: str) -> str:
    """What the card's QR code holds: where a phone reports a hazard at this risk point."""
    return origin.rstrip("/") + "/report?" + urlencode({"school": school, "point": code})


def qr_code(origin: str, school: str, code: str) -> segno.QRCode:
    # Level M: a card on a lab wall gets dirty and scuffed; 15 % of the code may be lost.
    return segno.make(report_url(origin, school, code), error="m", micro=False)


def card_html(point, *, sources: list[str], accidents: list[str], lang: str, origin: str) -> str:
    w = WORDS["en" if lang == "en" else "zh"]
    e = escape  # every value from the ledger is text, never markup
    level = (LEVEL_EN if lang == "en" else LEVEL_ZH)[point.level]
    control = (CONTROL_EN if lang == "en" else CONTROL_ZH).get(point.control_level, point.control_level)
    factors = (f"LEC：L={point.l_value:g} E={point.e_value:g} C={point.c_value:g}，D={point.score:g}"
               if point.method == "LEC" else f"LS：L={point.l_value:g} S={point.s_value:g}，R={point.score:g}")
    place = " · ".join(p for p in (point.building_name, point.zone) if p) or w["none"]
    measures = "".join(f"<li>{e(line)}</li>" for line in point.control_measures.splitlines() if line.strip())
    qr = qr_code(origin, point.school, point.code).svg_inline(scale=4, border=2, title=w["scan"])
    rows = [(w["code"], e(point.code)), (w["place"], e(place)), (w["method"], e(factors)),
            (w["sources"], e("；".join(sources)) or w["none"]), (w["accidents"], e("、".join(accidents)) or w["none"]),
            (w["control"], e(control)), (w["unit"], e(point.unit_name or w["none"])),
            (w["person"], e(point.responsible_person or w["none"])),
            (w["reviewed"], e(point.last_reviewed_on.isoformat()))]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    colour = point.colour if lang == "en" else COLOUR_ZH[point.colour]
    measures = measures or f"<li>{w['none']}</li>"
    return f"""<!doctype html>
<html lang="{'en' if lang == 'en' else 'zh-CN'}"><head><meta charset="utf-8">
<title>{w['title']} · {e(point.name)}</title>
<link rel="stylesheet" href="/assets/risk_card.css">
<script src="/assets/risk_card.js" defer></script>
</head><body class="risk-card-page">
<p class="risk-card-tools"><button type="button" id="risk-card-print">{w['print']}</button></p>
<article class="risk-card colour-{e(point.colour)}" data-colour="{e(point.colour)}" data-code="{e(point.code)}">
<header><h1>{w['title']}</h1><p class="risk-card-school">{e(point.school_name)}</p></header>
<h2 class="risk-card-name">{e(point.name)}</h2>
<p class="risk-card-level">{w['level']}：<strong>{level}</strong>（{colour}）</p>
<table class="risk-card-facts">{table}</table>
<section class="risk-card-measures"><h3>{w['measures']}</h3><ul>{measures}</ul></section>
<figure class="risk-card-qr">{qr}<figcaption>{w['scan']}</figcaption></figure>
</article></body></html>"""
