"""People's passwords: argon2id hashes (argon2-cffi) and the minimum policy, as plain functions.

argon2-cffi's defaults are RFC 9106's second recommendation (t=3, 64 MiB, 4 lanes): a few tenths
of a second a guess on this kind of machine, which a login costs once and a stolen hash costs
each guess. The encoded hash carries its parameters, so when the defaults grow a stored hash is
replaced at the person's next sign-in (`needs_rehash`).

No password ships with the product: the first admin is created with `python -m ledger user create`.
"""
from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 takes any length; this only stops a megabyte "password" costing memory


def hasher() -> PasswordHasher:
    return _default()


@lru_cache(maxsize=1)
def _default() -> PasswordHasher:
    return PasswordHasher()


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
