"""Report tables show numbers exactly as Babel would, without Babel's cost per number, and
escape every text cell (issue 14: ~1,085 heatmap numbers per page)."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal

from app.numbers import shown_number
from app.templating import table_rows

VALUES = [0.0, -0.0, 0.005, 0.015, 2.675, 33.333, 66.66666, 99.995, 100.0, 0.1 + 0.2, -1234.5]


@pytest.mark.parametrize("locale", ["zh_CN", "en", "de_DE"])
def test_shown_number_matches_babel(locale):
    rng = random.Random(7)
    floats = VALUES + [rng.uniform(-1e6, 1e6) for _ in range(2000)]
    floats += [round(rng.uniform(0, 100), 3) for _ in range(2000)]
    for value in floats:
        assert shown_number(value, locale) == format_decimal(value, "#,##0.##", locale=locale)
    for value in (0, 7, -3, 12345, -1234567, 10**9):
        assert shown_number(value, locale) == format_decimal(value, locale=locale)


def test_table_rows_format_numbers_in_the_readers_language_and_escape_text(app):
    rows = ((1234.5, None, "<b>供应链</b>", 3),)
    with app.test_request_context():
        html = str(table_rows(rows))
        again = table_rows(rows)
    assert html == (
        '<tr><td>1,234.5</td><td><span class="muted">–</span></td>'
        "<td>&lt;b&gt;供应链&lt;/b&gt;</td><td>3</td></tr>"
    )
    assert str(again) == html
