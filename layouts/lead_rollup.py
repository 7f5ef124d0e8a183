"""A unit's rolled-up figures and the league (issue 17), pure: the unit picker, the unit's figure
cards (the overview of a district, city or province) and the ranked tables. Shared by the district
page (/lead/district?unit=), the overview (/lead?unit=) and the district wall.

The rows are queries.ledger.rollup.Figures and queries.ledger.league.Ranked (annotations only): a
builder reads their attributes, it fetches nothing. Words in Simplified Chinese first, English on
?lang=en.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from dash import dcc, html

from layouts.i18n import Language, severity_name, text_lookup
from layouts.lead_board_text import percent, points

if TYPE_CHECKING:
    from queries.ledger.league import Ranked
    from queries.ledger.rollup import Figures

PICKER = "lead-unit-picker"
CARDS = "lead-unit-figures"
CHILD_LEAGUE = "lead-unit-league-units"
SCHOOL_LEAGUE = "lead-unit-league-schools"
ROWS_SHOWN = 100  # a province ranks 2,000 schools: the first 100 are listed, a city or district for the rest
KIND_ZH = {"province": "省", "city": "市", "district": "区县", "school": "学校"}
KIND_EN = {"province": "province", "city": "city", "district": "district", "school": "school"}
COLOURS = (("red", "红", "red"), ("orange", "橙", "orange"), ("yellow", "黄", "yellow"), ("blue", "蓝", "blue"))

TEXT = {
    "zh": {
        "picker": "选择单位", "picker_note": "汇总本单位及下级所有学校的数据",
        "unit_title": "{name} · 汇总（{n} 所学校）", "league_title": "{name} · 排名",
        "schools": "学校数", "hazards": "隐患治理", "hazards_open": "未销号隐患", "overdue": "已逾期",
        "major_open": "重大隐患", "major_overdue": "逾期重大隐患", "due_soon": "即将到期",
        "listed": "挂牌督办", "rate": "查改率", "rate_of": "近一年发现 {found} 项，已销号 {closed} 项",
        "alerts": "告警", "alerts_open": "未处置告警", "alerts_today": "今日告警",
        "response": "确认用时中位数", "response_of": "近 30 天已确认 {n} 条",
        "risks": "风险点", "by_colour": "四色分布", "reviews_overdue": "年度复核逾期 {n} 个",
        "inspections": "本月巡检", "owed": "应检", "done": "按时", "late": "补检", "missed": "漏检",
        "score": "考核得分（各校平均）", "score_school": "考核得分", "score_min": "最低 {min}",
        "below_pass": "不及格（<60）{n} 所", "reporting": "报送率", "reporting_of": "按时 {on_time} / 应报 {due}",
        "reporting_none": "报送率待接入", "not_ranked": "—",
        "col_rank": "名次", "col_unit": "单位", "col_school": "学校", "col_parent": "上级",
        "by": "排名依据：", "units_title": "下级单位排名", "schools_title": "学校排名",
        "league_note": ("名次从好到差：得分、查改率、报送率越高越好，逾期重大隐患越少越好，确认用时越短越好；"
                        "数值相同名次并列（如 1、2、2、4），并列者按代码排列；无数据者（如近一年未发现隐患则无查改率）"
                        "不参与排名，列于最后，名次显示为“—”。单位的比率由各校分子分母合计重新计算，"
                        "得分为各校得分的算术平均。"),
        "more_rows": "另有 {n} 个未列出：请选择下级单位查看",
        "to_league": "查看排名", "to_overview": "查看汇总", "whole_tree": "全部",
        "seconds": "{n} 秒", "minutes": "{n} 分钟", "hours": "{n} 小时",
    },
    "en": {
        "picker": "Choose a unit", "picker_note": "Figures of the unit and every school below it",
        "unit_title": "{name} · rolled up ({n} schools)", "league_title": "{name} · league",
        "schools": "Schools", "hazards": "Hazards", "hazards_open": "Open hazards", "overdue": "Overdue",
        "major_open": "Major", "major_overdue": "Overdue major", "due_soon": "Due soon",
        "listed": "Listed supervision", "rate": "Rectification rate",
        "rate_of": "{closed} of {found} found in the last year closed",
        "alerts": "Alerts", "alerts_open": "Open alerts", "alerts_today": "Alerts today",
        "response": "Median time to acknowledge", "response_of": "{n} acknowledged in 30 days",
        "risks": "Risk points", "by_colour": "By colour", "reviews_overdue": "{n} annual reviews overdue",
        "inspections": "Inspections this month", "owed": "Owed", "done": "On time", "late": "Late",
        "missed": "Missed",
        "score": "Assessment (mean of schools)", "score_school": "Assessment", "score_min": "lowest {min}",
        "below_pass": "{n} below 60", "reporting": "Reporting rate", "reporting_of": "{on_time} on time of {due} due",
        "reporting_none": "Reporting rate: not yet connected", "not_ranked": "—",
        "col_rank": "Rank", "col_unit": "Unit", "col_school": "School", "col_parent": "Above",
        "by": "Ranked by: ", "units_title": "Units ranked", "schools_title": "Schools ranked",
        "league_note": ("Best first: the highest score, rectification or reporting rate, the fewest overdue major "
                        "hazards, the shortest response. Equal values share a rank (1, 2, 2, 4), listed by code; "
                        "a row without the value (no hazard found in a year: no rate) is not ranked and is listed "
                        "last with '—'. A unit's rates are its schools' numerators over their denominators; its "
                        "score is the plain mean of its schools' scores."),
        "more_rows": "{n} more not listed: choose a unit below to see them",
        "to_league": "League", "to_overview": "Rolled-up figures", "whole_tree": "All",
        "seconds": "{n} s", "minutes": "{n} min", "hours": "{n} h",
    },
}
tr = text_lookup(TEXT)


def duration(lang: Language, seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return tr(lang, "seconds", n=int(round(seconds)))
    if seconds < 7200:
        return tr(lang, "minutes", n=int(round(seconds / 60)))
    return tr(lang, "hours", n=f"{seconds / 3600:.1f}".removesuffix(".0"))


def kind_name(lang: Language, kind: str) -> str:
    return (KIND_EN if lang == "en" else KIND_ZH).get(kind, kind)


def unit_picker(lang: Language, entries: Sequence[tuple[str, str, str, int]], current: str | None,
                href: Callable[[str], str]) -> html.Details:
    """The units the caller reads above the schools, indented by depth: (code, name, kind, depth)."""
    def label(name: str, kind: str) -> str:
        return f"{name}（{kind_name(lang, kind)}）" if lang == "zh" else f"{name} ({kind_name(lang, kind)})"

    items = [html.Li(dcc.Link(label(name, kind), href=href(code),
                              className="lead-menu-item" + (" is-current" if code == current else "")),
                     style={"paddingLeft": f"{depth * 1.2}em"}, **{"data-unit": code})
             for code, name, kind, depth in entries]
    return html.Details(id=PICKER, className="lead-unit-picker", open=current is None, children=[
        html.Summary(tr(lang, "picker"), className="lead-button"),
        html.P(tr(lang, "picker_note"), className="lead-note"), html.Ul(items)])


def _figure(label: str, value: str, note: str | None = None, key: str | None = None, alarm: bool = False):
    return html.Div(className="lead-unit-figure" + (" is-alarm" if alarm else ""), **({"data-fig": key} if key else {}),
                    children=[html.Span(label, className="lead-unit-label"), html.Strong(value),
                              html.Span(note, className="lead-note") if note else None])


def unit_cards(lang: Language, f: Figures) -> html.Div:
    """The unit's rolled-up figures: every figure the school overview, risks, assessment and the
    league show for one school, for the unit's schools together."""
    t = lambda key, **kw: tr(lang, key, **kw)  # noqa: E731
    score = f.score
    colours = " · ".join(f"{zh if lang == 'zh' else en} {f.risk_by_colour.get(c, 0):,}" for c, zh, en in COLOURS)
    sev = " · ".join(f"{severity_name(lang, s)} {n}" for s, n in sorted(f.open_by_severity.items()) if n)
    return html.Div(id=CARDS, className="lead-unit-cards", children=[
        html.Section(className="lead-card", children=[html.H3(t("hazards")),
            _figure(t("hazards_open"), f"{f.hazards_open:,}", key="hazards_open"),
            _figure(t("overdue"), f"{f.hazards_overdue:,}", key="hazards_overdue", alarm=f.hazards_overdue > 0),
            _figure(t("major_open"), f"{f.major_open:,}", key="major_open", alarm=f.major_open > 0),
            _figure(t("major_overdue"), f"{f.major_overdue:,}", key="major_overdue", alarm=f.major_overdue > 0),
            _figure(t("due_soon"), f"{f.due_soon:,}", key="due_soon"),
            _figure(t("listed"), f"{f.listed_supervision:,}", key="listed_supervision"),
            _figure(t("rate"), percent(f.rectification_rate), t("rate_of", found=f.found_365d, closed=f.closed_365d),
                    key="rectification_rate")]),
        html.Section(className="lead-card", children=[html.H3(t("alerts")),
            _figure(t("alerts_open"), f"{f.alerts_open:,}", sev or None, key="alerts_open", alarm=f.alerts_open > 0),
            _figure(t("alerts_today"), f"{f.alerts_today:,}", key="alerts_today"),
            _figure(t("response"), duration(lang, f.ack_median_s), t("response_of", n=f.acknowledged),
                    key="response")]),
        html.Section(className="lead-card", children=[html.H3(t("risks")),
            _figure(t("by_colour"), colours, t("reviews_overdue", n=f.reviews_overdue), key="risk_by_colour"),
            _figure(t("inspections"), f"{f.month_owed:,}", " · ".join(
                f"{t(k)} {getattr(f, 'month_' + k):,}" for k in ("done", "late", "missed")), key="inspections",
                alarm=f.month_missed > 0)]),
        html.Section(className="lead-card", children=[html.H3(t("score") if f.kind != "school" else t("score_school")),
            _figure(t("schools"), f"{f.schools:,}", key="schools"),
            _figure(t("score") if f.kind != "school" else t("score_school"),
                    "—" if score is None else points(score),
                    None if f.score_min is None else f"{t('score_min', min=points(f.score_min))} · "
                    f"{t('below_pass', n=f.below_pass)}", key="score", alarm=score is not None and score < 60),
            _figure(t("reporting"), percent(f.reporting_rate),
                    t("reporting_of", on_time=f.reports_on_time, due=f.reports_due) if f.reports_due is not None
                    else t("reporting_none"), key="reporting_rate")]),
    ])


