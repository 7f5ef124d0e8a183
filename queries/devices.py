"""The live device register (Redis): each device's latest online/offline event, as the aggregator
keeps it (streams/registers.py: device -> "ts|online-or-offline|system"). One HGETALL: a school's
devices number in the hundreds or thousands, each field a few dozen bytes."""
from __future__ import annotations

import redis

from kernel import keys


def device_register(client: redis.Redis, school: str) -> dict[str, str]:
    return client.hgetall(keys.devices(school))
