"""The audit log as admins read it (queries/ledger/audit_log.py), on SQLite and PostgreSQL: each
filter, newest first, keyset paging, and scope (a scoped admin reads their schools' entries and
their own, nothing else)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, insert, select, text

from ledger.commands import audit
from ledger.commands.audit import Actor
from ledger.models import AuditEntry
from queries.ledger.audit_log import PAGE_SIZE, AuditFilter, BadFilter, _conditions, audit_filter, audit_rows

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)  # 08:00 in Shanghai
ROOT, WANG, LI = Actor("root", "admin", "10.0.0.1"), Actor("wang", "admin", "10.0.0.2"), Actor("li", "admin")


def fill(db):
    """Ten entries an hour apart: root on s1/s2 and the district, wang on s1, li on s3."""
    plan = [(ROOT, "org.create", "school:s1", "s1"), (ROOT, "org.create", "school:s2", "s2"),
            (ROOT, "org.update", "district:d1", None), (WANG, "org.update", "school:s1", "s1"),
            (WANG, "user.create", "user:zhang", "s1"), (LI, "user.create", "user:=HYPERLINK(1)", "s3"),
            (LI, "rules.update", "rules:alert", None), (ROOT, "user.disable", "user:zhang", "s1"),
            (WANG, "org.create", "campus:s1-east", "s1"), (ROOT, "org.update", "school:s2_x", "s2")]
    for hour, (actor, action, target, school) in enumerate(plan):
        audit.record(db, actor=actor, action=action, target=target, school=school, now=T0 + timedelta(hours=hour),
                     before={"name_zh": f"旧{hour}"}, after={"name_zh": f"新{hour}"})
    db.flush()


def targets(rows):
    return [r.target for r in rows]


def test_newest_first_and_each_filter(session):
    fill(session)
    everything, more = audit_rows(session, AuditFilter(), schools=None, me=None)
    assert not more and len(everything) == 10
    assert [r.at for r in everything] == sorted((r.at for r in everything), reverse=True)
    assert everything[0].target == "school:s2_x" and everything[0].before == {"name_zh": "旧9"}

    def only(**query):
        return audit_rows(session, audit_filter(query, TZ), schools=None, me=None)[0]

    assert {r.actor for r in only(actor="wang")} == {"wang"} and len(only(actor="wang")) == 3
    assert targets(only(action="org.create")) == ["campus:s1-east", "school:s2", "school:s1"]
    assert {r.action for r in only(action="user")} == {"user.create", "user.disable"}  # every user.* action
    assert only(action="use") == []  # a prefix is a whole part, not any beginning
    assert {r.school for r in only(school="s2")} == {"s2"}
    assert targets(only(q="zhang")) == ["user:zhang", "user:zhang"]
    assert targets(only(q="s2_")) == ["school:s2_x"]  # _ and % are letters here, not wildcards
    assert targets(only(q="%")) == []
    # 08:00 + 3 h .. the whole of that day in Shanghai: the `until` day is included.
    assert len(only(since="2026-12-01 11:00", until="2026-12-01")) == 7
    assert targets(only(since="2026-12-01 10:00", until="2026-12-01 11:00")) == ["school:s1", "district:d1"]
    assert only(since="2026-12-02") == []
    assert targets(only(actor="root", action="org", school="s2")) == ["school:s2_x", "school:s2"]


def test_pages_walk_down_from_the_last_entry_shown(session):
    fill(session)
    # Two entries at the same moment: the id breaks the tie, nothing is shown twice or skipped.
    audit.record(session, actor=ROOT, action="org.update", target="school:tie", school="s1",
                 now=T0 + timedelta(hours=5), after={"x": 1})
    session.flush()
    seen, before = [], None
    while True:
        page, more = audit_rows(session, AuditFilter(), schools=None, me=None, before=before, limit=3)
        seen.extend(page)
        if not more:
            break
        before = page[-1].id
    assert len(seen) == 11 and len({r.id for r in seen}) == 11
    assert [(r.at, r.id) for r in seen] == sorted(((r.at, r.id) for r in seen), reverse=True)


def test_a_scoped_admin_reads_their_schools_entries_and_their_own(session):
    fill(session)
    rows, _ = audit_rows(session, AuditFilter(), schools=frozenset({"s1"}), me="li")
    assert {(r.school, r.actor) for r in rows} == {("s1", "root"), ("s1", "wang"), ("s3", "li"), (None, "li")}
    assert all(r.school != "s2" and r.target != "district:d1" for r in rows)
    # A filter cannot widen it: another school asked for by name is still out of scope.
    assert audit_rows(session, audit_filter({"school": "s2"}, TZ), schools=frozenset({"s1"}), me="li")[0] == []
    # An admin whose unit holds no school yet reads only their own entries.
    mine, _ = audit_rows(session, AuditFilter(), schools=frozenset(), me="wang")
    assert {r.actor for r in mine} == {"wang"} and len(mine) == 3
    assert audit_rows(session, AuditFilter(), schools=frozenset(), me=None)[0] == []


def test_the_common_read_is_bounded_by_its_page(session):
    """Newest first with a page size: one statement with a LIMIT of the page (and one more, to know
    whether there is a next page) and nothing skipped by OFFSET, whatever the filter."""
    fill(session)
    seen = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda _c, _cur, sql, params, *_a: seen.append((sql, params)))
    audit_rows(session, audit_filter({"school": "s1", "q": "school"}, TZ), schools=frozenset({"s1"}), me="x",
               before=5, limit=2)
    listed = [(sql, params) for sql, params in seen if "FROM audit_entries" in sql and "ORDER BY" in sql]
    assert len(listed) == 1
    sql, params = listed[0]
    assert "LIMIT" in sql
    values = list(params.values()) if isinstance(params, dict) else list(params)
    assert 3 in values  # limit + 1
    if "OFFSET" in sql:  # SQLite always writes one: it must skip nothing
        assert values[-1] == 0


@pytest.mark.parametrize("query, field", [
    ({"since": "yesterday"}, "since"), ({"until": "2026-13-01"}, "until"),
    ({"since": "2026-12-02", "until": "2026-12-01"}, "until"), ({"actor": "x" * 201}, "actor"),
    ({"q": "a\x1bb"}, "q"), ({"school": "s1\n"}, None),
])
def test_a_filter_that_cannot_be_read_names_its_field(query, field):
    if field is None:  # surrounding blanks are trimmed, not refused
        assert audit_filter(query, TZ).school == "s1"
        return
    with pytest.raises(BadFilter) as refused:
        audit_filter(query, TZ)
    assert str(refused.value) == field


def _plan(db, statement) -> str:
    bind = db.get_bind()
    compiled = statement.compile(bind, compile_kwargs={"literal_binds": True})
    if bind.dialect.name == "sqlite":
        return "\n".join(str(row[-1]) for row in db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    return "\n".join(row[0] for row in db.execute(text(f"EXPLAIN {compiled}")))


@pytest.mark.parametrize("query", [{}, {"actor": "user7"}, {"since": "2026-12-01", "until": "2026-12-01"}])
def test_the_common_reads_walk_an_index_not_the_table(session, query):
    """Thousands of entries: the newest page, a person's entries and a day's read an index in time
    order (no full scan, no sort of the whole log)."""
    rows = [{"at": T0 + timedelta(seconds=n), "actor": f"user{n % 50}", "actor_role": "admin", "ip": None,
             "action": "org.update", "target": f"school:s{n % 200}", "school": f"s{n % 200}"} for n in range(5000)]
    session.execute(insert(AuditEntry), rows)
    session.execute(text("ANALYZE"))
    filters = audit_filter(query, TZ)
    conditions = _conditions(filters, schools=None, me=None)
    statement = (select(AuditEntry).where(*conditions).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                 .limit(PAGE_SIZE + 1))
    assert audit_rows(session, filters, schools=None, me=None)[0]  # the statement the read runs, shown below
    plan = _plan(session, statement)
    if session.get_bind().dialect.name == "sqlite":
        assert "USING INDEX" in plan and "SCAN audit_entries\n" not in plan + "\n", plan
    else:
        assert "Index" in plan and "Seq Scan" not in plan, plan
