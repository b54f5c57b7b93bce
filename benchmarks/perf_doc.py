"""Write a benchmark's figures into its own section of docs/performance.md."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def write_section(title: str, body: str) -> None:
    """Replace (or append) the section ``## title``; other sections stay as they are."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    stamp = (
        f"_Measured {dt.date.today().isoformat()} on {platform.node()} "
        f"({platform.machine()}, Python {platform.python_version()})._"
    )
    section = f"## {title}\n\n{stamp}\n\n{body.strip()}\n"
    start = text.find(f"## {title}\n")
    if start == -1:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("" if end == -1 else text[end:])
    DOC.write_text(text, encoding="utf-8")
