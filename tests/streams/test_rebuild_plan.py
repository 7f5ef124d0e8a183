"""The rebuild's decisions (streams/rebuild_plan.py), pure: when a school may switch, which keys it
renames and deletes, when a rebuild is dead, the progress line."""
from __future__ import annotations

from demo.past_week import week_span
from kernel import keys
from kernel.clock import DAY_MS, WINDOW_MS
from streams import rebuild_plan as plan

P = keys.rebuild_prefix(4)


def test_a_school_switches_only_once_the_rebuild_has_read_as_far_as_the_live_side_applied_it():
    positions = {"ev/0": 100, "ev/1": 50}
    assert plan.ready({}, positions, "ev")  # never counted live (a lost Redis, the demo's start)
    assert plan.ready({"ev/0": "100", "ev/1": "7"}, positions, "ev")
    assert plan.ready({"ev/0": "90"}, positions, "ev")  # ahead is exact: the live side skips it
    assert not plan.ready({"ev/0": "101"}, positions, "ev")
    assert not plan.ready({"ev/2": "1"}, positions, "ev")  # a partition the rebuild never read
    assert plan.ready({"old-topic/0": "900", "ev/0": "3"}, positions, "ev")  # another topic: nobody reads it


def test_keys_are_grouped_by_school_and_only_aggregates_are_replaced():
    names = [P + keys.hour_counts("a1", 5), P + keys.offsets("a1"), P + keys.meta("b2"), "campus:schools",
             keys.hour_counts("a1", 5), keys.ledger_figures("a1"), keys.sent_event("a1", "ff"), keys.alert("a1", "x:y")]
    assert plan.by_school(names, P) == {"a1": [P + keys.hour_counts("a1", 5), P + keys.offsets("a1")],
                                        "b2": [P + keys.meta("b2")]}
    assert plan.by_school(names) == {"a1": [keys.hour_counts("a1", 5), keys.alert("a1", "x:y")]}
    script_keys, argv = plan.switch_arguments(
        "a1", P, [P + keys.hour_counts("a1", 5), P + keys.offsets("a1")],
        [keys.hour_counts("a1", 5), keys.hour_counts("a1", 1)], "ev", {"ev/1": 9, "ev/0": 4})
    assert script_keys == [keys.offsets("a1"), P + keys.hour_counts("a1", 5), keys.hour_counts("a1", 5),
                           P + keys.offsets("a1"), keys.offsets("a1"), keys.hour_counts("a1", 1)]
    assert argv == [2, "ev/", "ev/0", 4, "ev/1", 9]


def test_a_rebuild_is_dead_when_its_heartbeat_is_old_or_its_process_on_this_host_is_gone():
    now = 1_000_000
    assert plan.dead(f"{now - 16_000}|h1|10", now, "h2", lambda pid: True)
    assert not plan.dead(f"{now - 2_000}|h1|10", now, "h2", lambda pid: False)  # another host: the heartbeat tells
    assert plan.dead(f"{now - 2_000}|h1|10", now, "h1", lambda pid: False)
    assert not plan.dead(f"{now - 2_000}|h1|10", now, "h1", lambda pid: True)


def test_the_progress_line_shows_events_read_rate_and_time_left():
    progress = plan.Progress(total=1_000_000, started=0.0)
    progress.add(200_000, 4.0)
    assert progress.line(4.0) == "read 200,000 of 1,000,000 events (20 %), 50,000 events/s, 16 s left"
    progress.add(800_000, 10.0)
    assert progress.line(10.0).endswith("done")


def test_the_demos_past_week_lies_inside_the_longest_window_and_ends_before_now():
    now = 1_800_000_000_000
    first, end = week_span(now)
    assert now - WINDOW_MS < first < now - 6 * DAY_MS and end < now
    assert week_span(now, days=1) == (now - DAY_MS, now - 60_000)
