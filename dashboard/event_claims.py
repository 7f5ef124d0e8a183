"""Idempotence of POST /api/v1/events: a retried POST never produces an event twice.

Each event that passed its checks is *claimed* in Redis before it is produced: SET NX of a key per
(school, event id) holding this request's claim, for CLAIM_MS. Then, once Kafka has answered,
each claim is *settled*: an event Kafka acknowledged is marked "sent" for
EVENTS_API_DEDUPE_SECONDS (a later POST of it answers `duplicate`); an event Kafka did not take
has its claim deleted (if still this request's), so a retry later sends it. A claim found held
by another request means the same event is being sent right now: `retry` (the other request may
yet fail). A worker killed between claim and settle leaves claims that expire after CLAIM_MS.

One Lua script per school and step, all in one pipeline: each script's keys share the school's
hash slot (queries/keys.sent_event), as Redis Cluster needs.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable

import redis
from xxhash import xxh3_128_hexdigest

from kernel import keys

# Longer than the longest a request may wait for Kafka (dashboard/services.py: EVENTS_KAFKA_WAIT_S).
CLAIM_MS = 60_000
SENT = "sent"
CLAIMED, SEEN, BUSY = 1, 0, 2  # what a claim finds: ours now, sent before, another request's

# KEYS the events' keys; ARGV[1] this request's claim, ARGV[2] how long it holds (ms).
_CLAIM = """
local found = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[1], 'NX', 'PX', ARGV[2]) then
    found[i] = 1
  elseif redis.call('GET', key) == 'sent' then
    found[i] = 0
  else
    found[i] = 2
  end
end
return found
"""
# KEYS the claimed events' keys; ARGV[1] the claim, ARGV[2] how long "sent" is kept (ms), then one
# flag per key: '1' Kafka took it (marked sent, even if the claim has lapsed meanwhile: it is in
# Kafka), '0' it did not (the claim is deleted if it is still this request's).
_SETTLE = """
for i, key in ipairs(KEYS) do
  if ARGV[i + 2] == '1' then
    redis.call('SET', key, 'sent', 'PX', ARGV[2])
  elseif redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
  end
end
return #KEYS
"""


def event_key(school: str, event_id: str) -> str:
    # A digest: ids are up to 128 characters of the sender's choosing; 128 bits make a collision
    # (a new event answered "duplicate") practically impossible.
    return keys.sent_event(school, xxh3_128_hexdigest(event_id.encode("utf-8")))


def event_keys(events: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(school, key) of each (school, event id): `event_key`, with each school's prefix made once."""
    prefixes: dict[str, str] = {}
    found = []
    for school, event_id in events:
        prefix = prefixes.get(school)
        if prefix is None:
            prefix = prefixes[school] = keys.sent_event(school, "")
        found.append((school, prefix + xxh3_128_hexdigest(event_id.encode("utf-8"))))
    return found


class Claims:
    def __init__(self, client: redis.Redis, keep_s: int):
        self.client, self.keep_ms = client, keep_s * 1000
        self._claim = client.register_script(_CLAIM)
        self._settle = client.register_script(_SETTLE)

    @staticmethod
    def new_claim() -> str:
        return "claimed:" + secrets.token_hex(8)

    def claim(self, claim: str, keyed: list[tuple[str, str]]) -> list[int]:
        """CLAIMED, SEEN or BUSY for each (school, key) of `event_keys`, in order."""
        by_school = _by_school(keyed)
        if not by_school:
            return []
        pipe = self.client.pipeline(transaction=False)
        for positions in by_school.values():
            self._claim(keys=[keyed[i][1] for i in positions], args=[claim, CLAIM_MS], client=pipe)
        found = [BUSY] * len(keyed)
        for positions, answers in zip(by_school.values(), pipe.execute()):
            for position, answer in zip(positions, answers):
                found[position] = int(answer)
        return found

    def settle(self, claim: str, keyed: list[tuple[str, str]], delivered: list[bool]) -> None:
        """Mark what Kafka took as sent and release the rest (only this request's claims)."""
        by_school = _by_school(keyed)
        if not by_school:
            return
        pipe = self.client.pipeline(transaction=False)
        for positions in by_school.values():
            flags = ["1" if delivered[i] else "0" for i in positions]
            self._settle(keys=[keyed[i][1] for i in positions], args=[claim, self.keep_ms, *flags], client=pipe)
        pipe.execute()


def _by_school(keyed: list[tuple[str, str]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for position, (school, _) in enumerate(keyed):
        found.setdefault(school, []).append(position)
    return found
