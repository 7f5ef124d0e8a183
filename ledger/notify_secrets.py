"""A channel's secret at rest: encrypted with Fernet under NOTIFY_SECRET_KEY, or an environment variable.

Stored forms (`NotifyChannel.secret`):
- `fernet:<token>`: the secret, encrypted (AES-128-CBC + HMAC-SHA256, cryptography's Fernet). The key is
  derived from the NOTIFY_SECRET_KEY passphrase with SHA-256; "new,old" decrypts with either while
  rotating (MultiFernet) and encrypts with the first.
- `env:NAME`: read from the notifier's environment at send time; the ledger never holds the value.
The admin page shows only `hint()`: the env name, or the last 4 characters behind dots. Nothing here
logs a secret; `reveal` is called by the sender only, just before a request is signed.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ledger.errors import LedgerError

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")


def _fernet(passphrases: str) -> MultiFernet:
    keys = [k.strip() for k in passphrases.split(",") if k.strip()]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(k.encode()).digest())) for k in keys])


def seal(secret: str, passphrases: str) -> str:
    """What to store for a secret the admin typed: `env:NAME` kept as is, anything else encrypted."""
    secret = secret.strip()
    if secret.startswith("env:"):
        name = secret[4:]
        if not ENV_NAME.match(name):
            raise LedgerError("an environment variable name is A-Z, 0-9 and _",
                              zh="环境变量名只能包含大写字母、数字和下划线")
        return secret
    if not passphrases:
        raise LedgerError("NOTIFY_SECRET_KEY is not set: give the secret as env:NAME instead",
                          zh="未设置 NOTIFY_SECRET_KEY，无法加密保存；请改用 env:变量名 引用环境变量")
    return "fernet:" + _fernet(passphrases).encrypt(secret.encode()).decode()


def reveal(stored: str | None, passphrases: str, environ: Mapping[str, str] | None = None) -> str:
    """The secret itself, for signing a request. '' when there is none."""
    if not stored:
        return ""
    if stored.startswith("env:"):
        return (os.environ if environ is None else environ).get(stored[4:], "")
    if stored.startswith("fernet:") and passphrases:
        try:
            return _fernet(passphrases).decrypt(stored[7:].encode()).decode()
        except InvalidToken:
            pass
    raise LedgerError("the channel's secret cannot be decrypted with NOTIFY_SECRET_KEY",
                      zh="无法用 NOTIFY_SECRET_KEY 解密该渠道的密钥，请重新填写")


def hint(secret: str) -> str:
    """The masked form shown back: never more than the last 4 characters of a secret of 12 or more."""
    secret = secret.strip()
    if secret.startswith("env:"):
        return secret[:64]
    return "••••" + (secret[-4:] if len(secret) >= 12 else "")
