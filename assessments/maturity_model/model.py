"""A maturity model in memory: process areas, their goals and practices, in two languages.

Built by :mod:`assessments.maturity_model.validator` from a YAML file; part of the pure
domain package (no Flask, no database).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "RATING_SCALE",
    "Category",
    "Goal",
    "GoalKind",
    "MaturityModel",
    "Practice",
    "ProcessArea",
    "Text",
    "model_to_dict",
]

#: The only rating scale a model may declare (for now).
RATING_SCALE: tuple[str, ...] = ("FI", "LI", "PI", "NI", "NA")

GoalKind = Literal["specific", "generic"]


@dataclass(frozen=True)
class Text:
    """A bilingual text; both languages are always present and non-empty."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        """The text in ``language`` ("zh…" or anything else for English)."""
        return self.zh if language.lower().startswith("zh") else self.en


@dataclass(frozen=True)
class Category:
    code: str
    name: Text


@dataclass(frozen=True)
class Practice:
    id: str
    text: Text
    guidance: Text | None = None
    #: ``{"zh": (...), "en": (...)}`` or None when the file gives none.
    work_products: dict[str, tuple[str, ...]] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class Goal:
    id: str
    kind: GoalKind
    #: None for a specific goal; 2 or 3 for a generic goal.
    level: int | None
    name: Text
    practices: tuple[Practice, ...]


@dataclass(frozen=True)
class ProcessArea:
    code: str
    name: Text
    category: str
    maturity_level: int
    purpose: Text
    #: ``{"zh": (...), "en": (...)}``
    keywords: dict[str, tuple[str, ...]] = field(hash=False)
    #: The specific goals, followed by the generic goals expanded for this area.
    goals: tuple[Goal, ...]

    @property
    def specific_goals(self) -> tuple[Goal, ...]:
        return tuple(goal for goal in self.goals if goal.kind == "specific")

    @property
    def generic_goals(self) -> tuple[Goal, ...]:
        return tuple(goal for goal in self.goals if goal.kind == "generic")

    def practices(self) -> Iterator[tuple[Goal, Practice]]:
        """Every practice of the area with its goal, in model order."""
        for goal in self.goals:
            for practice in goal.practices:
                yield goal, practice


@dataclass(frozen=True)
class MaturityModel:
    key: str
    version: str
    name: Text
    description: Text
    categories: tuple[Category, ...]
    process_areas: tuple[ProcessArea, ...]

    def area(self, code: str) -> ProcessArea:
        """The process area with this code; KeyError if there is none."""
        for area in self.process_areas:
            if area.code == code:
                return area
        raise KeyError(code)

    def practices(self) -> Iterator[tuple[ProcessArea, Goal, Practice]]:
        """Every practice of the model with its area and goal, in model order."""
        for area in self.process_areas:
            for goal, practice in area.practices():
                yield area, goal, practice

    def practice_ids(self) -> frozenset[str]:
        return frozenset(practice.id for _, _, practice in self.practices())


def model_to_dict(model: MaturityModel) -> dict[str, Any]:
    """The model as printed by ``ladder model show KEY --format json``."""
    return {
        "key": model.key,
        "version": model.version,
        "name": _text_dict(model.name),
        "process_areas": [
            {
                "code": area.code,
                "name": _text_dict(area.name),
                "maturity_level": area.maturity_level,
                "category": area.category,
                "goals": [
                    {
                        "id": goal.id,
                        "kind": goal.kind,
                        "level": goal.level,
                        "practices": [
                            {"id": practice.id, "text": _text_dict(practice.text)}
                            for practice in goal.practices
                        ],
                    }
                    for goal in area.goals
                ],
            }
            for area in model.process_areas
        ],
    }


def _text_dict(text: Text) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}
