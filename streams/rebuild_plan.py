"""The rebuild's decisions, pure (streams/rebuild.py does the I/O): which keys a school's switch
renames and deletes, whether it may switch, what is dead, and the progress line."""
from __future__ import annotations

from dataclasses import dataclass, field

from kernel import keys

DEAD_AFTER_MS = 15_000  # a rebuild whose heartbeat is this old has stopped (it beats every second)


def ready(live_offsets: dict[str, str], positions: dict[str, int], topic: str) -> bool:
    """May a school switch: has the rebuild read, in every partition of the topic, at least as far
    as the live aggregators have applied the school's events? Being ahead is fine: the rebuilt
    offsets say so, and the live aggregators skip what they find applied. (switch.lua decides
    again, atomically; this saves sending it when it would refuse.)"""
    prefix = topic + "/"
    for stream, offset in live_offsets.items():
        if stream.startswith(prefix) and (stream not in positions or int(offset) > positions[stream]):
            return False
    return True


def by_school(names, prefix: str = "") -> dict[str, list[str]]:
    """Aggregate keys by school: the rebuild's (named with `prefix`) or, with no prefix, the live
    ones; other keys are left out."""
    found: dict[str, list[str]] = {}
    for name in names:
        if not name.startswith(prefix):
            continue
        parts = keys.school_key_parts(name[len(prefix):])
        if parts is not None and parts[1] in keys.AGGREGATE_KINDS:
            found.setdefault(parts[0], []).append(name)
    return found


def switch_arguments(school: str, prefix: str, rebuilt: list[str], live: list[str], topic: str,
                     positions: dict[str, int]) -> tuple[list[str], list]:
    """KEYS and ARGV of switch.lua for one school."""
    pairs = [(name, name[len(prefix):]) for name in sorted(rebuilt)]
    replaced = {live_name for _, live_name in pairs}
    gone = sorted(set(live) - replaced)
    script_keys = [keys.offsets(school)] + [k for pair in pairs for k in pair] + gone
    argv: list = [len(pairs), topic + "/"]
    for stream, position in sorted(positions.items()):
        argv += (stream, position)
    return script_keys, argv


def dead(entry: str, now_ms: int, host: str, alive) -> bool:
    """Has the rebuild of this registry entry ("<heartbeat ms>|<host>|<pid>") stopped? `alive(pid)`
    tells for a process of this host."""
    beat, _, rest = entry.partition("|")
    where, _, pid = rest.partition("|")
    if now_ms - int(beat or 0) > DEAD_AFTER_MS:
        return True
    return where == host and pid.isdigit() and not alive(int(pid))


@dataclass
class Progress:
    """Events read against the events to read, for the terminal."""

    total: int
    started: float
    read: int = 0
    marks: list[tuple[float, int]] = field(default_factory=list)  # (time, read) of the last seconds

    def add(self, count: int, now: float) -> None:
        self.read += count
        self.marks.append((now, self.read))
        while len(self.marks) > 2 and now - self.marks[0][0] > 5.0:
            self.marks.pop(0)

    def rate(self, now: float) -> float:
        """Events/s over the last few seconds (the first seconds: since the start)."""
        then, before = self.marks[0] if len(self.marks) > 1 else (self.started, 0)
        return (self.read - before) / (now - then) if now > then else 0.0

    def line(self, now: float) -> str:
        rate = self.rate(now)
        # The ends were asked for at the start; what is sent meanwhile is read too.
        total = max(self.total, self.read)
        left = total - self.read
        eta = f"{left / rate:,.0f} s left" if rate > 0 and left else ("done" if not left else "…")
        share = 100 * self.read / total if total else 100.0
        return f"read {self.read:,} of {total:,} events ({share:.0f} %), {rate:,.0f} events/s, {eta}"
