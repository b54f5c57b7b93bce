"""A list of theme names with example texts, as the PMO types it to start a seeded run.

One theme per line: its name, then optionally a colon and example texts separated by ``|``::

    需求变更频繁: 需求老是变 | 客户开发到一半改主意
    Unclear ownership: nobody owns the MES rollout | 谁负责说不清
    测试不充分

A name without examples is its own example (a short name such as "测试不充分" reads like a
complaint). Full-width colons and bars are accepted. Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_EXAMPLES", "MAX_NAME", "MAX_THEMES", "NamedTheme", "ThemeListError", "parse"]

MAX_THEMES = 30
MAX_NAME = 200
MAX_EXAMPLES = 20
_MAX_EXAMPLE = 2000


@dataclass(frozen=True, slots=True)
class NamedTheme:
    name: str
    examples: tuple[str, ...]


class ThemeListError(ValueError):
    """A line that cannot be read; ``line`` is its 1-based number (0: the whole list) and
    ``reason`` one of ``empty``, ``too_many``, ``no_name``, ``name_too_long``,
    ``duplicate``, ``too_many_examples``, ``example_too_long``."""

    def __init__(self, reason: str, line: int = 0, name: str = "") -> None:
        super().__init__(f"{reason} (line {line})")
        self.reason = reason
        self.line = line
        self.name = name


def parse(text: str) -> tuple[NamedTheme, ...]:
    """The themes of the list, in order; raises :class:`ThemeListError` for the first line
    that cannot be read. Blank lines are skipped."""
    themes: list[NamedTheme] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("：", ":").replace("｜", "|").strip()
        if not line:
            continue
        name, _colon, rest = line.partition(":")
        name = name.strip()
        if not name:
            raise ThemeListError("no_name", number)
        if len(name) > MAX_NAME:
            raise ThemeListError("name_too_long", number, name[:40])
        if name.casefold() in seen:
            raise ThemeListError("duplicate", number, name)
        seen.add(name.casefold())
        examples = tuple(dict.fromkeys(e.strip() for e in rest.split("|") if e.strip()))
        if len(examples) > MAX_EXAMPLES:
            raise ThemeListError("too_many_examples", number, name)
        if any(len(e) > _MAX_EXAMPLE for e in examples):
            raise ThemeListError("example_too_long", number, name)
        themes.append(NamedTheme(name, examples or (name,)))
        if len(themes) > MAX_THEMES:
            raise ThemeListError("too_many", number)
    if not themes:
        raise ThemeListError("empty")
    return tuple(themes)
