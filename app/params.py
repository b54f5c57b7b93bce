"""Whole numbers from URLs: ids in paths and values in query strings.

Ids are PostgreSQL ``integer`` columns (32-bit); a larger number given to the database is an
overflow error there and in SQLite, not "no such row". So an id beyond the range never reaches
a query: in a path it matches no route (404), in a query string it is a 400 that names the
parameter (shared/DOMAIN.md, "Limits and readers").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, ValidationError

#: The largest id: PostgreSQL ``integer`` (and SQLite's 64-bit integers hold it too).
MAX_ID = 2**31 - 1
#: Beyond any real page; keeps OFFSET within what databases accept.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """Replaces Werkzeug's ``int`` converter in every route: a number above ``MAX_ID`` (or
    with more digits than it) matches no route, so ``/findings/99999999999999999999`` is a
    404 like any other id that does not exist."""

    def __init__(
        self,
        map: Any,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> Any:
        # Refuse before int(): Python refuses to convert strings of over 4,300 digits.
        if len(value.lstrip("-")) > len(str(MAX_ID)) or not value.isascii():
            raise ValidationError()
        return super().to_python(value)


class BadParameter(BadRequest):
    """A query parameter that is not what the page accepts; the message names it and is
    shown on the error page (or in the API's JSON error)."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.message = message


def query_int(
    name: str,
    *,
    args: Mapping[str, str] | None = None,
    default: int | None = None,
    minimum: int = 1,
    maximum: int = MAX_ID,
    required: bool = False,
) -> int | None:
    """``?name=`` as a whole number from ``minimum`` to ``maximum``; ``default`` when absent
    or empty. Anything else (a word, a fraction, a huge number) raises ``BadParameter``."""
    raw = ((request.args if args is None else args).get(name) or "").strip()
    if not raw:
        if required:
            raise BadParameter(_("The query parameter %(name)s is required.", name=name))
        return default
    digits = raw.removeprefix("-") if minimum < 0 else raw
    if (
        not (digits.isascii() and digits.isdigit())
        or len(digits) > 20
        or not minimum <= int(raw) <= maximum
    ):
        raise BadParameter(
            _(
                "The query parameter %(name)s must be a whole number from %(min)s to %(max)s, "
                "not %(value)s.",
                name=name,
                min=minimum,
                max=maximum,
                value=raw[:40],
            )
        )
    return int(raw)


def parse_id(raw: str | None) -> int | None:
    """A form or file value as an id, or None when it is not one (a word, ``²``, a number
    beyond ``MAX_ID``). For lists of checked boxes and the like, where a bad value is skipped."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def form_version(raw: str | int | None) -> int | None:
    """The hidden ``version`` of an edit form: None when the form has none; a value that is
    not a version compares unequal to every record (0), so the edit is refused as stale.

    A post that leaves the field out gets the record's own version (an int) from WTForms'
    ``obj=``: that is no stale edit."""
    if isinstance(raw, int):
        return raw
    if not (raw or "").strip():
        return None
    return parse_id(raw) or 0
