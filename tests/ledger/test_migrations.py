"""Migrations build the whole schema from empty, on SQLite and on PostgreSQL, and go back down."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from kernel.connections import sql_engine, sql_sessions
from kernel.names import local_name
from ledger.db import current_revision, downgrade, migrate
from ledger.models import Base, Campaign

HEAD = "0021_incident_reviews"
# What each revision adds, newest first: each goes down on its own and takes only its tables.
STEPS: list[tuple[str, str, set[str]]] = [  # (revision, the one before, tables it adds)
    ("0021_incident_reviews", "0020_history", {"incident_reviews"}),
    ("0020_history", "0018_distwall", {"wall_history"}),
    ("0018_distwall", "0019_report_documents", {"district_maps", "district_map_places"}),
    ("0019_report_documents", "0018_reporting", {"report_documents"}),
    ("0018_reporting", "0018_supervision", {"reporting_rules", "reports"}),
    ("0018_supervision", "0017_reminders", {"supervision_items", "supervision_steps", "supervision_photos",
                                            "notices", "notice_receipts"}),
    ("0017_reminders", "0017_ladder", {"notify_reminders"}),
    ("0017_ladder", "0016_notify_policy", {"alert_pages"}),  # and the outbox's status CHECK
    ("0016_notify_policy", "0015_notify", {"notify_policies"}),
    ("0015_notify", "0015_drills",
     {"notify_channels", "notify_addresses", "notify_outbox", "notify_deliveries"}),
    ("0015_drills", "0015_oncall", {"drills"}),
    ("0015_oncall", "0015_response_cards", {"oncall_entries"}),
    ("0015_response_cards", "0014_deduction_withdrawal", {"response_cards", "response_card_uses"}),
    ("0014_deduction_withdrawal", "0013_hazard_work", set()),  # columns only
    ("0013_hazard_work", "0013_photos", set()),  # columns and indexes only
    ("0013_photos", "0013_inspections", {"photos"}),
    ("0013_inspections", "0012_hazard_roles", {"inspection_plans", "inspections", "inspection_results"}),
    ("0012_hazard_roles", "0011_campaign_en", set()),  # the role CHECK only
    ("0011_campaign_en", "0010_people", set()),  # columns only
    ("0010_people", "0010_campaigns", {"sign_in_failures"}),
    ("0010_campaigns", "0010_register", set()),  # columns only
    ("0010_register", "0010_sites", {"devices"}),
    ("0010_sites", "0010_audit_rules", {"site_plan_images"}),
    ("0010_audit_rules", "0009", {"rule_texts"}),
    ("0009", "0008", {"audit_entries"}),
    ("0008", "0007", {"event_sources", "event_source_schools"}),
    ("0007", "0006", set()),  # indexes only
    ("0006", "0005", {"daily_domain_events"}),
    ("0005", "0004", {"hazard_comments"}),
    ("0004", "0003", {"alert_escalations", "alert_outbox"}),
    ("0003", "0002", {"users", "user_schools", "user_sessions"}),
    ("0002", "0001", {"access_tokens"}),
]


def test_upgrade_from_empty_creates_every_table_and_downgrade_removes_them(ledger_settings):
    engine = sql_engine(ledger_settings)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == HEAD
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        migrate(engine)  # a second upgrade is a no-op, as `make run` does at every start
        for revision, before, added in STEPS:
            assert current_revision(engine) == revision
            downgrade(engine, before)
            assert current_revision(engine) == before
            tables -= added
            assert set(inspect(engine).get_table_names()) == tables, revision
        migrate(engine)
        downgrade(engine, "base")
        assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(engine):
    """Autogenerate finds nothing to add: the migration and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_a_person_listing_every_school_of_a_district_gets_the_district_and_keeps_the_list(ledger_settings):
    """0009 maps the per-school lists: exactly one unit's schools become that unit as the scope, the
    narrowest such unit; any other list stays a list, and nobody reads less than before."""
    engine = sql_engine(ledger_settings)
    now = datetime(2026, 12, 6, tzinfo=timezone.utc).replace(tzinfo=None)
    try:
        migrate(engine, "0008")
        with engine.begin() as db:
            for uid, code, kind, parent in ((1, "p", "province", None), (2, "d1", "district", 1),
                                            (3, "s1", "school", 2), (4, "s2", "school", 2),
                                            (5, "d2", "district", 1), (6, "s3", "school", 5)):
                db.execute(text("INSERT INTO org_units (id, code, kind, name_zh, parent_id) "
                                "VALUES (:i, :c, :k, :c, :p)"), {"i": uid, "c": code, "k": kind, "p": parent})
            for uid, name, schools in ((1, "district", ("s1", "s2")), (2, "one", ("s3",)),
                                       (3, "mixed", ("s1", "s3")), (4, "everyone", ())):
                db.execute(text("INSERT INTO users (id, username, display_name, role, password_hash, all_schools,"
                                " created_at) VALUES (:i, :n, :n, 'leader', 'x', :a, :t)"),
                           {"i": uid, "n": name, "a": not schools, "t": now})
                for school in schools:
                    db.execute(text("INSERT INTO user_schools (user_id, school) VALUES (:i, :s)"),
                               {"i": uid, "s": school})
        migrate(engine)
        with engine.connect() as db:
            units = dict(db.execute(text("SELECT username, unit_id FROM users")).all())
            kept = db.execute(text("SELECT count(*) FROM user_schools")).scalar()
        # "one" listed s3, the only school of d2: the school itself is the narrowest unit.
        assert units == {"district": 2, "one": 6, "mixed": None, "everyone": None}
        assert kept == 5
        downgrade(engine, "0008")  # and back: the lists are all still there
        with engine.connect() as db:
            assert db.execute(text("SELECT count(*) FROM user_schools")).scalar() == 5
    finally:
        engine.dispose()


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET actor = 'someone else'", "DELETE FROM audit_entries"])
def test_the_audit_log_refuses_to_be_rewritten_on_postgresql(postgres_server, statement):
    """PostgreSQL only: a trigger there refuses the statements (SQLite has no such trigger; there, no
    command and no route exists that could change an entry)."""
    name = f"audit_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine = create_engine(postgres_server.url(name))
    try:
        migrate(engine)
        with engine.begin() as db:
            db.execute(text("INSERT INTO audit_entries (at, actor, actor_role, action, target) "
                            "VALUES (now(), 'admin', 'admin', 'org.create', 'school:s1')"))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as db:
            db.execute(text(statement))
        with engine.connect() as db:
            assert db.execute(text("SELECT actor FROM audit_entries")).scalars().all() == ["admin"]
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_campaigns_made_before_english_keep_their_chinese_and_gain_an_empty_english(ledger_settings):
    """0011_campaign_en adds the English beside the Chinese: an existing campaign and its items stay
    as they were, with no English (the pages then show the Chinese), and survive going back down."""
    engine = sql_engine(ledger_settings)
    try:
        migrate(engine, "0010_people")
        with engine.begin() as db:
            db.execute(text("INSERT INTO campaigns (id, code, name_zh, school_kinds, building_kinds) "
                            "VALUES (1, 'fire', '消防安全专项整治', '[]', '[]')"))
            db.execute(text("INSERT INTO checklist_items (campaign_id, position, text) VALUES (1, 1, '灭火器有效')"))
        migrate(engine)
        with sql_sessions(engine)() as db:
            campaign = db.get(Campaign, 1)
            assert (campaign.name_zh, campaign.name_en) == ("消防安全专项整治", None)
            assert [(i.text, i.text_en) for i in campaign.items] == [("灭火器有效", None)]
            assert local_name("en", campaign.name_zh, campaign.name_en) == "消防安全专项整治"
        downgrade(engine, "0010_people")
        with engine.connect() as db:
            assert db.execute(text("SELECT name_zh FROM campaigns")).scalars().all() == ["消防安全专项整治"]
            assert db.execute(text("SELECT text FROM checklist_items")).scalars().all() == ["灭火器有效"]
    finally:
        engine.dispose()


