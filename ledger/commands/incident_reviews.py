"""Writing an incident review (事后评估): the findings and the measures of one alert, by a person whose
schools hold it, audited. The caller commits.

A save names the version it was written over (`expected`: 0 for a review not yet written). If
someone saved in between, the save is refused and nothing is written: the second person reloads and
sees the first one's text rather than overwriting it unseen. Saving the same text again writes
nothing and says so (a double submit is harmless). An alert outside the person's schools is "no such
alert", the same answer as for an alert that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.row_ids import id_or_none
from ledger import incident_review as rules
from ledger.commands.audit import Actor, record
from ledger.errors import LedgerError, NotFound
from ledger.models import Alert, IncidentReview, OrgUnit


@dataclass(frozen=True)
class Saved:
    version: int
    written: bool  # False: the same text was already saved


def save(db: Session, *, actor: Actor, alert_id: object, schools: frozenset[str] | None, findings: object,
         measures: object, expected: object, now: datetime) -> Saved:
    if id_or_none(alert_id) is None:
        raise NotFound(f"no alert {alert_id!r}", zh=f"没有报警 {alert_id!r}")
    query = select(OrgUnit.code).join(Alert, Alert.school_id == OrgUnit.id).where(Alert.id == alert_id)
    school = db.scalar(query)
    if school is None or (schools is not None and school not in schools):
        raise NotFound(f"no alert {alert_id} among your schools' alerts", zh=f"您的学校中没有报警 {alert_id}")
    findings = rules.clean_text(findings, what_zh="经过与原因", what_en="The findings")
    measures = rules.clean_text(measures, what_zh="整改措施", what_en="The measures")
    if not isinstance(expected, int) or isinstance(expected, bool) or expected < 0:
        raise LedgerError("say which version of the review this was written over",
                          zh="请说明此次修改基于评估的哪个版本")
    row = db.get(IncidentReview, alert_id, with_for_update=True)
    current = 0 if row is None else row.version
    if row is not None and (row.findings, row.measures) == (findings, measures):
        return Saved(current, False)  # the same text again: a double submit, or nothing changed
    if expected != current:
        raise LedgerError(f"someone saved this review meanwhile (version {current}): reload it to see theirs",
                          zh=f"他人已修改此评估（第 {current} 版），请刷新后查看再修改")
    if not findings and not measures:
        raise LedgerError("write the findings or the measures", zh="请填写经过与原因或整改措施")
    before = None if row is None else {"findings": row.findings, "measures": row.measures, "version": row.version}
    if row is None:
        row = IncidentReview(alert_id=alert_id, findings=findings, measures=measures, version=1,
                             created_by=actor.name[:64], created_at=now, updated_by=actor.name[:64], updated_at=now)
        try:
            with db.begin_nested():  # two first saves at once: the second finds the first's row
                db.add(row)
        except IntegrityError:
            # The other first save is in. A double submit of this same text (PostgreSQL lets both insert)
            # is done, as when the row is found above: say so, never "reload", over the person's own words.
            kept = db.get(IncidentReview, alert_id, populate_existing=True)
            if kept is not None and (kept.findings, kept.measures) == (findings, measures):
                return Saved(kept.version, False)
            raise LedgerError("someone saved this review meanwhile (version 1): reload it to see theirs",
                              zh="他人已修改此评估（第 1 版），请刷新后查看再修改") from None
    else:
        row.findings, row.measures, row.version = findings, measures, row.version + 1
        row.updated_by, row.updated_at = actor.name[:64], now
        db.flush()
    record(db, actor=actor, action="incident_review.save", target=f"alert:{alert_id}", now=now, school=school,
           before=before, after={"findings": findings, "measures": measures, "version": row.version})
    return Saved(row.version, True)
