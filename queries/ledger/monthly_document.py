"""What the monthly report documents show (issue 17): a school's month, or a unit's month over its
schools, as the plain view ledger/report_document.py prints (PDF) and writes (Excel).

A school's document is its monthly report: the figures it submitted (the snapshot kept with the report)
and its own words, or, while it has submitted nothing, the month's figures read from the ledger now,
marked as not yet submitted. A unit's document (district, city, province) lists its schools' months
side by side, their reporting of the month (on time, late, missing: queries/ledger/reporting.rates),
and the unit's totals (sums; the rectification share from summed counts, never a mean of rates).
Reads first (`school_view`, `unit_view`), then the pure builders (`school_document`, `unit_document`).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kernel.names import DOMAIN_NAMES, name_of
from ledger import reporting
from ledger.models import OrgUnit
from queries.ledger import reporting as reports

TITLE = {"zh": "学校安全月度报告", "en": "Monthly school safety report"}
UNIT_TITLE = {"zh": "学校安全月度汇总报告", "en": "Monthly school safety summary"}
STATUS = {"zh": {None: "未报送（以下为账本当前数据）", "draft": "未报送（以下为账本当前数据）", "submitted": "已报送",
                 "receipted": "已报送，已签收", "returned": "已退回"},
          "en": {None: "not submitted (figures read from the ledger now)", "draft": "not submitted (figures read "
                 "from the ledger now)", "submitted": "submitted", "receipted": "submitted and receipted",
                 "returned": "returned"}}
WORDS: dict[str, tuple[str, str]] = {  # key: (zh, en)
    "hazards": ("隐患排查治理", "Hazards"), "found": ("本月发现隐患", "Found this month"),
    "found_major": ("其中重大隐患", "of them major"), "rectified": ("本月整改销号", "Rectified and closed"),
    "open": ("月末未销号", "Open at month end"), "overdue": ("其中逾期", "of them overdue"),
    "major_open": ("其中重大", "of them major"), "inspections": ("巡查", "Inspections"), "owed": ("应巡查", "Owed"),
    "done": ("按时完成", "Done on time"), "late": ("逾期完成", "Done late"), "missed": ("漏查", "Missed"),
    "due": ("进行中", "Running"), "drills": ("演练与培训", "Drills and trainings"), "drill": ("应急演练", "Drills"),
    "training": ("安全培训", "Trainings"), "alerts": ("报警处置", "Alerts"), "raised": ("报警", "Alerts"),
    "critical": ("特别严重", "Critical"), "true": ("真警", "True alarms"), "false": ("误报", "False alarms"),
    "ack_median": ("确认用时中位数", "Median time to acknowledge"),
    "ack_p90": ("确认用时 P90", "P90 time to acknowledge"),
    "by_domain": ("各领域报警", "Alerts by domain"), "domain": ("领域", "Domain"),
    "text": ("学校说明", "The school's words"),
    "chart_hazards": ("隐患情况", "Hazards"), "chart_alerts": ("各领域报警数", "Alerts by domain"),
    "unit_count": ("件", ""), "times": ("次", ""), "seconds": ("秒", "s"), "schools": ("各学校", "Schools"),
    "school": ("学校", "School"), "rate": ("报送率", "Reporting rate"), "totals": ("合计", "Totals"),
    "rectified_share": ("整改销号占比", "Share rectified"),
    "chart_rectified": ("各学校本月整改销号", "Rectified this month, by school"), "on_time": ("按时", "on time"),
    "missing": ("未报", "missing"),
}


def _words(lang: str) -> dict[str, str]:
    side = 1 if lang == "en" else 0
    return {key: pair[side] for key, pair in WORDS.items()}


def _seconds(value: float | None, w: dict) -> str:
    return "—" if value is None else f"{value:.0f} {w['seconds']}".strip()


def _period_words(period: str, lang: str) -> str:
    year, month = reporting.parse_period(period)
    return f"{year}-{month:02d}" if lang == "en" else f"{year}年{month}月"


def school_document(figures: reports.MonthlyFigures, *, issuer: str, unit: str, status: str | None, text: str,
                    printed: str, lang: str = "zh") -> dict:
    """The view of one school's month (pure)."""
    w = _words(lang)
    f = figures
    domains = sorted(f.alerts_by_domain.items())
    return {
        "issuer": issuer, "title": TITLE["en" if lang == "en" else "zh"], "unit": unit,
        "period": _period_words(f.period, lang), "status": STATUS["en" if lang == "en" else "zh"].get(status, status),
        "printed": printed,
        "sections": [
            {"title": w["hazards"], "pairs": [
                {"label": w[key], "value": getattr(f, f"hazards_{key}")}
                for key in ("found", "found_major", "rectified", "open", "overdue", "major_open")]},
            {"title": w["chart_hazards"], "chart": {"kind": "bars", "unit": w["unit_count"], "items": [
                [w["found"], f.hazards_found], [w["rectified"], f.hazards_rectified], [w["open"], f.hazards_open],
                [w["overdue"], f.hazards_overdue], [w["major_open"], f.hazards_major_open]]}},
            {"title": w["inspections"], "pairs": [
                {"label": w[k], "value": getattr(f, f"inspections_{k}")} for k in ("owed", "done", "late", "missed",
                                                                                    "due")]},
            {"title": w["drills"], "pairs": [{"label": w["drill"], "value": f.drills},
                                             {"label": w["training"], "value": f.trainings}]},
            {"title": w["alerts"], "pairs": [
                {"label": w["raised"], "value": f.alerts_raised}, {"label": w["critical"], "value": f.alerts_critical},
                {"label": w["true"], "value": f.alerts_true}, {"label": w["false"], "value": f.alerts_false},
                {"label": w["ack_median"], "value": _seconds(f.ack_median_s, w)},
                {"label": w["ack_p90"], "value": _seconds(f.ack_p90_s, w)}]},
            {"title": w["chart_alerts"], "chart": {"kind": "bars", "unit": w["times"], "items": [
                [name_of(DOMAIN_NAMES, d, lang), a.raised] for d, a in domains]}},
            {"title": w["by_domain"], "columns": [w["domain"], w["raised"], w["critical"], w["true"], w["false"],
                                                  w["ack_median"], w["ack_p90"]],
             "rows": [[name_of(DOMAIN_NAMES, d, lang), a.raised, a.critical, a.true_alarms, a.false_alarms,
                       _seconds(a.ack_median_s, w), _seconds(a.ack_p90_s, w)] for d, a in domains]},
            {"title": w["text"], "text": text or "—"},
        ],
    }


