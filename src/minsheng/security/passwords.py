"""Password hashing with argon2 (pwdlib); a hash is never logged or shown."""

from __future__ import annotations

from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_LENGTH = 10


@cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # a malformed stored hash refuses the login rather than failing the request
        return False


# A fixed hash to verify against when the login is unknown, so timing does not reveal which logins exist.
@cache
def dummy_hash() -> str:
    return hash_password("minsheng-no-such-user")


def weakness(password: str) -> tuple[str, str] | None:
    """Why a new password is refused (zh, en), or None."""
    if len(password) < MIN_LENGTH:
        return (f"密码至少 {MIN_LENGTH} 位", f"a password needs at least {MIN_LENGTH} characters")
    if password.isdigit() or password.isalpha():
        return ("密码须同时包含字母和数字", "a password needs both letters and digits")
    return None
