"""Redis key names: the one place that knows them, for the consumers (writes) and queries (reads).

Every key of a school carries the hash tag `{s:<school>}`, so one school's keys live in one
Redis Cluster slot and a school's batch can be applied in one MULTI/EXEC there.
Buckets are by event time: `hour` is epoch hours (UTC), `day` the school's local date YYYYMMDD.
"""
from __future__ import annotations

SCHOOLS = "campus:schools"  # set of school ids that have sent at least one valid event


def tag(school: str) -> str:
    return "{s:" + school + "}"


def offsets(school: str) -> str:
    """hash "<topic>/<partition>" -> next Kafka offset whose effect is not yet applied."""
    return tag(school) + ":off"


def seen(school: str, hour: int, shard: int) -> str:
    """set of 64-bit event-id digests (as integers) of events whose time falls in the hour, one
    of 128 shards by the digest: small all-integer sets are Redis intsets, 8 bytes
    a member, where one big set would cost some 80 (dedupe)."""
    return f"{tag(school)}:seen:{hour}:{shard:02x}"


def hour_counts(school: str, hour: int) -> str:
    """hash "<domain>", "<domain>|t|<type>", "<domain>|s|<severity>" -> events in the hour."""
    return f"{tag(school)}:hh:{hour}"


def minute_counts(school: str, hour: int) -> str:
    """hash "<domain>|<minute 0-59>" -> events in that minute of the hour (trend lines)."""
    return f"{tag(school)}:mm:{hour}"


def people(school: str, day: str) -> str:
    """hash person -> "ts|in-or-out|group": each person's latest attendance event that day."""
    return f"{tag(school)}:people:{day}"


def visitors(school: str, day: str) -> str:
    """hash visitor -> "ts|in-or-out|ever-checked-in": each visitor's latest event that day."""
    return f"{tag(school)}:visitors:{day}"


def vehicles(school: str, day: str) -> str:
    """hash plate -> "ts|in-or-out": each vehicle's latest gate event that day."""
    return f"{tag(school)}:vehicles:{day}"


def day_counts(school: str, day: str) -> str:
    """hash of the day's head counts (present|staff, visitors_on_campus, checkins|<gate>, ...): the
    fields are the figures table's (kernel/figures.py)."""
    return f"{tag(school)}:day:{day}"


def devices(school: str) -> str:
    """hash device -> "ts|online-or-offline|system"."""
    return tag(school) + ":devices"


def device_counts(school: str) -> str:
    """hash "<system>|online" / "<system>|offline" -> devices."""
    return tag(school) + ":devcount"


def hazards(school: str) -> str:
    """hash hazard -> "ts|stage|grade|deadline_ms"."""
    return tag(school) + ":hazards"


def hazard_counts(school: str) -> str:
    """hash "stage|<stage>" and "major_open" -> hazards (fields: kernel/figures.py)."""
    return tag(school) + ":hzcount"


def hazard_deadlines(school: str) -> str:
    """sorted set hazard -> deadline (epoch ms) of hazards not yet accepted."""
    return tag(school) + ":hzdue"


def open_alerts(school: str) -> str:
    """hash alert id -> "severity|domain|raised_ms|state" of alerts not yet resolved."""
    return tag(school) + ":alerts:open"


def alert_counts(school: str) -> str:
    """hash "sev|<severity>" and "dom|<domain>" -> open alerts (fields: kernel/figures.py)."""
    return tag(school) + ":alerts:count"


def recent_alerts(school: str) -> str:
    """sorted set alert id -> raised_ms, the newest alerts only."""
    return tag(school) + ":alerts:recent"


def alert(school: str, alert_id: str) -> str:
    """hash of one alert's details, kept while open and for a day after it is resolved."""
    return f"{tag(school)}:alert:{alert_id}"


def meta(school: str) -> str:
    """hash partition, last_applied_ms, last_event_ms, events."""
    return tag(school) + ":meta"


def checkpoints(group: str, topic: str) -> str:
    """hash partition -> offset from which a consumer of the group resumes reading."""
    return f"{{cp:{group}}}:{topic}"


def caught_up(group: str, topic: str) -> str:
    """hash partition -> epoch ms when the group last stood at the end of the partition."""
    return f"{{cp:{group}}}:{topic}:caught_up"


def dead_letters(group: str, topic: str, partition: int) -> str:
    """hash "<school>|<reason>" -> rejected messages, and "next" -> next offset counted."""
    return f"{{dlq:{group}:{topic}:{partition}}}"


def dead_letter_partitions(group: str, topic: str) -> str:
    """set of partitions that have a dead-letter count hash."""
    return f"campus:dlq:{group}:{topic}"


def ledger_figures(school: str) -> str:
    """JSON: the SQL ledger's figures for the wall (queries/ledger/figures.py), kept by the recorder
    (streams/ledger_figures.py)."""
    return f"{tag(school)}:ledger"


