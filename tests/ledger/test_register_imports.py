"""Imports as an administrator (ledger/commands/imports.py) and as the browser starts them in the
background (dashboard/import_jobs.py): all rows or none, every bad row reported, the school only
within the admin's scope, one audit entry per import with its counts, progress in Redis."""
from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dashboard import import_jobs
from kernel import keys
from ledger import exchange, org_scope
from ledger.commands import imports
from ledger.grading import GradingRules
from ledger.models import AuditEntry, RiskPoint
from tests.ledger.import_support import good_and_bad, risk_csv, risk_row
from tests.ledger.register_support import NOW, ROOT, school_with_buildings

TZ = ZoneInfo("Asia/Shanghai")
RULES = GradingRules()


def run(session, tmp_path, data: bytes, *, scope="s1", school="s1"):
    path = tmp_path / "sheet.csv"
    path.write_bytes(data)
    return imports.import_list(session, actor=ROOT, scope=scope, school=school, kind="risk_points", path=path,
                               filename="风险点清单.csv", rules=RULES, tz=TZ, now=NOW)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_sheet_with_bad_rows_imports_nothing_and_names_each_row(session, tmp_path):
    school_with_buildings(session)
    with pytest.raises(exchange.ImportRejected) as refused:
        run(session, tmp_path, good_and_bad())
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "楼宇"), (5, "L")]
    session.rollback()
    assert count(session, RiskPoint) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("import.%"))) == 0


def test_a_good_sheet_is_imported_with_one_audit_entry_and_its_counts(session, tmp_path):
    school_with_buildings(session)
    result = run(session, tmp_path, risk_csv([risk_row("RP-1"), risk_row("RP-2")]))
    assert (result.created, result.updated) == (2, 0)
    run(session, tmp_path, risk_csv([risk_row("RP-2", C="3"), risk_row("RP-3")]))
    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "import.risk_points")
                                   .order_by(AuditEntry.id)))
    assert [e.after["created"] for e in entries] == [2, 1] and [e.after["updated"] for e in entries] == [0, 1]
    assert entries[0].after["file"] == "风险点清单.csv"
    assert (entries[0].school, entries[0].target) == ("s1", "school:s1")
    assert count(session, RiskPoint) == 3


def test_another_schools_admin_cannot_import_into_it(session, tmp_path):
    school_with_buildings(session)
    with pytest.raises(org_scope.OutOfScope):
        run(session, tmp_path, risk_csv([risk_row("RP-1")]), scope="s2", school="s1")
    assert count(session, RiskPoint) == 0


@pytest.mark.parametrize("name, data, message", [
    ("sheet.xls", b"anything", "只能导入"),
    ("sheet.xlsx", b"name,code\n1,2\n", "不是有效的 .xlsx"),
    ("sheet.csv", b"\x00\x01\x02PK", "不是文本"),
    ("sheet.csv", "风险点编号\n".encode("gbk"), "UTF-8"),
    ("sheet.csv", b"", "空"),
    ("sheet.csv", b"x" * (import_jobs.MAX_UPLOAD_BYTES + 1), "MB"),
])
def test_an_upload_is_judged_by_its_content_not_only_its_name(name, data, message):
    assert message in import_jobs.content_problem(name, data)


def test_a_good_csv_passes_the_content_check():
    assert import_jobs.content_problem("清单.CSV", risk_csv([risk_row("RP-1")])) is None


class Live:
    """What import_jobs needs of dashboard.services.Services, on the test's ledger and Redis."""

    def __init__(self, engine, client, settings):
        from kernel.connections import sql_sessions

        self._sessions = sql_sessions(engine)
        self.redis, self.settings, self.grading_rules = client, settings, RULES

    def ledger_session(self):
        return self._sessions()

    def now(self):
        return NOW


def wait_for(client, job_id, user_id, timeout=30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = import_jobs.read(client, job_id, user_id)
        if job and job["state"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError("the import did not end")


def test_a_background_import_reports_its_rows_and_only_to_its_owner(engine, redis_client, ledger_settings):
    from kernel.connections import sql_sessions

    with sql_sessions(engine).begin() as db:
        school_with_buildings(db)
    live = Live(engine, redis_client, ledger_settings)
    sheet = risk_csv([risk_row(f"RP-{n}") for n in range(1, 501)])
    job = import_jobs.start(live, user_id=7, actor=ROOT, scope="d1", school="s1", kind="risk_points",
                            filename="big.csv", data=sheet)
    assert import_jobs.read(redis_client, job, 8) is None  # someone else's job: nothing
    done = wait_for(redis_client, job, 7)
    assert (done["state"], done["created"], done["updated"]) == ("done", "500", "0")
    assert 0 < redis_client.ttl(keys.import_job(job)) <= import_jobs.JOB_TTL_S
    bad = import_jobs.start(live, user_id=7, actor=ROOT, scope="d1", school="s1", kind="risk_points",
                            filename="bad.csv", data=good_and_bad())
    refused = wait_for(redis_client, bad, 7)
    assert refused["state"] == "refused" and refused["error_count"] == "2"
    assert [(e["row"], e["column"]) for e in refused["errors"]] == [(3, "楼宇"), (5, "L")]
    with sql_sessions(engine)() as db:
        assert count(db, RiskPoint) == 500


def test_progress_goes_to_the_jobs_hash(redis_client):
    reporter = import_jobs._Reporter(redis_client, keys.import_job("progress-test"))
    reporter("write", 200, 1000)
    assert redis_client.hgetall(keys.import_job("progress-test")) == {"phase": "write", "done": "200", "total": "1000"}
    reporter("write", 400, 1000)  # within REPORT_EVERY_S of the last: not written
    assert redis_client.hget(keys.import_job("progress-test"), "done") == "200"


def test_a_retired_point_listed_again_in_a_sheet_is_back_on_the_register(session, tmp_path):
    from ledger.commands import risk_points
    from queries.ledger import register

    school_with_buildings(session)
    run(session, tmp_path, risk_csv([risk_row("RP-1")]))
    risk_points.retire_point(session, actor=ROOT, scope="s1", school="s1", code="RP-1", now=NOW)
    assert register.risk_point_rows(session, "s1") == []
    result = run(session, tmp_path, risk_csv([risk_row("RP-1")]))
    assert (result.created, result.updated) == (0, 1)
    assert [p.code for p in register.risk_point_rows(session, "s1")] == ["RP-1"]
