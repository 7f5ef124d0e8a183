"""People's passwords: argon2id hashes (argon2-cffi) and the minimum policy, as plain functions.

The cost is the PASSWORD_HASH_COST setting, applied once per process by its entry point
(`use(settings)`, before anyone signs in): "standard" is argon2-cffi's default, RFC 9106's second
recommendation (t=3, 64 MiB, 4 lanes): a few tenths of a second a guess on this kind of machine,
which a login costs once and a stolen hash costs each guess; "minimum" is OWASP's argon2id minimum
(t=2, 19 MiB, 1 lane). The encoded hash carries its parameters, so when the cost changes a stored
hash is replaced at the person's next sign-in (`needs_rehash`).

No password ships with the product: the first admin is created with `python -m ledger user create`.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

if TYPE_CHECKING:
    from kernel.settings import Settings

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 takes any length; this only stops a megabyte "password" costing memory


COSTS = {
    "standard": {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4},  # RFC 9106, second
    "minimum": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},  # OWASP's argon2id minimum
}
_chosen = {"cost": "standard"}  # the process's cost once its entry point called `use`


def use(settings: Settings) -> None:
    """Hash with the settings' cost from now on, in this process (its entry point calls this)."""
    if settings.password_hash_cost != _chosen["cost"]:
        _chosen["cost"] = settings.password_hash_cost
        dummy_hash.cache_clear()  # an unknown user's refusal must cost what a known one's does


def hasher() -> PasswordHasher:
    return _hasher(_chosen["cost"])


@lru_cache(maxsize=len(COSTS))
def _hasher(cost: str) -> PasswordHasher:
    return PasswordHasher(**COSTS[cost])


def hash_password(password: str, *, using: PasswordHasher | None = None) -> str:
    return (using or hasher()).hash(password)


def verify_password(stored: str, password: str, *, using: PasswordHasher | None = None) -> bool:
    """Whether `password` matches the stored hash; a malformed hash matches nothing."""
    try:
        return (using or hasher()).verify(stored, password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, *, using: PasswordHasher | None = None) -> bool:
    """True when the stored hash was made with other parameters than today's."""
    try:
        return (using or hasher()).check_needs_rehash(stored)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash no password is known for: a sign-in for an unknown username is verified against it,
    so it takes as long as a wrong password and the answer's timing names no usernames."""
    import secrets

    return hash_password(secrets.token_urlsafe(24))


def policy_problems(password: str, username: str) -> list[str]:
    """What is wrong with a new password (bilingual, for the person setting it); [] when it is fine.
    Length over composition rules (NIST SP 800-63B): long passphrases are easy to remember and hard
    to guess; and never the username, whatever the case or surrounding blanks."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少需要 {MIN_LENGTH} 个字符 · at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"密码最多 {MAX_LENGTH} 个字符 · at most {MAX_LENGTH} characters")
    if username and password.strip().casefold() == username.strip().casefold():
        problems.append("密码不能与用户名相同 · must not be the username")
    if password != password.strip() or any(ord(c) < 32 for c in password):
        problems.append("密码首尾不能有空白，不能含控制字符 · no blanks at either end, no control characters")
    return problems