def test_the_new_roles_are_accepted_and_people_keep_their_schools_and_sessions(ledger_settings):
    """0012_hazard_roles changes only the CHECK on users.role; on SQLite that copies `users`, which
    must not take the rows pointing at it (their schools, their sessions) with it. Going down is
    refused while someone has a new role, and works once nobody has."""
    engine = sql_engine(ledger_settings)
    now = datetime(2026, 12, 6, tzinfo=timezone.utc)
    try:
        migrate(engine, "0011_campaign_en")
        with engine.begin() as db:
            db.execute(text("INSERT INTO users (id, username, display_name, role, password_hash, all_schools, "
                            "created_at) VALUES (1, 'zhang', '张老师', 'duty', 'x', false, :now)"), {"now": now})
            db.execute(text("INSERT INTO user_schools (user_id, school) VALUES (1, 's1')"))
            db.execute(text("INSERT INTO user_sessions (id, user_id, digest, started_at, last_active_at) "
                            "VALUES (1, 1, 'd', :now, :now)"), {"now": now})
        with pytest.raises(DBAPIError), engine.begin() as db:
            db.execute(text("UPDATE users SET role = 'reporter' WHERE id = 1"))
        migrate(engine)
        with engine.begin() as db:
            db.execute(text("UPDATE users SET role = 'reporter' WHERE id = 1"))
            assert db.execute(text("SELECT school FROM user_schools")).scalars().all() == ["s1"]
            assert db.execute(text("SELECT user_id FROM user_sessions")).scalars().all() == [1]
        with pytest.raises(DBAPIError), engine.begin() as db:
            db.execute(text("UPDATE users SET role = 'janitor' WHERE id = 1"))
        with pytest.raises(RuntimeError, match="change their role before going down"):
            downgrade(engine, "0011_campaign_en")
        with engine.begin() as db:
            db.execute(text("UPDATE users SET role = 'duty' WHERE id = 1"))
        downgrade(engine, "0011_campaign_en")
        with engine.connect() as db:
            assert db.execute(text("SELECT role FROM users")).scalars().all() == ["duty"]
            assert db.execute(text("SELECT school FROM user_schools")).scalars().all() == ["s1"]
            assert db.execute(text("SELECT user_id FROM user_sessions")).scalars().all() == [1]
    finally:
        engine.dispose()