def _value(lang: Language, key: str, value: float | None) -> str:
    if value is None:
        return "—"
    if key in ("rectification", "reporting"):
        return percent(value)
    if key == "score":
        return points(value)
    if key == "response":
        return duration(lang, value)
    return f"{int(value):,}"


def measure_links(lang: Language, measures: Sequence[tuple[str, str, str]], current: str,
                  href: Callable[[str], str]) -> html.P:
    """The measures to rank by, (key, zh, en) each, the current one marked."""
    return html.P(className="lead-unit-measures", children=[tr(lang, "by"), *[
        html.Span(dcc.Link(zh if lang == "zh" else en, href=href(key),
                           className="lead-button" + (" is-current" if key == current else "")), **{"data-by": key})
        for key, zh, en in measures]])


def league_table(lang: Language, ranked: Sequence[Ranked], *, by: str, measures: Sequence[tuple[str, str, str]],
                 table_id: str, first: str, row_href: Callable[[Figures], str], limit: int | None = ROWS_SHOWN
                 ) -> html.Div:
    """Rank, name, the chosen measure first, then the other measures: one row per school or unit, the
    first `limit` of them and a line saying how many more there are."""
    others = [m for m in measures if m[0] != by]
    chosen = next(m for m in measures if m[0] == by)
    head = html.Tr([html.Th(tr(lang, "col_rank"), className="num"), html.Th(tr(lang, first)),
                    *[html.Th(zh if lang == "zh" else en, className="num" + (" is-sorted" if key == by else ""))
                      for key, zh, en in (chosen, *others)]])
    rows = []
    for item in ranked[:limit]:
        f = item.row
        cells = [html.Td(_value(lang, by, item.value), className="num is-sorted", **{"data-col": by})]
        for key, _zh, _en in others:
            cells.append(html.Td(_value(lang, key, _raw(f, key)), className="num", **{"data-col": key}))
        rows.append(html.Tr(className="lead-unit-row", **{"data-code": f.code, "data-rank": str(item.rank or "")},
                            children=[html.Td(tr(lang, "not_ranked") if item.rank is None else str(item.rank),
                                              className="num lead-unit-rank"),
                                      html.Td(dcc.Link(f.name(lang), href=row_href(f))), *cells]))
    if limit is not None and len(ranked) > limit:
        rows.append(html.Tr(className="lead-unit-more", children=html.Td(
            tr(lang, "more_rows", n=len(ranked) - limit), colSpan=len(measures) + 2, className="lead-note")))
    return html.Div(className="lead-table-wrap", children=html.Table(
        id=table_id, className="lead-table lead-unit-league", children=[html.Thead(head), html.Tbody(rows)]))


def _raw(f: Figures, key: str) -> float | None:
    return {"score": f.score, "rectification": f.rectification_rate, "reporting": f.reporting_rate,
            "overdue_major": f.major_overdue, "response": f.ack_median_s}[key]
