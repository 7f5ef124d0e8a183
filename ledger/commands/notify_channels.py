"""Admins keep their units' notification channels and people's addresses (issue 16).

Every write is held to the admin's unit (`scope`: the code of the unit they manage, as the signed-in
principal carries it; None for a whole-system admin):
a channel belongs to that unit or one below it, and only a school or a unit above schools holds
channels. Secrets are sealed here (ledger/notify_secrets.py) and never returned; an empty secret on an
edit keeps the stored one. Every change goes to the audit log with the hints, never the secrets.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import notify_secrets, org_scope
from ledger.commands import audit, user_admin, users
from ledger.commands.org import scope_of
from ledger.control_chars import describe, first_control
from ledger.errors import LedgerError
from ledger.models import NotifyAddress, NotifyChannel, OrgUnit
from ledger.models.notify import ADDRESS_KINDS, CHANNEL_KINDS
from ledger.notify_addresses import masked

UNIT_KINDS = ("province", "city", "district", "school")
PHONE = re.compile(r"^\+?[0-9]{6,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What each kind's config must name (the rest of the request is the provider's documented format).
NEEDS_CONFIG = {"email": ("host", "from"), "sms": ("url",), "webhook": ("url",)}
NEEDS_SECRET = ("wecom", "dingtalk", "feishu")  # the robot's webhook URL, which carries its token
WEB = ("http://", "https://")


def _refuse(en: str, zh: str) -> LedgerError:
    return LedgerError(en, zh=zh)


def save_channel(db: Session, *, actor: audit.Actor, scope: str | None, unit_id: int, kind: str, name: str,
                 config: dict, secret: str, signing_secret: str, rate_per_minute: int, passphrases: str,
                 now: datetime, channel_id: int | None = None) -> NotifyChannel:
    """Create (channel_id None) or edit a channel; the caller commits."""
    scope = scope_of(db, scope)
    unit = db.get(OrgUnit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.kind not in UNIT_KINDS:
        raise _refuse("channels belong to a school or a unit above schools", "通知渠道只能属于学校或学校以上的单位")
    org_scope.require_within(db, unit, scope, what="单位")
    if kind not in CHANNEL_KINDS:
        raise _refuse(f"unknown channel kind {kind!r}", f"未知的渠道类型 {kind}")
    name = (name or "").strip()
    if not 1 <= len(name) <= 128:
        raise _refuse("a name of 1-128 characters is needed", "请填写 1-128 个字符的名称")
    # Invisible, PostgreSQL refuses NUL, and a line break in a host or sender is another SMTP command or
    # header; the SMS body template alone may have lines.
    texts = [("the name", "名称", name)] + [(k, k, v) for k, v in (config or {}).items()
                                            if isinstance(v, str) and k != "body"]
    for en, zh, text in texts:
        if (control := first_control(text)) is not None:
            raise _refuse(f"{en} holds an invisible character ({describe(control[1])})",
                          f"{zh}中有不可见字符 {describe(control[1])}，请删去")
    if not 1 <= int(rate_per_minute) <= 600:
        raise _refuse("the rate must lie between 1 and 600 a minute", "每分钟条数须在 1-600 之间")
    config = {k: v for k, v in (config or {}).items() if v not in (None, "")}
    existing = db.get(NotifyChannel, channel_id) if isinstance(channel_id, int) else None
    if existing is not None and "url" not in config and "url" in (existing.config or {}):
        config["url"] = existing.config["url"]  # the page shows the URL without its query: kept unless retyped
    missing = [k for k in NEEDS_CONFIG.get(kind, ()) if k not in config]
    if missing:
        raise _refuse(f"{kind} needs {', '.join(missing)}", f"该渠道缺少配置：{'、'.join(missing)}")
    # A robot's secret is its webhook URL: held to http(s) as the other URLs are (a file: or data: URL
    # would have the notifier read its own files). An env: reference is checked when it is sent.
    robot_url = secret.strip() if kind in NEEDS_SECRET and not secret.strip().startswith("env:") else ""
    for url in ([str(config["url"])] if "url" in config else []) + ([robot_url] if robot_url else []):
        if not url.lower().startswith(WEB):
            raise _refuse("the URL must begin with http:// or https://", "地址须以 http:// 或 https:// 开头")
    if kind == "sms" and "{phone}" not in config["url"] + config.get("body", "") or (
            kind == "sms" and "{text}" not in config["url"] + config.get("body", "")):
        raise _refuse("the SMS template must contain {phone} and {text}", "短信模板须包含 {phone} 和 {text}")
    channel = db.get(NotifyChannel, channel_id) if channel_id is not None else None
    if channel_id is not None:
        if channel is None:
            raise _refuse("no such channel", "没有这个渠道")
        org_scope.require_within(db, channel.unit, scope, what="单位")
    before = _view(channel) if channel else None
    if channel is None:
        if kind in NEEDS_SECRET and not secret.strip():
            raise _refuse("the robot's webhook URL is needed", "请填写机器人的 Webhook 地址")
        # The form stays on "new" after a save: a second tap would add a twin, and every alert would
        # reach the group twice. A unit's channels of a kind have names of their own.
        if db.scalar(select(NotifyChannel.id).where(NotifyChannel.unit_id == unit.id, NotifyChannel.kind == kind,
                                                    NotifyChannel.name == name)) is not None:
            raise _refuse(f"the unit already has a {kind} channel named {name!r}: pick it to edit it",
                          f"该单位已有同类渠道“{name}”：请在“渠道”中选择它修改")
        channel = NotifyChannel(created_at=now)
        db.add(channel)
    channel.unit_id, channel.kind, channel.name, channel.config = unit.id, kind, name, config
    channel.rate_per_minute, channel.updated_at, channel.updated_by = int(rate_per_minute), now, actor.name[:64]
    if secret.strip():
        channel.secret, channel.secret_hint = notify_secrets.seal(secret, passphrases), notify_secrets.hint(secret)
    if signing_secret.strip():
        channel.signing_secret = notify_secrets.seal(signing_secret, passphrases)
        channel.signing_hint = notify_secrets.hint(signing_secret)
    db.flush()
    audit.record(db, actor=actor, action="notify_channel.save", target=f"notify_channel:{channel.id}", now=now,
                 before=before, after=_view(channel))
    return channel


def set_enabled(db: Session, *, actor: audit.Actor, scope: str | None, channel_id: int, enabled: bool,
                now: datetime) -> NotifyChannel:
    channel = db.get(NotifyChannel, channel_id)
    scope = scope_of(db, scope)
    if channel is None:
        raise _refuse("no such channel", "没有这个渠道")
    org_scope.require_within(db, channel.unit, scope, what="单位")
    if channel.enabled != enabled:
        channel.enabled, channel.updated_at, channel.updated_by = enabled, now, actor.name[:64]
        audit.record(db, actor=actor, action="notify_channel.enable" if enabled else "notify_channel.disable",
                     target=f"notify_channel:{channel.id}", now=now)
    return channel


def set_address(db: Session, *, user_id: int, kind: str, value: str) -> None:
    """A person's own phone or e-mail for personal channels ('' removes it); the caller checks who may."""
    if kind not in ADDRESS_KINDS:
        raise _refuse(f"unknown address kind {kind!r}", f"未知的联系方式类型 {kind}")
    value = (value or "").strip()
    row = db.get(NotifyAddress, (user_id, kind))
    if not value:
        if row is not None:
            db.delete(row)
        return
    control = first_control(value)
    if control is not None:  # invisible, and an e-mail header or an SMS template must never carry one
        raise _refuse(f"the {kind} holds an invisible character ({describe(control[1])})",
                      f"{'手机号' if kind == 'phone' else '邮箱'}中有不可见字符 {describe(control[1])}，请删去")
    if not (PHONE if kind == "phone" else EMAIL).fullmatch(value):
        raise _refuse("not a valid mobile number (6 to 20 digits, + allowed first)" if kind == "phone" else
                      "not a valid e-mail address", "手机号格式不正确（6 至 20 位数字，可以 + 开头）"
                      if kind == "phone" else "邮箱格式不正确")
    if row is None:
        db.add(NotifyAddress(user_id=user_id, kind=kind, value=value))
    else:
        row.value = value


