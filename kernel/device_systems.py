"""Which device system raised an alert, and which systems serve each domain. Plain data.

The contract names a device's system only in `device.online` / `device.offline` (`data.system`,
free text; the demo campus and the simulator use the seven systems of seed 001 二.(二).3 and .6,
demo/sites.py SYSTEMS). Every other alert-raising type comes from one kind of equipment,
so its system follows from the type, as the demo campus wires them (demo/sites.py
DeviceKind): smoke, temperature, gas and residual-current detectors are the fire system
(智慧消防); watch-list matches come from the face readers of the access system at the gates.
Three sources are not device systems of the seven but are kept apart rather than lumped
together, because a leader asks of each whether it cries wolf: the guards' patrol checkpoints,
the weather service, and people reporting a major hazard.

The leadership domain page groups the false-alarm rate by these systems and lists offline
devices of the systems that serve the domain shown (tests check every type the alert rules
raise has a system here).
"""
from __future__ import annotations

from kernel.catalogue import CATALOGUE, DOMAINS

# The seven device systems (demo/sites.py SYSTEMS), then the other alert sources.
DEVICE_SYSTEMS: tuple[str, ...] = ("fire", "video", "perimeter", "access", "broadcast", "vehicle", "one_key")
OTHER_SOURCES: tuple[str, ...] = ("patrol", "weather", "report")
UNKNOWN = "unknown"  # a device.offline alert whose event named no system (older data)
SYSTEMS: tuple[str, ...] = DEVICE_SYSTEMS + OTHER_SOURCES + (UNKNOWN,)

# Event type -> the system whose equipment sends it (every alert-raising type, and the gate events
# that tie a domain to its systems); `device.offline` names its own.
SYSTEM_OF_TYPE: dict[str, str] = {
    "attendance.in": "access",
    "attendance.out": "access",
    "visitor.check_in": "access",
    "visitor.check_out": "access",
    "alarm.one_key": "one_key",
    "fire.smoke_alarm": "fire",
    "sensor.temperature": "fire",
    "sensor.gas": "fire",
    "electrical.leakage": "fire",
    "perimeter.intrusion": "perimeter",
    "video.alarm": "video",
    "face.watchlist_hit": "access",
    "vehicle.entry": "vehicle",
    "vehicle.exit": "vehicle",
    "vehicle.speeding": "vehicle",
    "vehicle.overtime_parking": "vehicle",
    "patrol.checkpoint": "patrol",
    "weather.warning": "weather",
    "hazard.reported": "report",
}
SELF_NAMING = "device.offline"  # its system is the event's data.system


def system_of(alert_type: str, named_system: str | None = None) -> str:
    """The system of an alert of `alert_type`; `named_system` is the opening event's
    data.system (used for device.offline only)."""
    if alert_type == SELF_NAMING:
        return named_system or UNKNOWN
    return SYSTEM_OF_TYPE.get(alert_type, UNKNOWN)


def systems_of_domain(domain: str) -> tuple[str, ...]:
    """The device systems whose equipment raises the domain's alerts, in DEVICE_SYSTEMS order.
    Operations (运行管理) looks after the devices themselves (device.online/offline are its
    events), so it gets every system."""
    if domain == "operations":
        return DEVICE_SYSTEMS
    found = {SYSTEM_OF_TYPE.get(t) for t, (d, _) in CATALOGUE.items() if d == domain}
    return tuple(s for s in DEVICE_SYSTEMS if s in found)


DOMAIN_SYSTEMS: dict[str, tuple[str, ...]] = {domain: systems_of_domain(domain) for domain in DOMAINS}
