"""The one rule for text that Ladder stores, whether typed into a form or read from a file.

NUL cannot be stored by PostgreSQL, and the other C0/C1 control characters cannot be written
to an .xlsx export (openpyxl refuses them) or survive a backup restored into another
database. Tab, line feed and carriage return are ordinary text (a textarea sends CR LF).

Pure: no Flask, no database.
"""

from __future__ import annotations

import re

__all__ = ["CONTROL_CHARACTERS", "describe_character", "first_control_character"]

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def first_control_character(text: str) -> str | None:
    """The first character of ``text`` that the rule refuses, or None."""
    found = CONTROL_CHARACTERS.search(text)
    return found.group() if found else None


def describe_character(char: str) -> str:
    """``U+0007``: how a message names an invisible character."""
    return f"U+{ord(char):04X}"
