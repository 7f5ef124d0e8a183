"""The device register (ledger/models/devices.py): register, edit and retire the devices of a school
the admin manages, every change audited in the same transaction.

A device is known by its events' `source`, so that is checked like the contract checks it (one line,
at most 128 characters) and never changed once registered: the events already sent name it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.contract import MAX_TEXT_CHARS
from kernel.device_systems import DEVICE_SYSTEMS
from ledger.commands.audit import Actor, changed, record
from ledger.commands.risk_points import one_line, place_in_school, school_in_scope
from ledger.errors import LedgerError, NotFound, Words
from ledger.models import Building, Device, OrgUnit, Zone

MAX_URL = 500


@dataclass(frozen=True)
class DeviceForm:
    source: str
    name: str
    system: str
    building: str | None = None
    zone: str | None = None
    stream_url: str | None = None


def _url(text: str | None) -> str | None:
    """A camera's stream or snapshot address: rtsp, http or https, on a host; nothing else (a
    javascript: address would run in whoever opens it)."""
    value = one_line(text, Words("the stream address", "视频流地址"), limit=MAX_URL, required=False)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("rtsp", "rtsps", "http", "https") or not parts.hostname:
        raise LedgerError("the stream address is an rtsp://, http:// or https:// address with a host",
                          zh="视频流地址须是带主机名的 rtsp://、http:// 或 https:// 地址")
    return value


def snapshot(db: Session, device: Device) -> dict:
    building = db.get(Building, device.building_id) if device.building_id else None
    zone = db.get(Zone, device.zone_id) if device.zone_id else None
    return {"source": device.source, "name": device.name, "system": device.system,
            "building": building.code if building else None, "zone": zone.code if zone else None,
            "stream_url": device.stream_url,
            "retired_on": device.retired_on.isoformat() if device.retired_on else None}


def _fill(db: Session, school: OrgUnit, device: Device, form: DeviceForm) -> None:
    device.name = one_line(form.name, Words("the name", "名称"), limit=128, required=True)
    if form.system not in DEVICE_SYSTEMS:
        raise LedgerError(f"the system is one of {', '.join(DEVICE_SYSTEMS)}",
                          zh="系统应为智慧消防、视频监控、周界防范、门禁与人脸、应急广播、车辆管理、一键报警之一")
    device.system = form.system
    building, zone = place_in_school(db, school, form.building, form.zone)
    device.building_id = building.id if building else None
    device.zone_id = zone.id if zone else None
    url = _url(form.stream_url)
    if url is not None and form.system != "video":
        raise LedgerError("only a camera (video) has a stream address", zh="只有摄像机（视频监控）有视频流地址")
    device.stream_url = url


def _target(school: OrgUnit, device: Device) -> str:
    return f"device:{school.code}/{device.source}"


def find_device(db: Session, school: OrgUnit, source: str) -> Device:
    found = db.scalar(select(Device).where(Device.school_id == school.id, Device.source == source))
    if found is None:
        raise NotFound(f"{school.name_zh} has no device {source!r}", zh=f"{school.name_zh}没有设备 {source!r}")
    return found


def register_device(db: Session, *, actor: Actor, scope: str | None, school: str, form: DeviceForm,
                    now: datetime) -> Device:
    found = school_in_scope(db, school, scope)
    source = one_line(form.source, Words("the source", "来源编号"), limit=MAX_TEXT_CHARS, required=True)
    existing = db.scalar(select(Device).where(Device.school_id == found.id, Device.source == source))
    if existing is not None:
        raise LedgerError(f"{found.name_zh} already has the device {source!r}"
                          + (" (retired)" if existing.retired_on else ""),
                          zh=f"{found.name_zh}已有设备 {source!r}" + ("（已停用）" if existing.retired_on else ""))
    device = Device(school_id=found.id, source=source)
    _fill(db, found, device, form)
    db.add(device)
    db.flush()
    record(db, actor=actor, action="device.create", target=_target(found, device), now=now, school=found.code,
           after=snapshot(db, device))
    return device


def update_device(db: Session, *, actor: Actor, scope: str | None, school: str, form: DeviceForm,
                  now: datetime) -> Device:
    found = school_in_scope(db, school, scope)
    device = find_device(db, found, (form.source or "").strip())
    if device.retired_on is not None:
        raise LedgerError(f"the device {device.source!r} is retired", zh=f"设备 {device.source!r} 已停用")
    before = snapshot(db, device)
    _fill(db, found, device, form)
    db.flush()
    old, new = changed(before, snapshot(db, device))
    if new:
        record(db, actor=actor, action="device.update", target=_target(found, device), now=now,
               school=found.code, before=old, after=new)
    return device


def retire_device(db: Session, *, actor: Actor, scope: str | None, school: str, source: str,
                  now: datetime) -> Device:
    """Its events are no longer placed by the register from now; the row stays for the audit."""
    found = school_in_scope(db, school, scope)
    device = find_device(db, found, source)
    if device.retired_on is not None:
        raise LedgerError(f"the device {device.source!r} is already retired", zh=f"设备 {device.source!r} 已经停用")
    device.retired_on = now.date()
    db.flush()
    record(db, actor=actor, action="device.retire", target=_target(found, device), now=now, school=found.code,
           before={"retired_on": None}, after={"retired_on": device.retired_on.isoformat()})
    return device
