"""Password hashing with argon2 (argon2-cffi's defaults, RFC 9106 low-memory profile).

Verifying costs the same argon2 work whether or not there is a hash to check against, so that a
caller can make every failed sign-in take the same time.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


def hash_password(password: str) -> str:
    """An argon2id hash of the password; the password itself is never stored."""
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    """A hash of a password nobody knows, made with today's parameters, to verify against."""
    return _hasher.hash(secrets.token_urlsafe(32))


def _verify(password_hash: str | None, password: str) -> bool:
    """One argon2 verification; against a dummy hash when there is no usable hash."""
    if password_hash:
        try:
            return _hasher.verify(password_hash, password)
        except InvalidHashError:
            pass  # rejected before any work: spend it below
        except VerificationError:
            return False
    with suppress(VerificationError):
        _hasher.verify(_dummy_hash(), password)
    return False


def verify_and_update(password_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(password matches, a new hash to store or None) for a sign-in.

    Costs one argon2 verification whatever the outcome: no hash, an unreadable hash or an
    over-long password take as long as a wrong password. A password over MAX_PASSWORD_LENGTH
    never matches and is never hashed. The new hash is given when the stored one uses older
    parameters.
    """
    if len(password) > MAX_PASSWORD_LENGTH or not _encodable(password):
        _verify(None, "")
        return False, None
    if _verify(password_hash, password):
        assert password_hash is not None
        return True, hash_password(password) if needs_rehash(password_hash) else None
    return False, None


def _encodable(password: str) -> bool:
    """False for text argon2 cannot take as UTF-8 (unpaired surrogates)."""
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when password matches the stored hash (same cost whatever the outcome)."""
    return verify_and_update(password_hash, password)[0]


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash uses weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(password_hash)


def random_password() -> str:
    """A password for a new account, to be shown once."""
    return secrets.token_urlsafe(12)
