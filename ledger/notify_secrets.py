"""A channel's secret at rest: encrypted with Fernet under NOTIFY_SECRET_KEY, or an environment variable.

Stored forms (`NotifyChannel.secret`):
- `fernet:<token>`: the secret, encrypted (AES-128-CBC + HMAC-SHA256, cryptography's Fernet). The key is
  derived from the NOTIFY_SECRET_KEY passphrase with SHA-256; "new,old" decrypts with either while
  rotating (MultiFernet) and encrypts with the first.
- `env:NOTIFY_CHANNEL_NAME`: read from the notifier's environment at send time; the ledger never holds
  the value. Only variables named NOTIFY_CHANNEL_…, which the operator sets for channels: any other name
  would let an admin of one school have the notifier send its own secrets (NOTIFY_SECRET_KEY, which
  opens every school's stored secrets, DATABASE_URL) to an address of theirs as a bearer token.
The admin page shows only `hint()`: the env name, or the last 4 characters behind dots. Nothing here
logs a secret; `reveal` is called by the sender only, just before a request is signed.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ledger.errors import LedgerError

ENV_NAME = re.compile(r"NOTIFY_CHANNEL_[A-Z0-9_]{1,49}")


def _env_refused() -> LedgerError:
    return LedgerError("an environment variable for a channel is named NOTIFY_CHANNEL_… (A-Z, 0-9 and _)",
                       zh="渠道引用的环境变量须以 NOTIFY_CHANNEL_ 开头，只含大写字母、数字和下划线")


def _fernet(passphrases: str) -> MultiFernet:
    keys = [k.strip() for k in passphrases.split(",") if k.strip()]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(k.encode()).digest())) for k in keys])


def seal(secret: str, passphrases: str) -> str:
    """What to store for a secret the admin typed: `env:NOTIFY_CHANNEL_NAME` kept as is, anything else encrypted."""
    secret = secret.strip()
    if secret.startswith("env:"):
        name = secret[4:]
        if not ENV_NAME.fullmatch(name):
            raise _env_refused()
        return secret
    if not passphrases:
        raise LedgerError("NOTIFY_SECRET_KEY is not set: give the secret as env:NOTIFY_CHANNEL_NAME instead",
                          zh="未设置 NOTIFY_SECRET_KEY，无法加密保存；请改用 env:NOTIFY_CHANNEL_变量名 引用环境变量")
    return "fernet:" + _fernet(passphrases).encrypt(secret.encode()).decode()


def reveal(stored: str | None, passphrases: str, environ: Mapping[str, str] | None = None) -> str:
    """The secret itself, for signing a request. '' when there is none."""
    if not stored:
        return ""
    if stored.startswith("env:"):
        if not ENV_NAME.fullmatch(stored[4:]):  # stored before names were held to the prefix: never read
            raise _env_refused()
        return (os.environ if environ is None else environ).get(stored[4:], "")
    if stored.startswith("fernet:") and passphrases:
        try:
            return _fernet(passphrases).decrypt(stored[7:].encode()).decode()
        except InvalidToken:
            pass
    raise LedgerError("the channel's secret cannot be decrypted with NOTIFY_SECRET_KEY",
                      zh="无法用 NOTIFY_SECRET_KEY 解密该渠道的密钥，请重新填写")


def shown_url(url: str) -> str:
    """A URL as the admin page and the audit log may show it: no query (tokens live there) and no
    user:password."""
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def hint(secret: str) -> str:
    """The masked form shown back: never more than the last 4 characters of a secret of 12 or more."""
    secret = secret.strip()
    if secret.startswith("env:"):
        return secret[:64]
    return "••••" + (secret[-4:] if len(secret) >= 12 else "")
