"""The one rule for numbers people enter or import: finite, and within a sensible range.

``inf``, ``nan`` and ``1e309`` parse as floats in Python and WTForms, but they break progress
maths, charts, JSON (``Infinity`` is not JSON) and restoring a backup into PostgreSQL. Every
number a form, an import or the API takes goes through :func:`checked_number`, which refuses
them with a message naming the field (imports add the row and column); forms use
:class:`FiniteNumber`, services call :func:`checked_number` again before storing.
"""

from __future__ import annotations

import math
from typing import Any

from babel.numbers import format_decimal
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
