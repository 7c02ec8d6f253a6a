"""Passwords: the rule a new password must meet, and hashing with argon2.

The rule follows NIST SP 800-63B (5.1.1.2): at least 10 and at most 256 characters, any printable
Unicode, no composition rules, but no password that is easy to guess: common passwords, repeats,
sequences, keyboard walks and the account's own email or name are refused, as zxcvbn estimates
them. Passwords are NFKC-normalized before hashing, so that the same characters typed on
different systems (composed or decomposed accents, full-width forms) give the same password.

Hashing is argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile). Verifying costs the
same argon2 work whether or not there is a hash to check against, so that a caller can make every
failed sign-in take the same time.
"""

from __future__ import annotations

import re
import secrets
import threading
import unicodedata
from collections.abc import Iterable
from contextlib import suppress
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# zxcvbn scores 0-4; 3 is "safely unguessable" (more than 10^8 guesses), enough against online
# guessing under the sign-in throttle and a real cost offline against argon2.
MIN_STRENGTH = 3
# zxcvbn refuses longer input by default: its matching grows much faster than linearly (seconds
# for 256 characters). A password is never easier to guess than its first characters, so one
# whose first 72 are strong is strong; one whose first 72 are weak is refused.
_STRENGTH_WINDOW = 72
# Words anyone guessing passwords here would try first (NIST: the name of the service).
_SERVICE_WORDS = ("kb", "knowledge base", "knowledgebase", "evidence kb")
# zxcvbn keeps the user inputs of the current call in a module-level dictionary.
_zxcvbn_lock = threading.Lock()


def normalize_password(password: str) -> str:
    """The password as hashed: NFKC (NIST SP 800-63B 5.1.1.2, Unicode passwords)."""
    return unicodedata.normalize("NFKC", password)


def _context_words(user_inputs: Iterable[str]) -> list[str]:
    """The given words and their parts: an email's local part and domain, a name's words, and
    those words run together ("mary.smith@example.org" gives "mary", "smith", "marysmith")."""
    words: set[str] = set(_SERVICE_WORDS)
    for value in user_inputs:
        value = value.strip().lower()
        local, _, domain = value.partition("@")
        parts = re.split(r"[\W_]+", local)
        words.update({value, local, domain, domain.split(".")[0], "".join(parts), *parts})
    return sorted(w for w in words if len(w) >= 3 or w in _SERVICE_WORDS)


def password_problems(password: str, *, user_inputs: Iterable[str] = ()) -> list[str]:
    """Why password is refused, one reason per item; empty when it may be used.

    user_inputs: the account's email and name, which the password must not be built on.
    """
    problems: list[str] = []
    normalized = normalize_password(password)
    if max(len(password), len(normalized)) > MAX_PASSWORD_LENGTH:
        problems.append(f"longer than {MAX_PASSWORD_LENGTH} characters")
    elif len(normalized) < MIN_PASSWORD_LENGTH:
        problems.append(f"shorter than {MIN_PASSWORD_LENGTH} characters")
    for position, char in enumerate(password, start=1):
        category = unicodedata.category(char)
        if category == "Cc":
            problems.append(
                f"contains a control character (U+{ord(char):04X} at character {position}); "
                "tabs, line breaks and NUL are not allowed"
            )
            break
        if category == "Cs":
            problems.append(f"contains an unpaired surrogate (at character {position})")
            break
    weakness = _weakness(normalized[:_STRENGTH_WINDOW], user_inputs)
    if weakness is not None:
        problems.append(weakness)
    return problems


def _weakness(password: str, user_inputs: Iterable[str]) -> str | None:
    """Why zxcvbn finds password easy to guess, or None."""
    with _zxcvbn_lock:
        result = zxcvbn(password, user_inputs=_context_words(user_inputs))
    if result["score"] >= MIN_STRENGTH:
        return None
    own = {
        m["matched_word"] for m in result["sequence"] if m.get("dictionary_name") == "user_inputs"
    }
    if own - set(_SERVICE_WORDS):
        why = "it contains the account's email or name"
    elif own:
        why = "it contains the name of this service"
    else:
        feedback = result["feedback"]
        hint = feedback["warning"] or next(iter(feedback["suggestions"]), "")
        why = hint.rstrip(".") or "it resembles common passwords"
    return f"too easy to guess: {why[0].lower()}{why[1:]}"


def hash_password(password: str) -> str:
    """An argon2id hash of the (normalized) password; the password itself is never stored."""
    return _hasher.hash(normalize_password(password))


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

    Costs one argon2 verification whatever the outcome (two for a password that NFKC changes,
    whose hash may predate normalization): no hash, an unreadable hash or an over-long password
    take as long as a wrong password. A password over MAX_PASSWORD_LENGTH never matches and is
    never hashed. The new hash is given when the stored one uses older parameters or predates
    normalization.
    """
    if len(password) > MAX_PASSWORD_LENGTH or not _encodable(password):
        _verify(None, "")
        return False, None
    normalized = normalize_password(password)
    if _verify(password_hash, normalized):
        assert password_hash is not None
        return True, hash_password(password) if needs_rehash(password_hash) else None
    if normalized != password and _verify(password_hash, password):
        return True, hash_password(password)
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
    """A password for a new account, to be shown once (it meets the password rule)."""
    while True:
        password = secrets.token_urlsafe(12)
        if not password_problems(password):
            return password
