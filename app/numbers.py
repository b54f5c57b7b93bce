"""The one rule for numbers people enter or import: finite, and within a sensible range.

``inf``, ``nan`` and ``1e309`` parse as floats in Python and WTForms, but they break progress
maths, charts, JSON (``Infinity`` is not JSON) and restoring a backup into PostgreSQL. Every
number a form, an import or the API takes goes through :func:`checked_number`, which refuses
them with a message naming the field (imports add the row and column); forms use
:class:`FiniteNumber`, services call :func:`checked_number` again before storing.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import Field, Form
from wtforms.validators import StopValidation

#: KPI values, baselines and targets (shared/DOMAIN.md: |value| ≤ 10⁹).
KPI_LIMIT = 1e9


class NumberOutOfRange(ValueError):
    """A number that is not finite or not within its range; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _shown(value: float) -> str:
    locale = get_locale()
    return format_decimal(value, locale=str(locale) if locale else "en")


_HUNDREDTHS = Decimal("0.01")


@functools.lru_cache(maxsize=16)
def _separators(locale: str) -> dict[int, str]:
    """A ``str.translate`` table from Python's ``,`` and ``.`` to the locale's symbols."""
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})


def shown_number(value: float | int, locale: str) -> str:
    """``value`` as Babel's ``format_decimal`` shows it in ``locale``: integers grouped, other
    numbers with at most two decimals (pattern ``#,##0.##``), rounded half to even.

    Tables of reports show a thousand numbers at once, and Babel parses its pattern and looks
    the locale up on every call (about 20 µs each); this reads the symbols once per locale."""
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        rounded = Decimal(repr(value)).quantize(_HUNDREDTHS, rounding=ROUND_HALF_EVEN)
        text = f"{rounded:,f}".rstrip("0").rstrip(".")
        if text in ("-0", "-"):
            text = "-0"
    return text.translate(_separators(locale))


def checked_number(
    value: Any, label: str, *, low: float = -KPI_LIMIT, high: float = KPI_LIMIT
) -> float:
    """``value`` (a number, or text such as ``"12.5"`` or ``"1,200"``) as a float within
    ``low``..``high``; otherwise ``NumberOutOfRange`` whose message names ``label``."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value) if abs(value) < 1e308 or isinstance(value, float) else math.inf
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if text and len(text) <= 40:
            try:
                number = float(text)
            except ValueError:
                number = None
    if number is None:
        raise NumberOutOfRange(_("%(field)s: enter a number.", field=label))
    if not math.isfinite(number) or not low <= number <= high:
        raise NumberOutOfRange(
            _(
                "%(field)s must be a number from %(low)s to %(high)s.",
                field=label,
                low=_shown(low),
                high=_shown(high),
            )
        )
    return number


class FiniteNumber:
    """WTForms validator for a ``FloatField``: finite and within ``low``..``high``."""

    def __init__(self, low: float = -KPI_LIMIT, high: float = KPI_LIMIT) -> None:
        self.low = low
        self.high = high

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is None:
            return
        try:
            field.data = checked_number(
                field.data, str(field.label.text), low=self.low, high=self.high
            )
        except NumberOutOfRange as error:
            raise StopValidation(error.message) from error


class FiniteJSONProvider(DefaultJSONProvider):
    """Flask's JSON with ``allow_nan=False``: a non-finite number is an error on our side,
    never ``Infinity`` or ``NaN`` in a response (which are not JSON and break clients)."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)
