"""The password policy (ASVS 5.0 V6.2), applied wherever a password is set.

- at least ``MIN_LENGTH`` characters, at most ``MAX_LENGTH`` (well above the 64 that must be
  allowed); any characters, no composition rules, checked and hashed exactly as typed;
- not one of the common passwords that breaches and cracking lists show people choose most
  (the list zxcvbn ships, about 30,000 taken from leaked password sets; compared
  case-insensitively, and only entries the length rule would let through matter);
- not built from the account's own email name or display name (context-specific words).

Hashing (ASVS V11.4): argon2id through argon2-cffi, sized for a small server (see
``ARGON2_*``). Hashes of an earlier scheme (werkzeug's scrypt or pbkdf2) still
verify, and :func:`needs_rehash` tells the sign-in to store a new hash of the password it has
just checked, so accounts move to the current scheme as people sign in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from app.services.errors import ServiceError

MIN_LENGTH = 8
MAX_LENGTH = 200
#: Shorter context words (``li``, ``wu``) would refuse too many good passwords.
MIN_CONTEXT_WORD = 4

#: The value of ``PASSWORD_HASH_METHOD`` that selects argon2id; any other value is a
#: werkzeug method (tests use a fast ``pbkdf2:sha256:1000``).
ARGON2ID = "argon2id"
#: OWASP's argon2id profile (19 MiB, 2 passes, 1 lane): memory-hard, ~20 ms on one core of
#: the 2-core reference server, so sign-ins under load stay well under half a second. One lane
#: leaves the other core to the other requests; scrypt N=2^15 took ~100 ms per sign-in.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_LANES = 1


@cache
def _argon2() -> PasswordHasher:
    return PasswordHasher(
        time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_LANES
    )


def _method() -> str:
    return str(current_app.config["PASSWORD_HASH_METHOD"])


def hash_password(password: str) -> str:
    """A new hash of ``password`` in the configured scheme."""
    if _method() == ARGON2ID:
        return _argon2().hash(password)
    return generate_password_hash(password, method=_method())


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored``, a hash of the current or an earlier scheme."""
    if stored.startswith("$argon2"):
        try:
            return _argon2().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made by another scheme or other parameters than the configured
    ones: the sign-in then stores a new hash of the password it has just verified."""
    method = _method()
    if method == ARGON2ID:
        return not stored.startswith("$argon2id$") or _argon2().check_needs_rehash(stored)
    return not stored.startswith(method + "$")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower-cased; loaded once per process."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = FREQUENCY_LISTS["passwords"]
    if isinstance(words, str):  # older releases keep each list as one comma-joined string
        words = words.split(",")
    return frozenset(w.casefold() for w in words if len(w) >= MIN_LENGTH)


def _context_words(email: str, display_name: str) -> set[str]:
    local = email.split("@", 1)[0]
    parts = {local, *local.replace(".", " ").replace("_", " ").replace("-", " ").split()}
    parts |= {display_name.replace(" ", ""), *display_name.split()}
    return {p.casefold() for p in parts if len(p) >= MIN_CONTEXT_WORD}


def check_new_password(password: str, *, email: str, display_name: str, field: str) -> None:
    """Raise ``ServiceError`` (on ``field``) saying why ``password`` may not be set."""
    if len(password) < MIN_LENGTH:
        raise ServiceError(
            _("Use at least %(min)s characters for the password.", min=MIN_LENGTH), field
        )
    if len(password) > MAX_LENGTH:
        raise ServiceError(
            _("Use at most %(max)s characters for the password.", max=MAX_LENGTH), field
        )
    folded = password.casefold()
    if folded in common_passwords():
        raise ServiceError(
            _(
                "This password is one of the most common ones, which attackers try first. "
                "Choose another, e.g. a few unrelated words."
            ),
            field,
        )
    if any(word in folded for word in _context_words(email, display_name)):
        raise ServiceError(
            _("The password must not contain your email name or display name."), field
        )