def unit_document(unit_name: str, issuer: str, period: str, months: list[reports.MonthlyFigures],
                  rates: dict[str, reporting.Rate], *, printed: str, lang: str = "zh") -> dict:
    """The view of a unit's month over its schools (pure): a row per school, the totals, a chart."""
    w = _words(lang)
    total = reporting.total(rates.values())
    rows = []
    for f in months:
        rate = rates.get(f.school) or reporting.rate_of(())
        rows.append([f"{f.school_name_zh} ({f.school})", f.hazards_found, f.hazards_rectified, f.hazards_open,
                     f.hazards_overdue, f.hazards_major_open, f.inspections_missed, f.drills, f.alerts_raised,
                     _seconds(f.ack_median_s, w), reporting.pct(rate.rate)])
    found = sum(f.hazards_found for f in months)
    rectified = sum(f.hazards_rectified for f in months)
    open_at_end = sum(f.hazards_open for f in months)
    share = rectified / (rectified + open_at_end) if rectified + open_at_end else None
    return {
        "issuer": issuer, "title": UNIT_TITLE["en" if lang == "en" else "zh"], "unit": unit_name,
        "period": _period_words(period, lang), "printed": printed,
        "sections": [
            {"title": w["totals"], "pairs": [
                {"label": w["schools"], "value": len(months)}, {"label": w["found"], "value": found},
                {"label": w["rectified"], "value": rectified}, {"label": w["open"], "value": open_at_end},
                {"label": w["overdue"], "value": sum(f.hazards_overdue for f in months)},
                {"label": w["major_open"], "value": sum(f.hazards_major_open for f in months)},
                {"label": w["rectified_share"], "value": reporting.pct(share)},
                {"label": w["missed"], "value": sum(f.inspections_missed for f in months)},
                {"label": w["raised"], "value": sum(f.alerts_raised for f in months)},
                {"label": w["rate"], "value": f"{reporting.pct(total.rate)}（{w['on_time']} {total.on_time} / "
                                              f"{total.due}，{w['missing']} {total.missing}）"}]},
            {"title": w["chart_rectified"], "chart": {"kind": "ranked", "unit": w["unit_count"], "items": [
                [f.school_name_zh, f.hazards_rectified] for f in months]}},
            {"title": w["schools"], "columns": [w["school"], w["found"], w["rectified"], w["open"], w["overdue"],
                                                w["major_open"], w["missed"], w["drill"], w["raised"],
                                                w["ack_median"], w["rate"]], "rows": rows},
        ],
    }


def _issuer(db: Session, unit: OrgUnit) -> str:
    """The header: the unit above a school (its district's bureau), or the unit itself above schools."""
    above = db.get(OrgUnit, unit.parent_id) if unit.kind == "school" and unit.parent_id else None
    return (above or unit).name_zh


def school_view(db: Session, school: OrgUnit, period: str, tz: ZoneInfo, *, lang: str, now: datetime) -> dict:
    report = reports.monthly_report(db, school_id=school.id, period=period)
    submitted = report is not None and report.status != "draft" and report.figures
    figures = (reports.MonthlyFigures.from_dict(report.figures) if submitted
               else reports.monthly_figures(db, school, period, tz, now=now))
    return school_document(figures, issuer=_issuer(db, school), unit=f"{school.name_zh} ({school.code})",
                           status=report.status if report is not None else None,
                           text=report.text if submitted else "", printed=now.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                           lang=lang)


def unit_view(db: Session, unit: OrgUnit, period: str, tz: ZoneInfo, *, lang: str, now: datetime) -> dict:
    """A unit's month over its schools: one monthly read per school (a scheduled document, not a page:
    a district's thirty schools take a second or two)."""
    schools = reports.schools_of(db, unit)
    months = [reports.monthly_figures(db, s, period, tz, now=now) for s in schools]
    start, end = reporting.period_window(period, tz)
    rates = reports.rates(db, unit, start, end, now, tz=tz)
    return unit_document(f"{unit.name_zh} ({unit.code})", _issuer(db, unit), period, months, rates,
                         printed=now.astimezone(tz).strftime("%Y-%m-%d %H:%M"), lang=lang)