# ---- POST /api/v1/events (issue 12; dashboard/api_events.py) ---------------------------------------

def sent_event(school: str, digest: str) -> str:
    """string: an event id (by its 128-bit digest) the events API claimed ("claimed:<request>",
    for a minute) or produced ("sent", for EVENTS_API_DEDUPE_SECONDS); a retried POST of it answers
    "duplicate" instead of producing it twice. In the school's hash slot."""
    return f"{tag(school)}:api:{digest}"


def source_rate(source_id: int) -> str:
    """hash tokens (thousandths of an event), at (epoch ms): one source key's token bucket."""
    return f"campus:source-rate:{source_id}"


# ---- Health and metrics (issue 12, "IT can see its health"; docs/operations.md) ------------------
# A stream process's figures live beside its group's checkpoints (the same hash tag), written in
# the round trip that writes them; the web app's /metrics and /healthz read them
# (queries/stream_health.py).

# Fields of the stream figures' batch-time histogram (streams/stream_metrics.py writes, /metrics reads).
BATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BUCKET_NAMES = tuple(f"batch|{bound:g}" for bound in BATCH_BUCKETS) + ("batch|+Inf",)


def stream_metrics(group: str) -> str:
    """hash "consumed", "applied" -> events since the figures began; "batch|<le>" -> batches that
    took at most <le> seconds and more than the bound below it ("batch|+Inf": the rest),
    "batch_sum" (seconds), "batch_count"."""
    return f"{{cp:{group}}}:metrics"


def stream_lag(group: str, topic: str) -> str:
    """hash partition -> "<messages behind>|<epoch ms measured>", by the member that reads it."""
    return f"{{cp:{group}}}:{topic}:lag"


def heartbeats(group: str) -> str:
    """sorted set "<host>:<pid>" -> epoch ms of that process's last heartbeat."""
    return f"{{cp:{group}}}:heartbeats"


WALL_SCREENS = "campus:wall:screens"  # sorted set screen id -> epoch ms of its last refresh
# Pushed walls (dashboard/wall_push.py): which school walls someone watches, in which language.
WALL_WATCHED = "campus:wall:watched"  # sorted set "<school>|<lang>" -> epoch ms until which it is watched
# A channel, not a key: each landed batch publishes its school's id on it, in its transaction, so
# the wall publishers build a changed school's model at once instead of at their next look.
WALL_MOVED = "campus:wall:moved"


def wall_state(school: str, lang: str) -> str:
    """string: the school's last published wall model in `lang`, with its sequence number (JSON)."""
    return f"{tag(school)}:wall:{lang}:state"


def wall_lease(school: str, lang: str) -> str:
    """string: the id of the process publishing the school's wall in `lang` (expires unless renewed)."""
    return f"{tag(school)}:wall:{lang}:lease"


def wall_channel(school: str, lang: str) -> str:
    """pub/sub channel: the changes of the school's wall in `lang`, as the screens apply them."""
    return f"{tag(school)}:wall:{lang}:changes"


def import_job(job_id: str) -> str:
    """hash: one spreadsheet import started from /admin/imports (dashboard/import_jobs.py): its owner,
    state, phase and progress, and its result; any web worker answers the page's polls from it."""
    return f"campus:import:{job_id}"


# ---- Rebuild (issue 18; streams/rebuild.py, docs/operations.md *Rebuilding the aggregates*) -------
# A rebuild writes a school's aggregates under its own prefix, *before* the hash tag: the same
# Redis Cluster slot as the live keys (so one script can rename them over the live ones), and
# never matched by a reader, who names only live keys.
REBUILD_IDS = "campus:rebuild:last"  # counter: the last rebuild number handed out
REBUILDS = "campus:rebuilds"  # hash rebuild number -> "<heartbeat ms>|<host>|<pid>" while it may run
# The first part of a school key's name after its tag, for the keys the aggregators derive from
# events (the ones a rebuild replaces); others under the tag (ledger, api:…) are left alone.
AGGREGATE_KINDS = frozenset({"off", "seen", "hh", "mm", "people", "visitors", "vehicles", "day", "devices",
                             "devcount", "hazards", "hzcount", "hzdue", "alerts", "alert", "meta"})


def rebuild_prefix(rebuild: int) -> str:
    """What a rebuild's keys start with: rebuild:<n>:{s:<school>}:…"""
    return f"rebuild:{rebuild}:"


def school_key_parts(key: str) -> tuple[str, str] | None:
    """(school, kind) of a live school key ("{s:a1}:hh:493000" -> ("a1", "hh")), else None."""
    if not key.startswith("{s:"):
        return None
    end = key.find("}")
    if end < 0:
        return None
    return key[3:end], key[end + 2:].split(":", 1)[0]


def is_aggregate(key: str) -> bool:
    parts = school_key_parts(key)
    return parts is not None and parts[1] in AGGREGATE_KINDS