def set_person_address(db: Session, *, actor: audit.Actor, scope: str | None, username: object, kind: str,
                       value: str, now: datetime) -> bool:
    """An admin sets (or, with '', removes) the phone or e-mail of a person they manage: one whose unit
    is the admin's or below it (user_admin.in_scope; a person elsewhere is answered as unknown, as the
    people page does). Audited with the masked values only. False: it already was so (nothing
    written, nothing audited: a second click of the same form is harmless). The caller commits."""
    user = users.find_user(db, username) if isinstance(username, str) and username.strip() else None
    if user is None or not user_admin.in_scope(db, user, scope_of(db, scope)):
        name = users.normal_username(username) if isinstance(username, str) else ""
        raise org_scope.OutOfScope(f"no user {name!r} among the people you manage",
                                   zh=f"您管理的人员中没有用户 {name!r}")
    row = db.get(NotifyAddress, (user.id, kind))
    before = row.value if row is not None else ""
    set_address(db, user_id=user.id, kind=kind, value=value)
    after = (value or "").strip()
    if after == before:
        return False
    audit.record(db, actor=actor, action="notify_address.set", target=f"user:{user.username}", now=now,
                 school=user_admin.school_code(db, user), before={kind: masked(kind, before) or None},
                 after={kind: masked(kind, after) or None})
    db.flush()
    return True


def _view(channel: NotifyChannel) -> dict:
    """What the audit log may show: hints, never secrets; the URL as the page shows it (no query, no
    user:password: tokens live there)."""
    config = {k: (notify_secrets.shown_url(v) if k == "url" else v) for k, v in (channel.config or {}).items()}
    return {"unit_id": channel.unit_id, "kind": channel.kind, "name": channel.name, "enabled": channel.enabled,
            "config": config, "secret": channel.secret_hint, "signing": channel.signing_hint,
            "rate_per_minute": channel.rate_per_minute}


def channel_in_scope(db: Session, scope: str | None, channel_id: object) -> NotifyChannel:
    channel = db.get(NotifyChannel, channel_id) if isinstance(channel_id, int) else None
    if channel is None:
        raise _refuse("no such channel", "没有这个渠道")
    org_scope.require_within(db, channel.unit, scope_of(db, scope), what="单位")
    return channel
