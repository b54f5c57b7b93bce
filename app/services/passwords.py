"""The password policy (ASVS 5.0 V6.2), applied wherever a password is set.

- at least ``MIN_LENGTH`` characters, at most ``MAX_LENGTH`` (well above the 64 that must be
  allowed); any characters, no composition rules, checked and hashed exactly as typed;
- not one of the common passwords that breaches and cracking lists show people choose most
  (the list zxcvbn ships, about 30,000 taken from leaked password sets; compared
  case-insensitively, and only entries the length rule would let through matter);
- not built from the account's own email name or display name (context-specific words).
"""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _

from app.services.errors import ServiceError

MIN_LENGTH = 8
MAX_LENGTH = 200
#: Shorter context words (``li``, ``wu``) would refuse too many good passwords.
MIN_CONTEXT_WORD = 4


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
